import ExcelJS from 'exceljs';
import { Clock } from '../../src/common/clock';
import { Product } from '../../src/modules/catalog/products/product.entity';
import { chinaDate } from '../../src/modules/execution/deliveries/domain/delivery-rules';
import { lateAfter } from '../../src/modules/execution/usage/domain/usage-rules';
import { makeDrug } from '../factories/catalog';
import { makeApiKey, makeCast, makeOrganisation, makeUser } from '../factories/identity';
import { makeProcurementCast, makeRoundWithLot, transition } from '../factories/procurement';
import { loadWorkbook, settled, upload, downloadTemplate } from '../imports/workbooks';
import { bearer, startApp, TestApp, uniq } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

type Json = Record<string, unknown>;
const DAY = 24 * 3600 * 1000;
const KIND = 'execution.usage';
const SHEET = '进销存 Usage';

/** The business date `days` after `date`. */
function plusDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/**
 * §E3 usage and stock reporting over HTTP: idempotent API batches, corrections with history, the
 * late flag at its China-time deadline, the late report, the Excel import, scoping, and the §P3
 * purchase history that demand forms now show.
 */
describe('usage and stock reporting', () => {
  let t: TestApp;
  let clock: TestClock;
  let cast: Awaited<ReturnType<typeof makeCast>>;
  let hospital: { token: string };
  let other: { token: string };
  let otherAuthority: { token: string };
  let products: Product[];

  beforeAll(async () => {
    clock = new TestClock();
    t = await startApp(
      { COMPLETION_CHECK_SECONDS: '86400' },
      { providers: [{ provide: Clock, useValue: clock }] },
    );
    cast = await makeCast(t);
    hospital = cast.users.hospital_user;
    other = await makeUser(t, cast.otherHospital, ['hospital_user']);
    otherAuthority = await makeUser(t, cast.otherAuthority, ['auditor']);
    products = [await makeDrug(t), await makeDrug(t), await makeDrug(t)];
  });
  afterAll(() => t.close());

  const today = () => chinaDate(clock.now());
  const batchPath = (id: string) => `/api/v1/execution/usage-batches/${id}`;
  const put = (auth: Record<string, string>, id: string, rows: object[]) =>
    t.http().put(batchPath(id)).set(auth).send({ rows });
  const row = (product: Product, date: string, over: object = {}) => ({
    productCode: product.code,
    date,
    purchasedQuantity: '70',
    usedQuantity: '35.5',
    stockQuantity: '120',
    ...over,
  });
  const list = async (token: string, query: string) =>
    (await t.http().get(`/api/v1/execution/usage?${query}`).set(bearer(token)).expect(200))
      .body as { items: Json[]; total: number };
  const expectError = (res: { status: number; body: Json }, status: number, code: string) => {
    expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  };

  it('stores a batch, answers the same batch again with the same result, and refuses other content', async () => {
    const day = plusDays(today(), -1);
    const id = `HIS-${uniq()}`;
    const rows = [row(products[0], day), row(products[1], day, { usedQuantity: '0.125' })];
    const first = await put(bearer(hospital.token), id, rows).expect(200);
    expect(first.body).toEqual({
      batchId: id,
      hospitalId: cast.hospital.id,
      source: 'api',
      rowCount: 2,
      createdCount: 2,
      correctedCount: 0,
      lateCount: 0,
      receivedAt: expect.any(String),
    });
    const again = await put(bearer(hospital.token), id, [...rows].reverse()).expect(200);
    expect(again.body).toEqual(first.body);
    const changed = await put(bearer(hospital.token), id, [rows[0]]);
    expectError(changed, 409, 'EXECUTION.USAGE_BATCH_CONFLICT');
    expect(changed.body.message).toContain('batchId');

    const read = await list(hospital.token, `productId=${products[1].id}&from=${day}&to=${day}`);
    expect(read.total).toBe(1);
    expect(read.items[0]).toMatchObject({
      hospitalId: cast.hospital.id,
      productId: products[1].id,
      productCode: products[1].code,
      date: day,
      purchasedQuantity: '70.000',
      usedQuantity: '0.125',
      stockQuantity: '120.000',
      revision: 1,
      late: false,
    });
  });

  it('lets a later batch correct a day, keeping the replaced figures', async () => {
    const day = plusDays(today(), -1);
    const product = await makeDrug(t);
    await put(bearer(hospital.token), `A-${uniq()}`, [row(product, day)]).expect(200);
    const fix = await put(bearer(hospital.token), `B-${uniq()}`, [
      row(product, day, { stockQuantity: '119' }),
    ]).expect(200);
    expect(fix.body).toMatchObject({ rowCount: 1, createdCount: 0, correctedCount: 1 });
    const read = await list(hospital.token, `productId=${product.id}`);
    expect(read.items).toEqual([
      expect.objectContaining({ stockQuantity: '119.000', revision: 2, late: false }),
    ]);
    const revisions: Array<{ revision: number; stock: string | number }> = await t.dataSource.query(
      'SELECT r.revision AS revision, r.stock_quantity AS stock FROM usage_revisions r WHERE r.record_id = ?',
      [read.items[0].id],
    );
    expect(revisions.map((r) => [Number(r.revision), Number(r.stock)])).toEqual([[1, 120]]);
  });

  it('refuses bad rows naming the field, and writes nothing of a refused batch', async () => {
    const day = plusDays(today(), -1);
    const cases: Array<[object[], number, string, string]> = [
      [
        [row(products[0], plusDays(today(), 1))],
        400,
        'EXECUTION.USAGE_ROW_INVALID',
        'rows[0].date',
      ],
      [[row(products[0], '2026-02-30')], 400, 'EXECUTION.USAGE_ROW_INVALID', 'rows[0].date'],
      [
        [row(products[0], day), row(products[1], day, { stockQuantity: '-1' })],
        400,
        'EXECUTION.USAGE_ROW_INVALID',
        'rows[1].stockQuantity',
      ],
      [
        [row(products[0], day, { purchasedQuantity: '1.0001' })],
        400,
        'EXECUTION.USAGE_ROW_INVALID',
        'rows[0].purchasedQuantity',
      ],
      [
        [row(products[2], day), { ...row(products[0], day), productCode: `X${uniq(20)}` }],
        400,
        'EXECUTION.PRODUCT_NOT_FOUND',
        'rows[1].productCode',
      ],
      [
        [row(products[2], day), row(products[2], day)],
        400,
        'EXECUTION.USAGE_ROW_REPEATED',
        'rows[1].productCode',
      ],
    ];
    for (const [rows, status, code, field] of cases) {
      const res = await put(bearer(hospital.token), `BAD-${uniq()}`, rows);
      expectError(res, status, code);
      expect(res.body.message).toContain(field);
    }
    expect((await list(hospital.token, `productId=${products[2].id}`)).total).toBe(0);

    expectError(
      await put(bearer(hospital.token), 'has%20space', [row(products[0], day)]),
      400,
      'EXECUTION.USAGE_BATCH_ID_INVALID',
    );
    expectError(await put(bearer(hospital.token), 'EMPTY', []), 400, 'COMMON.VALIDATION_FAILED');
    expectError(
      await put(
        bearer(hospital.token),
        'HUGE',
        Array.from({ length: 5001 }, () => row(products[0], day)),
      ),
      400,
      'COMMON.VALIDATION_FAILED',
    );
    expectError(
      await put(bearer(hospital.token), 'EXTRA', [{ ...row(products[0], day), price: '1' }]),
      400,
      'COMMON.VALIDATION_FAILED',
    );
  });

  it('accepts the HIS through an API key with usage:write, and no one else', async () => {
    const day = plusDays(today(), -1);
    const { key } = await makeApiKey(t, cast.hospital, ['usage:write']);
    const res = await put({ 'X-Api-Key': key }, `KEY-${uniq()}`, [row(products[0], day)]).expect(
      200,
    );
    expect(res.body).toMatchObject({ hospitalId: cast.hospital.id, rowCount: 1 });
    const readOnly = await makeApiKey(t, cast.hospital, ['usage:read']);
    expectError(
      await put({ 'X-Api-Key': readOnly.key }, `KEY-${uniq()}`, [row(products[0], day)]),
      403,
      'COMMON.FORBIDDEN',
    );
    const read = await t
      .http()
      .get('/api/v1/execution/usage')
      .set({ 'X-Api-Key': readOnly.key })
      .expect(200);
    expect(read.body.total).toBeGreaterThan(0);
    const supplierKey = await makeApiKey(t, cast.manufacturer, ['usage:write']);
    expectError(
      await put({ 'X-Api-Key': supplierKey.key }, `KEY-${uniq()}`, [row(products[0], day)]),
      403,
      'EXECUTION.USAGE_HOSPITAL_ONLY',
    );
    for (const role of ['supplier_user', 'procurement_officer', 'auditor'] as const)
      expectError(
        await put(bearer(cast.users[role].token), `U-${uniq()}`, [row(products[0], day)]),
        403,
        'COMMON.FORBIDDEN',
      );
    expectError(
      await put({}, `U-${uniq()}`, [row(products[0], day)]),
      401,
      'COMMON.UNAUTHENTICATED',
    );
  });

  it("keeps each hospital's rows to itself and its region's authorities", async () => {
    const day = plusDays(today(), -1);
    const product = await makeDrug(t);
    const id = `SHARED-${uniq()}`;
    await put(bearer(hospital.token), id, [row(product, day)]).expect(200);
    // Batch ids belong to their hospital: another hospital may use the same one.
    const theirs = await put(bearer(other.token), id, [
      row(product, day, { usedQuantity: '1' }),
    ]).expect(200);
    expect(theirs.body).toMatchObject({ hospitalId: cast.otherHospital.id, createdCount: 1 });

    const own = await list(hospital.token, `productId=${product.id}`);
    expect(own.items.map((r) => r.hospitalId)).toEqual([cast.hospital.id]);
    expect((await list(hospital.token, `hospitalId=${cast.otherHospital.id}`)).total).toBe(0);
    const city = await list(cast.users.auditor.token, `productId=${product.id}`);
    expect(city.items.map((r) => r.hospitalId).sort()).toEqual(
      [cast.hospital.id, cast.otherHospital.id].sort(),
    );
    const county = await list(otherAuthority.token, `productId=${product.id}`);
    expect(county.items.map((r) => r.hospitalId)).toEqual([cast.otherHospital.id]);
    await t
      .http()
      .get('/api/v1/execution/usage')
      .set(bearer(cast.users.supplier_user.token))
      .expect(403);
    expectError(
      await t
        .http()
        .get(`/api/v1/execution/usage?from=${day}&to=${plusDays(day, -1)}`)
        .set(bearer(hospital.token)),
      400,
      'EXECUTION.WINDOW_INVALID',
    );
  });

  it('flags a day first reported after the end of the next day (China time), and reports late uploads per hospital', async () => {
    const hospitalOrg = await makeOrganisation(t, 'hospital', {
      regionCode: cast.regions.county.code,
    });
    const reporter = await makeUser(t, hospitalOrg, ['hospital_user']);
    const day = today();
    const [p0, p1, p2] = [await makeDrug(t), await makeDrug(t), await makeDrug(t)];
    await put(bearer(reporter.token), `L-${uniq()}`, [row(p0, day)]).expect(200);
    clock.passes(lateAfter(day, 1), -1000);
    const onTime = await put(bearer(reporter.token), `L-${uniq()}`, [row(p1, day)]).expect(200);
    expect(onTime.body.lateCount).toBe(0);
    clock.passes(lateAfter(day, 1), 0);
    const late = await put(bearer(reporter.token), `L-${uniq()}`, [
      row(p2, day),
      row(p2, plusDays(day, 1)),
    ]).expect(200);
    expect(late.body).toMatchObject({ rowCount: 2, lateCount: 1 });
    // A correction keeps the day's first verdict.
    const fix = await put(bearer(reporter.token), `L-${uniq()}`, [
      row(p0, day, { usedQuantity: '1' }),
    ]).expect(200);
    expect(fix.body).toMatchObject({ correctedCount: 1, lateCount: 0 });

    const rows = await list(reporter.token, `from=${day}&to=${day}&late=true`);
    expect(rows.items.map((r) => r.productId)).toEqual([p2.id]);

    const lateApi = (token: string, q: string) =>
      t.http().get(`/api/v1/execution/usage/late?${q}`).set(bearer(token));
    const report = await lateApi(
      cast.users.auditor.token,
      `from=${day}&to=${plusDays(day, 1)}&pageSize=200`,
    ).expect(200);
    const mine = (report.body.items as Json[]).find((r) => r.hospitalId === hospitalOrg.id);
    expect(mine).toEqual({
      hospitalId: hospitalOrg.id,
      hospitalCode: hospitalOrg.code,
      hospitalName: hospitalOrg.name,
      reportedRows: 4,
      lateRows: 1,
      lateDays: 1,
      lastLateDate: day,
    });
    const elsewhere = await lateApi(otherAuthority.token, `from=${day}&to=${day}`).expect(200);
    expect((elsewhere.body.items as Json[]).some((r) => r.hospitalId === hospitalOrg.id)).toBe(
      false,
    );
    await lateApi(reporter.token, `from=${day}&to=${day}`).expect(403);
    expectError(
      await lateApi(cast.users.auditor.token, `from=${day}`),
      400,
      'COMMON.VALIDATION_FAILED',
    );
    expectError(
      await lateApi(cast.users.auditor.token, `from=${day}&to=${plusDays(day, -1)}`),
      400,
      'EXECUTION.WINDOW_INVALID',
    );
  });

  describe(`Excel: ${KIND}`, () => {
    async function fill(rows: ExcelJS.CellValue[][]): Promise<Buffer> {
      const wb = await loadWorkbook(await downloadTemplate(t, hospital.token, KIND));
      const sheet = wb.getWorksheet(SHEET)!;
      rows.forEach((values, i) =>
        values.forEach((value, c) => {
          sheet.getCell(2 + i, c + 1).value = value;
        }),
      );
      return Buffer.from(await wb.xlsx.writeBuffer());
    }
    const uploadAs = async (token: string, file: Buffer) => {
      const res = await upload(t, token, KIND, file, 'usage.xlsx').expect(202);
      return (await settled(t, token, res.body.id as string)).body as Json;
    };

    it('imports every row in one batch, by the same rules', async () => {
      const day = plusDays(today(), -2);
      const product = await makeDrug(t);
      const file = await fill([
        [product.code, day, '700', 350.5, '0'],
        [product.code.toLowerCase(), plusDays(day, 1), 7, '7', '7'],
      ]);
      const done = await uploadAs(hospital.token, file);
      expect(done).toMatchObject({
        status: 'committed',
        rowsTotal: 2,
        rowsWritten: 2,
        problems: [],
      });
      const read = await list(hospital.token, `productId=${product.id}&order=asc`);
      expect(read.items.map((r) => [r.date, r.purchasedQuantity, r.usedQuantity, r.late])).toEqual([
        [day, '700.000', '350.500', true],
        [plusDays(day, 1), '7.000', '7.000', false],
      ]);
    });

    it('writes nothing when a row breaks a rule, naming each row and column', async () => {
      const day = plusDays(today(), -1);
      const product = await makeDrug(t);
      const file = await fill([
        [product.code, day, '1', '1', '1'],
        [product.code, day, '2', '2', '2'],
        [`X${uniq(20)}`, day, '1', '1', '1'],
        [product.code, plusDays(today(), 1), '1', '-1', '1'],
      ]);
      const done = await uploadAs(hospital.token, file);
      expect(done).toMatchObject({ status: 'failed_validation', rowsWritten: 0 });
      expect((done.problems as Json[]).map((p) => [p.row, p.column])).toEqual([
        [3, 'productCode'],
        [4, 'productCode'],
        [5, 'usedQuantity'],
      ]);
      expect((await list(hospital.token, `productId=${product.id}`)).total).toBe(0);
    });

    it('is refused to suppliers and authorities', async () => {
      for (const role of ['supplier_user', 'procurement_officer'] as const)
        await t
          .http()
          .get(`/api/v1/imports/templates/${KIND}`)
          .set(bearer(cast.users[role].token))
          .expect(403);
    });
  });

  it('feeds §P3: the demand form shows the 12-month purchases of the lot generic in representative units', async () => {
    const pcast = await makeProcurementCast(t, { hospitals: 1, suppliers: 1 });
    const { round, lot } = await makeRoundWithLot(t, pcast, { now: clock.now() });
    await transition(t, pcast.officer.token, round.id, 'open_demand');
    const h = pcast.hospitals[0];
    const admitted = pcast.suppliers[0].product;
    const double = await makeDrug(t, { name: admitted.name, strength: '40', packSize: 14 });
    const otherGeneric = await makeDrug(t, { name: `氨氯地平片 ${uniq(4)}` });
    const yesterday = plusDays(today(), -1);
    await put(bearer(h.token), `P3-${uniq()}`, [
      row(admitted, yesterday, { purchasedQuantity: '700' }),
      row(admitted, plusDays(today(), -364), { purchasedQuantity: '70' }),
      // 40 mg counts twice against the 20 mg representative.
      row(double, yesterday, { purchasedQuantity: '140' }),
      // Outside the window and of another generic: not counted.
      row(admitted, plusDays(today(), -400), { purchasedQuantity: '9999' }),
      row(otherGeneric, yesterday, { purchasedQuantity: '9999' }),
    ]).expect(200);
    const form = await t
      .http()
      .get(`/api/v1/procurement/rounds/${round.id}/demand/form`)
      .set(bearer(h.token))
      .expect(200);
    expect(form.body.lots).toEqual([
      expect.objectContaining({
        lotId: lot.id,
        history: '1050.000',
        minimumWithoutReason: '840.000',
      }),
    ]);
  });
});
