import ExcelJS from 'exceljs';
import { Clock } from '../../src/common/clock';
import { Product } from '../../src/modules/catalog/products/product.entity';
import { makeDrug } from '../factories/catalog';
import { ExecutionCast, makeExecutionCast } from '../factories/execution';
import { makeApiKey, makeOrganisation, makeUser } from '../factories/identity';
import { downloadTemplate, loadWorkbook, settled, upload } from '../imports/workbooks';
import { bearer, binary, startApp, TestApp, uniq } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

type Json = Record<string, unknown>;
type Cell = ExcelJS.CellValue;

const HOUR = 3600 * 1000;
const REPORT_KIND = 'credit.supply-report';
const STOCK_KIND = 'credit.distributor-stock';
const REPORT_SHEET = '供应月报 Supply';
const STOCK_SHEET = '库存 Stock';
const REPORT_HEADERS = [
  '产品代码 Product code',
  '产品规格 Product and spec',
  '库存 Stock',
  '月产能 Monthly capacity',
  '应急储备 Emergency reserve',
];
const STOCK_HEADERS = REPORT_HEADERS.slice(0, 3);

/** The month before `month` (YYYY-MM). */
function monthBefore(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** What the template shows in the product column for the cast's 20 mg × 7 tablets. */
const label = (p: Product) => `${p.name} 20mg tablet ×7`;

/** A sheet's data rows (below the header) as arrays of cell values, column A first. */
function dataRows(sheet: ExcelJS.Worksheet): Cell[][] {
  const out: Cell[][] = [];
  for (let r = 2; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    out.push(Array.from({ length: sheet.columnCount }, (_, c) => row.getCell(c + 1).value));
  }
  return out;
}

/**
 * §K5/§X the two supply report imports end to end: the month's template pre-filled with the
 * supplier's products and the figures it already reported, a filled-in upload landing in the
 * reports API like `PUT credit/supply/reports/:month`, the same file twice, bad rows refused as
 * a whole with an error workbook naming each problem, a workbook of another month, and who may
 * use each kind.
 */
describe('§K5 supply report imports', () => {
  let t: TestApp;
  let clock: TestClock;
  let cast: ExecutionCast;
  let month: string;
  let previous: string;
  let future: string;
  let winner: ExecutionCast['suppliers'][number];
  /** Awarded product ids of the winner, ascending (the template's order). */
  let awarded: string[];
  /** A product of the winner's that was not awarded: never in its template. */
  let unawarded: Product;
  /** A manufacturer without any award, with a login and a product of its own. */
  let stranger: { token: string; product: Product };
  let distributor: ExecutionCast['distributor'];

  beforeAll(async () => {
    clock = new TestClock();
    t = await startApp({}, { providers: [{ provide: Clock, useValue: clock }] });
    cast = await makeExecutionCast(t, clock);
    month = new Date(clock.now().getTime() + 8 * HOUR).toISOString().slice(0, 7);
    previous = monthBefore(month);
    future = `${Number(month.slice(0, 4)) + 1}-01`;
    const winnerId = cast.agreements[0].supplierId;
    winner = cast.suppliers.find((s) => s.org.id === winnerId)!;
    awarded = [
      ...new Set(cast.agreements.filter((a) => a.supplierId === winnerId).map((a) => a.productId)),
    ].sort((a, b) => Number(a) - Number(b));
    unawarded = await makeDrug(t, { manufacturer: winner.org, name: '阿托伐他汀钙片' });
    const strangerOrg = await makeOrganisation(t, 'manufacturer');
    stranger = {
      token: (await makeUser(t, strangerOrg, ['supplier_user'])).token,
      product: await makeDrug(t, { manufacturer: strangerOrg }),
    };
    distributor = cast.distributor;
  });
  afterAll(() => t.close());

  const productById = (id: string) => {
    const all = [...cast.suppliers.map((s) => s.product), unawarded, stranger.product, cast.listed];
    return all.find((p) => p.id === id)!;
  };
  const template = (token: string, kind: string, m: string) =>
    downloadTemplate(t, token, kind, `?contextId=${m}`);
  /** Writes `rows` from row 2 down, over the pre-filled rows, as a person filling it in would. */
  async function fill(file: Buffer, sheetName: string, rows: Cell[][]): Promise<Buffer> {
    const wb = await loadWorkbook(file);
    const sheet = wb.getWorksheet(sheetName)!;
    rows.forEach((values, i) =>
      values.forEach((value, c) => {
        sheet.getCell(2 + i, c + 1).value = value;
      }),
    );
    return Buffer.from(await wb.xlsx.writeBuffer());
  }
  const uploadAs = async (token: string, kind: string, m: string, file: Buffer) => {
    const res = await upload(t, token, kind, file, 'supply.xlsx', `?contextId=${m}`).expect(202);
    return (await settled(t, token, res.body.id as string)).body as Json;
  };
  const reports = async (token: string, query: string) =>
    (
      await t
        .http()
        .get(`/api/v1/credit/supply/reports?pageSize=200&${query}`)
        .set(bearer(token))
        .expect(200)
    ).body as { items: Json[]; total: number };
  const putReport = (token: string, m: string, items: object[]) =>
    t
      .http()
      .put(`/api/v1/credit/supply/reports/${m}`)
      .set(bearer(token))
      .send({ items })
      .expect(200);
  const errorWorkbook = async (token: string, id: string) => {
    const res = await t
      .http()
      .get(`/api/v1/imports/${id}/errors.xlsx`)
      .set(bearer(token))
      .buffer(true)
      .parse(binary)
      .expect(200);
    return loadWorkbook(res.body as Buffer);
  };

  describe(REPORT_KIND, () => {
    it('offers a template of the month pre-filled with exactly the awarded products and their figures', async () => {
      await putReport(winner.token, month, [
        {
          productId: awarded[0],
          stockQuantity: '1200.5',
          capacityQuantity: '50000',
          reserveQuantity: '3000',
        },
      ]);
      const kinds = await t.http().get('/api/v1/imports/kinds').set(bearer(winner.token));
      const names = (kinds.body as Json[]).map((k) => k.kind);
      expect(names).toContain(REPORT_KIND);
      expect(names).not.toContain(STOCK_KIND);
      expect((kinds.body as Json[]).find((k) => k.kind === REPORT_KIND)).toMatchObject({
        version: 1,
        sheetName: REPORT_SHEET,
        contextRequired: true,
      });

      const res = await t
        .http()
        .get(`/api/v1/imports/templates/${REPORT_KIND}?contextId=${month}`)
        .set(bearer(winner.token))
        .buffer(true)
        .parse(binary)
        .expect(200);
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="${REPORT_KIND}-${month}-v1.xlsx"`,
      );
      const wb = await loadWorkbook(res.body as Buffer);
      expect(wb.worksheets.map((s) => [s.name, s.state])).toEqual([
        ['_meta', 'veryHidden'],
        [REPORT_SHEET, 'visible'],
      ]);
      const meta = wb.getWorksheet('_meta')!;
      expect([1, 2, 3].map((r) => [meta.getCell(r, 1).value, meta.getCell(r, 2).value])).toEqual([
        ['kind', REPORT_KIND],
        ['version', '1'],
        ['contextId', month],
      ]);
      const sheet = wb.getWorksheet(REPORT_SHEET)!;
      expect(sheet.getRow(1).values).toEqual([undefined, ...REPORT_HEADERS]);
      const rows = dataRows(sheet);
      // Exactly the awarded products: not the winner's other product, not anyone else's.
      expect(rows.map((r) => r[0])).toEqual(awarded.map((id) => productById(id).code));
      expect(rows.map((r) => r[0])).not.toContain(unawarded.code);
      expect(rows[0]).toEqual([
        productById(awarded[0]).code,
        label(productById(awarded[0])),
        '1200.500',
        '50000.000',
        '3000.000',
      ]);

      // No award in force the month before; a manufacturer without awards gets an empty sheet.
      const before = await loadWorkbook(await template(winner.token, REPORT_KIND, previous));
      expect(before.getWorksheet('_meta')!.getCell('B3').value).toBe(previous);
      expect(before.getWorksheet(REPORT_SHEET)!.rowCount).toBe(1);
      const none = await loadWorkbook(await template(stranger.token, REPORT_KIND, month));
      expect(none.getWorksheet(REPORT_SHEET)!.rowCount).toBe(1);
    });

    it('imports the filled-in template into the reports, knows the same file again, and keeps unchanged figures', async () => {
      const code = productById(awarded[0]).code;
      const file = await fill(await template(winner.token, REPORT_KIND, month), REPORT_SHEET, [
        // Figures typed as numbers are read as the spreadsheet shows them.
        [code, null, '980.25', 60000, '2500'],
      ]);
      const done = await uploadAs(winner.token, REPORT_KIND, month, file);
      expect(done).toMatchObject({
        status: 'committed',
        contextId: month,
        rowsTotal: awarded.length,
        errorCount: 0,
        problems: [],
      });
      const read = await reports(winner.token, `month=${month}&productId=${awarded[0]}`);
      expect(read.items).toEqual([
        expect.objectContaining({
          supplierId: winner.org.id,
          supplierType: 'manufacturer',
          productId: awarded[0],
          month,
          stockQuantity: '980.250',
          capacityQuantity: '60000.000',
          reserveQuantity: '2500.000',
          version: 2,
          source: 'excel',
        }),
      ]);
      // The officer sees the same report.
      const officerView = await reports(
        cast.officer.token,
        `supplierId=${winner.org.id}&month=${month}`,
      );
      expect(officerView.items.map((r) => [r.productId, r.stockQuantity])).toEqual([
        [awarded[0], '980.250'],
      ]);
      const history = await t
        .http()
        .get(`/api/v1/credit/supply/reports/${String(read.items[0].id)}`)
        .set(bearer(winner.token))
        .expect(200);
      expect(history.body.revisions).toEqual([
        expect.objectContaining({ version: 1, stockQuantity: '1200.500', source: 'api' }),
      ]);

      const again = await upload(
        t,
        winner.token,
        REPORT_KIND,
        file,
        'supply.xlsx',
        `?contextId=${month}`,
      );
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('IMPORTS.DUPLICATE_FILE');
      expect(again.body.message).toContain(`import ${String(done.id)}`);

      // A fresh template shows the imported figures; sent back untouched it changes nothing.
      clock.advance(1000);
      const current = await template(winner.token, REPORT_KIND, month);
      const shown = dataRows((await loadWorkbook(current)).getWorksheet(REPORT_SHEET)!);
      expect(shown[0].slice(2)).toEqual(['980.250', '60000.000', '2500.000']);
      const untouched = await uploadAs(winner.token, REPORT_KIND, month, current);
      expect(untouched).toMatchObject({ status: 'committed', problems: [] });
      const after = await reports(winner.token, `month=${month}&productId=${awarded[0]}`);
      expect(after.items).toEqual([
        expect.objectContaining({ id: read.items[0].id, version: 2, stockQuantity: '980.250' }),
      ]);
    });

    it('writes nothing when a row is bad, and the error workbook names each problem', async () => {
      const code = productById(awarded[0]).code;
      const unknown = `X${uniq(12)}`;
      const foreign = stranger.product;
      const file = await fill(await template(winner.token, REPORT_KIND, month), REPORT_SHEET, [
        [code, null, '-5', '10', '1'],
        [code, null, '5', null, '1'],
        [unknown, null, '5', '10', '1'],
        [foreign.code, null, '5', '10', '1'],
        [unawarded.code, null, '5', '10', '1'],
        // A sound row: not written either.
        [code, null, '777', '10', '1'],
      ]);
      const done = await uploadAs(winner.token, REPORT_KIND, month, file);
      expect(done).toMatchObject({
        status: 'failed_validation',
        rowsTotal: 6,
        rowsWritten: 0,
        errorCount: 5,
        errorFileAvailable: true,
      });
      expect(done.message).toMatch(/5 problems in 5 of 6 rows; nothing was imported/);
      const notYours = (p: Product) =>
        `product ${p.id} is not one of your products awarded in ${month}`;
      expect(done.problems).toEqual([
        { row: 2, column: 'stockQuantity', message: expect.stringContaining('"-5"') },
        {
          row: 3,
          column: 'capacityQuantity',
          message: expect.stringContaining('capacityQuantity is required'),
        },
        { row: 4, column: 'productCode', message: `no product with code ${unknown}` },
        { row: 5, column: 'productCode', message: notYours(foreign) },
        { row: 6, column: 'productCode', message: notYours(unawarded) },
      ]);
      const read = await reports(winner.token, `month=${month}&productId=${awarded[0]}`);
      expect(read.items[0]).toMatchObject({ stockQuantity: '980.250', version: 2 });

      const wb = await errorWorkbook(winner.token, done.id as string);
      expect(wb.getWorksheet('_meta')!.getCell('B3').value).toBe(month);
      const sheet = wb.getWorksheet(REPORT_SHEET)!;
      expect(sheet.getRow(1).values).toEqual([undefined, ...REPORT_HEADERS, '错误 Errors']);
      const errors = dataRows(sheet).map((r) => [r[0], r[5]]);
      expect(errors[0][1]).toMatch(/^库存 Stock: must be a decimal string ≥ 0/);
      expect(errors[1][1]).toMatch(/^月产能 Monthly capacity: capacityQuantity is required/);
      expect(errors.slice(2)).toEqual([
        [unknown, `产品代码 Product code: no product with code ${unknown}`],
        [foreign.code, `产品代码 Product code: ${notYours(foreign)}`],
        [unawarded.code, `产品代码 Product code: ${notYours(unawarded)}`],
        [code, null],
      ]);
    });

    it('refuses a product twice in one file', async () => {
      const code = productById(awarded[0]).code;
      const file = await fill(await template(winner.token, REPORT_KIND, month), REPORT_SHEET, [
        [code, null, '1', '1', '1'],
        [code.toLowerCase(), null, '2', '2', '2'],
      ]);
      const done = await uploadAs(winner.token, REPORT_KIND, month, file);
      expect(done).toMatchObject({ status: 'failed_validation', rowsWritten: 0 });
      expect(done.problems).toEqual([
        { row: 3, column: 'productCode', message: `${code} is already reported in row 2` },
      ]);
    });

    it('keeps each month to its own awards and its own template', async () => {
      const code = productById(awarded[0]).code;
      // The month before the agreements: the product was not awarded yet.
      const early = await fill(await template(winner.token, REPORT_KIND, previous), REPORT_SHEET, [
        [code, null, '5', '10', '1'],
      ]);
      const refused = await uploadAs(winner.token, REPORT_KIND, previous, early);
      expect(refused).toMatchObject({ status: 'failed_validation', rowsWritten: 0 });
      expect(refused.problems).toEqual([
        {
          row: 2,
          column: 'productCode',
          message: `product ${awarded[0]} is not one of your products awarded in ${previous}`,
        },
      ]);
      expect((await reports(winner.token, `month=${previous}`)).total).toBe(0);

      // This month's workbook uploaded as last month's report is refused whole.
      const thisMonth = await fill(await template(winner.token, REPORT_KIND, month), REPORT_SHEET, [
        [code, null, '6', '10', '1'],
      ]);
      const wrong = await uploadAs(winner.token, REPORT_KIND, previous, thisMonth);
      expect(wrong).toMatchObject({ status: 'failed', rowsWritten: 0, errorFileAvailable: false });
      expect(wrong.message).toContain(`for context ${month}, not for context ${previous}`);
      expect(wrong.message).toContain(`?contextId=${previous}`);
      expect((await reports(winner.token, `month=${previous}`)).total).toBe(0);

      // A future month, a malformed one, or none at all: refused before anything is read.
      for (const [query, words] of [
        [`?contextId=${future}`, `${future} is in the future`],
        ['?contextId=2026-13', 'YYYY-MM'],
        ['', 'YYYY-MM'],
      ]) {
        const tpl = await t
          .http()
          .get(`/api/v1/imports/templates/${REPORT_KIND}${query}`)
          .set(bearer(winner.token));
        expect([tpl.status, tpl.body.code]).toEqual([400, 'IMPORTS.CONTEXT_INVALID']);
        expect(tpl.body.message).toContain(words);
        const up = await upload(t, winner.token, REPORT_KIND, thisMonth, 'supply.xlsx', query);
        expect([up.status, up.body.code]).toEqual([400, 'IMPORTS.CONTEXT_INVALID']);
      }
    });

    it('is the winning manufacturer’s alone', async () => {
      const code = productById(awarded[0]).code;
      const filled = await fill(await template(winner.token, REPORT_KIND, month), REPORT_SHEET, [
        [code, null, '1', '1', '1'],
      ]);
      const hospitalKey = await makeApiKey(t, cast.hospitals[0].org, ['imports:write']);
      for (const auth of [
        bearer(cast.hospitals[0].token),
        bearer(cast.officer.token),
        bearer(cast.auditor.token),
        bearer(distributor.token),
        { 'X-Api-Key': hospitalKey.key },
      ]) {
        const tpl = await t
          .http()
          .get(`/api/v1/imports/templates/${REPORT_KIND}?contextId=${month}`)
          .set(auth);
        expect([tpl.status, tpl.body.code]).toEqual([403, 'IMPORTS.KIND_NOT_ALLOWED']);
        const up = await t
          .http()
          .post(`/api/v1/imports/${REPORT_KIND}?contextId=${month}`)
          .set(auth)
          .attach('file', filled, 'supply.xlsx');
        expect([up.status, up.body.code]).toEqual([403, 'IMPORTS.KIND_NOT_ALLOWED']);
      }

      // Another manufacturer may use the kind, for its own awards only.
      const theirs = await uploadAs(stranger.token, REPORT_KIND, month, filled);
      expect(theirs).toMatchObject({ status: 'failed_validation', rowsWritten: 0 });
      expect(theirs.problems).toEqual([
        {
          row: 2,
          column: 'productCode',
          message: `product ${awarded[0]} is not one of your products awarded in ${month}`,
        },
      ]);
      // … and never sees the winner's imports.
      const own = await fill(await template(winner.token, REPORT_KIND, month), REPORT_SHEET, [
        [code, null, '2', '2', '2'],
      ]);
      const mine = await uploadAs(winner.token, REPORT_KIND, month, own);
      expect(mine).toMatchObject({ status: 'committed' });
      const hidden: Array<[string, string]> = [
        [stranger.token, `/${String(mine.id)}`],
        [winner.token, `/${String(theirs.id)}`],
        [winner.token, `/${String(theirs.id)}/errors.xlsx`],
      ];
      for (const [token, path] of hidden) {
        const res = await t.http().get(`/api/v1/imports${path}`).set(bearer(token));
        expect([res.status, res.body.code]).toEqual([404, 'IMPORTS.IMPORT_NOT_FOUND']);
      }

      // The winner's own system, through an API key with imports:write.
      const key = await makeApiKey(t, winner.org, ['imports:write']);
      await t
        .http()
        .get(`/api/v1/imports/templates/${REPORT_KIND}?contextId=${month}`)
        .set({ 'X-Api-Key': key.key })
        .expect(200);
    });
  });

  describe(STOCK_KIND, () => {
    /** Every product under an agreement in force in the month, ascending by id. */
    async function keyProductCodes(m: string): Promise<string[]> {
      const last = new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 0))
        .toISOString()
        .slice(0, 10);
      const rows: Array<{ id: string | number; code: string }> = await t.dataSource.query(
        `SELECT DISTINCT p.id AS id, p.code AS code FROM agreements a JOIN products p ON p.id = a.product_id
         WHERE a.status = 'active' AND a.start_date <= ? AND a.end_date >= ?`,
        [last, `${m}-01`],
      );
      return rows.sort((a, b) => Number(a.id) - Number(b.id)).map((r) => r.code);
    }

    it('takes a distributor’s stock of key products from its template', async () => {
      const key = productById(awarded[0]);
      await putReport(distributor.token, month, [{ productId: key.id, stockQuantity: '40' }]);
      const file = await template(distributor.token, STOCK_KIND, month);
      const wb = await loadWorkbook(file);
      expect(wb.worksheets.map((s) => [s.name, s.state])).toEqual([
        ['_meta', 'veryHidden'],
        [STOCK_SHEET, 'visible'],
      ]);
      const meta = wb.getWorksheet('_meta')!;
      expect([
        meta.getCell('B1').value,
        meta.getCell('B2').value,
        meta.getCell('B3').value,
      ]).toEqual([STOCK_KIND, '1', month]);
      const sheet = wb.getWorksheet(STOCK_SHEET)!;
      expect(sheet.getRow(1).values).toEqual([undefined, ...STOCK_HEADERS]);
      const rows = dataRows(sheet);
      const codes = rows.map((r) => r[0]);
      expect(codes).toEqual(await keyProductCodes(month));
      for (const s of cast.suppliers.filter((x) =>
        cast.agreements.some((a) => a.productId === x.product.id),
      ))
        expect(codes).toContain(s.product.code);
      expect(codes).not.toContain(cast.listed.code);
      expect(codes).not.toContain(unawarded.code);
      expect(rows.find((r) => r[0] === key.code)).toEqual([key.code, label(key), '40.000']);

      // Fill in one other key product, change the first; rows left empty are not reported.
      const other = cast.suppliers.find(
        (s) => s.product.id !== key.id && codes.includes(s.product.code),
      )!.product;
      const filled = await fill(
        file,
        STOCK_SHEET,
        rows.map((r) =>
          r[0] === key.code ? [r[0], r[1], 45.5] : r[0] === other.code ? [r[0], r[1], '12'] : r,
        ),
      );
      const done = await uploadAs(distributor.token, STOCK_KIND, month, filled);
      expect(done).toMatchObject({ status: 'committed', rowsTotal: rows.length, problems: [] });
      const read = await reports(distributor.token, `month=${month}`);
      const expected = [
        [key.id, '45.500', 2],
        [other.id, '12.000', 1],
      ].sort((a, b) => Number(a[0]) - Number(b[0]));
      expect(
        read.items
          .map((r) => [r.productId, r.stockQuantity, r.version])
          .sort((a, b) => Number(a[0]) - Number(b[0])),
      ).toEqual(expected);
      expect(read.items.every((r) => r.supplierType === 'distributor')).toBe(true);
      expect(
        read.items.every((r) => r.capacityQuantity === null && r.reserveQuantity === null),
      ).toBe(true);
      expect(read.items.find((r) => r.productId === key.id)).toMatchObject({ source: 'excel' });

      const again = await upload(
        t,
        distributor.token,
        STOCK_KIND,
        filled,
        'stock.xlsx',
        `?contextId=${month}`,
      );
      expect([again.status, again.body.code]).toEqual([409, 'IMPORTS.DUPLICATE_FILE']);
    });

    it('refuses bad stock rows as a whole, naming each problem', async () => {
      const key = productById(awarded[0]);
      const unknown = `X${uniq(12)}`;
      const file = await fill(await template(distributor.token, STOCK_KIND, month), STOCK_SHEET, [
        [key.code, null, '-1'],
        [cast.listed.code, null, '3'],
        [unknown, null, '3'],
        [unawarded.code, null, '1.0001'],
      ]);
      // The pre-filled rows below the four written over stay empty: not reported.
      const done = await uploadAs(distributor.token, STOCK_KIND, month, file);
      expect(done).toMatchObject({ status: 'failed_validation', rowsWritten: 0, errorCount: 4 });
      expect(done.problems).toEqual([
        { row: 2, column: 'stockQuantity', message: expect.stringContaining('"-1"') },
        {
          row: 3,
          column: 'productCode',
          message: `product ${cast.listed.id} is under no agreement in ${month}`,
        },
        { row: 4, column: 'productCode', message: `no product with code ${unknown}` },
        { row: 5, column: 'stockQuantity', message: expect.stringContaining('"1.0001"') },
      ]);
      const read = await reports(distributor.token, `month=${month}&productId=${key.id}`);
      expect(read.items[0]).toMatchObject({ stockQuantity: '45.500' });
      const wb = await errorWorkbook(distributor.token, done.id as string);
      const sheet = wb.getWorksheet(STOCK_SHEET)!;
      expect(sheet.getRow(1).values).toEqual([undefined, ...STOCK_HEADERS, '错误 Errors']);
      expect(sheet.getCell('D3').value).toBe(
        `产品代码 Product code: product ${cast.listed.id} is under no agreement in ${month}`,
      );
      expect(sheet.getCell('D2').value as string).toMatch(/^库存 Stock: must be a decimal string/);
    });

    it('is the distributors’ alone', async () => {
      for (const auth of [
        bearer(winner.token),
        bearer(cast.hospitals[0].token),
        bearer(cast.officer.token),
      ]) {
        const tpl = await t
          .http()
          .get(`/api/v1/imports/templates/${STOCK_KIND}?contextId=${month}`)
          .set(auth);
        expect([tpl.status, tpl.body.code]).toEqual([403, 'IMPORTS.KIND_NOT_ALLOWED']);
      }
      const kinds = await t.http().get('/api/v1/imports/kinds').set(bearer(distributor.token));
      const names = (kinds.body as Json[]).map((k) => k.kind);
      expect(names).toContain(STOCK_KIND);
      expect(names).not.toContain(REPORT_KIND);
    });
  });
});
