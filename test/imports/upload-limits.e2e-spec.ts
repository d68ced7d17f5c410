import { makeCast, makeOrganisation, makeUser } from '../factories/identity';
import { bearer, startApp, TestApp, uniq } from '../setup/test-app';
import { downloadTemplate, fillSheet, settled, unzipEntries, upload } from './workbooks';
import { buildZip, minimalXlsxEntries, zeros } from './zip-fixtures';

const KIND = 'identity.organisations';
const SHEET = 'Organisations 机构';

describe('imports: upload refusals and limits', () => {
  let t: TestApp;
  let admin: string;
  let template: Buffer;

  beforeAll(async () => {
    t = await startApp({ IMPORT_MAX_ROWS: '20' });
    const authority = await makeOrganisation(t, 'authority');
    admin = (await makeUser(t, authority, ['admin'])).token;
    template = await downloadTemplate(t, admin, KIND);
  });
  afterAll(() => t.close());

  const filled = () => fillSheet(template, SHEET, [[`M${uniq()}`, 'Supplier', 'distributor']]);

  it('recognises the same file uploaded twice and names the first import', async () => {
    const file = await filled();
    const first = await upload(t, admin, KIND, file).expect(202);
    const second = await upload(t, admin, KIND, file, 'renamed.xlsx').expect(409);
    expect(second.body).toMatchObject({
      code: 'IMPORTS.DUPLICATE_FILE',
      details: { importId: first.body.id },
    });
    expect(['queued', 'validating', 'committing', 'committed']).toContain(
      second.body.details.status,
    );
    expect(second.body.message).toContain(`import ${first.body.id}`);
    expect((await settled(t, admin, first.body.id)).body.status).toBe('committed');
    const third = await upload(t, admin, KIND, file).expect(409);
    expect(third.body.details).toEqual({ importId: first.body.id, status: 'committed' });
  });

  it.each<[string, () => Buffer, string, number, string]>([
    [
      'a text file renamed .xlsx',
      () => Buffer.from('code,name\nH1,x\n'),
      'orgs.xlsx',
      415,
      'IMPORTS.NOT_XLSX',
    ],
    ['a .csv file', () => Buffer.from('code,name\nH1,x\n'), 'orgs.csv', 415, 'IMPORTS.NOT_XLSX'],
    [
      'a zip that is no workbook',
      () => buildZip([{ name: 'a.txt', data: Buffer.from('x') }]),
      'a.xlsx',
      415,
      'IMPORTS.NOT_XLSX',
    ],
    [
      'a zip bomb',
      () => buildZip([...minimalXlsxEntries(), zeros('xl/worksheets/sheet1.xml', 16 << 20)]),
      'bomb.xlsx',
      400,
      'IMPORTS.ZIP_BOMB',
    ],
    [
      'an encrypted zip',
      () => buildZip(minimalXlsxEntries().map((e) => ({ ...e, flags: 1 }))),
      'enc.xlsx',
      400,
      'IMPORTS.UNSUPPORTED_ZIP',
    ],
  ])('refuses %s with %i', async (_label, make, name, status, code) => {
    const res = await upload(t, admin, KIND, make(), name).expect(status);
    expect(res.body).toMatchObject({ statusCode: status, code });
    expect(res.body.message).toBeTruthy();
  });

  it('refuses an upload without a file, an unknown kind and a context the kind does not take', async () => {
    const missing = await t
      .http()
      .post(`/api/v1/imports/${KIND}`)
      .set(bearer(admin))
      .field('note', 'no file')
      .expect(400);
    expect(missing.body.code).toBe('IMPORTS.FILE_MISSING');
    const unknown = await upload(t, admin, 'catalog.nothing', template).expect(404);
    expect(unknown.body.code).toBe('IMPORTS.KIND_NOT_FOUND');
    const context = await upload(t, admin, KIND, template, 'x.xlsx', '?contextId=17').expect(400);
    expect(context.body.code).toBe('IMPORTS.CONTEXT_INVALID');
    const badContext = await t
      .http()
      .get(`/api/v1/imports/templates/${KIND}?contextId=a%20b`)
      .set(bearer(admin))
      .expect(400);
    expect(badContext.body.message).toMatch(/contextId/);
    const twoFiles = await t
      .http()
      .post(`/api/v1/imports/${KIND}`)
      .set(bearer(admin))
      .attach('file', template, 'a.xlsx')
      .attach('other', template, 'b.xlsx')
      .expect(400);
    expect(twoFiles.body.code).toBe('IMPORTS.UPLOAD_INVALID');
  });

  it('fails an import whose parts inflate beyond what the directory declares', async () => {
    const lying = buildZip([
      ...minimalXlsxEntries(),
      { ...zeros('xl/media/pad.bin', 400_000), declaredSize: 4_000 },
      // Unique content: the database may be shared with earlier runs.
      { name: 'docProps/custom.xml', data: Buffer.from(uniq()) },
    ]);
    const res = await upload(t, admin, KIND, lying, 'lying.xlsx').expect(202);
    const done = await settled(t, admin, res.body.id);
    expect(done.body.status).toBe('failed');
    expect(done.body.message).toMatch(/xl\/media\/pad\.bin inflates beyond the 4000 bytes/);
  });

  it('fails a workbook that is damaged inside, with a clear message', async () => {
    const entries = await unzipEntries(await filled());
    const damaged = buildZip(
      entries.map((e) =>
        e.name === 'xl/worksheets/sheet2.xml'
          ? {
              ...e,
              data: Buffer.from(
                e.data.toString('utf8').replace('</row>', '</row><row r="2"><<c/></row>'),
              ),
            }
          : e,
      ),
    );
    const res = await upload(t, admin, KIND, damaged, 'damaged.xlsx').expect(202);
    const done = await settled(t, admin, res.body.id);
    expect(done.body.status).toBe('failed');
    expect(done.body.message).toMatch(/^The workbook could not be read \(it may be damaged\): /);
  });

  it('answers the API-key scopes: none for keyless routes', async () => {
    await t.http().get('/api/v1/imports').expect(401);
  });
});

describe('imports: size and rate limits', () => {
  let t: TestApp;
  let cast: Awaited<ReturnType<typeof makeCast>>;

  beforeAll(async () => {
    t = await startApp({
      UPLOAD_MAX_BYTES: '2048',
      UPLOAD_RATE_LIMIT: '2',
      UPLOAD_RATE_WINDOW_SECONDS: '600',
    });
    cast = await makeCast(t);
  });
  afterAll(() => t.close());

  it('cuts off an upload larger than UPLOAD_MAX_BYTES with 413', async () => {
    const big = buildZip([
      ...minimalXlsxEntries(),
      {
        name: 'xl/x.bin',
        data: Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 251)),
        store: true,
      },
    ]);
    const res = await upload(t, cast.users.admin.token, KIND, big, 'big.xlsx').expect(413);
    expect(res.body).toMatchObject({ statusCode: 413, code: 'IMPORTS.FILE_TOO_LARGE' });
    expect(res.body.message).toContain('2048');
  });

  it('limits uploads per user with 429', async () => {
    const token = (await makeUser(t, cast.authority, ['admin'])).token;
    const text = Buffer.from('not a workbook');
    await upload(t, token, KIND, text, 'a.xlsx').expect(415);
    await upload(t, token, KIND, text, 'b.xlsx').expect(415);
    const limited = await upload(t, token, KIND, text, 'c.xlsx').expect(429);
    expect(limited.body.code).toBe('COMMON.RATE_LIMITED');
    // Another user is not affected.
    await upload(t, cast.users.admin.token, KIND, text, 'd.xlsx').expect(415);
  });
});
