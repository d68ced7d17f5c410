import { Clock } from '../../src/common/clock';
import { twelveMonthsBefore } from '../../src/modules/execution/usage/domain/usage-rules';
import { makeListingPrice } from '../factories/catalog';
import {
  deliveryLine,
  ExecutionCast,
  makeExecutionCast,
  ordersApi,
  placedOrder,
} from '../factories/execution';
import { makeProcurementCast } from '../factories/procurement';
import { makeUser } from '../factories/identity';
import { bearer, startApp, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

const API = '/api/v1/settlement/retention';
const DAY = 24 * 3600 * 1000;

/** The business date `days` after `date`. */
const plusDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

interface ResultBody {
  hospitalId: string;
  lotId: string;
  agreedQuantity: string;
  preVbpUnitPrice: string;
  budget: string;
  fundSpending: string;
  countedSpending: string;
  surplus: string;
  completionScore: string;
  completed: boolean;
  grade: string;
  retainedShare: string;
  retained: string;
  inputs: Record<string, unknown>;
  explanation: Array<{ key: string; value: string; formula?: string }>;
}

describe('settlement surplus retention (§S6)', () => {
  let t: TestApp;
  const clock = new TestClock();
  let cast: ExecutionCast;
  let officer: string;
  let outsideOfficer: string;

  beforeAll(async () => {
    t = await startApp({}, { providers: [{ provide: Clock, useValue: clock }] });
    cast = await makeExecutionCast(t, clock);
    // The pre-VBP baseline: listing prices of 3.00, 4.00 and 5.00 a tablet → mean 4.000000.
    for (const [i, s] of cast.suppliers.entries())
      await makeListingPrice(t, s.product, cast.regions.province.code, {
        packPrice: ['21', '28', '35'][i],
        validFrom: '2020-01-01',
      });
    officer = (await makeUser(t, cast.authority, ['fund_officer'])).token;
    const other = await makeProcurementCast(t, { hospitals: 1, suppliers: 1 });
    outsideOfficer = (await makeUser(t, other.authority, ['fund_officer'])).token;

    // Hospital 1 buys 700 packs of 7 (4900 tablets, 700 above its 4200) at its agreement's
    // pack price (10.50 or 14.00, by how the award allocated it).
    const hospital = cast.hospitals[0];
    const agreement = cast.agreements.find((a) => a.hospitalId === hospital.org.id)!;
    const supplier = cast.suppliers.find((s) => s.org.id === agreement.supplierId)!;
    const order = await placedOrder(t, hospital.token, supplier.org, [
      { productId: agreement.productId, quantity: '700' },
    ]);
    const delivery = await t
      .http()
      .post(ordersApi(`/${order.id}/deliveries`))
      .set(bearer(supplier.token))
      .send({ lines: [deliveryLine(order.lines[0].id, '700')] })
      .expect(201);
    await t
      .http()
      .post(`/api/v1/execution/deliveries/${delivery.body.id}/acceptance`)
      .set(bearer(hospital.token))
      .send({ lines: [{ deliveryLineId: delivery.body.lines[0].id, decision: 'accepted' }] })
      .expect((r) => expect(r.status).toBeLessThan(300));

    // Hospital 3 reported its purchases before VBP (§E3): in the 12 months before the agreements
    // started, 1000 tablets at 3.00 and 3000 at 5.00. Not counted: a purchase 400 days before
    // (outside the window), one on the first day of the agreements, a product outside the lot.
    const start = cast.agreements[0].startDate;
    const row = (productCode: string, date: string, purchasedQuantity: string) => ({
      productCode,
      date,
      purchasedQuantity,
      usedQuantity: '0',
      stockQuantity: '0',
    });
    const [s1, s2, s3] = cast.suppliers;
    await t
      .http()
      .put(`/api/v1/execution/usage-batches/pre-vbp-${cast.round.id}`)
      .set(bearer(cast.hospitals[2].token))
      .send({
        rows: [
          row(s1.product.code, plusDays(start, -30), '600'),
          row(s1.product.code, plusDays(start, -300), '400'),
          row(s3.product.code, plusDays(start, -1), '3000'),
          row(s2.product.code, plusDays(start, -400), '5000'),
          row(s2.product.code, start, '7000'),
          row(cast.listed.code, plusDays(start, -10), '9000'),
        ],
      })
      .expect(200);
  });
  afterAll(() => t.close());

  const run = (token: string, body: object) =>
    t.http().post(`${API}/run`).set(bearer(token)).send(body);

  it('waits for the agreement year to end', async () => {
    const res = await run(officer, { roundId: cast.round.id, agreementYear: 1 }).expect(409);
    expect(res.body.code).toBe('SETTLEMENT.RETENTION_YEAR_NOT_OVER');
  });

  it('computes budget, surplus, grade and retained share per hospital × lot, to the cent', async () => {
    const yearEnd = cast.agreements[0].startDate.replace(/^(\d{4})/, (y) => String(Number(y) + 1));
    clock.passes(`${yearEnd}T00:00:00+08:00`);
    const res = await run(officer, { roundId: cast.round.id, agreementYear: 1 }).expect(200);
    expect(res.body).toMatchObject({ created: 3, existing: 0, skipped: [] });
    const byHospital = new Map((res.body.items as ResultBody[]).map((r) => [r.hospitalId, r]));
    const buyer = byHospital.get(cast.hospitals[0].org.id)!;
    const packPrice = cast.agreements.find((a) => a.hospitalId === buyer.hospitalId)!.packPrice;
    // budget 4200 × 4.000000 × 0.7 × 1 = 11760.00 for both. At 10.50: fund spending
    // 700 × 10.50 × 0.7 = 5145.00, counted up to the agreed 4200 of 4900 tablets:
    // 5145.00 × 4200 ÷ 4900 = 4410.00, surplus 7350.00, grade A (score 100) 50 % → 3675.00.
    // At 14.00: 6860.00, 5880.00, surplus 5880.00 → 2940.00.
    const figures = {
      '10.5000': ['5145.00', '4410.00', '7350.00', '3675.00'],
      '14.0000': ['6860.00', '5880.00', '5880.00', '2940.00'],
    }[packPrice]!;
    expect(buyer).toMatchObject({
      fundSpending: figures[0],
      countedSpending: figures[1],
      surplus: figures[2],
      retained: figures[3],
      agreedQuantity: '4200.000',
      preVbpUnitPrice: '4.000000',
      budget: '11760.00',
      completionScore: '100',
      completed: true,
      grade: 'A',
      retainedShare: '0.5',
    });
    expect(buyer.explanation.find((l) => l.key === 'counted_spending')).toEqual({
      key: 'counted_spending',
      value: figures[1],
      formula: `${figures[0]} × 4200.000 ÷ 4900.000`,
    });
    // No purchase reported before VBP: the listing mean, and the explanation says so.
    expect(buyer.inputs).toMatchObject({
      baseline: { basis: 'listing_mean', mean: '4.000000' },
      ratios: { fundPaymentRatio: '0.7', insuredShare: '1', source: 'defaults' },
    });
    expect(buyer.explanation[0]).toMatchObject({ key: 'pre_vbp_basis', value: 'listing_mean' });
    expect(buyer.explanation[0].formula).toContain('no purchase of the lot');
    // Hospital 2 bought nothing: the whole budget is surplus, but nothing is retained.
    expect(byHospital.get(cast.hospitals[1].org.id)).toMatchObject({
      budget: '11760.00',
      fundSpending: '0.00',
      countedSpending: '0.00',
      surplus: '11760.00',
      completionScore: '0',
      completed: false,
      grade: 'D',
      retained: '0.00',
    });

    // Hospital 3's baseline is its reported purchases, weighted by quantity:
    // (1000 × 3.00 + 3000 × 5.00) ÷ 4000 = 18000.00 ÷ 4000 = 4.500000 (the listing mean is 4.00).
    // Budget 4200 × 4.500000 × 0.7 × 1 = 13230.00; it bought nothing since: all surplus, grade D.
    const start = cast.agreements[0].startDate;
    const reporter = byHospital.get(cast.hospitals[2].org.id)!;
    expect(reporter).toMatchObject({
      preVbpUnitPrice: '4.500000',
      budget: '13230.00',
      fundSpending: '0.00',
      surplus: '13230.00',
      grade: 'D',
      retained: '0.00',
    });
    const [s1, , s3] = cast.suppliers;
    expect(reporter.inputs.baseline).toEqual({
      basis: 'reported_purchases',
      source: 'reported purchases (§E3) × listing unit prices, weighted by quantity',
      // The same day a year before (§E3's 12-month window, as §P3's purchase history).
      from: twelveMonthsBefore(start).from,
      to: plusDays(start, -1),
      priceDate: plusDays(start, -1),
      regionCode: cast.hospitals[2].org.regionCode,
      purchases: [
        {
          productId: s1.product.id,
          quantity: '1000.000',
          representativeQuantity: '1000.000',
          unitPrice: '3.000000',
          amount: '3000.00',
          representativeUnitsPerUnit: '1',
        },
        {
          productId: s3.product.id,
          quantity: '3000.000',
          representativeQuantity: '3000.000',
          unitPrice: '5.000000',
          amount: '15000.00',
          representativeUnitsPerUnit: '1',
        },
      ],
      excluded: [],
      quantity: '4000.000',
      amount: '18000.00',
      weightedAverage: '4.500000',
    });
    expect(reporter.explanation[0]).toMatchObject({
      key: 'pre_vbp_basis',
      value: 'reported_purchases',
    });
    expect(reporter.explanation.find((l) => l.key === 'pre_vbp_unit_price')).toEqual({
      key: 'pre_vbp_unit_price',
      value: '4.500000',
      formula: '18000.00 ÷ 4000.000',
    });

    const again = await run(officer, { roundId: cast.round.id, agreementYear: 1 }).expect(200);
    expect(again.body).toMatchObject({ created: 0, existing: 3 });
    const listed = await t
      .http()
      .get(`${API}/results?roundId=${cast.round.id}&hospitalId=${cast.hospitals[0].org.id}`)
      .set(bearer(officer))
      .expect(200);
    expect(listed.body.items).toEqual([buyer]);
  });

  it.each([
    [{ roundId: '999999999', agreementYear: 1 }, 404, 'SETTLEMENT.POLICY_ROUND_NOT_FOUND'],
    [{ agreementYear: 9 }, 400, 'SETTLEMENT.AGREEMENT_YEAR_INVALID'],
    [{ agreementYear: 0 }, 400, 'VALIDATION'],
  ])('refuses %j', async (over, status, code) => {
    const res = await run(officer, { roundId: cast.round.id, ...over }).expect(status);
    expect(res.body.code).toContain(code);
  });

  it('scopes results: a hospital its own, an officer elsewhere none; only fund officers run', async () => {
    const own = await t
      .http()
      .get(`${API}/results`)
      .set(bearer(cast.hospitals[1].token))
      .expect(200);
    expect((own.body.items as ResultBody[]).map((r) => r.hospitalId)).toEqual([
      cast.hospitals[1].org.id,
    ]);
    const outside = await t
      .http()
      .get(`${API}/results?roundId=${cast.round.id}`)
      .set(bearer(outsideOfficer))
      .expect(200);
    expect(outside.body.total).toBe(0);
    await run(cast.hospitals[0].token, { roundId: cast.round.id, agreementYear: 1 }).expect(403);
    await run(cast.officer.token, { roundId: cast.round.id, agreementYear: 1 }).expect(403);
    await t.http().get(`${API}/results`).set(bearer(cast.suppliers[0].token)).expect(403);
  });
});
