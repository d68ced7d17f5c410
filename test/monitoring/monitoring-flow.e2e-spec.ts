import ExcelJS from 'exceljs';
import { Clock } from '../../src/common/clock';
import { Decimal } from '../../src/database/decimal';
import { Product } from '../../src/modules/catalog/products/product.entity';
import { Organisation } from '../../src/modules/identity/organisations/organisation.entity';
import { addMonths, periodBounds } from '../../src/modules/monitoring/rules/domain/periods';
import { makeDrug, makeListingPrice } from '../factories/catalog';
import { ExecutionCast, makeExecutionCast, placedOrder } from '../factories/execution';
import { makeOrganisation, makeUser } from '../factories/identity';
import {
  deriveObservations,
  designateSentinel,
  listObservations,
  loadExternalObservations,
  monitoringApi,
  uploadSentinelReport,
} from '../factories/monitoring';
import { bearer, binary, startApp, TestApp, uniq } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

type Json = Record<string, unknown>;
type Login = { org: Organisation; token: string };

/**
 * §M "done means", end to end, every observation entering the way it does in production:
 * hospitals place orders over HTTP for four months and an analyst derives each month's
 * purchase observations; a designated sentinel pharmacy uploads its report as Excel; an analyst
 * posts another region's price to the external API. Then: evaluation → the expected alerts with
 * their evidence, to the last digit → a re-run duplicates nothing → a case from inquiry (the
 * supplier replies with its own login) through interview to outcome → the index, hand-computed
 * from the orders → the monthly report workbook and its sheets.
 *
 * The data (units are tablets; product A packs 10, the VBP product B packs 7):
 * - A, made by S, listed in the city at 10.00 a pack (1.00 a tablet) for M1–M3, then at 16.00
 *   (1.60) from M4. Five hospitals H1–H5 of the county buy 10 packs each in M1, M2 and M3 at the
 *   listing price. In M4 H1–H4 buy 40 packs each at the new listing price and H5 buys 40 packs
 *   at 100.00 (10.00 a tablet, a manual price with its reason).
 * - B, the VBP winner, bought every month by its agreement hospital: 100 packs at the agreement
 *   price 10.50 (1.50 a tablet).
 * - The sentinel pharmacy P of the county reports A at 1.00 on M3-20 and 1.60 on M4-08.
 * - Another province's price of A is 1.20 on M4-05.
 */
describe('price monitoring flow (§M)', () => {
  let t: TestApp;
  const clock = new TestClock();
  let cast: ExecutionCast;
  let analyst: string;
  let maker: Login & { userId: string };
  let a: Product;
  let genericKeyOfA: string;
  let raisedListingId: string;
  let buyers: Login[];
  let pharmacy: Login;
  let vbp: { hospital: Login; supplier: Organisation; productId: string };
  let months: string[];
  let elsewhere: string;

  beforeAll(async () => {
    t = await startApp(
      { OBSERVATION_DERIVE_SECONDS: '86400', COMPLETION_CHECK_SECONDS: '86400' },
      { providers: [{ provide: Clock, useValue: clock }] },
    );
    // An awarded round; the clock stands on the agreements' first day.
    cast = await makeExecutionCast(t, clock);
    // A platform-wide authority: product-wide alerts (no region, e.g. abrupt_change over every
    // purchase of the product) are visible to authorities without a region only.
    const platform = await makeOrganisation(t, 'authority');
    analyst = (await makeUser(t, platform, ['pricing_analyst'])).token;

    // The first-ranked winner, the lowest bid (10.50 for 7 tablets), always picks a county and
    // so has an agreement: B costs 1.50 a tablet.
    const agreement = [...cast.agreements].sort((x, y) =>
      new Decimal(x.packPrice).comparedTo(y.packPrice),
    )[0];
    expect(new Decimal(agreement.packPrice).toFixed(2)).toBe('10.50');
    vbp = {
      hospital: cast.hospitals.find((h) => h.org.id === agreement.hospitalId)!,
      supplier: cast.suppliers.find((s) => s.org.id === agreement.supplierId)!.org,
      productId: agreement.productId,
    };
    // Four whole months after the agreements' first month.
    const start = agreement.startDate.slice(0, 7);
    months = [1, 2, 3, 4].map((n) => addMonths(start, n));
    const [m1, , m3, m4] = months;

    const makerOrg = await makeOrganisation(t, 'manufacturer');
    const makerLogin = await makeUser(t, makerOrg, ['supplier_user']);
    maker = { org: makerOrg, token: makerLogin.token, userId: makerLogin.user.id };
    a = await makeDrug(t, { name: `监测流程片 ${uniq(6)}`, manufacturer: makerOrg, packSize: 10 });
    const city = cast.regions.city.code;
    await makeListingPrice(t, a, city, {
      packPrice: '10.00',
      validFrom: `${m1}-01`,
      validTo: periodBounds(m3).last,
    });
    raisedListingId = (
      await makeListingPrice(t, a, city, { packPrice: '16.00', validFrom: `${m4}-01` })
    ).id;
    buyers = [];
    for (let i = 0; i < 5; i++) {
      const org = await makeOrganisation(t, 'hospital', { regionCode: cast.regions.county.code });
      buyers.push({ org, token: (await makeUser(t, org, ['hospital_user'])).token });
    }
    const shop = await makeOrganisation(t, 'hospital', {
      regionCode: cast.regions.county.code,
      hospitalKind: 'retail_pharmacy',
    });
    pharmacy = { org: shop, token: (await makeUser(t, shop, ['hospital_user'])).token };
    // Another province than the cast's.
    elsewhere = cast.regions.province.code.startsWith('33') ? '440100' : '330100';
  }, 300_000);
  afterAll(() => t.close());

  const get = (path: string, token = analyst) =>
    t.http().get(monitoringApi(path)).set(bearer(token));
  const post = (path: string, body: object, token = analyst) =>
    t.http().post(monitoringApi(path)).set(bearer(token)).send(body);
  const alertsOfA = async () => {
    const res = await get(`/alerts?productId=${a.id}&pageSize=200&sort=period`);
    expect(res.status).toBe(200);
    return (res.body as { items: Json[] }).items;
  };
  const priceSpreadOfA = async (period: string) => {
    const res = await get(
      `/alerts?rule=price_spread&periodFrom=${period}&periodTo=${period}&pageSize=200&sort=raisedAt&order=desc`,
    );
    expect(res.status).toBe(200);
    return (res.body as { items: Json[] }).items.filter((x) => x.genericKey === genericKeyOfA);
  };
  const evidenceOf = async (id: unknown) =>
    ((await get(`/alerts/${String(id)}`)).body as { evidence: Json }).evidence;

  /** A month of orders over HTTP, then the analyst derives the month's observations. */
  async function tradeMonth(period: string, aOrders: Array<{ packs: string; packPrice?: string }>) {
    clock.passes(`${period}-10T10:00:00+08:00`);
    for (const [i, o] of aOrders.entries())
      await placedOrder(t, buyers[i].token, maker.org, [
        o.packPrice
          ? {
              productId: a.id,
              quantity: o.packs,
              unitPrice: o.packPrice,
              priceReason: '急诊临时采购',
            }
          : { productId: a.id, quantity: o.packs },
      ]);
    await placedOrder(t, vbp.hospital.token, vbp.supplier, [
      { productId: vbp.productId, quantity: '100' },
    ]);
    const run = await deriveObservations(t, analyst, period);
    expect(run.period).toBe(period);
    // The derivation's batch is evaluated as it commits.
    await t.idle();
    const rows = await listObservations(
      t,
      analyst,
      `source=purchase&productId=${a.id}&from=${period}&to=${period}`,
    );
    const b = await listObservations(
      t,
      analyst,
      `source=purchase&productId=${vbp.productId}&hospitalId=${vbp.hospital.org.id}&from=${period}&to=${period}`,
    );
    return { rows, b };
  }

  it('orders, a sentinel report and an external price → alerts → case → index → report', async () => {
    const [m1, m2, m3, m4] = months;
    const county = cast.regions.county.code;
    const city = cast.regions.city.code;

    // ── Observations over HTTP and Excel ────────────────────────────────────────────────
    for (const period of [m1, m2, m3]) {
      const { rows, b } = await tradeMonth(
        period,
        buyers.map(() => ({ packs: '10' })),
      );
      // 10 packs of 10 at 10.00 a pack: 100 tablets at 1.00 in each hospital.
      expect(rows.map((r) => [r.hospitalId, r.unitPrice, r.quantity, r.observedOn])).toEqual(
        buyers.map((h) => [h.org.id, '1.000000', '100.000', `${period}-10`]),
      );
      // 100 packs of 7 at 10.50: 700 tablets at 1.50, same spec as the lot's representative.
      expect(b.map((r) => [r.unitPrice, r.comparablePrice, r.quantity])).toEqual([
        ['1.500000', '1.500000', '700.000'],
      ]);
    }
    genericKeyOfA = (
      await listObservations(t, analyst, `source=purchase&productId=${a.id}&from=${m1}&to=${m1}`)
    )[0].genericKey as string;
    // Three flat months: nothing fires.
    expect(await alertsOfA()).toEqual([]);

    // M4: H1–H4 at the raised listing (16.00 a pack), H5 at 100.00 a pack with a reason.
    const { rows: m4Rows } = await tradeMonth(m4, [
      { packs: '40' },
      { packs: '40' },
      { packs: '40' },
      { packs: '40' },
      { packs: '40', packPrice: '100.00' },
    ]);
    expect(m4Rows.map((r) => [r.hospitalId, r.unitPrice, r.quantity])).toEqual([
      ...buyers.slice(0, 4).map((h) => [h.org.id, '1.600000', '400.000']),
      [buyers[4].org.id, '10.000000', '400.000'],
    ]);

    // The sentinel pharmacy, once designated, reports through its own Excel template.
    await designateSentinel(t, analyst, pharmacy.org.id);
    const report = await uploadSentinelReport(t, pharmacy.token, pharmacy.org.id, [
      [a.code, `${m3}-20`, '1.00', '50'],
      [a.code, `${m4}-08`, '1.60', '50'],
    ]);
    expect(report).toMatchObject({ status: 'committed', rowsWritten: 2 });
    // Another province's price, over the external API.
    const external = await loadExternalObservations(t, analyst, [
      {
        productCode: a.code,
        referenceKind: 'other_region',
        regionCode: elsewhere,
        date: `${m4}-05`,
        unitPrice: '1.20',
      },
    ]);
    expect(external).toMatchObject({ status: 'committed', insertedCount: 1 });
    await t.idle();
    const sentinelRows = await listObservations(t, analyst, `source=sentinel&productId=${a.id}`);
    expect(sentinelRows.map((r) => [r.hospitalId, r.period, r.unitPrice, r.regionCode])).toEqual([
      [pharmacy.org.id, m3, '1.000000', county],
      [pharmacy.org.id, m4, '1.600000', county],
    ]);

    // ── Evaluation ─────────────────────────────────────────────────────────────────────
    // A full scan of M4. Every load was evaluated as it committed (§M8), so the scan finds the
    // alerts already raised and creates none.
    const scan = await post('/evaluations', { period: m4 });
    expect(scan.status).toBe(202);
    await t.idle();
    const scanned = await get(`/evaluations/${(scan.body as { id: string }).id}`);
    expect(scanned.body).toMatchObject({ status: 'succeeded', newAlerts: 0 });

    const [h1, , , , h5] = buyers.map((h) => h.org.id);
    const s = maker.org.id;
    const raised = await alertsOfA();
    const byRule = (rule: string) => raised.find((x) => x.ruleCode === rule)!;
    expect(
      raised
        .map((x) => [x.ruleCode, x.period, x.severity, x.subjectKey, x.hospitalId, x.regionCode])
        .sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    ).toEqual([
      ['above_contract', m4, 'red_1', `product:${a.id}|hospital:${h5}`, h5, county],
      ['abrupt_change', m4, 'red_1', `product:${a.id}`, null, null],
      ['cross_region_low', m4, 'yellow', `product:${a.id}|region:${city}`, null, city],
      ['peer_outlier', m4, 'yellow', `product:${a.id}|hospital:${h5}`, h5, county],
      ['quantity_spike', m4, 'verify', `product:${a.id}`, null, null],
    ]);
    expect(raised.every((x) => x.supplierId === s && x.status === 'open')).toBe(true);
    // M4's hospital prices of A (the mean of each hospital's observations): H1–H4 1.60, the
    // sentinel P 1.60, H5 10.00 — six peers, median 1.60; in M1–M3 every price was 1.00.

    // H5 paid 10.00 against the listing of 1.60 in force in M4: 10 / 1.6 − 1 = 5.25 above.
    expect(await evidenceOf(byRule('above_contract').id)).toEqual({
      observedMaxUnitPrice: '10.000000',
      observationCount: 1,
      contractKind: 'listing',
      contractRef: `listing:${raisedListingId}`,
      contractUnitPrice: '1.600000',
      tolerance: '0',
      limit: '1.600000',
      excessShare: '5.250000',
    });
    // Median 1.00 → 1.60: +60 % > 50 % is red★. CUSUM with k = 0.05 over the 12-month window:
    // the changes are 0 until M4, so S = max(0, 0 + 0.60 − 0.05) = 0.55 > h = 0.20 (drifting).
    expect(await evidenceOf(byRule('abrupt_change').id)).toEqual({
      median: '1.600000',
      previousMedian: '1.000000',
      change: '0.600000',
      verifyAbove: '0.15',
      alertAbove: '0.50',
      cusum: '0.550000',
      cusumAllowance: '0.05',
      cusumThreshold: '0.20',
      cusumWindowMonths: 12,
      drifting: true,
    });
    // The city's median 1.60 against the other province's 1.20: the limit is 1.20 × 1.10 = 1.32;
    // 1.60 / 1.20 − 1 = 0.333333.
    expect(await evidenceOf(byRule('cross_region_low').id)).toEqual({
      localMedianPrice: '1.600000',
      localHospitals: 6,
      lowestPrice: '1.200000',
      lowestRegionCode: elsewhere,
      lowestSource: 'external',
      margin: '0.10',
      regionLevel: 'city',
      limit: '1.320000',
      excessShare: '0.333333',
    });
    // Five of the six peers pay the centre 1.60 (√(1.6 × 1.6) of the middle pair), so the MAD
    // of ln x is 0 and the mean absolute deviation stands in: ln(10 / 1.6) / 6 = ln 6.25 / 6 =
    // 1.832581 / 6 = 0.305430. z = ln 6.25 / (1.253314 × ln 6.25 / 6) = 6 / 1.253314 = 4.787308
    // > 3.5.
    expect(await evidenceOf(byRule('peer_outlier').id)).toEqual({
      hospitalPrice: '10.000000',
      peerCenter: '1.600000',
      logSpread: '0.305430',
      spreadMethod: 'mean_ad',
      z: '4.787308',
      threshold: '3.5',
      peers: 6,
    });
    // Purchased tablets: 5 × 100 = 500 in each of M1–M3, then 5 × 400 = 2000 in M4. The 6-month
    // average counts the three empty months as 0: 1500 / 6 = 250, limit 3 × 250 = 750; 2000 / 250
    // = 8.
    expect(await evidenceOf(byRule('quantity_spike').id)).toEqual({
      quantity: '2000.000',
      averageQuantity: '250.000',
      windowMonths: 6,
      monthsWithPurchases: 3,
      multiple: '3',
      limit: '750.000',
      ratio: '8.000000',
    });
    // Across the generic's hospitals: 10.00 (H5) / 1.60 (the lowest id at 1.60, H1) = 6.25.
    const [spread] = await priceSpreadOfA(m4);
    expect(spread).toMatchObject({ severity: 'yellow', productId: null, status: 'open' });
    expect(await evidenceOf(spread.id)).toEqual({
      maxComparablePrice: '10.000000',
      maxHospitalId: h5,
      minComparablePrice: '1.600000',
      minHospitalId: h1,
      spread: '6.250000',
      maxRatio: '1.8',
      peers: 6,
    });
    // B, bought at its agreement price every month, raises nothing.
    expect(
      (
        (await get(`/alerts?productId=${vbp.productId}&pageSize=200`)).body as {
          items: Json[];
        }
      ).items,
    ).toEqual([]);

    // ── A re-run creates no duplicate and changes no evidence ──────────────────────────────
    const evidenceBefore = await Promise.all(raised.map((x) => evidenceOf(x.id)));
    const rerun = await post('/evaluations', { period: m4 });
    expect(rerun.status).toBe(202);
    await t.idle();
    expect((await get(`/evaluations/${(rerun.body as { id: string }).id}`)).body).toMatchObject({
      status: 'succeeded',
      newAlerts: 0,
    });
    const after = await alertsOfA();
    expect(after.map((x) => x.id).sort()).toEqual(raised.map((x) => x.id).sort());
    expect(await Promise.all(raised.map((x) => evidenceOf(x.id)))).toEqual(evidenceBefore);
    expect((await priceSpreadOfA(m4)).map((x) => x.id)).toEqual([spread.id]);

    // ── The case: inquiry, the supplier's own reply, interview, outcome ───────────────────
    const caseAlerts = ['abrupt_change', 'peer_outlier', 'above_contract'].map((r) => byRule(r).id);
    const opened = await post('/cases', { alertIds: caseAlerts, title: '价格突变' });
    expect(opened.status).toBe(201);
    // The alerts name their supplier, S: the case is against it.
    expect(opened.body).toMatchObject({ supplierId: s, status: 'open' });
    const code = (opened.body as { code: string }).code;
    expect(
      (await post(`/cases/${code}/inquiry`, { letter: '请说明本月价格上涨原因' })).status,
    ).toBe(200);
    const reply = await post(`/cases/${code}/reply`, { text: '原料药涨价' }, maker.token);
    expect(reply.status).toBe(200);
    expect((await post(`/cases/${code}/interview`, { record: '约谈：企业承诺回调' })).status).toBe(
      200,
    );
    const outcome = await post(`/cases/${code}/outcome`, {
      outcome: 'price_cut',
      note: '承诺降至 1.20 元',
      newUnitPrice: '1.20',
      effectiveDate: `${addMonths(m4, 1)}-01`,
    });
    expect(outcome.status).toBe(200);
    const record = (await get(`/cases/${code}`)).body as {
      steps: Json[];
      alerts: Json[];
      status: string;
      outcome: string;
    };
    expect(record).toMatchObject({ status: 'closed', outcome: 'price_cut' });
    expect(record.steps.map((x) => x.kind)).toEqual([
      'opened',
      'inquiry_sent',
      'replied',
      'interview',
      'outcome',
    ]);
    // The reply is the supplier's own, under its login; it reads its case's record too.
    expect(record.steps[2]).toMatchObject({ actorId: maker.userId });
    expect((await get(`/cases/${code}`, maker.token)).body).toMatchObject({ code });
    expect(record.alerts.map((x) => x.status)).toEqual(['resolved', 'resolved', 'resolved']);
    // The analyst follows the cross-region price up outside the case.
    expect(
      (await post(`/alerts/${String(byRule('cross_region_low').id)}/acknowledge`, {})).status,
    ).toBe(200);

    // ── The price index of the city, from the orders ──────────────────────────────────────
    // Prices per tablet weighted by tablets bought; both products bought every month.
    // M1–M3: A 1.00 × 500, B 1.50 × 700 — prices flat, every link 1, the index stays 100.
    // M4: A = (4 × 400 × 1.60 + 400 × 10.00) / 2000 = 6560 / 2000 = 3.28 × 2000; B 1.50 × 700.
    // Laspeyres = (3.28 × 500 + 1.50 × 700) / (1.00 × 500 + 1.50 × 700) = 2690 / 1550
    //           = 1.735484 → 173.5484
    // Paasche   = (3.28 × 2000 + 1.50 × 700) / (1.00 × 2000 + 1.50 × 700) = 7610 / 3050
    //           = 2.495082 → 249.5082
    // Fisher    = √(2690 / 1550 × 7610 / 3050) = √4.330175 = 2.080907 → 208.0907
    const index = await get(`/index?from=${m1}&to=${m4}&base=${m1}&regionCode=${city}`);
    expect(index.status).toBe(200);
    expect(
      (index.body as { points: Json[] }).points.map((p) => [
        p.period,
        p.laspeyres,
        p.paasche,
        p.fisher,
        p.products,
        p.linkProducts,
      ]),
    ).toEqual([
      [m1, '100.0000', '100.0000', '100.0000', 2, null],
      [m2, '100.0000', '100.0000', '100.0000', 2, 2],
      [m3, '100.0000', '100.0000', '100.0000', 2, 2],
      [m4, '173.5484', '249.5082', '208.0907', 2, 2],
    ]);
    expect((index.body as { points: Json[] }).points[3]).toMatchObject({
      index: '208.0907',
      laspeyresLink: '1.735484',
      paascheLink: '2.495082',
      fisherLink: '2.080907',
    });

    // ── The monthly report of M4, once M4 is over ─────────────────────────────────────────
    clock.passes(`${addMonths(m4, 1)}-02T09:00:00+08:00`);
    const generated = await post('/reports', { period: m4 });
    expect(generated.status).toBe(201);
    const file = await t
      .http()
      .get(monitoringApi(`/reports/${m4}/download`))
      .set(bearer(analyst))
      .buffer(true)
      .parse(binary);
    expect(file.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.body as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'Summary',
      'Index',
      'Top movers',
      'Alerts by rule and region',
      'Overdue cases',
    ]);
    const rowsOf = (name: string) => {
      const out: unknown[][] = [];
      wb.getWorksheet(name)!.eachRow((row) => out.push((row.values as unknown[]).slice(1)));
      return out;
    };
    expect(rowsOf('Summary')[1]).toEqual(['Period', m4]);
    // The platform-wide index: the 13 months ending with M4.
    const indexSheet = rowsOf('Index');
    expect(indexSheet[0]).toEqual([
      'Period',
      'Laspeyres',
      'Paasche',
      'Fisher',
      'Products',
      'Products in link',
    ]);
    expect(indexSheet.slice(1).map((r) => r[0])).toEqual(
      Array.from({ length: 13 }, (_, i) => addMonths(m4, i - 12)),
    );
    // Columns: rule, region, total, open, acknowledged, in_case, resolved, dismissed. The
    // county's and the city's rows are this test's alone (fresh regions).
    const alertRows = rowsOf('Alerts by rule and region');
    expect(alertRows[0]).toEqual([
      'Rule',
      'Region',
      'Total',
      'open',
      'acknowledged',
      'in_case',
      'resolved',
      'dismissed',
    ]);
    expect(alertRows.filter((r) => r[1] === county || r[1] === city)).toEqual([
      ['above_contract', county, 1, 0, 0, 0, 1, 0],
      ['cross_region_low', city, 1, 0, 1, 0, 0, 0],
      ['peer_outlier', county, 1, 0, 0, 0, 1, 0],
    ]);
    // Top movers by |change|: A went from 1.00 to 3.28 (+228 %) on 2000 tablets. The list holds
    // 20 products at most, so A is on it unless 20 others moved at least as much.
    const movers = rowsOf('Top movers');
    expect(movers[0]).toEqual([
      'Product code',
      'Product',
      'Previous price',
      'Price',
      'Change %',
      'Quantity',
    ]);
    const moverA = movers.find((r) => r[0] === a.code);
    if (moverA) expect(moverA).toEqual([a.code, a.name, '1.000000', '3.280000', 228, '2000.000']);
    else {
      expect(movers).toHaveLength(21);
      expect(movers.slice(1).every((r) => Math.abs(Number(r[4])) >= 228)).toBe(true);
    }
  }, 600_000);
});
