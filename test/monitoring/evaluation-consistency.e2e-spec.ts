import { Decimal } from '../../src/database/decimal';
import { Product } from '../../src/modules/catalog/products/product.entity';
import { Organisation } from '../../src/modules/identity/organisations/organisation.entity';
import { EvaluationService } from '../../src/modules/monitoring/evaluation/evaluation.service';
import {
  GenericAggregates,
  ObservationAggregates,
} from '../../src/modules/monitoring/evaluation/observation-aggregates';
import { genericKey } from '../../src/modules/monitoring/observations/domain/observation-rows';
import { makeDrug } from '../factories/catalog';
import { makeCast, makeHospitals } from '../factories/identity';
import { hospitalPurchase, loadObservations, monitoringApi } from '../factories/monitoring';
import { bearer, startApp, TestApp, uniq } from '../setup/test-app';

type Json = Record<string, unknown>;
type Cast = Awaited<ReturnType<typeof makeCast>>;

interface AlertRow {
  rule_code: string;
  subject_key: string;
  generic_key: string;
  severity: string;
  evidence: string;
  firing: boolean;
  status: string;
}

interface StatRow {
  subject_key: string;
  generic_key: string;
  peer_count: number;
  observation_count: number;
  median: string;
  min_price: string;
  max_price: string;
  quantity: string | null;
}

/**
 * §M8 under the conditions a month really sees: a product's catalogue entry edited in the middle
 * of the month (its observations carry two generic keys), a full scan that read the month before
 * a batch landed, scans and an incremental run of one month at the same time, and prices whose
 * floating-point sum is off by a unit in the last place. In each case the stored statistics and
 * the firing alerts are exactly those a full scan of the final data computes from scratch.
 */
describe('monitoring evaluation consistency', () => {
  let t: TestApp;
  let cast: Cast;
  let analyst: string;
  let hospitals: Organisation[];

  beforeAll(async () => {
    t = await startApp();
    cast = await makeCast(t);
    analyst = cast.users.pricing_analyst.token;
    hospitals = await makeHospitals(t, cast.regions.county.code, 6);
  });
  afterAll(() => t.close());

  const purchase = (p: Product, h: Organisation, day: string, price: string, qty = '10') =>
    hospitalPurchase(p, h, day, price, qty);

  /** Code-point order, whatever the database's collation. */
  const bySubject = (x: { rule_code?: string; subject_key: string }, y: typeof x) => {
    const a = `${x.rule_code ?? ''} ${x.subject_key}`;
    const b = `${y.rule_code ?? ''} ${y.subject_key}`;
    return a < b ? -1 : a > b ? 1 : 0;
  };

  const fixed = (v: string | number | null, places: number) =>
    v === null || v === undefined ? null : new Decimal(String(v)).toFixed(places);

  async function alerts(period: string, keys: string[]): Promise<AlertRow[]> {
    const rows = await t.dataSource.query<Array<Omit<AlertRow, 'firing'> & { firing: unknown }>>(
      `SELECT rule_code, subject_key, generic_key, severity, evidence, firing, status FROM monitoring_alerts WHERE period = ? AND generic_key IN (${keys.map(() => '?').join(',')}) ORDER BY rule_code, subject_key`,
      [period, ...keys],
    );
    return rows.sort(bySubject).map((r) => ({
      ...r,
      firing: r.firing === 1 || r.firing === '1' || r.firing === true,
    }));
  }

  const firing = async (period: string, keys: string[]) =>
    (await alerts(period, keys)).filter((a) => a.firing);

  async function stats(period: string, keys: string[]): Promise<StatRow[]> {
    type Decimalish = string | number;
    interface Raw {
      subject_key: string;
      generic_key: string;
      peer_count: Decimalish;
      observation_count: Decimalish;
      median: Decimalish;
      min_price: Decimalish;
      max_price: Decimalish;
      quantity: Decimalish | null;
    }
    const rows = await t.dataSource.query<Raw[]>(
      `SELECT subject_key, generic_key, peer_count, observation_count, median, min_price, max_price, quantity FROM monitoring_peer_stats WHERE period = ? AND generic_key IN (${keys.map(() => '?').join(',')}) ORDER BY subject_key`,
      [period, ...keys],
    );
    return rows.sort(bySubject).map((r) => ({
      subject_key: r.subject_key,
      generic_key: r.generic_key,
      peer_count: Number(r.peer_count),
      observation_count: Number(r.observation_count),
      median: fixed(r.median, 6) as string,
      min_price: fixed(r.min_price, 6) as string,
      max_price: fixed(r.max_price, 6) as string,
      quantity: fixed(r.quantity, 3),
    }));
  }

  async function runOf(batchId: string): Promise<Json> {
    const res = await t
      .http()
      .get(monitoringApi(`/evaluations?batchId=${batchId}`))
      .set(bearer(analyst))
      .expect(200);
    const items = (res.body as { items: Json[] }).items;
    expect(items).toHaveLength(1);
    return items[0];
  }

  /** Forgets what was evaluated for the keys, then scans the period over HTTP. */
  async function rescanFromScratch(period: string, keys: string[]): Promise<void> {
    const list = keys.map(() => '?').join(',');
    await t.dataSource.query(
      `DELETE FROM monitoring_alerts WHERE period = ? AND generic_key IN (${list})`,
      [period, ...keys],
    );
    await t.dataSource.query(
      `DELETE FROM monitoring_peer_stats WHERE period = ? AND generic_key IN (${list})`,
      [period, ...keys],
    );
    const res = await t
      .http()
      .post(monitoringApi('/evaluations'))
      .set(bearer(analyst))
      .send({ period })
      .expect(202);
    await t.idle();
    const run = await t
      .http()
      .get(monitoringApi(`/evaluations/${(res.body as Json).id as string}`))
      .set(bearer(analyst))
      .expect(200);
    expect(run.body).toMatchObject({ status: 'succeeded' });
  }

  it('a catalogue edit in the middle of a month keeps each product in one generic group', async () => {
    const period = '2025-10';
    const before = `监测改名前 ${uniq(6)}`;
    const a = await makeDrug(t, { name: before, manufacturer: cast.manufacturer });
    const b = await makeDrug(t, { name: before });
    const oldKey = genericKey(a);

    // Early in the month A costs 1.00 in three hospitals and B 0.50 in a fourth: the spread of
    // the generic is 2 > 1.8.
    const first = await loadObservations(t, [
      ...hospitals.slice(0, 3).map((h) => purchase(a, h, `${period}-05`, '1.00')),
      purchase(b, hospitals[3], `${period}-05`, '0.50'),
    ]);
    await t.idle();
    expect(await runOf(first.batchId)).toMatchObject({ status: 'succeeded' });
    expect((await firing(period, [oldKey])).map((r) => [r.rule_code, r.subject_key])).toEqual([
      ['price_spread', `generic:${oldKey}`],
    ]);

    // A's generic name is corrected: its later observations carry the new generic key.
    const res = await t
      .http()
      .patch(`/api/v1/catalog/drugs/${a.id}`)
      .set(bearer(t.adminToken))
      .send({ name: `监测改名后 ${uniq(6)}` })
      .expect(200);
    expect(res.body).toMatchObject({ id: a.id });
    const edited = await t.dataSource.getRepository(Product).findOneByOrFail({ id: a.id });
    const newKey = genericKey(edited);
    expect(newKey).not.toBe(oldKey);

    // Later: A at 2.00 in the first hospital again and two others, and at 20.00 in a sixth.
    const second = await loadObservations(t, [
      purchase(edited, hospitals[0], `${period}-20`, '2.00'),
      purchase(edited, hospitals[3], `${period}-20`, '2.00'),
      purchase(edited, hospitals[4], `${period}-20`, '2.00'),
      purchase(edited, hospitals[5], `${period}-21`, '20.00'),
    ]);
    await t.idle();
    expect(await runOf(second.batchId)).toMatchObject({ status: 'succeeded' });

    const keys = [oldKey, newKey];
    const stored = await stats(period, keys);
    // A is one subject with its whole month, under the key it was last observed with: hospital
    // prices 1.50 (1.00 and 2.00), 1.00, 1.00, 2.00, 2.00, 20.00.
    expect(stored).toEqual([
      {
        subject_key: `generic:${oldKey}`,
        generic_key: oldKey,
        peer_count: 1,
        observation_count: 1,
        median: '0.500000',
        min_price: '0.500000',
        max_price: '0.500000',
        quantity: '10.000',
      },
      {
        subject_key: `generic:${newKey}`,
        generic_key: newKey,
        peer_count: 6,
        observation_count: 7,
        median: '1.750000',
        min_price: '1.000000',
        max_price: '20.000000',
        quantity: '70.000',
      },
      {
        subject_key: `product:${a.id}`,
        generic_key: newKey,
        peer_count: 6,
        observation_count: 7,
        median: '1.750000',
        min_price: '1.000000',
        max_price: '20.000000',
        quantity: '70.000',
      },
      {
        subject_key: `product:${b.id}`,
        generic_key: oldKey,
        peer_count: 1,
        observation_count: 1,
        median: '0.500000',
        min_price: '0.500000',
        max_price: '0.500000',
        quantity: '10.000',
      },
    ]);
    const incremental = await alerts(period, keys);
    // The old group lost A: its spread no longer fires. A's alerts belong to the new group.
    expect(
      incremental.find((r) => r.rule_code === 'price_spread' && r.generic_key === oldKey),
    ).toMatchObject({ firing: false });
    const outlier = incremental.find(
      (r) =>
        r.rule_code === 'peer_outlier' &&
        r.subject_key === `product:${a.id}|hospital:${hospitals[5].id}`,
    );
    expect(outlier).toMatchObject({ generic_key: newKey, firing: true });
    expect(JSON.parse(outlier!.evidence)).toMatchObject({ peers: 6, hospitalPrice: '20.000000' });
    for (const r of incremental.filter((x) => x.subject_key.startsWith(`product:${a.id}`))) {
      expect([r.subject_key, r.generic_key]).toEqual([r.subject_key, newKey]);
    }

    // The references see the same month of A.
    const refs = await t
      .http()
      .get(
        monitoringApi(
          `/references?productId=${a.id}&regionCode=${cast.regions.county.code}&period=${period}`,
        ),
      )
      .set(bearer(analyst))
      .expect(200);
    expect(refs.body).toMatchObject({
      genericKey: newKey,
      peers: { count: 6, observationCount: 7, median: '1.750000', quantity: '70.000' },
    });

    // A full scan of the same data from scratch: the same statistics and firing alerts.
    const firingBefore = incremental.filter((r) => r.firing);
    await rescanFromScratch(period, keys);
    expect(await stats(period, keys)).toEqual(stored);
    expect(await firing(period, keys)).toEqual(firingBefore);
  });

  it('a full scan that read the month before a batch landed does not overwrite its evaluation', async () => {
    const period = '2025-11';
    const c = await makeDrug(t, { name: `监测并发 ${uniq(6)}` });
    const key = genericKey(c);
    await loadObservations(
      t,
      hospitals.slice(0, 5).map((h) => purchase(c, h, `${period}-03`, '1.00')),
    );
    await t.idle();

    // The scan streams the month, then waits at the gate before it writes anything.
    const aggregates = t.app.get(ObservationAggregates);
    const original = aggregates.byGeneric.bind(aggregates);
    let streamed!: () => void;
    const read = new Promise<void>((resolve) => (streamed = resolve));
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const spy = jest.spyOn(aggregates, 'byGeneric').mockImplementation(async function* (p: string) {
      const groups: GenericAggregates[] = [];
      for await (const g of original(p)) groups.push(g);
      streamed();
      await gate;
      yield* groups;
    });
    const scan = t.app.get(EvaluationService).scanNow(period, `test:stale:${uniq(10)}`);
    try {
      await read;
      // Meanwhile a sixth hospital's purchase at 10.00 lands and is evaluated.
      const late = await loadObservations(t, [purchase(c, hospitals[5], `${period}-25`, '10.00')]);
      await t.idle();
      expect(await runOf(late.batchId)).toMatchObject({ status: 'succeeded' });
    } finally {
      open();
      spy.mockRestore();
    }
    expect((await scan).status).toBe('succeeded');

    const [product] = (await stats(period, [key])).filter((s) =>
      s.subject_key.startsWith('product:'),
    );
    expect(product).toMatchObject({ peer_count: 6, observation_count: 6, max_price: '10.000000' });
    const outlier = (await firing(period, [key])).find((r) => r.rule_code === 'peer_outlier');
    expect(outlier).toMatchObject({ subject_key: `product:${c.id}|hospital:${hospitals[5].id}` });

    const stored = await stats(period, [key]);
    const live = await firing(period, [key]);
    await rescanFromScratch(period, [key]);
    expect(await stats(period, [key])).toEqual(stored);
    expect(await firing(period, [key])).toEqual(live);
  });

  it('concurrent scans and an incremental run of one month agree with a scan from scratch', async () => {
    const period = '2025-12';
    const name = `监测同时 ${uniq(6)}`;
    const d = await makeDrug(t, { name });
    const e = await makeDrug(t, { name });
    const key = genericKey(d);
    await loadObservations(t, [
      ...hospitals.slice(0, 4).map((h) => purchase(d, h, `${period}-02`, '1.00')),
      purchase(e, hospitals[4], `${period}-02`, '0.40'),
    ]);
    await t.idle();
    const service = t.app.get(EvaluationService);
    const [one, two] = await Promise.all([
      service.scanNow(period, `test:concurrent:${uniq(10)}`),
      service.scanNow(period, `test:concurrent:${uniq(10)}`),
      loadObservations(t, [
        purchase(d, hospitals[4], `${period}-15`, '9.00'),
        purchase(e, hospitals[5], `${period}-15`, '0.45'),
      ]),
    ]);
    await t.idle();
    expect([one.status, two.status]).toEqual(['succeeded', 'succeeded']);

    const stored = await stats(period, [key]);
    const live = await firing(period, [key]);
    expect(live.map((r) => r.rule_code)).toEqual(
      expect.arrayContaining(['peer_outlier', 'price_spread']),
    );
    await rescanFromScratch(period, [key]);
    expect(await stats(period, [key])).toEqual(stored);
    expect(await firing(period, [key])).toEqual(live);
  });

  it('sums prices exactly: means, statistics and the observation summary', async () => {
    const period = '2025-09';
    const f = await makeDrug(t, { name: `监测精确 ${uniq(6)}` });
    const key = genericKey(f);
    const [h] = hospitals;
    // Mean 1.5000015 → 1.500002 half-up; a binary sum of the two makes it 1.5000014999….
    await loadObservations(t, [
      purchase(f, h, `${period}-03`, '1.000001', '1.500'),
      purchase(f, h, `${period}-04`, '2.000002', '3.000'),
    ]);
    await t.idle();
    expect(await stats(period, [key])).toEqual([
      expect.objectContaining({ subject_key: `generic:${key}`, median: '1.500002' }),
      expect.objectContaining({
        subject_key: `product:${f.id}`,
        median: '1.500002',
        quantity: '4.500',
      }),
    ]);
    const refs = await t
      .http()
      .get(monitoringApi(`/references?productId=${f.id}&period=${period}`))
      .set(bearer(analyst))
      .expect(200);
    expect(refs.body).toMatchObject({ peers: { median: '1.500002', quantity: '4.500' } });

    // Amount 1.13 × 1.5 + 0.10 × 3 + 0.20 × 3 = 2.595 → 2.60; a binary sum gives 2.5949999….
    const g = await makeDrug(t, { name: `监测金额 ${uniq(6)}` });
    await loadObservations(t, [
      purchase(g, h, '2025-08-03', '1.130000', '1.500'),
      purchase(g, h, '2025-08-04', '0.100000', '3.000'),
      purchase(g, h, '2025-08-05', '0.200000', '3.000'),
    ]);
    await t.idle();
    const summary = await t
      .http()
      .get(monitoringApi(`/observations/summary?productId=${g.id}`))
      .set(bearer(analyst))
      .expect(200);
    expect(summary.body).toEqual({
      items: [
        {
          source: 'purchase',
          period: '2025-08',
          count: 3,
          quantity: '7.500',
          amount: '2.60',
          minUnitPrice: '0.100000',
          maxUnitPrice: '1.130000',
        },
      ],
      count: 3,
    });
  });
});
