import { Response } from 'supertest';
import { Clock } from '../../src/common/clock';
import { makeListingPrice } from '../factories/catalog';
import { signCurrentCommitment } from '../factories/credit';
import {
  AgreementRow,
  createOrder,
  ExecutionCast,
  makeExecutionCast,
} from '../factories/execution';
import { makeUser } from '../factories/identity';
import { makeRoundWithLot, transition } from '../factories/procurement';
import { bearer, startApp, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

function expectError(res: Response, status: number, code: string, ...words: string[]) {
  expect({ status: res.status, code: (res.body as { code: string }).code }).toEqual({
    status,
    code,
  });
  for (const w of words) expect((res.body as { message: string }).message).toContain(w);
}

/**
 * §K end to end: a bribery case rated serious bars the supplier's involved product from a new
 * round, suspends its listing and refuses a hospital's order on it — agreement or not; an
 * approved repair lifts all three. A particularly serious rating bars every product and is on
 * the public list until it lapses.
 */
describe('credit: a sanction bites and a repair lifts it (§K1–§K4)', () => {
  let t: TestApp;
  let clock: TestClock;
  let cast: ExecutionCast;
  let supervisor: string;
  let agreement: AgreementRow;
  let hospital: { token: string };
  let winner: ExecutionCast['suppliers'][number];
  let other: ExecutionCast['suppliers'][number];
  let round: { id: string; code: string };
  let lot: { id: string };

  const api = (path: string) => `/api/v1${path}`;
  const post = (token: string, path: string, body: object = {}) =>
    t.http().post(api(path)).set(bearer(token)).send(body);
  const get = (token: string, path: string) => t.http().get(api(path)).set(bearer(token));
  const bid = (s: { token: string; product: { id: string } }, packPrice = '10.50') =>
    post(s.token, `/procurement/rounds/${round.id}/bids`, {
      lotId: lot.id,
      productId: s.product.id,
      packPrice,
      capacity: '100000',
      preferredRegions: [],
    });
  const listingStatus = async (productId: string) => {
    const res = await get(
      cast.officer.token,
      `/catalog/products/${productId}/listing-prices`,
    ).expect(200);
    return (
      res.body as { items: Array<{ status: string; suspensionSource: string | null }> }
    ).items.map((l) => [l.status, l.suspensionSource]);
  };
  const order = (expected: number) =>
    createOrder(
      t,
      hospital.token,
      { id: agreement.supplierId } as never,
      [{ productId: agreement.productId, quantity: '10' }],
      expected,
    );

  beforeAll(async () => {
    clock = new TestClock();
    t = await startApp({}, { providers: [{ provide: Clock, useValue: clock }] });
    cast = await makeExecutionCast(t, clock);
    supervisor = (await makeUser(t, cast.authority, ['supervisor'])).token;
    agreement = cast.agreements[0];
    hospital = cast.hospitals.find((h) => h.org.id === agreement.hospitalId)!;
    winner = cast.suppliers.find((s) => s.org.id === agreement.supplierId)!;
    other = cast.suppliers.find((s) => s.org.id !== agreement.supplierId)!;
    // The winning product is also listed in the province, so its listing can be suspended.
    await makeListingPrice(t, winner.product, cast.regions.province.code, {
      packPrice: '12.00',
      validFrom: '2020-01-01',
    });
    await makeListingPrice(t, other.product, cast.regions.province.code, {
      packPrice: '15.00',
      validFrom: '2020-01-01',
    });
    // A new round in bidding, in which both suppliers have signed the commitment.
    const made = await makeRoundWithLot(t, cast, { now: clock.now() });
    round = made.round;
    lot = made.lot;
    await transition(t, cast.officer.token, round.id, 'open_demand');
    clock.passes(made.round.timeline.demandClosesAt);
    await transition(t, cast.officer.token, round.id, 'close_demand');
    clock.passes(made.round.timeline.biddingOpensAt);
    await transition(t, cast.officer.token, round.id, 'open_bidding');
    for (const s of [winner, other])
      await post(s.token, `/procurement/rounds/${round.id}/commitment`).expect(201);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('a serious rating bars the involved product everywhere, and repair lifts it', async () => {
    expect(await listingStatus(winner.product.id)).toEqual([['active', null]]);
    await order(201);

    const recorded = await post(supervisor, '/credit/cases', {
      supplierId: winner.org.id,
      behaviour: 'bribery',
      amount: '350000',
      productIds: [winner.product.id],
      source: { type: 'court_judgment', ref: '(2025)苏0102刑初123号', date: '2026-01-05' },
      summary: '给予医院药剂科回扣',
    }).expect(201);
    expect(recorded.body).toMatchObject({
      code: expect.stringMatching(/^CC\d{4}-\d{4}$/),
      status: 'recorded',
      amount: '350000.00',
      rating: null,
    });

    const rated = await post(supervisor, `/credit/cases/${recorded.body.id}/rating`).expect(201);
    expect(rated.body).toMatchObject({
      caseCode: recorded.body.code,
      schemeVersion: '2020',
      level: 'serious',
      levelLabel: '严重',
      productScope: 'involved',
      productIds: [winner.product.id],
      status: 'in_force',
      sanctions: ['interview', 'risk_notice', 'listing_suspension', 'bidding_suspension'],
    });

    // Bidding: the involved product cannot be bid in the new round.
    expectError(
      await bid(winner),
      403,
      'PROCUREMENT.BID_PRODUCT_SANCTIONED',
      'productId',
      recorded.body.code,
    );
    // Listing: suspended by the sanction.
    expect(await listingStatus(winner.product.id)).toEqual([['suspended', 'credit_sanction']]);
    // Ordering: refused though the hospital's agreement prices the line.
    expectError(
      await order(409),
      409,
      'EXECUTION.PRODUCT_SANCTIONED',
      'lines[0].productId',
      recorded.body.code,
    );
    // The rating is a risk notice to hospitals and on the public list.
    const notices = await get(hospital.token, `/credit/risk-notices?supplierId=${winner.org.id}`);
    expect(notices.status).toBe(200);
    expect(notices.body.items).toEqual([expect.objectContaining({ id: rated.body.id })]);
    const listed = await t
      .http()
      .get(api(`/public/credit/serious?supplierId=${winner.org.id}`))
      .expect(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        level: 'serious',
        behaviour: 'bribery',
        caseCode: recorded.body.code,
      }),
    ]);

    // Repair: the supplier applies, the supervisor approves; serious → medium.
    const applied = await post(winner.token, `/credit/ratings/${rated.body.id}/repairs`, {
      actions: [
        { kind: 'price_cut', evidence: '挂网价由 12.00 元降至 10.50 元，剔除虚高空间' },
        { kind: 'public_apology', evidence: '2026-03-01 省医保局网站公开致歉' },
      ],
    }).expect(201);
    expect(applied.body).toMatchObject({ status: 'pending', levelBefore: 'serious' });
    const approved = await post(supervisor, `/credit/repairs/${applied.body.id}/approve`, {
      note: '整改到位',
    }).expect(200);
    expect(approved.body).toMatchObject({ status: 'approved', levelAfter: 'medium' });
    const after = await get(supervisor, `/credit/ratings/${rated.body.id}`).expect(200);
    expect(after.body).toMatchObject({
      level: 'medium',
      initialLevel: 'serious',
      productScope: 'none',
      sanctions: ['reminder', 'interview', 'risk_notice'],
      status: 'in_force',
    });

    // The bar lifts: bid accepted, listing reinstated, order accepted.
    await bid(winner).expect(201);
    expect(await listingStatus(winner.product.id)).toEqual([['active', null]]);
    await order(201);
    const publicAfter = await t
      .http()
      .get(api(`/public/credit/serious?supplierId=${winner.org.id}`))
      .expect(200);
    expect(publicAfter.body.items).toEqual([]);
  });

  it("lists a supplier's general and per-round integrity commitments together", async () => {
    const {
      text: { version },
    } = await signCurrentCommitment(t, winner.token);
    const res = await get(supervisor, `/credit/suppliers/${winner.org.id}/commitments`).expect(200);
    expect(res.body.general).toEqual([expect.objectContaining({ textVersion: version })]);
    expect(res.body.rounds).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ roundId: round.id, roundCode: round.code }),
      ]),
    );
  });

  it('a particularly serious rating bars every product, is public, and lapses', async () => {
    const recorded = await post(supervisor, '/credit/cases', {
      supplierId: other.org.id,
      behaviour: 'bid_rigging',
      productIds: [],
      source: { type: 'administrative_penalty', ref: '苏医保罚〔2026〕7号', date: '2026-01-10' },
    }).expect(201);
    const rated = await post(supervisor, `/credit/cases/${recorded.body.id}/rating`).expect(201);
    expect(rated.body).toMatchObject({ level: 'particularly_serious', productScope: 'all' });

    expectError(await bid(other), 403, 'PROCUREMENT.BID_CREDIT_BARRED', recorded.body.code);
    expect(await listingStatus(other.product.id)).toEqual([['suspended', 'credit_sanction']]);
    const listed = await t
      .http()
      .get(api(`/public/credit/serious?supplierId=${other.org.id}`))
      .expect(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        supplierId: other.org.id,
        level: 'particularly_serious',
        levelLabel: '特别严重',
        behaviour: 'bid_rigging',
        validFrom: rated.body.validFrom,
        validTo: rated.body.validTo,
        caseCode: recorded.body.code,
      }),
    ]);

    // Past its last day the rating no longer bites, and the lapse check writes it down once.
    clock.passes(`${rated.body.validTo}T23:59:59.999+08:00`, 1);
    const gone = await t
      .http()
      .get(api(`/public/credit/serious?supplierId=${other.org.id}`))
      .expect(200);
    expect(gone.body.items).toEqual([]);
    const first = await post(supervisor, '/credit/ratings/lapse-check').expect(200);
    expect(first.body.lapsed).toBeGreaterThanOrEqual(1);
    const again = await get(supervisor, `/credit/ratings/${rated.body.id}`).expect(200);
    expect(again.body).toMatchObject({ status: 'lapsed', endedAt: expect.any(String) });
    expect(await listingStatus(other.product.id)).toEqual([['active', null]]);
    const second = await post(supervisor, '/credit/ratings/lapse-check').expect(200);
    expect(second.body.lapsed).toBe(0);
  });
});
