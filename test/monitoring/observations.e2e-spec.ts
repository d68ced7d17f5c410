import { Clock } from '../../src/common/clock';
import { Decimal } from '../../src/database/decimal';
import { chinaDate } from '../../src/modules/execution/deliveries/domain/delivery-rules';
import { makeDrug } from '../factories/catalog';
import {
  deliveryLine,
  ExecutionCast,
  makeExecutionCast,
  ordersApi,
  placedOrder,
} from '../factories/execution';
import { makeOrganisation, makeUser } from '../factories/identity';
import {
  deriveObservations,
  designateSentinel,
  listObservations,
  loadExternalObservations,
  monitoringApi,
} from '../factories/monitoring';
import { makeProcurementCast, makeRoundWithLot, transition } from '../factories/procurement';
import { downloadTemplate, loadWorkbook, settled, upload } from '../imports/workbooks';
import { bearer, binary, startApp, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

type Json = Record<string, unknown>;
const SENTINEL = 'monitoring.sentinel';
const EXTERNAL = 'monitoring.external';

/**
 * §M1 observations over HTTP: derivation from a played round, orders and deliveries (right
 * prices, idempotent, sealed bids never derived), sentinel reports from designated
 * organisations only, external references by JSON batch and Excel, and who sees what.
 */
describe('price observations', () => {
  let t: TestApp;
  let clock: TestClock;
  let cast: ExecutionCast;
  let analyst: { token: string };
  let otherAnalyst: { token: string };

  beforeAll(async () => {
    clock = new TestClock();
    t = await startApp(
      { OBSERVATION_DERIVE_SECONDS: '86400', COMPLETION_CHECK_SECONDS: '86400' },
      { providers: [{ provide: Clock, useValue: clock }] },
    );
    cast = await makeExecutionCast(t, clock);
    analyst = await makeUser(t, cast.authority, ['pricing_analyst']);
    const elsewhere = await makeOrganisation(t, 'authority', {
      regionCode: (await makeProcurementCast(t, { hospitals: 1, suppliers: 1 })).regions.city.code,
    });
    otherAnalyst = await makeUser(t, elsewhere, ['pricing_analyst']);
  });
  afterAll(() => t.close());

  const period = () => chinaDate(clock.now()).slice(0, 7);

  describe('derivation', () => {
    let hospital: ExecutionCast['hospitals'][number];
    let winner: ExecutionCast['suppliers'][number];
    let packPrice: string;
    let orderLineId: string;
    let deliveryLineId: string;

    beforeAll(async () => {
      hospital = cast.hospitals[0];
      const agreement = cast.agreements.find((a) => a.hospitalId === hospital.org.id)!;
      winner = cast.suppliers.find((s) => s.org.id === agreement.supplierId)!;
      packPrice = agreement.packPrice;
      const order = await placedOrder(t, hospital.token, winner.org, [
        { productId: agreement.productId, quantity: '10' },
      ]);
      orderLineId = order.lines[0].id;
      const delivery = await t
        .http()
        .post(ordersApi(`/${order.id}/deliveries`))
        .set(bearer(winner.token))
        .send({ lines: [deliveryLine(orderLineId, '4')] })
        .expect(201);
      deliveryLineId = (delivery.body as { lines: Array<{ id: string }> }).lines[0].id;
      await t
        .http()
        .post(`/api/v1/execution/deliveries/${delivery.body.id}/acceptance`)
        .set(bearer(hospital.token))
        .send({ lines: [{ deliveryLineId, decision: 'accepted' }] })
        .expect(200);
    });

    it('derives purchases, accepted deliveries, opened bids and listings at unit prices, once', async () => {
      const openedRes = await t
        .http()
        .get(`/api/v1/procurement/rounds/${cast.round.id}`)
        .set(bearer(cast.officer.token))
        .expect(200);
      const openedPeriod = chinaDate(new Date(openedRes.body.openedAt as string)).slice(0, 7);
      const run = await deriveObservations(t, analyst.token, period());
      expect(run.inserted.purchase).toBeGreaterThanOrEqual(1);
      expect(run.inserted.delivery).toBeGreaterThanOrEqual(1);
      expect(run.inserted.listing).toBeGreaterThanOrEqual(1);
      if (openedPeriod !== period()) await deriveObservations(t, analyst.token, openedPeriod);

      const unit = new Decimal(packPrice).div(7).toDecimalPlaces(6).toFixed(6);
      const [purchase] = await listObservations(
        t,
        analyst.token,
        `source=purchase&hospitalId=${hospital.org.id}`,
      );
      expect(purchase).toMatchObject({
        sourceRef: `order_line:${orderLineId}`,
        productId: winner.product.id,
        hospitalId: hospital.org.id,
        supplierId: winner.org.id,
        regionCode: hospital.org.regionCode,
        unitPrice: unit,
        // Same spec as the lot's representative (20 mg tablet): converts one to one.
        comparablePrice: unit,
        quantity: '70.000',
        category: 'drug',
        genericKey: '阿托伐他汀钙片|oral_solid|20mg',
        period: period(),
      });
      const [delivery] = await listObservations(
        t,
        analyst.token,
        `source=delivery&hospitalId=${hospital.org.id}`,
      );
      expect(delivery).toMatchObject({
        sourceRef: `delivery_line:${deliveryLineId}`,
        unitPrice: unit,
        quantity: '28.000',
      });
      const bids = await listObservations(
        t,
        analyst.token,
        `source=bid&productId=${winner.product.id}`,
      );
      expect(bids).toHaveLength(1);
      expect(bids[0]).toMatchObject({
        supplierId: winner.org.id,
        regionCode: cast.regions.city.code,
        quantity: null,
      });
      const allBids = await Promise.all(
        cast.suppliers.map((s) =>
          listObservations(t, analyst.token, `source=bid&supplierId=${s.org.id}`),
        ),
      );
      // Pack prices 10.50, 14.00, 17.50 over 7 tablets.
      expect(allBids.map((b) => b[0]?.unitPrice)).toEqual(['1.500000', '2.000000', '2.500000']);
      // Listed at province level: above the city analyst's scope, seen platform-wide.
      const listing = await listObservations(
        t,
        t.adminToken,
        `source=listing&productId=${cast.listed.id}&from=${period()}&to=${period()}`,
      );
      expect(listing).toHaveLength(1);
      expect(listing[0]).toMatchObject({
        unitPrice: '1.137500',
        comparablePrice: null,
        observedOn: `${period()}-01`,
        regionCode: cast.regions.province.code,
      });

      const again = await deriveObservations(t, analyst.token, period());
      expect(Object.values(again.inserted)).toEqual([0, 0, 0, 0]);
      expect(again.seen.purchase).toBe(run.seen.purchase);
    });

    it('never derives a sealed bid: bids enter only once their round is opened', async () => {
      const pcast = await makeProcurementCast(t, { hospitals: 1, suppliers: 1 });
      const { round, lot } = await makeRoundWithLot(t, pcast, { now: clock.now() });
      await transition(t, pcast.officer.token, round.id, 'open_demand');
      clock.passes(round.timeline.demandClosesAt);
      await transition(t, pcast.officer.token, round.id, 'close_demand');
      clock.passes(round.timeline.biddingOpensAt);
      await transition(t, pcast.officer.token, round.id, 'open_bidding');
      const s = pcast.suppliers[0];
      await t
        .http()
        .post(`/api/v1/procurement/rounds/${round.id}/commitment`)
        .set(bearer(s.token))
        .expect(201);
      await t
        .http()
        .post(`/api/v1/procurement/rounds/${round.id}/bids`)
        .set(bearer(s.token))
        .send({
          lotId: lot.id,
          productId: s.product.id,
          packPrice: '12.60',
          capacity: '1000',
          preferredRegions: [],
        })
        .expect(201);
      const p = period();
      await deriveObservations(t, analyst.token, p);
      expect(await listObservations(t, analyst.token, `source=bid&supplierId=${s.org.id}`)).toEqual(
        [],
      );
      clock.passes(round.timeline.openingAt);
      await transition(t, pcast.officer.token, round.id, 'open');
      await t.idle();
      await deriveObservations(t, analyst.token, period());
      const bids = await listObservations(t, t.adminToken, `source=bid&supplierId=${s.org.id}`);
      expect(bids.map((b) => b.unitPrice)).toEqual(['1.800000']);
    });

    it('refuses a bad period and non-analysts', async () => {
      const res = await t
        .http()
        .post(monitoringApi('/observations/derive?period=2026-13'))
        .set(bearer(analyst.token))
        .expect(400);
      expect(res.body.code).toBe('MONITORING.OBSERVATION_PERIOD_INVALID');
      await t
        .http()
        .post(monitoringApi(`/observations/derive?period=${period()}`))
        .set(bearer(cast.officer.token))
        .expect(403);
    });
  });

  describe('sentinel reports', () => {
    it('accepts reports from designated organisations only', async () => {
      const pharmacy = await makeOrganisation(t, 'hospital', {
        regionCode: cast.regions.county.code,
        hospitalKind: 'retail_pharmacy',
      });
      const user = await makeUser(t, pharmacy, ['hospital_user']);
      const query = `?contextId=${pharmacy.id}`;
      const refused = await t
        .http()
        .get(`/api/v1/imports/templates/${SENTINEL}${query}`)
        .set(bearer(user.token))
        .expect(403);
      expect(refused.body.code).toBe('MONITORING.SENTINEL_NOT_DESIGNATED');

      await designateSentinel(t, analyst.token, pharmacy.id);
      const product = await makeDrug(t, { packSize: 10 });
      const wb = await loadWorkbook(await downloadTemplate(t, user.token, SENTINEL, query));
      const sheet = wb.getWorksheet('哨点报价 Sentinel prices')!;
      sheet.getRow(2).values = [product.code, chinaDate(clock.now()), '0.35', '100'];
      const file = Buffer.from(await wb.xlsx.writeBuffer());
      const res = await upload(t, user.token, SENTINEL, file, 'sentinel.xlsx', query).expect(202);
      const done = (await settled(t, user.token, res.body.id as string)).body as Json;
      expect(done).toMatchObject({ status: 'committed', rowsWritten: 1 });
      const rows = await listObservations(t, user.token, `source=sentinel`);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        hospitalId: pharmacy.id,
        productId: product.id,
        unitPrice: '0.350000',
        quantity: '100.000',
        regionCode: cast.regions.county.code,
        sourceRef: `import:${String(res.body.id)}:2`,
      });

      await t
        .http()
        .delete(monitoringApi(`/sentinels/${pharmacy.id}`))
        .set(bearer(analyst.token))
        .expect(200);
      const after = await upload(t, user.token, SENTINEL, file, 'again.xlsx', query).expect(403);
      expect(after.body.code).toBe('MONITORING.SENTINEL_NOT_DESIGNATED');
    });

    it('refuses a product reported twice for one day, naming the first row', async () => {
      const pharmacy = await makeOrganisation(t, 'hospital', {
        regionCode: cast.regions.county.code,
        hospitalKind: 'retail_pharmacy',
      });
      const user = await makeUser(t, pharmacy, ['hospital_user']);
      const query = `?contextId=${pharmacy.id}`;
      await designateSentinel(t, analyst.token, pharmacy.id);
      const [product, other] = [await makeDrug(t), await makeDrug(t)];
      const day = chinaDate(clock.now());
      const wb = await loadWorkbook(await downloadTemplate(t, user.token, SENTINEL, query));
      const sheet = wb.getWorksheet('哨点报价 Sentinel prices')!;
      sheet.getRow(2).values = [product.code, day, '0.35', '100'];
      sheet.getRow(3).values = [other.code, day, '0.40', null];
      sheet.getRow(4).values = [product.code.toLowerCase(), day, '0.36', null];
      sheet.getRow(5).values = [product.code, day, '0.37', null];
      const file = Buffer.from(await wb.xlsx.writeBuffer());
      const res = await upload(t, user.token, SENTINEL, file, 'twice.xlsx', query).expect(202);
      const failed = (await settled(t, user.token, res.body.id as string)).body as Json;
      expect(failed).toMatchObject({ status: 'failed_validation', rowsTotal: 4, errorCount: 2 });
      expect((failed.problems as Json[]).map((p) => [p.row, p.column, p.message])).toEqual([
        [4, 'productCode', `${product.code} on ${day} is already reported in row 2`],
        [5, 'productCode', `${product.code} on ${day} is already reported in row 2`],
      ]);
      expect(await listObservations(t, user.token, `source=sentinel`)).toEqual([]);
    });

    it('designates hospitals only, within the analyst region', async () => {
      const supplier = await makeOrganisation(t, 'manufacturer', {
        regionCode: cast.regions.city.code,
      });
      const bad = await designateSentinel(t, analyst.token, supplier.id, 400);
      expect(bad.code).toBe('MONITORING.SENTINEL_ORGANISATION_INVALID');
      await designateSentinel(t, otherAnalyst.token, cast.hospitals[0].org.id, 404);
      await designateSentinel(t, cast.hospitals[0].token, cast.hospitals[0].org.id, 403);
    });
  });

  describe('external references', () => {
    it('loads a JSON batch once; the same id with other rows is a 409', async () => {
      const product = await makeDrug(t, { packSize: 10 });
      const rows = [
        {
          productCode: product.code,
          referenceKind: 'other_region' as const,
          regionCode: '330100',
          date: '2026-01-15',
          unitPrice: '0.2',
        },
        {
          productCode: product.code,
          referenceKind: 'national_monitoring' as const,
          date: '2026-01-15',
          unitPrice: '0.25',
          quantity: '5',
        },
      ];
      const first = await loadExternalObservations(t, analyst.token, rows, 'NHSA-A');
      expect(first).toMatchObject({
        kind: 'api',
        source: 'external',
        status: 'committed',
        rowCount: 2,
        insertedCount: 2,
      });
      const again = await loadExternalObservations(t, analyst.token, rows, 'NHSA-A');
      expect(again.id).toBe(first.id);
      const read = await listObservations(
        t,
        analyst.token,
        `source=external&productId=${product.id}`,
      );
      expect(read.map((r) => [r.regionCode, r.referenceKind, r.unitPrice])).toEqual([
        ['330100', 'other_region', '0.200000'],
        ['national', 'national_monitoring', '0.250000'],
      ]);
      // Reference prices are shared data: every authority sees them.
      expect(
        await listObservations(t, otherAnalyst.token, `source=external&productId=${product.id}`),
      ).toHaveLength(2);
      const conflict = await loadExternalObservations(
        t,
        analyst.token,
        [{ ...rows[0], unitPrice: '0.3' }],
        'NHSA-A',
        409,
      );
      expect(conflict.code).toBe('MONITORING.OBSERVATION_BATCH_CONFLICT');
      const bad = await loadExternalObservations(
        t,
        analyst.token,
        [{ ...rows[0], regionCode: '33' }],
        'NHSA-B',
        400,
      );
      expect(bad).toMatchObject({ code: 'MONITORING.OBSERVATION_ROW_INVALID' });
      expect(bad.message).toContain('rows[0].regionCode');
      const unknown = await loadExternalObservations(
        t,
        analyst.token,
        [{ ...rows[0], productCode: 'XZ99ZZZ9999999999999' }],
        'NHSA-C',
        400,
      );
      expect(unknown.code).toBe('MONITORING.OBSERVATION_PRODUCT_UNKNOWN');
      const batch = await t
        .http()
        .get(monitoringApi(`/observation-batches/${String(first.id)}`))
        .set(bearer(analyst.token))
        .expect(200);
      expect(batch.body).toMatchObject({ insertedCount: 2 });
    });

    it('sums a month above 9.2 billion yuan exactly, to the cent', async () => {
      const product = await makeDrug(t);
      const row = (regionCode: string, unitPrice: string, quantity: string) => ({
        productCode: product.code,
        referenceKind: 'other_region' as const,
        regionCode,
        date: '2026-03-10',
        unitPrice,
        quantity,
      });
      // 2 × 6 000 000 000 + 1.8518505: past 2^63 units of 10^-9 yuan, which a plain SQLite sum
      // of price × quantity units refuses.
      await loadExternalObservations(t, analyst.token, [
        row('330100', '1000000', '6000'),
        row('330200', '1000000', '6000'),
        row('330300', '1.234567', '1.5'),
      ]);
      const res = await t
        .http()
        .get(monitoringApi(`/observations/summary?source=external&productId=${product.id}`))
        .set(bearer(analyst.token))
        .expect(200);
      expect(res.body).toEqual({
        items: [
          {
            source: 'external',
            period: '2026-03',
            count: 3,
            quantity: '12001.500',
            amount: '12000000001.85',
            minUnitPrice: '1.234567',
            maxUnitPrice: '1000000.000000',
          },
        ],
        count: 3,
      });
    });

    it('imports an Excel file, or nothing with an error workbook', async () => {
      const product = await makeDrug(t);
      const fill = async (rows: unknown[][]) => {
        const wb = await loadWorkbook(await downloadTemplate(t, analyst.token, EXTERNAL));
        const sheet = wb.getWorksheet('外部参考价 External prices')!;
        rows.forEach((r, i) => (sheet.getRow(2 + i).values = r as never));
        return Buffer.from(await wb.xlsx.writeBuffer());
      };
      const bad = await fill([
        [product.code, 'other_region', '320500', '2026-02-01', '1.1'],
        [product.code, 'national_monitoring', '320500', '2026-02-01', '1.2'],
        [product.code, 'other_region', '320500', '2026-02-30', '-1'],
      ]);
      const res = await upload(t, analyst.token, EXTERNAL, bad, 'bad.xlsx').expect(202);
      const failed = (await settled(t, analyst.token, res.body.id as string)).body as Json;
      expect(failed).toMatchObject({ status: 'failed_validation', rowsWritten: 0 });
      expect((failed.problems as Json[]).map((p) => [p.row, p.column])).toEqual([
        [3, 'regionCode'],
        [4, 'date'],
        [4, 'unitPrice'],
      ]);
      await t
        .http()
        .get(`/api/v1/imports/${String(res.body.id)}/errors.xlsx`)
        .set(bearer(analyst.token))
        .buffer(true)
        .parse(binary)
        .expect(200);
      expect(await listObservations(t, analyst.token, `productId=${product.id}`)).toEqual([]);

      const good = await fill([[product.code, 'other_region', '320500', '2026-02-01', '1.1']]);
      const ok = await upload(t, analyst.token, EXTERNAL, good, 'good.xlsx').expect(202);
      expect((await settled(t, analyst.token, ok.body.id as string)).body).toMatchObject({
        status: 'committed',
      });
      expect(await listObservations(t, analyst.token, `productId=${product.id}`)).toHaveLength(1);
      await upload(t, cast.hospitals[0].token, EXTERNAL, good, 'h.xlsx').expect(403);
      // Templates with list validation are slow for exceljs to load and write back.
    }, 240_000);
  });

  describe('read scope', () => {
    it('gives each role its own rows', async () => {
      const hospital = cast.hospitals[0];
      const agreement = cast.agreements.find((a) => a.hospitalId === hospital.org.id)!;
      const winner = cast.suppliers.find((s) => s.org.id === agreement.supplierId)!;
      const loser = cast.suppliers.find((s) => s.org.id !== agreement.supplierId)!;
      const other = cast.hospitals.find((h) => h.org.id !== hospital.org.id)!;
      const q = `source=purchase&hospitalId=${hospital.org.id}`;
      const matrix: Array<[string, string, boolean]> = [
        ['analyst of the region', analyst.token, true],
        ['analyst of another region', otherAnalyst.token, false],
        ['procurement officer of the region', cast.officer.token, true],
        ['the hospital', hospital.token, true],
        ['another hospital', other.token, false],
        ['the supplier', winner.token, true],
        ['another supplier', loser.token, false],
      ];
      for (const [who, token, sees] of matrix) {
        const rows = await listObservations(t, token, q);
        expect([who, rows.length > 0]).toEqual([who, sees]);
      }
      const summary = await t
        .http()
        .get(monitoringApi(`/observations/summary?hospitalId=${hospital.org.id}`))
        .set(bearer(analyst.token))
        .expect(200);
      const purchase = (summary.body.items as Json[]).find((i) => i.source === 'purchase')!;
      expect(purchase).toMatchObject({ count: 1, quantity: '70.000' });
      const none = await t
        .http()
        .get(monitoringApi(`/observations/summary?hospitalId=${hospital.org.id}`))
        .set(bearer(other.token))
        .expect(200);
      expect(none.body).toEqual({ items: [], count: 0 });
      const invalid = await t
        .http()
        .get(monitoringApi('/observations?from=2026-05&to=2026-01'))
        .set(bearer(analyst.token))
        .expect(400);
      expect(invalid.body.code).toBe('MONITORING.OBSERVATION_QUERY_INVALID');
    });
  });
});
