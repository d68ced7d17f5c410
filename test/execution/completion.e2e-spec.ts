import { Clock } from '../../src/common/clock';
import { Decimal, roundTo } from '../../src/database/decimal';
import { Organisation } from '../../src/modules/identity/organisations/organisation.entity';
import { CompletionCheckJob } from '../../src/modules/execution/completion/completion-check.job';
import { chinaDate } from '../../src/modules/execution/deliveries/domain/delivery-rules';
import { makeDrug, makeListingPrice } from '../factories/catalog';
import {
  deliveryLine,
  ExecutionCast,
  makeExecutionCast,
  ordersApi,
  placedOrder,
} from '../factories/execution';
import { makeOrganisation, makeRegionTree, makeUser } from '../factories/identity';
import { bearer, startApp, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

type Json = Record<string, unknown>;
const DAY = 24 * 3600 * 1000;

interface Agreement {
  id: string;
  hospitalId: string;
  supplierId: string;
  productId: string;
  agreedQuantity: string;
  startDate: string;
  endDate: string;
}

/**
 * §E4 completion over HTTP on an awarded round (2 winners of 3 bidders, 60 % of 7,000 tablets
 * agreed per hospital): purchases from accepted deliveries only, converted to the 20 mg
 * representative, the substitution share of non-winning products, the behind-schedule flag of
 * the monthly job, its idempotence, and who sees which snapshots.
 */
describe('completion of agreed volumes', () => {
  let t: TestApp;
  let clock: TestClock;
  let cast: ExecutionCast;
  let agreements: Agreement[];
  let a0: Agreement;
  let fundOfficer: { token: string };

  const post = (token: string, path: string, body: object) =>
    t.http().post(path).set(bearer(token)).send(body);
  const completion = async (token: string, query: string) =>
    (await t.http().get(`/api/v1/execution/completion?${query}`).set(bearer(token)).expect(200))
      .body as { items: Json[]; total: number };

  /** Order, deliver and decide one line of `packs` packs. */
  async function buy(
    hospitalToken: string,
    supplier: { org: Organisation; token: string },
    productId: string,
    packs: string,
    decision: 'accepted' | 'rejected' = 'accepted',
  ) {
    const order = await placedOrder(t, hospitalToken, supplier.org, [
      { productId, quantity: packs },
    ]);
    const delivery = await post(supplier.token, ordersApi(`/${order.id}/deliveries`), {
      lines: [deliveryLine(order.lines[0].id, packs)],
    }).expect(201);
    await post(hospitalToken, `/api/v1/execution/deliveries/${delivery.body.id}/acceptance`, {
      lines: [
        {
          deliveryLineId: (delivery.body.lines as Json[])[0].id,
          decision,
          ...(decision === 'rejected' ? { reason: '破损' } : {}),
        },
      ],
    }).expect(200);
  }

  beforeAll(async () => {
    clock = new TestClock();
    t = await startApp(
      { COMPLETION_CHECK_SECONDS: '86400' },
      { providers: [{ provide: Clock, useValue: clock }] },
    );
    cast = await makeExecutionCast(t, clock);
    const res = await t
      .http()
      .get(`/api/v1/procurement/rounds/${cast.round.id}/agreements?pageSize=200`)
      .set(bearer(cast.officer.token))
      .expect(200);
    agreements = res.body.items as Agreement[];
    a0 = agreements.find((a) => a.hospitalId === cast.hospitals[0].org.id)!;
    fundOfficer = await makeUser(t, cast.authority, ['fund_officer']);

    const h0 = cast.hospitals[0].token;
    const winner = cast.suppliers.find((s) => s.org.id === a0.supplierId)!;
    const otherWinner = cast.suppliers.find(
      (s) => s.org.id !== a0.supplierId && agreements.some((a) => a.supplierId === s.org.id),
    )!;
    const loser = cast.suppliers.find((s) => !agreements.some((a) => a.supplierId === s.org.id))!;
    // 40 mg tablets of the same generic, never admitted to the lot: a substitute.
    const strong = await makeDrug(t, {
      name: loser.product.name,
      strength: '40',
      packSize: 14,
    });
    for (const p of [otherWinner.product, loser.product, strong])
      await makeListingPrice(t, p, cast.regions.province.code, {
        packPrice: '20',
        validFrom: '2020-01-01',
      });
    // 100 packs × 7 of the agreement product: 700 tablets; a rejected delivery does not count.
    await buy(h0, winner, a0.productId, '100');
    await buy(h0, winner, a0.productId, '50', 'rejected');
    // Another winning product of the lot: 10 × 7 = 70, winning but not this agreement's.
    await buy(h0, cast.distributor, otherWinner.product.id, '10');
    // Non-winning: 5 × 7 = 35 of the loser, 10 × 14 × 40/20 = 280 of the 40 mg.
    await buy(h0, cast.distributor, loser.product.id, '5');
    await buy(h0, cast.distributor, strong.id, '10');
  });
  afterAll(() => t.close());

  it('computes purchases, completion, progress and the substitution share of a month', async () => {
    const month = chinaDate(clock.now()).slice(0, 7);
    const res = await post(fundOfficer.token, '/api/v1/execution/completion/check', {
      month,
    }).expect(200);
    expect(res.body).toMatchObject({ month, asOf: a0.startDate });
    expect(res.body.agreements).toBeGreaterThanOrEqual(agreements.length);

    const page = await completion(cast.officer.token, `roundId=${cast.round.id}&month=${month}`);
    expect(page.total).toBe(agreements.length);
    const termDays = (Date.parse(a0.endDate) - Date.parse(a0.startDate)) / DAY + 1;
    const expected = new Decimal(1).div(termDays);
    const rate = new Decimal(700).div(a0.agreedQuantity);
    expect(a0.agreedQuantity).toBe('4200.000');
    expect(page.items.find((s) => s.agreementId === a0.id)).toEqual({
      agreementId: a0.id,
      month,
      asOf: a0.startDate,
      roundId: cast.round.id,
      lotId: cast.lot.id,
      hospitalId: a0.hospitalId,
      supplierId: a0.supplierId,
      productId: a0.productId,
      agreedQuantity: '4200.000',
      purchasedQuantity: '700.000',
      completionRate: '0.1667',
      expectedProgress: roundTo(expected, 4),
      gap: roundTo(expected.minus(rate), 4),
      behind: false,
      winningQuantity: '770.000',
      nonWinningQuantity: '315.000',
      // 315 ÷ 1085
      nonWinningShare: '0.2903',
      unconvertedLines: 0,
      computedAt: expect.any(String),
    });
    const untouched = page.items.find((s) => s.hospitalId === cast.hospitals[1].org.id)!;
    expect(untouched).toMatchObject({
      purchasedQuantity: '0.000',
      completionRate: '0.0000',
      nonWinningShare: null,
      behind: false,
    });
  });

  it('flags agreements behind schedule at the monthly check, once per month', async () => {
    clock.advance(200 * DAY);
    const job = t.app.get(CompletionCheckJob);
    await job.handle();
    const today = chinaDate(clock.now());
    const prev = new Date(Date.parse(`${today.slice(0, 7)}-01T00:00:00Z`) - DAY);
    const month = prev.toISOString().slice(0, 7);
    const asOf = prev.toISOString().slice(0, 10);

    const behind = await completion(
      cast.officer.token,
      `roundId=${cast.round.id}&month=${month}&behind=true`,
    );
    expect(behind.total).toBe(agreements.length);
    const s0 = behind.items.find((s) => s.agreementId === a0.id)!;
    const termDays = (Date.parse(a0.endDate) - Date.parse(a0.startDate)) / DAY + 1;
    const elapsed = (Date.parse(asOf) - Date.parse(a0.startDate)) / DAY + 1;
    const expected = new Decimal(elapsed).div(termDays);
    expect(s0).toMatchObject({
      asOf,
      purchasedQuantity: '700.000',
      completionRate: '0.1667',
      expectedProgress: roundTo(expected, 4),
      gap: roundTo(expected.minus(new Decimal(700).div(4200)), 4),
      behind: true,
    });
    expect(
      (await completion(cast.officer.token, `roundId=${cast.round.id}&month=${month}&behind=false`))
        .total,
    ).toBe(0);

    // A second tick finds nothing to do: the snapshots stay as they were.
    await job.handle();
    const again = await completion(cast.officer.token, `roundId=${cast.round.id}&month=${month}`);
    expect(again.items.find((s) => s.agreementId === a0.id)!.computedAt).toBe(s0.computedAt);
    const rows: Array<{ n: string | number }> = await t.dataSource.query(
      'SELECT COUNT(*) AS n FROM completion_snapshots WHERE agreement_id = ? AND month = ?',
      [a0.id, month],
    );
    expect(Number(rows[0].n)).toBe(1);
  });

  it('shows hospitals their agreements, suppliers theirs, authorities their region', async () => {
    const q = `roundId=${cast.round.id}`;
    const h1 = cast.hospitals[1];
    const own = await completion(h1.token, q);
    expect(own.total).toBeGreaterThan(0);
    expect(new Set(own.items.map((s) => s.hospitalId))).toEqual(new Set([h1.org.id]));
    expect((await completion(h1.token, `${q}&hospitalId=${a0.hospitalId}`)).total).toBe(0);

    for (const s of cast.suppliers) {
      const theirs = await completion(s.token, q);
      const expected = agreements.filter((a) => a.supplierId === s.org.id).length;
      expect(theirs.items.every((x) => x.supplierId === s.org.id)).toBe(true);
      expect(theirs.total).toBe(expected * 2);
    }
    expect((await completion(cast.distributor.token, q)).total).toBe(0);
    expect((await completion(cast.auditor.token, q)).total).toBe(agreements.length * 2);

    const elsewhere = await makeRegionTree(t);
    const foreign = await makeOrganisation(t, 'authority', { regionCode: elsewhere.city.code });
    const stranger = await makeUser(t, foreign, ['auditor']);
    expect((await completion(stranger.token, q)).total).toBe(0);
  });

  it('lets fund and procurement officers and admins run the check, for a month that has begun', async () => {
    const check = (token: string, body: object) =>
      post(token, '/api/v1/execution/completion/check', body);
    const month = chinaDate(clock.now()).slice(0, 7);
    await check(cast.officer.token, { month }).expect(200);
    for (const token of [cast.auditor.token, cast.hospitals[0].token, cast.suppliers[0].token]) {
      const res = await check(token, { month }).expect(403);
      expect(res.body.code).toBe('COMMON.FORBIDDEN');
    }
    const next = new Date(Date.parse(`${month}-01T00:00:00Z`) + 32 * DAY).toISOString().slice(0, 7);
    for (const [body, code] of [
      [{ month: '2026-13' }, 'EXECUTION.MONTH_INVALID'],
      [{ month: next }, 'EXECUTION.MONTH_INVALID'],
      [{}, 'COMMON.VALIDATION_FAILED'],
      [{ month, extra: 1 }, 'COMMON.VALIDATION_FAILED'],
    ] as const) {
      const res = await check(fundOfficer.token, body).expect(400);
      expect(res.body.code).toBe(code);
    }
    const bad = await t
      .http()
      .get('/api/v1/execution/completion?behind=maybe')
      .set(bearer(cast.officer.token))
      .expect(400);
    expect(bad.body.code).toBe('COMMON.VALIDATION_FAILED');
    await t.http().get('/api/v1/execution/completion').expect(401);
  });
});
