import ExcelJS from 'exceljs';
import { In } from 'typeorm';
import { Organisation } from '../../src/modules/identity/organisations/organisation.entity';
import { makeCast, makeUser } from '../factories/identity';
import { bearer, binary, startApp, TestApp, uniq } from '../setup/test-app';
import { downloadTemplate, fillSheet, loadWorkbook, settled, upload } from './workbooks';

const KIND = 'identity.organisations';
const SHEET = 'Organisations 机构';
const HEADERS = [
  '机构编码 Code',
  '机构名称 Name',
  '机构类型 Type',
  '医疗机构类别 Hospital kind',
  '医院等级 Grade',
  '公立 Public',
  '行政区划代码 Region code',
  '统一社会信用代码 Credit code',
  '联系人 Contact name',
  '联系电话 Contact phone',
];

describe('imports: organisations (identity.organisations)', () => {
  let t: TestApp;
  let cast: Awaited<ReturnType<typeof makeCast>>;
  let admin: string;
  let template: Buffer;

  beforeAll(async () => {
    // A small row limit keeps the template's list validation (one rule per accepted row) cheap.
    t = await startApp({ IMPORT_MAX_ROWS: '40' });
    cast = await makeCast(t);
    admin = cast.users.admin.token;
    template = await downloadTemplate(t, admin, KIND);
  });
  afterAll(() => t.close());

  const hospitalRow = (
    code: string,
    regionCode = cast.regions.county.code,
  ): ExcelJS.CellValue[] => [
    code,
    `Hospital ${code}`,
    'hospital',
    'public_hospital',
    '2A',
    null,
    regionCode,
    null,
    '王敏',
    '025-84400000',
  ];
  const supplierRow = (code: string): ExcelJS.CellValue[] => [
    code,
    `Supplier ${code}`,
    'manufacturer',
    null,
    null,
    null,
    null,
    null,
    null,
    null,
  ];
  const countCodes = (codes: string[]) =>
    t.dataSource.getRepository(Organisation).countBy({ code: In(codes) });

  it('GET /imports/kinds lists the kind for admins only', async () => {
    const res = await t.http().get('/api/v1/imports/kinds').set(bearer(admin)).expect(200);
    const kind = (res.body as { kind: string }[]).find((k) => k.kind === KIND);
    expect(kind).toMatchObject({
      kind: KIND,
      version: 1,
      sheetName: SHEET,
      contextRequired: false,
      template: `GET /api/v1/imports/templates/${KIND}`,
    });
    expect(
      (kind as unknown as { columns: { header: string }[] }).columns.map((c) => c.header),
    ).toEqual(HEADERS);
    const hospital = await t
      .http()
      .get('/api/v1/imports/kinds')
      .set(bearer(cast.users.hospital_user.token))
      .expect(200);
    expect((hospital.body as { kind: string }[]).map((k) => k.kind)).not.toContain(KIND);
  });

  it('documents the import routes in the OpenAPI document', async () => {
    const res = await t.http().get('/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/imports/kinds',
        '/api/v1/imports/templates/{kind}',
        '/api/v1/imports/{kind}',
        '/api/v1/imports',
        '/api/v1/imports/{id}',
        '/api/v1/imports/{id}/errors.xlsx',
      ]),
    );
  });

  it('GET /imports/templates/:kind generates the template workbook', async () => {
    const res = await t
      .http()
      .get(`/api/v1/imports/templates/${KIND}`)
      .set(bearer(admin))
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="identity.organisations-v1.xlsx"',
    );
    const wb = await loadWorkbook(res.body as Buffer);
    expect(wb.worksheets.map((s) => [s.name, s.state])).toEqual([
      ['_meta', 'veryHidden'],
      [SHEET, 'visible'],
      ['Example 示例', 'visible'],
    ]);
    const meta = wb.getWorksheet('_meta')!;
    expect(meta.getCell('A1').value).toBe('kind');
    expect(meta.getCell('B1').value).toBe(KIND);
    expect(meta.getCell('B2').value).toBe('1');
    expect(meta.getCell('A3').value).toBe('contextId');
    expect(meta.getCell('B3').value).toBeNull();
    expect(new Date(meta.getCell('B4').value as string).getTime()).not.toBeNaN();

    const sheet = wb.getWorksheet(SHEET)!;
    expect(sheet.rowCount).toBe(1);
    expect(sheet.getRow(1).values).toEqual([undefined, ...HEADERS]);
    expect(sheet.getCell('A1').font?.bold).toBe(true);
    // Cells are locked unless a style says otherwise: the header keeps the default.
    expect(sheet.getCell('A1').protection?.locked).not.toBe(false);
    expect(sheet.getColumn(1).style.protection?.locked).toBe(false);
    expect(sheet.getColumn(1).numFmt).toBe('@');
    expect(sheet.getColumn(2).width).toBe(36);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect((sheet as unknown as { sheetProtection: unknown }).sheetProtection).toMatchObject({
      sheet: true,
      insertRows: true,
    });
    expect(sheet.getCell('C2').dataValidation).toMatchObject({
      type: 'list',
      formulae: ['"authority,hospital,manufacturer,distributor"'],
    });
    expect(sheet.getCell('C41').dataValidation).toBeDefined();
    expect(wb.getWorksheet('Example 示例')!.rowCount).toBe(3);
  });

  it('imports a filled-in template: all rows written, audited, readable', async () => {
    const codes = [`H${uniq()}`, `H${uniq()}`, `M${uniq()}`];
    const file = await fillSheet(template, SHEET, [
      hospitalRow(codes[0]),
      hospitalRow(codes[1], cast.regions.otherCounty.code),
      [],
      supplierRow(codes[2]),
      [],
    ]);
    const res = await upload(t, admin, KIND, file, '机构 2026.xlsx').expect(202);
    expect(res.body).toMatchObject({
      kind: KIND,
      version: 1,
      contextId: '',
      status: 'queued',
      originalName: '机构 2026.xlsx',
      sizeBytes: file.length,
      uploadedBy: cast.users.admin.user.id,
      uploadedByKind: 'user',
      organisationId: cast.authority.id,
    });
    expect(res.body.sha256).toMatch(/^[0-9a-f]{64}$/);

    const done = await settled(t, admin, res.body.id);
    expect(done.body).toMatchObject({
      status: 'committed',
      rowsTotal: 3,
      rowsWritten: 3,
      errorCount: 0,
      errorFileAvailable: false,
      problems: [],
    });
    expect(done.body.executedBy).toMatch(t.config.redisUrl ? /^worker:/ : /^api:/);
    expect(done.body.finishedAt).not.toBeNull();

    const orgs = await t.dataSource.getRepository(Organisation).findBy({ code: In(codes) });
    expect(orgs.map((o) => [o.code, o.type, o.isPublic, o.status]).sort()).toEqual(
      [
        [codes[0], 'hospital', true, 'active'],
        [codes[1], 'hospital', true, 'active'],
        [codes[2], 'manufacturer', null, 'active'],
      ].sort(),
    );
    const hospital = orgs.find((o) => o.code === codes[0])!;
    const api = await t
      .http()
      .get(`/api/v1/organisations/${hospital.id}`)
      .set(bearer(admin))
      .expect(200);
    expect(api.body).toMatchObject({ code: codes[0], regionCode: cast.regions.county.code });

    for (const action of ['import.uploaded', 'import.committed', 'organisation.imported']) {
      const audit = await t
        .http()
        .get(`/api/v1/audit/events?action=${action}&entityType=import&entityId=${res.body.id}`)
        .set(bearer(admin))
        .expect(200);
      expect(audit.body.total).toBe(1);
    }
    const imported = await t
      .http()
      .get(`/api/v1/audit/events?action=organisation.imported&entityId=${res.body.id}`)
      .set(bearer(admin))
      .expect(200);
    expect(imported.body.items[0].after).toEqual({ count: 3 });

    const list = await t
      .http()
      .get(`/api/v1/imports?kind=${KIND}&status=committed&pageSize=200`)
      .set(bearer(admin))
      .expect(200);
    expect((list.body.items as { id: string }[]).map((i) => i.id)).toContain(res.body.id);

    const noErrors = await t
      .http()
      .get(`/api/v1/imports/${res.body.id}/errors.xlsx`)
      .set(bearer(admin))
      .expect(404);
    expect(noErrors.body.code).toBe('IMPORTS.NO_ERROR_FILE');
  });

  it('writes nothing when one row is bad, and offers the rows back with their errors', async () => {
    const codes = [`H${uniq()}`, `H${uniq()}`, `H${uniq()}`, `M${uniq()}`];
    const file = await fillSheet(template, SHEET, [
      hospitalRow(codes[0]),
      hospitalRow(codes[1], cast.regions.province.code),
      hospitalRow(codes[2]),
      [...supplierRow(codes[3]).slice(0, 9), '=cmd|"/c calc"!A1'],
    ]);
    const res = await upload(t, admin, KIND, file).expect(202);
    const done = await settled(t, admin, res.body.id);
    expect(done.body).toMatchObject({
      status: 'failed_validation',
      rowsTotal: 4,
      rowsWritten: 0,
      errorCount: 2,
      errorFileAvailable: true,
      errorFileUrl: `/api/v1/imports/${res.body.id}/errors.xlsx`,
    });
    expect(done.body.message).toMatch(/2 problems in 2 of 4 rows; nothing was imported/);
    expect(done.body.problems).toEqual([
      {
        row: 3,
        column: 'regionCode',
        message: `region ${cast.regions.province.code} is outside your data scope`,
      },
      { row: 5, column: 'contactPhone', message: expect.stringMatching(/only digits/) },
    ]);
    expect(await countCodes(codes)).toBe(0);

    const errors = await t
      .http()
      .get(`/api/v1/imports/${res.body.id}/errors.xlsx`)
      .set(bearer(admin))
      .buffer(true)
      .parse(binary)
      .expect(200);
    const wb = await loadWorkbook(errors.body as Buffer);
    const sheet = wb.getWorksheet(SHEET)!;
    expect(sheet.getRow(1).values).toEqual([undefined, ...HEADERS, '错误 Errors']);
    expect(sheet.getCell('A3').value).toBe(codes[1]);
    expect(sheet.getCell('K2').value).toBeNull();
    expect(sheet.getCell('K3').value).toBe(
      `行政区划代码 Region code: region ${cast.regions.province.code} is outside your data scope`,
    );
    expect(sheet.getCell('K5').value as string).toMatch(
      /^联系电话 Contact phone: may hold only digits/,
    );
    // The formula-like text comes back neutralised.
    expect(sheet.getCell('J5').value).toBe('\'=cmd|"/c calc"!A1');
    expect(wb.getWorksheet('_meta')!.state).toBe('veryHidden');
    await t.idle();
    expect(
      (
        await t
          .http()
          .get(`/api/v1/audit/events?action=import.failed_validation&entityId=${res.body.id}`)
          .set(bearer(admin))
      ).body.total,
    ).toBe(1);

    // The error workbook, corrected in place, is accepted as it is.
    const fixed = await fillSheet(errors.body as Buffer, SHEET, [], (book) => {
      const s = book.getWorksheet(SHEET)!;
      s.getCell('G3').value = cast.regions.otherCounty.code;
      s.getCell('J5').value = null;
    });
    const again = await upload(t, admin, KIND, fixed).expect(202);
    expect((await settled(t, admin, again.body.id)).body).toMatchObject({
      status: 'committed',
      rowsWritten: 4,
    });
    expect(await countCodes(codes)).toBe(4);
  });

  it('reports codes that clash with the database or with other rows', async () => {
    const code = `H${uniq()}`;
    const file = await fillSheet(template, SHEET, [
      hospitalRow(cast.hospital.code),
      hospitalRow(code),
      hospitalRow(code),
      ['bad code', null, 'clinic'],
    ]);
    const res = await upload(t, admin, KIND, file).expect(202);
    const done = await settled(t, admin, res.body.id);
    expect(done.body.status).toBe('failed_validation');
    expect(done.body.problems).toEqual([
      { row: 2, column: 'code', message: `organisation ${cast.hospital.code} already exists` },
      { row: 4, column: 'code', message: `${code} is also in row 3` },
      { row: 5, column: 'code', message: expect.stringMatching(/upper-case/) },
      { row: 5, column: 'name', message: 'is required' },
      { row: 5, column: 'type', message: expect.stringMatching(/must be one of/) },
    ]);
    expect(await countCodes([code])).toBe(0);
  });

  it('refuses a formula where a value is expected, naming the row', async () => {
    const code = `H${uniq()}`;
    const file = await fillSheet(template, SHEET, [
      hospitalRow(`H${uniq()}`),
      [{ formula: `"${code}"`, result: code }, ...hospitalRow(code).slice(1)],
    ]);
    const res = await upload(t, admin, KIND, file).expect(202);
    const done = await settled(t, admin, res.body.id);
    expect(done.body.status).toBe('failed_validation');
    expect(done.body.problems).toEqual([
      { row: 3, column: 'code', message: 'formulas are not accepted: enter the value itself' },
    ]);
  });

  it('refuses a workbook made from another template or an old version, naming the right one', async () => {
    const rows = [hospitalRow(`H${uniq()}`)];
    const otherKind = await fillSheet(template, SHEET, rows, (wb) => {
      wb.getWorksheet('_meta')!.getCell('B1').value = 'catalog.drugs';
    });
    const oldVersion = await fillSheet(template, SHEET, rows, (wb) => {
      wb.getWorksheet('_meta')!.getCell('B2').value = '0';
    });
    const noMeta = await fillSheet(template, SHEET, rows, (wb) => {
      wb.removeWorksheet(wb.getWorksheet('_meta')!.id);
    });
    const renamedHeader = await fillSheet(template, SHEET, rows, (wb) => {
      wb.getWorksheet(SHEET)!.getCell('C1').value = 'Type';
    });
    const expectations: [Buffer, RegExp][] = [
      [otherKind, /template for catalog\.drugs, not for identity\.organisations/],
      [oldVersion, /version 0 of the identity\.organisations template; the current version is 1/],
      [noMeta, /_meta sheet is missing/],
      [renamedHeader, /Column C should be headed "机构类型 Type" but is "Type"/],
    ];
    for (const [file, message] of expectations) {
      const res = await upload(t, admin, KIND, file).expect(202);
      const done = await settled(t, admin, res.body.id);
      expect(done.body).toMatchObject({ status: 'failed', rowsWritten: 0 });
      expect(done.body.message).toMatch(message);
      expect(done.body.message).toContain(
        'download the current template (identity.organisations, version 1) with GET /api/v1/imports/templates/identity.organisations',
      );
    }
    const audit = await t
      .http()
      .get('/api/v1/audit/events?action=import.failed&pageSize=200&order=desc')
      .set(bearer(admin))
      .expect(200);
    expect(audit.body.total).toBeGreaterThanOrEqual(4);
  });

  it('refuses more rows than IMPORT_MAX_ROWS', async () => {
    const rows = Array.from({ length: 41 }, () => supplierRow(`M${uniq()}`));
    const res = await upload(t, admin, KIND, await fillSheet(template, SHEET, rows)).expect(202);
    const done = await settled(t, admin, res.body.id);
    expect(done.body.status).toBe('failed');
    expect(done.body.message).toBe(
      'The workbook has more than 40 data rows; split it into files of at most 40 rows',
    );
  });

  it('refuses a template without data rows', async () => {
    const res = await upload(t, admin, KIND, template, 'empty.xlsx').expect(202);
    const done = await settled(t, admin, res.body.id);
    expect(done.body).toMatchObject({ status: 'failed', rowsTotal: 0 });
    expect(done.body.message).toMatch(/no data rows/);
  });

  it('lets only admins download or upload the organisations template', async () => {
    for (const role of ['hospital_user', 'procurement_officer', 'auditor'] as const) {
      const token = cast.users[role].token;
      const tpl = await t
        .http()
        .get(`/api/v1/imports/templates/${KIND}`)
        .set(bearer(token))
        .expect(403);
      expect(tpl.body.code).toBe('IMPORTS.KIND_NOT_ALLOWED');
      const res = await upload(t, token, KIND, template, 'x.xlsx').expect(403);
      expect(res.body.code).toBe('IMPORTS.KIND_NOT_ALLOWED');
    }
  });

  it('shows an import only to its organisation and to admins/auditors whose scope covers it', async () => {
    const file = await fillSheet(template, SHEET, [supplierRow(`M${uniq()}`)]);
    const res = await upload(t, admin, KIND, file).expect(202);
    await t.idle();
    const id = res.body.id as string;
    const outsider = await makeUser(t, cast.otherAuthority, ['admin']);
    for (const token of [
      cast.users.hospital_user.token,
      cast.users.supplier_user.token,
      outsider.token,
    ]) {
      const one = await t.http().get(`/api/v1/imports/${id}`).set(bearer(token)).expect(404);
      expect(one.body.code).toBe('IMPORTS.IMPORT_NOT_FOUND');
      await t.http().get(`/api/v1/imports/${id}/errors.xlsx`).set(bearer(token)).expect(404);
      const list = await t
        .http()
        .get('/api/v1/imports?pageSize=200')
        .set(bearer(token))
        .expect(200);
      expect((list.body.items as { id: string }[]).map((i) => i.id)).not.toContain(id);
    }
    // Same organisation, another role; the platform admin sees everything.
    await t
      .http()
      .get(`/api/v1/imports/${id}`)
      .set(bearer(cast.users.procurement_officer.token))
      .expect(200);
    await t.http().get(`/api/v1/imports/${id}`).set(bearer(t.adminToken)).expect(200);
    await t.http().get('/api/v1/imports/abc').set(bearer(admin)).expect(404);
  });
});
