import { EXTERNAL_COLUMNS } from '../../src/modules/monitoring/observations/domain/import-rows';
import { makeDrug } from '../factories/catalog';
import { makeCast } from '../factories/identity';
import { listObservations } from '../factories/monitoring';
import { loadWorkbook, settled, upload } from '../imports/workbooks';
import { buildZip, minimalXlsxEntries } from '../imports/zip-fixtures';
import { bearer, binary, startApp, TestApp } from '../setup/test-app';

type Json = Record<string, unknown>;
const EXTERNAL = 'monitoring.external';
const HEADER = EXTERNAL_COLUMNS.map((c) => c.header);

/** RFC 4180 text: every field quoted, quotes doubled, CRLF line breaks. */
function csv(rows: string[][], bom = true): Buffer {
  const text = rows.map((r) => r.map((f) => `"${f.replace(/"/g, '""')}"`).join(',')).join('\r\n');
  return Buffer.from(`${bom ? '\uFEFF' : ''}${text}\r\n`, 'utf8');
}

/**
 * §M1/§X: external reference prices loaded by a pricing analyst from a UTF-8 CSV through the
 * import pipeline — committed and readable, the same file refused a second time, nothing
 * written when a row is bad (with an error workbook naming it), the template's header labels
 * required, non-text files refused, and .csv refused for kinds that do not take it.
 */
describe('monitoring.external from CSV', () => {
  let t: TestApp;
  let cast: Awaited<ReturnType<typeof makeCast>>;
  let analyst: string;

  beforeAll(async () => {
    t = await startApp();
    cast = await makeCast(t);
    analyst = cast.users.pricing_analyst.token;
  });
  afterAll(() => t.close());

  it('lists csv among the formats the kind accepts', async () => {
    const res = await t.http().get('/api/v1/imports/kinds').set(bearer(analyst)).expect(200);
    const kind = (res.body as Json[]).find((k) => k.kind === EXTERNAL);
    expect(kind).toMatchObject({ formats: ['xlsx', 'csv'] });
  });

  it('imports a CSV of external references once; the same file again is a 409', async () => {
    const product = await makeDrug(t);
    const file = csv([
      HEADER,
      [product.code, 'other_region', '330100', '2026-02-01', '1.1', ''],
      // The national monitoring price, under the literal region code "national".
      [product.code, 'national_monitoring', 'national', '2026-02-01', '1.25', '5'],
    ]);
    const res = await upload(t, analyst, EXTERNAL, file, 'prices.csv').expect(202);
    expect(res.body).toMatchObject({ kind: EXTERNAL, status: 'queued' });
    const done = (await settled(t, analyst, res.body.id as string)).body as Json;
    expect(done).toMatchObject({ status: 'committed', rowsTotal: 2, rowsWritten: 2 });

    const read = await listObservations(t, analyst, `source=external&productId=${product.id}`);
    expect(read.map((r) => [r.regionCode, r.referenceKind, r.unitPrice, r.quantity])).toEqual([
      ['330100', 'other_region', '1.100000', null],
      ['national', 'national_monitoring', '1.250000', '5.000'],
    ]);

    const again = await upload(t, analyst, EXTERNAL, file, 'renamed.csv').expect(409);
    expect(again.body).toMatchObject({
      code: 'IMPORTS.DUPLICATE_FILE',
      details: { importId: res.body.id },
    });
  });

  it('reads RFC 4180 quoting, LF line breaks and no BOM', async () => {
    const product = await makeDrug(t);
    const text = [
      HEADER.map((h) => `"${h}"`).join(','),
      `${product.code},"other_region","3201""00",2026-02-01,1.1,`,
      `${product.code},other_region,320500,2026-02-02,"1.2",`,
    ].join('\n');
    const res = await upload(t, analyst, EXTERNAL, Buffer.from(text), 'lf.csv').expect(202);
    const failed = (await settled(t, analyst, res.body.id as string)).body as Json;
    // The doubled quote arrives as a quote in the region code, which the row rules refuse.
    expect(failed).toMatchObject({ status: 'failed_validation', errorCount: 1 });
    expect((failed.problems as Json[]).map((p) => [p.row, p.column])).toEqual([[2, 'regionCode']]);
    expect((failed.problems as Json[])[0].message).toContain('got "3201\\"00"');
  });

  it('writes nothing when a row is bad, and the error workbook names the row', async () => {
    const product = await makeDrug(t);
    const file = csv([
      HEADER,
      [product.code, 'other_region', '320500', '2026-02-01', '1.1', ''],
      // Formula-like cells are data: a negative price is just an invalid price.
      [product.code, 'other_region', '320500', '2026-02-02', '-1', ''],
      [product.code, 'other_region', '320500', '2026-02-03', '=1+1', '"12,5"\nx'],
    ]);
    const res = await upload(t, analyst, EXTERNAL, file, 'bad.csv').expect(202);
    const failed = (await settled(t, analyst, res.body.id as string)).body as Json;
    expect(failed).toMatchObject({
      status: 'failed_validation',
      rowsTotal: 3,
      rowsWritten: 0,
      errorFileUrl: `/api/v1/imports/${String(res.body.id)}/errors.xlsx`,
    });
    expect((failed.problems as Json[]).map((p) => [p.row, p.column])).toEqual([
      [3, 'unitPrice'],
      [4, 'unitPrice'],
      [4, 'quantity'],
    ]);
    expect(await listObservations(t, analyst, `productId=${product.id}`)).toEqual([]);

    const errors = await t
      .http()
      .get(`/api/v1/imports/${String(res.body.id)}/errors.xlsx`)
      .set(bearer(analyst))
      .buffer(true)
      .parse(binary)
      .expect(200);
    const wb = await loadWorkbook(errors.body as Buffer);
    const sheet = wb.getWorksheet('外部参考价 External prices')!;
    expect(sheet.getRow(1).getCell(7).value).toBe('错误 Errors');
    expect(sheet.getRow(2).getCell(7).value).toBeNull();
    expect(sheet.getRow(3).getCell(7).value).toMatch(
      new RegExp(`^${EXTERNAL_COLUMNS[4].header}: .*got "-1"$`),
    );
    // The uploaded text comes back neutralised, never as a formula.
    expect(sheet.getRow(4).getCell(5).value).toBe("'=1+1");
    // A quoted comma, doubled quotes and a line break stayed inside their field.
    expect(sheet.getRow(4).getCell(6).value).toBe('"12,5"\nx');
  });

  it('refuses a row that repeats an earlier one, naming the first, across batches', async () => {
    const product = await makeDrug(t);
    const code = product.code;
    // 4,100 distinct regions: more rows than one validation batch holds.
    const distinct = Array.from({ length: 4100 }, (_, i) => [
      code,
      'other_region',
      String(400000 + i),
      '2026-02-01',
      '1.1',
      '',
    ]);
    const file = csv([
      HEADER,
      ...distinct,
      // Row 4102: the code in lower case is the same product as row 2.
      [code.toLowerCase(), 'other_region', '400000', '2026-02-01', '1.2', ''],
      [code, 'national_monitoring', '', '2026-02-01', '1.3', ''],
      // Row 4104: "national" and an empty region are the same national price as row 4103.
      [code, 'national_monitoring', 'national', '2026-02-01', '1.4', ''],
      // Row 4105: names row 2 again, not the repeat in row 4102.
      [code, 'other_region', '400000', '2026-02-01', '1.5', ''],
      [code, 'other_region', '400000', '2026-02-02', '1.6', ''],
    ]);
    const res = await upload(t, analyst, EXTERNAL, file, 'repeats.csv').expect(202);
    const failed = (await settled(t, analyst, res.body.id as string)).body as Json;
    expect(failed).toMatchObject({
      status: 'failed_validation',
      rowsTotal: 4105,
      rowsWritten: 0,
      errorCount: 3,
    });
    expect((failed.problems as Json[]).map((p) => [p.row, p.column, p.message])).toEqual([
      [4102, 'productCode', 'the same product, region and date as row 2'],
      [4104, 'productCode', 'the same product, region and date as row 4103'],
      [4105, 'productCode', 'the same product, region and date as row 2'],
    ]);
    expect(await listObservations(t, analyst, `productId=${product.id}`)).toEqual([]);
  });

  it.each<[string, string[], RegExp]>([
    [
      'a renamed column',
      HEADER.map((h, i) => (i === 4 ? 'Price' : h)),
      /Column E should be headed "[^"]+" but is "Price"/,
    ],
    ['no header row', [], /Column A should be headed/],
  ])('fails a CSV with %s, naming the expected labels', async (_name, header, message) => {
    const product = await makeDrug(t);
    const rows = [[product.code, 'other_region', '320500', '2026-02-01', '1.1', '']];
    const res = await upload(
      t,
      analyst,
      EXTERNAL,
      csv(header.length ? [header, ...rows] : rows),
      'header.csv',
    ).expect(202);
    const failed = (await settled(t, analyst, res.body.id as string)).body as Json;
    expect(failed).toMatchObject({ status: 'failed', rowsWritten: 0 });
    expect(failed.message).toMatch(message);
    expect(failed.message).toContain(
      `must be the template's header labels, in order: ${HEADER.join(',')}`,
    );
    expect(await listObservations(t, analyst, `productId=${product.id}`)).toEqual([]);
  });

  it('fails a CSV with an unclosed quote, naming the row', async () => {
    const product = await makeDrug(t);
    const text = `${HEADER.join(',')}\n${product.code},other_region,"320500,2026-02-01,1.1,\n`;
    const res = await upload(t, analyst, EXTERNAL, Buffer.from(text), 'open.csv').expect(202);
    const failed = (await settled(t, analyst, res.body.id as string)).body as Json;
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed.message).toContain('Row 2, field 3: a quoted field is not closed');
  });

  it.each<[string, () => Buffer, RegExp]>([
    ['an xlsx renamed .csv', () => buildZip(minimalXlsxEntries()), /zip archive/],
    ['GBK text', () => Buffer.from([0xc4, 0xe3, 0xba, 0xc3, 0x2c, 0x78, 0x0a]), /not UTF-8/],
    ['a binary file', () => Buffer.from([0x61, 0x00, 0x62, 0x0a]), /NUL byte/],
  ])('refuses %s with a 415', async (_name, file, message) => {
    const res = await upload(t, analyst, EXTERNAL, file(), 'x.csv').expect(415);
    expect(res.body).toMatchObject({ code: 'IMPORTS.NOT_CSV', details: { field: 'file' } });
    expect(res.body.message).toMatch(message);
  });

  it('refuses a .csv for a kind that takes only .xlsx, naming the accepted formats', async () => {
    const res = await upload(
      t,
      cast.users.admin.token,
      'catalog.drugs',
      Buffer.from('a,b\n1,2\n'),
      'drugs.csv',
    ).expect(415);
    expect(res.body).toMatchObject({
      code: 'IMPORTS.NOT_XLSX',
      details: { field: 'file', accepted: ['.xlsx'] },
    });
    expect(res.body.message).toContain('takes no .csv');
    const xls = await upload(t, analyst, EXTERNAL, Buffer.from('a'), 'prices.xls').expect(415);
    expect(xls.body.details).toEqual({ field: 'file', accepted: ['.xlsx', '.csv'] });
  });
});
