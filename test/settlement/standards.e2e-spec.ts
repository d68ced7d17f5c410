import { Clock } from '../../src/common/clock';
import { makeDrug, makeListingPrice } from '../factories/catalog';
import { makeRegion, makeUser } from '../factories/identity';
import {
  makeProcurementCast,
  makeRoundWithLot,
  playAwardedRound,
  ProcurementCast,
} from '../factories/procurement';
import { bearer, startApp, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

const API = '/api/v1/settlement/payment-standards';

interface StandardBody {
  id: string;
  productId: string;
  regionCode: string;
  unitPrice: string;
  validFrom: string;
  validTo: string | null;
  rule: string;
  status: string;
  explanation: string;
}

describe('settlement payment standards (§S5)', () => {
  let t: TestApp;
  const clock = new TestClock();
  let cast: ProcurementCast;
  let round: { id: string };
  let analyst: string;
  let city: string;
  let cheapGenericId: string;

  beforeAll(async () => {
    t = await startApp({}, { providers: [{ provide: Clock, useValue: clock }] });
    cast = await makeProcurementCast(t);
    city = cast.regions.city.code;
    // Listing prices per tablet 3.00, 4.00, 5.00 (packs of 7) before the award; a product of the
    // same generic that did not bid, listed at 3.50 a tablet.
    for (const [i, s] of cast.suppliers.entries())
      await makeListingPrice(t, s.product, cast.regions.province.code, {
        packPrice: ['21', '28', '35'][i],
        validFrom: '2020-01-01',
      });
    const cheap = await makeDrug(t, {
      name: '阿托伐他汀钙片',
      strength: '20',
      strengthUnit: 'mg',
      dosageForm: 'tablet',
      packSize: 10,
      consistencyEvaluated: true,
    });
    cheapGenericId = cheap.id;
    await makeListingPrice(t, cheap, cast.regions.province.code, {
      packPrice: '35',
      validFrom: '2020-01-01',
    });
    ({ round } = await playAwardedRound(t, cast, clock));
    await t.idle();
    analyst = (await makeUser(t, cast.authority, ['pricing_analyst'])).token;
  });
  afterAll(() => t.close());

  const list = async (query: string, token = cast.hospitals[0].token) =>
    (await t.http().get(`${API}?${query}`).set(bearer(token)).expect(200)).body as {
      items: StandardBody[];
      total: number;
    };

  it('sets every product of the generic on award: winners, ≥ 2 × cut, below 2 × the winning price', async () => {
    const [p1, p2, p3] = cast.suppliers.map((s) => s.product.id);
    const rows = (await list(`regionCode=${city}&pageSize=200`)).items;
    const byProduct = new Map(rows.map((r) => [r.productId, r]));
    const ours = [p1, p2, p3, cheapGenericId];
    expect(byProduct.get(p1)).toMatchObject({ unitPrice: '1.500000', rule: 'winning_price' });
    expect(byProduct.get(p2)).toMatchObject({ unitPrice: '2.000000', rule: 'winning_price' });
    // 5.00 ≥ 2 × 2.00: 5.00 × (1 − 0.30) = 3.50.
    expect(byProduct.get(p3)).toMatchObject({ unitPrice: '3.500000', rule: 'high_price_cut' });
    // 3.50 < 4.00: the highest winning price.
    expect(byProduct.get(cheapGenericId)).toMatchObject({
      unitPrice: '2.000000',
      rule: 'highest_winning_price',
    });
    for (const r of rows) expect(r).toMatchObject({ validTo: null, status: 'current' });

    const rerun = await t
      .http()
      .post(`${API}/run`)
      .set(bearer(analyst))
      .send({ roundId: round.id })
      .expect(200);
    // On a shared database other tests' products of the same generic name are in the catalogue
    // too: without a price in this region they are skipped; none of ours is.
    expect(rerun.body).toMatchObject({ standards: rows.length, createdNow: false });
    for (const skip of rerun.body.skipped as Array<{ productId: string }>)
      expect(ours).not.toContain(skip.productId);
    expect((await list(`regionCode=${city}&pageSize=200`)).total).toBe(rows.length);
  });

  it('keeps history: a later manual standard closes the current one, the same day replaces it', async () => {
    const product = cast.suppliers[2].product.id;
    const current = (await list(`productId=${product}&regionCode=${city}`)).items[0];
    const later = '2099-03-01';
    const set = (unitPrice: string, validFrom: string, token = analyst) =>
      t
        .http()
        .post(API)
        .set(bearer(token))
        .send({ productId: product, regionCode: city, unitPrice, validFrom, reason: 'negotiated' });
    const created = await set('3.2', later).expect(201);
    expect(created.body).toMatchObject({ unitPrice: '3.200000', rule: 'manual', validTo: null });
    const replaced = await set('3.1', later).expect(201);
    const history = (await list(`productId=${product}&regionCode=${city}`)).items;
    expect(history.map((h) => [h.validFrom, h.validTo, h.unitPrice, h.status])).toEqual([
      [current.validFrom, '2099-02-28', '3.500000', 'current'],
      [later, null, '3.200000', 'superseded'],
      [later, null, '3.100000', 'current'],
    ]);
    expect(
      (await list(`productId=${product}&regionCode=${city}&on=2099-02-28`)).items.map(
        (h) => h.unitPrice,
      ),
    ).toEqual(['3.500000']);
    expect(
      (await list(`productId=${product}&regionCode=${city}&on=2099-03-01`)).items.map((h) => h.id),
    ).toEqual([replaced.body.id]);

    const conflict = await set('3.0', '2099-01-01').expect(409);
    expect(conflict.body.code).toBe('SETTLEMENT.STANDARD_DATE_CONFLICT');
  });

  it.each([
    [{ unitPrice: '0' }, 400, 'SETTLEMENT.STANDARD_PRICE_INVALID'],
    [{ unitPrice: '1.1234567' }, 400, 'SETTLEMENT.STANDARD_PRICE_INVALID'],
    [{ validFrom: '2099-02-30' }, 400, 'SETTLEMENT.STANDARD_DATE_INVALID'],
    [{ productId: '999999999' }, 404, 'SETTLEMENT.STANDARD_PRODUCT_NOT_FOUND'],
    [{ regionCode: '000000' }, 404, 'SETTLEMENT.STANDARD_REGION_NOT_FOUND'],
  ])('refuses a manual standard with %j', async (over, status, code) => {
    const res = await t
      .http()
      .post(API)
      .set(bearer(analyst))
      .send({
        productId: cast.suppliers[0].product.id,
        regionCode: city,
        unitPrice: '1.4',
        validFrom: '2099-06-01',
        reason: 'test',
        ...over,
      })
      .expect(status);
    expect(res.body.code).toBe(code);
  });

  it('refuses a region outside the setter’s scope, and other roles', async () => {
    const elsewhere = await makeRegion(t);
    const res = await t
      .http()
      .post(API)
      .set(bearer(analyst))
      .send({
        productId: cast.suppliers[0].product.id,
        regionCode: elsewhere.code,
        unitPrice: '1.4',
        validFrom: '2099-06-01',
        reason: 'test',
      })
      .expect(404);
    expect(res.body.code).toBe('SETTLEMENT.STANDARD_REGION_NOT_FOUND');
    for (const token of [cast.hospitals[0].token, cast.officer.token, cast.suppliers[0].token])
      await t
        .http()
        .post(API)
        .set(bearer(token))
        .send({
          productId: cast.suppliers[0].product.id,
          regionCode: city,
          unitPrice: '1.4',
          validFrom: '2099-06-01',
          reason: 'test',
        })
        .expect(403);
  });

  it('refuses a bad `on` and runs only for awarded rounds', async () => {
    const bad = await t.http().get(`${API}?on=2026-13-01`).set(bearer(analyst)).expect(400);
    expect(bad.body.code).toBe('SETTLEMENT.STANDARD_QUERY_INVALID');
    const draft = await makeRoundWithLot(t, cast, { now: clock.now() });
    const notAwarded = await t
      .http()
      .post(`${API}/run`)
      .set(bearer(analyst))
      .send({ roundId: draft.round.id })
      .expect(409);
    expect(notAwarded.body.code).toBe('SETTLEMENT.POLICY_ROUND_NOT_AWARDED');
    const unknown = await t
      .http()
      .post(`${API}/run`)
      .set(bearer(analyst))
      .send({ roundId: '999999999' })
      .expect(404);
    expect(unknown.body.code).toBe('SETTLEMENT.POLICY_ROUND_NOT_FOUND');
  });
});
