import { Product } from '../../src/modules/catalog/products/product.entity';
import { Organisation } from '../../src/modules/identity/organisations/organisation.entity';
import { EvaluationService } from '../../src/modules/monitoring/evaluation/evaluation.service';
import { ObservationRow } from '../../src/modules/monitoring/observations/domain/observation-rows';
import { makeDrug, makeListingPrice } from '../factories/catalog';
import { makeCast, makeHospitals, makeOrganisation } from '../factories/identity';
import {
  hospitalPurchase,
  loadObservations,
  monitoringApi,
  observationRow,
} from '../factories/monitoring';
import { bearer, startApp, TestApp, uniq } from '../setup/test-app';

type Json = Record<string, unknown>;
type Cast = Awaited<ReturnType<typeof makeCast>>;

interface AlertRow {
  rule_code: string;
  subject_key: string;
  period: string;
  severity: string;
  evidence: string;
  firing: number | boolean | string;
  status: string;
}

/**
 * §M2–§M4, §M8 over HTTP: observations loaded in two batches are evaluated incrementally, the
 * expected alerts carry their evidence, a re-run duplicates nothing, a full scan of the same
 * data gives exactly the same alerts, disabling a rule stops its hits, and references answer.
 */
describe('monitoring evaluation', () => {
  let t: TestApp;
  let cast: Cast;
  let analyst: string;
  let a: Product;
  let b: Product;
  let hospitals: Organisation[];
  let other: Organisation;
  let generic: string;
  const periods = ['2026-01', '2026-02', '2026-03', '2026-04'];

  beforeAll(async () => {
    t = await startApp();
    cast = await makeCast(t);
    analyst = cast.users.pricing_analyst.token;
    const name = `监测通用名 ${uniq(6)}`;
    a = await makeDrug(t, { name, manufacturer: cast.manufacturer });
    b = await makeDrug(t, { name });
    hospitals = await makeHospitals(t, cast.regions.county.code, 6);
    other = await makeOrganisation(t, 'hospital', { regionCode: cast.regions.otherCounty.code });
    // Listings in the city: A at 1.50 per tablet, B at 0.50 (packs of 7).
    await makeListingPrice(t, a, cast.regions.city.code, {
      packPrice: '10.50',
      validFrom: '2025-12-01',
    });
    await makeListingPrice(t, b, cast.regions.city.code, {
      packPrice: '3.50',
      validFrom: '2025-12-01',
    });
  });
  afterAll(() => t.close());

  const purchase = (p: Product, h: Organisation, day: string, price: string, qty = '100') =>
    hospitalPurchase(p, h, day, price, qty);

  /**
   * A at 1.00 in every hospital January to March (100 tablets each), then 1.60 in April (400 each)
   * with one hospital at 10.00; B at 0.50 in the other county every month; an other-province
   * price of A at 0.80 in March.
   */
  function batches(): [ObservationRow[], ObservationRow[]] {
    const first: ObservationRow[] = [];
    const second: ObservationRow[] = [];
    for (const period of ['2026-01', '2026-02', '2026-03']) {
      hospitals.forEach((h, i) => {
        const row = purchase(a, h, `${period}-10`, '1.00');
        (period === '2026-03' && i >= 3 ? second : first).push(row);
      });
      first.push(purchase(b, other, `${period}-12`, '0.50'));
    }
    hospitals.forEach((h, i) =>
      second.push(purchase(a, h, '2026-04-08', i === 5 ? '10.00' : '1.60', '400')),
    );
    second.push(purchase(b, other, '2026-04-12', '0.50'));
    second.push(
      observationRow(a, {
        source: 'external',
        referenceKind: 'other_region',
        regionCode: '110000',
        observedOn: '2026-03-15',
        unitPrice: '0.80',
      }),
    );
    return [first, second];
  }

  async function alerts(): Promise<AlertRow[]> {
    return await t.dataSource.query<AlertRow[]>(
      'SELECT rule_code, subject_key, period, severity, evidence, firing, status FROM monitoring_alerts WHERE generic_key = ? ORDER BY rule_code, subject_key, period',
      [generic],
    );
  }

  const find = (rows: AlertRow[], rule: string, subject: string, period: string) => {
    const row = rows.find(
      (r) => r.rule_code === rule && r.subject_key === subject && r.period === period,
    );
    return row ? { ...row, evidence: JSON.parse(row.evidence) as Json } : undefined;
  };

  async function runs(query: string): Promise<Json[]> {
    const res = await t
      .http()
      .get(monitoringApi(`/evaluations?pageSize=200&${query}`))
      .set(bearer(analyst))
      .expect(200);
    return (res.body as { items: Json[] }).items;
  }

  let firstBatch: string;
  let incremental: AlertRow[];

  it('evaluates each loaded batch and raises the expected alerts with their evidence', async () => {
    const [first, second] = batches();
    firstBatch = (await loadObservations(t, first)).batchId;
    await t.idle();
    const secondBatch = (await loadObservations(t, second)).batchId;
    await t.idle();
    generic = first[0].genericKey;

    const [run1] = await runs(`batchId=${firstBatch}`);
    expect(run1).toMatchObject({ kind: 'incremental', status: 'succeeded', batchId: firstBatch });
    expect(run1.periods).toEqual(expect.arrayContaining(['2026-01', '2026-02', '2026-03']));
    const [run2] = await runs(`batchId=${secondBatch}`);
    expect(run2).toMatchObject({ status: 'succeeded' });
    expect(run2.periods).toEqual(expect.arrayContaining(['2026-03', '2026-04']));

    incremental = await alerts();
    const A = `product:${a.id}`;
    const B = `product:${b.id}`;
    // Rule 5: April's median 1.60 against March's 1.00, +60 % > 50 %; the CUSUM also drifts.
    expect(find(incremental, 'abrupt_change', A, '2026-04')).toMatchObject({
      severity: 'red_1',
      evidence: {
        median: '1.600000',
        previousMedian: '1.000000',
        change: '0.600000',
        cusum: '0.550000',
        drifting: true,
      },
    });
    expect(find(incremental, 'abrupt_change', A, '2026-03')).toBeUndefined();
    // Rule 6: five hospitals at 1.60 and one at 10.00 → MAD = 0, mean-AD fallback:
    // z = 6 / 1.253314 = 4.7873079 > 3.5.
    expect(
      find(incremental, 'peer_outlier', `${A}|hospital:${hospitals[5].id}`, '2026-04'),
    ).toMatchObject({
      severity: 'yellow',
      evidence: {
        z: '4.787308',
        spreadMethod: 'mean_ad',
        peerCenter: '1.600000',
        hospitalPrice: '10.000000',
        peers: 6,
      },
    });
    expect(
      find(incremental, 'peer_outlier', `${A}|hospital:${hospitals[0].id}`, '2026-04'),
    ).toBeUndefined();
    // Rule 9: 2,400 against (600 + 600 + 600 + 0 + 0 + 0) / 6 = 300 → 8 × > 3 ×.
    expect(find(incremental, 'quantity_spike', A, '2026-04')).toMatchObject({
      severity: 'verify',
      evidence: {
        quantity: '2400.000',
        averageQuantity: '300.000',
        limit: '900.000',
        ratio: '8.000000',
        monthsWithPurchases: 3,
      },
    });
    // Rule 1: April's 1.60 above the city listing of 1.50; January's 1.00 is not.
    expect(
      find(incremental, 'above_contract', `${A}|hospital:${hospitals[0].id}`, '2026-04'),
    ).toMatchObject({
      severity: 'red_1',
      evidence: {
        observedMaxUnitPrice: '1.600000',
        contractKind: 'listing',
        contractUnitPrice: '1.500000',
      },
    });
    expect(
      find(incremental, 'above_contract', `${A}|hospital:${hospitals[0].id}`, '2026-01'),
    ).toBeUndefined();
    // Rule 2: A's listing is 3 × B's: red★, every month.
    for (const period of periods) {
      expect(
        find(incremental, 'listing_multiple', `${A}|region:${cast.regions.city.code}`, period),
      ).toMatchObject({
        severity: 'red_1',
        evidence: { multiple: '3.000000', lowestUnitPrice: '0.500000', lowestProductId: b.id },
      });
    }
    // Rule 4: March's local 1.00 > 0.80 × 1.10 elsewhere.
    const city = cast.regions.city.code;
    expect(find(incremental, 'cross_region_low', `${A}|region:${city}`, '2026-03')).toMatchObject({
      severity: 'yellow',
      evidence: {
        localMedianPrice: '1.000000',
        lowestPrice: '0.800000',
        lowestRegionCode: '110000',
        limit: '0.880000',
      },
    });
    // Rule 7: comparable 1.00 vs 0.50 → 2 > 1.8.
    expect(find(incremental, 'price_spread', `generic:${generic}`, '2026-01')).toMatchObject({
      evidence: { spread: '2.000000', maxRatio: '1.8' },
    });
    // Rule 8: January B at 0.50 is exactly half the generic median 1.00: not below it.
    expect(find(incremental, 'abnormally_low', B, '2026-01')).toBeUndefined();
    expect(find(incremental, 'abnormally_low', B, '2026-04')).toMatchObject({
      evidence: { referenceKind: 'generic_median', referencePrice: '1.600000', limit: '0.800000' },
    });
    expect(incremental.every((r) => r.status === 'open')).toBe(true);
  });

  it('a duplicated batch job and a re-run create nothing new', async () => {
    const before = await alerts();
    const service = t.app.get(EvaluationService);
    const again = await service.evaluateBatch(firstBatch);
    expect(again?.status).toBe('succeeded');
    expect(await runs(`batchId=${firstBatch}`)).toHaveLength(1);

    const res = await t
      .http()
      .post(monitoringApi('/evaluations'))
      .set(bearer(analyst))
      .send({ period: '2026-04' })
      .expect(202);
    await t.idle();
    const run = await t
      .http()
      .get(monitoringApi(`/evaluations/${(res.body as Json).id as string}`))
      .set(bearer(analyst))
      .expect(200);
    expect(run.body).toMatchObject({ kind: 'full', status: 'succeeded', periods: ['2026-04'] });
    const after = await alerts();
    expect(after).toEqual(before);
  });

  it('a full scan of the same data from scratch gives the same alerts and evidence', async () => {
    await t.dataSource.query('DELETE FROM monitoring_alerts WHERE generic_key = ?', [generic]);
    await t.dataSource.query('DELETE FROM monitoring_peer_stats WHERE generic_key = ?', [generic]);
    expect(await alerts()).toHaveLength(0);
    for (const period of periods) {
      await t
        .http()
        .post(monitoringApi('/evaluations'))
        .set(bearer(analyst))
        .send({ period })
        .expect(202);
      await t.idle();
    }
    const full = await alerts();
    expect(full.length).toBeGreaterThan(10);
    expect(full).toEqual(incremental);
  });

  it('refuses bad periods and non-analysts', async () => {
    const bad = await t
      .http()
      .post(monitoringApi('/evaluations'))
      .set(bearer(analyst))
      .send({ period: '2026-13' })
      .expect(400);
    expect(JSON.stringify(bad.body)).toContain('period');
    const future = await t
      .http()
      .post(monitoringApi('/evaluations'))
      .set(bearer(analyst))
      .send({ period: '2099-01' })
      .expect(400);
    expect(future.body).toMatchObject({ code: 'MONITORING.EVALUATION_PERIOD_INVALID' });
    for (const role of ['supervisor', 'hospital_user', 'supplier_user'] as const) {
      await t
        .http()
        .post(monitoringApi('/evaluations'))
        .set(bearer(cast.users[role].token))
        .send({ period: '2026-04' })
        .expect(403);
    }
    await t
      .http()
      .get(monitoringApi('/evaluations'))
      .set(bearer(cast.users.hospital_user.token))
      .expect(403);
    await t.http().get(monitoringApi('/evaluations/999999999')).set(bearer(analyst)).expect(404);
  });

  it('disabling a rule stops its new hits', async () => {
    const patch = (enabled: boolean) =>
      t
        .http()
        .patch(monitoringApi('/rules/price_spread'))
        .set(bearer(analyst))
        .send({ enabled })
        .expect(200);
    await patch(false);
    try {
      await loadObservations(t, [
        purchase(a, hospitals[0], '2026-05-06', '1.00'),
        purchase(b, other, '2026-05-06', '0.50'),
      ]);
      await t.idle();
    } finally {
      await patch(true);
    }
    const rows = await alerts();
    expect(find(rows, 'price_spread', `generic:${generic}`, '2026-05')).toBeUndefined();
    expect(
      find(rows, 'listing_multiple', `product:${a.id}|region:${cast.regions.city.code}`, '2026-05'),
    ).toBeDefined();
  });

  it('answers the references of a product in a region and month', async () => {
    const res = await t
      .http()
      .get(
        monitoringApi(
          `/references?productId=${a.id}&regionCode=${cast.regions.county.code}&period=2026-04`,
        ),
      )
      .set(bearer(analyst))
      .expect(200);
    expect(res.body).toMatchObject({
      productId: a.id,
      genericKey: generic,
      listingPrice: { unitPrice: '1.500000', regionCode: cast.regions.city.code },
      peers: {
        basis: 'unit',
        count: 6,
        median: '1.600000',
        mad: '0.000000',
        min: '1.600000',
        max: '10.000000',
        quantity: '2400.000',
      },
      regionPeers: { count: 6 },
    });
    const generic3 = await t
      .http()
      .get(monitoringApi(`/references?genericKey=${encodeURIComponent(generic)}&period=2026-03`))
      .set(bearer(analyst))
      .expect(200);
    // March: six hospitals at 1.00 and one at 0.50 (comparable) → p10 = 0.5 + 0.6 × 0.5 = 0.8.
    expect(generic3.body).toMatchObject({
      peers: {
        basis: 'comparable',
        count: 7,
        median: '1.000000',
        p10: '0.800000',
        p90: '1.000000',
      },
      lowestOtherRegionPrice: { unitPrice: '0.800000', regionCode: '110000' },
    });
    // Outside the caller's region subtree: 404; both keys or none: 400 naming the field.
    await t
      .http()
      .get(monitoringApi(`/references?productId=${a.id}&regionCode=110000&period=2026-04`))
      .set(bearer(analyst))
      .expect(404);
    const bad = await t
      .http()
      .get(monitoringApi('/references?period=2026-04'))
      .set(bearer(analyst))
      .expect(400);
    expect(bad.body).toMatchObject({ code: 'MONITORING.REFERENCE_QUERY_INVALID' });
    await t
      .http()
      .get(monitoringApi(`/references?productId=${a.id}&period=2026-04`))
      .set(bearer(cast.users.hospital_user.token))
      .expect(403);
  });
});
