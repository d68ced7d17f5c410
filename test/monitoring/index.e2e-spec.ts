import { Clock } from '../../src/common/clock';
import { addMonths } from '../../src/modules/monitoring/index/domain/price-index';
import { Product } from '../../src/modules/catalog/products/product.entity';
import { makeConsumable } from '../factories/catalog';
import { makeCast, makeOrganisation, makeRegion, makeUser } from '../factories/identity';
import { loadObservations, observationRow } from '../factories/monitoring';
import { makeProcurementCast, playAwardedRound, ProcurementCast } from '../factories/procurement';
import { bearer, startApp, TestApp, uniq } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

type Json = Record<string, unknown>;

describe('price index and VBP savings (§M5), public disclosure', () => {
  let t: TestApp;
  let cast: Awaited<ReturnType<typeof makeCast>>;
  let analyst: string;
  const clock = new TestClock();
  const category = `测试类/${uniq(8)}`;
  let products: Product[];

  const purchase = (
    p: Product,
    month: string,
    price: string,
    quantity: string,
    comparable = false,
  ) =>
    observationRow(p, {
      regionCode: cast.regions.county.code,
      observedOn: `${month}-15`,
      // One product is priced through its comparable price: the index uses it before unit_price.
      unitPrice: comparable ? '999' : price,
      comparablePrice: comparable ? price : null,
      quantity,
    });

  beforeAll(async () => {
    t = await startApp({}, { providers: [{ provide: Clock, useValue: clock }] });
    cast = await makeCast(t);
    analyst = cast.users.pricing_analyst.token;
    products = [];
    for (let i = 0; i < 4; i++) products.push(await makeConsumable(t, { categoryPath: category }));
    const [A, B, C, D] = products;
    // The hand-worked example of price-index.spec.ts.
    await loadObservations(t, [
      purchase(A, '2026-01', '10', '100'),
      purchase(B, '2026-01', '20', '50', true),
      purchase(C, '2026-01', '5', '200'),
      purchase(A, '2026-02', '12', '90'),
      purchase(B, '2026-02', '18', '60', true),
      purchase(C, '2026-02', '5', '120'),
      purchase(C, '2026-02', '5', '100'),
      purchase(A, '2026-03', '11', '100'),
      purchase(C, '2026-03', '6', '200'),
      purchase(D, '2026-03', '50', '10'),
      // Not purchases, or without quantity: never in the index.
      { ...purchase(A, '2026-02', '500', '1000'), source: 'listing' },
      purchase(D, '2026-02', '70', '0'),
    ]);
    await t.idle();
  });
  afterAll(() => t.close());

  const row = (p: Json) => [p.period, p.laspeyres, p.paasche, p.fisher];

  it('chains Laspeyres, Paasche and Fisher per category from the base month', async () => {
    const res = await t
      .http()
      .get('/api/v1/monitoring/index')
      .query({ category, from: '2026-01', to: '2026-03', base: '2026-01', formula: 'laspeyres' })
      .set(bearer(analyst));
    expect(res.status).toBe(200);
    const body = res.body as { points: Json[]; definition: string; formula: string };
    expect(body.points.map(row)).toEqual([
      ['2026-01', '100.0000', '100.0000', '100.0000'],
      ['2026-02', '103.3333', '101.8750', '102.6016'],
      ['2026-03', '109.4954', '106.5057', '107.9902'],
    ]);
    expect(body.points.map((p) => p.index)).toEqual(['100.0000', '103.3333', '109.4954']);
    expect(body.points[2]).toMatchObject({
      products: 3,
      linkProducts: 2,
      laspeyresLink: '1.059633',
    });
    expect(body.definition).toContain('Laspeyres');

    // A parent category path covers it; the middle month as base divides backwards.
    const parent = await t
      .http()
      .get('/api/v1/monitoring/index')
      .query({ category, from: '2026-01', to: '2026-03', base: '2026-02' })
      .set(bearer(analyst));
    expect((parent.body as { points: Json[] }).points.map(row)).toEqual([
      ['2026-01', '96.7742', '98.1595', '97.4644'],
      ['2026-02', '100.0000', '100.0000', '100.0000'],
      ['2026-03', '105.9633', '104.5455', '105.2520'],
    ]);
  });

  it('is public without login, with the same figures', async () => {
    const res = await t
      .http()
      .get('/api/v1/public/price-index')
      .query({ category, from: '2026-01', to: '2026-02' });
    expect(res.status).toBe(200);
    expect((res.body as { points: Json[] }).points.map((p) => p.fisher)).toEqual([
      '100.0000',
      '102.6016',
    ]);
  });

  it.each([
    [{ from: '2026-1', to: '2026-03' }, 'from'],
    [{ from: '2026-03', to: '2026-01' }, 'to'],
    [{ from: '2026-01', to: '2026-03', base: '2025-12' }, 'base'],
    [{ from: '2026-01', to: '2026-03', formula: 'median' }, 'formula'],
    [{ to: '2026-03' }, 'from'],
    [{ from: '2026-01', to: '2026-03', regionCode: '999999' }, 'regionCode'],
  ])('%p is a 400 naming %s', async (query, field) => {
    const res = await t.http().get('/api/v1/monitoring/index').query(query).set(bearer(analyst));
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain(field);
  });

  it('hospitals and suppliers may not read the analysts’ endpoint', async () => {
    for (const role of ['hospital_user', 'supplier_user'] as const) {
      const res = await t
        .http()
        .get('/api/v1/monitoring/index')
        .query({ from: '2026-01', to: '2026-02' })
        .set(bearer(cast.users[role].token));
      expect(res.status).toBe(403);
    }
  });

  it('VBP savings of an awarded lot; its winning prices are disclosed', async () => {
    const pcast = await makeProcurementCast(t);
    const { round, lot } = await playAwardedRound(t, pcast, clock);

    const published = await t
      .http()
      .get('/api/v1/public/winning-prices')
      .query({ roundCode: round.code });
    expect(published.status).toBe(200);
    const winners = (published.body as { items: Json[]; total: number }).items;
    expect(winners.length).toBeGreaterThan(0);
    for (const w of winners)
      expect(w).toMatchObject({
        roundCode: round.code,
        lotCode: lot.code,
        unitPrice: expect.stringMatching(/^\d+\.\d{6}$/) as string,
        comparablePrice: expect.stringMatching(/^\d+\.\d{6}$/) as string,
      });
    const paged = await t
      .http()
      .get('/api/v1/public/winning-prices')
      .query({ roundCode: round.code, pageSize: 1 });
    expect(paged.body).toMatchObject({ total: winners.length, pageSize: 1 });
    expect((paged.body as { items: Json[] }).items).toHaveLength(1);

    const winnerIds = new Set(winners.map((w) => w.supplierId));
    const winner = pcast.suppliers.find((s) => winnerIds.has(s.org.id))!;
    const loser = pcast.suppliers.find((s) => !winnerIds.has(s.org.id))!;
    const region = pcast.regions.county.code;
    const savings = (from: string, to: string) =>
      t
        .http()
        .get('/api/v1/monitoring/index/savings')
        .query({ from, to, regionCode: region })
        .set(bearer(analyst));
    const first = await savings('2026-01', '2029-12');
    expect(first.status).toBe(200);
    const mine = (first.body as { lots: Json[] }).lots.find(
      (l) => l.roundCode === round.code && l.lotCode === lot.code,
    )!;
    const start = mine.startPeriod as string;
    expect(mine.preVbpPrice).toBeNull();

    // Before VBP: the winner at 2.00 × 100 and the loser at 4.00 × 300 → pre-VBP price 3.50.
    // From the start month: the winner 500 at 1.00 → 500 × 3.50 − 500 = 1250.00 saved.
    const at = (p: Product, month: string, price: string, q: string) =>
      observationRow(p, {
        regionCode: region,
        observedOn: `${month}-10`,
        unitPrice: price,
        quantity: q,
      });
    await loadObservations(t, [
      at(winner.product, addMonths(start, -2), '2', '100'),
      at(loser.product, addMonths(start, -1), '4', '300'),
      at(winner.product, start, '1', '500'),
      // A non-winner bought after VBP is not a VBP purchase.
      at(loser.product, start, '4', '50'),
    ]);
    await t.idle();
    const res = await savings(addMonths(start, -1), start);
    const body = res.body as { lots: Json[]; series: Json[]; definition: string };
    expect(
      body.lots.find((l) => l.lotCode === lot.code && l.roundCode === round.code),
    ).toMatchObject({
      preVbpPrice: '3.500000',
      baselineQuantity: '400.000',
      baselineTo: addMonths(start, -1),
    });
    expect(body.series).toEqual([
      {
        period: addMonths(start, -1),
        vbpQuantity: '0.000',
        atPreVbpPrices: '0.00',
        actualCost: '0.00',
        savings: '0.00',
        lots: 0,
      },
      {
        period: start,
        vbpQuantity: '500.000',
        atPreVbpPrices: '1750.00',
        actualCost: '500.00',
        savings: '1250.00',
        lots: 1,
      },
    ]);
    expect(body.definition).toContain('pre-VBP price');
  });

  /*
   * One product W wins the same generic's lot in two cities of one province: lot A (north city,
   * round played first) and lot B (south city). Each lot covers its own supply regions.
   *   A's baseline, north county: W 100 @ 2 and a non-winner 300 @ 4 → 1400 / 400 = 3.50
   *   B's baseline, south county: W 100 @ 5                          → 500 / 100 = 5.00
   *   Month M (both lots in force): north W 500 @ 1 → A: 500 × 3.50 − 500 = 1250.00
   *                                 south W 200 @ 2 → B: 200 × 5.00 − 400 =  600.00
   * The province sees both, each purchase once: 700 bought, 2750.00 − 900.00 = 1850.00. A city
   * sees only its own lot (the other city's lot does not apply there).
   */
  it('a product winning lots in two regions counts once, for the lot of its region', async () => {
    const north = await makeProcurementCast(t);
    const southCity = await makeRegion(t, { parent: north.regions.province });
    const southCounty = await makeRegion(t, { parent: southCity });
    const southAuthority = await makeOrganisation(t, 'authority', { regionCode: southCity.code });
    const southHospitals: ProcurementCast['hospitals'] = [];
    for (let i = 0; i < 2; i++) {
      const org = await makeOrganisation(t, 'hospital', { regionCode: southCounty.code });
      southHospitals.push({ org, token: (await makeUser(t, org, ['hospital_user'])).token });
    }
    const south: ProcurementCast = {
      ...north,
      regions: { ...north.regions, city: southCity, county: southCounty },
      counties: [southCounty],
      authority: southAuthority,
      officer: await makeUser(t, southAuthority, ['procurement_officer']),
      hospitals: southHospitals,
    };
    const lotA = await playAwardedRound(t, north, clock);
    const lotB = await playAwardedRound(t, south, clock);

    const winnersOf = async (roundCode: string) =>
      new Set(
        (
          (
            await t
              .http()
              .get('/api/v1/public/winning-prices')
              .query({ roundCode, pageSize: 200 })
              .expect(200)
          ).body as { items: Json[] }
        ).items.map((w) => w.supplierId as string),
      );
    const wonA = await winnersOf(lotA.round.code);
    const wonB = await winnersOf(lotB.round.code);
    const w = north.suppliers.find((s) => wonA.has(s.org.id) && wonB.has(s.org.id))!;
    const loser = north.suppliers.find((s) => !wonA.has(s.org.id))!;
    expect(w && loser).toBeTruthy();

    const savings = (regionCode: string, from: string, to: string) =>
      t
        .http()
        .get('/api/v1/monitoring/index/savings')
        .query({ from, to, regionCode })
        .set(bearer(analyst))
        .expect(200)
        .then((r) => r.body as { lots: Json[]; series: Json[]; totalSavings: string });
    const probe = await savings(north.regions.province.code, '2026-01', '2029-12');
    const startOf = (code: string) =>
      probe.lots.find((l) => l.roundCode === code)!.startPeriod as string;
    const startA = startOf(lotA.round.code);
    const startB = startOf(lotB.round.code);
    const m = startA > startB ? startA : startB;

    const at = (p: Product, regionCode: string, month: string, price: string, q: string) =>
      observationRow(p, { regionCode, observedOn: `${month}-10`, unitPrice: price, quantity: q });
    const northCounty = north.regions.county.code;
    await loadObservations(t, [
      at(w.product, northCounty, addMonths(startA, -2), '2', '100'),
      at(loser.product, northCounty, addMonths(startA, -1), '4', '300'),
      at(w.product, southCounty.code, addMonths(startB, -2), '5', '100'),
      at(w.product, northCounty, m, '1', '500'),
      at(w.product, southCounty.code, m, '2', '200'),
    ]);
    await t.idle();

    const lotRows = (body: { lots: Json[] }) =>
      body.lots.map((l) => [l.roundCode, l.baselineQuantity, l.preVbpPrice]);
    const month = (body: { series: Json[] }) =>
      body.series.map((p) => [p.vbpQuantity, p.atPreVbpPrices, p.actualCost, p.savings, p.lots]);

    const province = await savings(north.regions.province.code, m, m);
    expect(lotRows(province)).toEqual([
      [lotA.round.code, '400.000', '3.500000'],
      [lotB.round.code, '100.000', '5.000000'],
    ]);
    expect(month(province)).toEqual([['700.000', '2750.00', '900.00', '1850.00', 2]]);
    expect(province.totalSavings).toBe('1850.00');

    const northCity = await savings(north.regions.city.code, m, m);
    expect(lotRows(northCity)).toEqual([[lotA.round.code, '400.000', '3.500000']]);
    expect(month(northCity)).toEqual([['500.000', '1750.00', '500.00', '1250.00', 1]]);

    const southOnly = await savings(southCity.code, m, m);
    expect(lotRows(southOnly)).toEqual([[lotB.round.code, '100.000', '5.000000']]);
    expect(month(southOnly)).toEqual([['200.000', '1000.00', '400.00', '600.00', 1]]);
  });
});
