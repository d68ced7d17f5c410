import { Clock } from '../../src/common/clock';
import {
  makeProcurementCast,
  makeRoundWithLot,
  ProcurementCast,
  transition,
} from '../factories/procurement';
import { makeOrganisation, makeUser } from '../factories/identity';
import { bearer, startApp, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

const DAY = 24 * 3600 * 1000;

/** §P7–§P8 on a batch-10 round (revival on): results, trace, replay, exclusion, revival, objections. */
describe('procurement results, publicity and objections', () => {
  let t: TestApp;
  let clock: TestClock;
  let cast: ProcurementCast;
  let roundId: string;
  let lotId: string;
  const bidIds: string[] = [];
  const api = (path: string) => `/api/v1/procurement${path}`;

  beforeAll(async () => {
    clock = new TestClock();
    t = await startApp({}, { providers: [{ provide: Clock, useValue: clock }] });
    cast = await makeProcurementCast(t, { hospitals: 2, suppliers: 4 });
    const { round, lot } = await makeRoundWithLot(t, cast, {
      now: clock.now(),
      preset: 'national-batch-10',
    });
    roundId = round.id;
    lotId = lot.id;
    await transition(t, cast.officer.token, roundId, 'open_demand');
    for (const h of cast.hospitals)
      await t
        .http()
        .put(api(`/rounds/${roundId}/demand/${lotId}`))
        .set(bearer(h.token))
        .send({ quantity: '7000' })
        .expect(200);
    clock.passes(round.timeline.demandClosesAt);
    await transition(t, cast.officer.token, roundId, 'close_demand');
    clock.passes(round.timeline.biddingOpensAt);
    await transition(t, cast.officer.token, roundId, 'open_bidding');
    // Unit comparable prices 1.5, 2.0, 2.5 and 2.8: the last is above 1.8 × 1.5 and loses the first pass.
    const prices = ['10.50', '14.00', '17.50', '19.60'];
    for (const [i, s] of cast.suppliers.entries()) {
      await t
        .http()
        .post(api(`/rounds/${roundId}/commitment`))
        .set(bearer(s.token))
        .expect(201);
      const res = await t
        .http()
        .post(api(`/rounds/${roundId}/bids`))
        .set(bearer(s.token))
        .send({
          lotId,
          productId: s.product.id,
          packPrice: prices[i],
          capacity: '100000',
          preferredRegions: [],
        })
        .expect(201);
      bidIds.push(res.body.bid.id);
    }
    const early = await t
      .http()
      .get(api(`/rounds/${roundId}/results`))
      .set(bearer(cast.officer.token))
      .expect(409);
    expect(early.body.code).toBe('PROCUREMENT.RESULTS_NOT_AVAILABLE');
    clock.passes(round.timeline.openingAt);
    await transition(t, cast.officer.token, roundId, 'open');
  });
  afterAll(() => t.close());

  type Result = {
    version: number;
    cause: string;
    winners: string[];
    excluded: Array<{ bid: string }>;
    bids: Array<{ bidId: string; outcome: string; reasons: string[] }>;
  };
  const outcomeOf = (r: Result, bidId: string) => r.bids.find((b) => b.bidId === bidId)?.outcome;

  it('shows authorities the result with its trace, and hides it from suppliers until publicity', async () => {
    const res = await t
      .http()
      .get(api(`/rounds/${roundId}/results`))
      .set(bearer(cast.auditor.token))
      .expect(200);
    const [result] = res.body as Result[];
    expect(result.version).toBe(1);
    expect(result.bids.map((b) => b.outcome)).toEqual(['won', 'won', 'won', 'lost']);
    expect(result.bids[3].reasons).toEqual(['not_qualifying', 'revival_declined']);
    const supplier = await t
      .http()
      .get(api(`/rounds/${roundId}/results`))
      .set(bearer(cast.suppliers[0].token))
      .expect(409);
    expect(supplier.body.code).toBe('PROCUREMENT.RESULTS_NOT_AVAILABLE');
    const trace = await t
      .http()
      .get(api(`/rounds/${roundId}/lots/${lotId}/results/1/trace`))
      .set(bearer(cast.officer.token))
      .expect(200);
    expect(trace.body).toMatchObject({
      engineVersion: expect.any(String),
      ruleSet: { name: 'national-batch-10' },
    });
    expect(trace.body.bids).toHaveLength(4);
    await t
      .http()
      .get(api(`/rounds/${roundId}/lots/${lotId}/results/1/trace`))
      .set(bearer(cast.suppliers[0].token))
      .expect(403);
    const missing = await t
      .http()
      .post(api(`/rounds/${roundId}/lots/${lotId}/results/9/replay`))
      .set(bearer(cast.officer.token))
      .expect(404);
    expect(missing.body.code).toBe('PROCUREMENT.RESULT_NOT_FOUND');
  });

  it('lets a losing bidder accept revival, re-running the lot as a new version', async () => {
    const winner = await t
      .http()
      .post(api(`/bids/${bidIds[0]}/revival`))
      .set(bearer(cast.suppliers[0].token))
      .send({ accept: true })
      .expect(409);
    expect(winner.body.code).toBe('PROCUREMENT.REVIVAL_NOT_OFFERED');
    await t
      .http()
      .post(api(`/bids/${bidIds[3]}/revival`))
      .set(bearer(cast.suppliers[0].token))
      .send({ accept: true })
      .expect(404);
    const res = await t
      .http()
      .post(api(`/bids/${bidIds[3]}/revival`))
      .set(bearer(cast.suppliers[3].token))
      .send({ accept: true })
      .expect(200);
    expect(res.body).toMatchObject({ version: 2, cause: 'revival' });
    expect(outcomeOf(res.body as Result, bidIds[3])).toBe('revived');
    const replay = await t
      .http()
      .post(api(`/rounds/${roundId}/lots/${lotId}/results/2/replay`))
      .set(bearer(cast.officer.token))
      .expect(200);
    expect(replay.body.reproduced).toBe(true);
  });

  it('excludes a bid with a reason and re-runs the lot', async () => {
    await t
      .http()
      .post(api('/bids/99999999/exclude'))
      .set(bearer(cast.officer.token))
      .send({ reason: 'false materials' })
      .expect(404);
    await t
      .http()
      .post(api(`/bids/${bidIds[1]}/exclude`))
      .set(bearer(cast.suppliers[0].token))
      .send({ reason: 'false materials' })
      .expect(403);
    const res = await t
      .http()
      .post(api(`/bids/${bidIds[1]}/exclude`))
      .set(bearer(cast.officer.token))
      .send({ reason: '提供虚假材料' })
      .expect(200);
    const result = res.body as Result;
    expect(result).toMatchObject({ version: 3, cause: 'rerun' });
    expect(result.excluded).toHaveLength(1);
    expect(result.bids.some((b) => b.bidId === bidIds[1])).toBe(false);
    const again = await t
      .http()
      .post(api(`/bids/${bidIds[1]}/exclude`))
      .set(bearer(cast.officer.token))
      .send({ reason: 'twice' })
      .expect(409);
    expect(again.body.code).toBe('PROCUREMENT.BID_ALREADY_EXCLUDED');
    const versions = await t
      .http()
      .get(api(`/rounds/${roundId}/lots/${lotId}/results`))
      .set(bearer(cast.officer.token))
      .expect(200);
    expect((versions.body as Result[]).map((v) => v.cause)).toEqual([
      'opening',
      'revival',
      'rerun',
    ]);
  });

  it('takes objections from bidders during publicity, and answers', async () => {
    const closed = await t
      .http()
      .post(api(`/rounds/${roundId}/objections`))
      .set(bearer(cast.suppliers[2].token))
      .send({ lotId, reason: 'too early' })
      .expect(409);
    expect(closed.body.code).toBe('PROCUREMENT.OBJECTION_CLOSED');
    await transition(t, cast.officer.token, roundId, 'publish');
    // The revival window closes with publication.
    const lateRevival = await t
      .http()
      .post(api(`/bids/${bidIds[2]}/revival`))
      .set(bearer(cast.suppliers[2].token))
      .send({ accept: true })
      .expect(409);
    expect(lateRevival.body.code).toBe('PROCUREMENT.REVIVAL_CLOSED');
    const published = await t
      .http()
      .get(api(`/rounds/${roundId}/results`))
      .set(bearer(cast.suppliers[0].token))
      .expect(200);
    expect((published.body as Result[])[0].version).toBe(3);
    const stranger = await makeOrganisation(t, 'manufacturer');
    const { token } = await makeUser(t, stranger, ['supplier_user']);
    const notBidder = await t
      .http()
      .post(api(`/rounds/${roundId}/objections`))
      .set(bearer(token))
      .send({ lotId, reason: 'not mine' })
      .expect(403);
    expect(notBidder.body.code).toBe('PROCUREMENT.NOT_A_BIDDER');
    const filed = await t
      .http()
      .post(api(`/rounds/${roundId}/objections`))
      .set(bearer(cast.suppliers[2].token))
      .send({ lotId, reason: '请复核第二名报价' })
      .expect(201);
    expect(filed.body.status).toBe('open');
    const own = await t
      .http()
      .get(api(`/rounds/${roundId}/objections`))
      .set(bearer(cast.suppliers[0].token))
      .expect(200);
    expect(own.body.total).toBe(0);
    const all = await t
      .http()
      .get(api(`/rounds/${roundId}/objections`))
      .set(bearer(cast.officer.token))
      .expect(200);
    expect(all.body.total).toBe(1);
    await t
      .http()
      .post(api('/objections/99999999/answer'))
      .set(bearer(cast.officer.token))
      .send({ answer: 'none' })
      .expect(404);
    const answered = await t
      .http()
      .post(api(`/objections/${filed.body.id}/answer`))
      .set(bearer(cast.officer.token))
      .send({ answer: '已复核' })
      .expect(200);
    expect(answered.body).toMatchObject({ status: 'answered', answer: '已复核' });
    const twice = await t
      .http()
      .post(api(`/objections/${filed.body.id}/answer`))
      .set(bearer(cast.officer.token))
      .send({ answer: 'again' })
      .expect(409);
    expect(twice.body.code).toBe('PROCUREMENT.OBJECTION_ANSWERED');
  });

  it('freezes results once awarded', async () => {
    clock.advance(3 * DAY + 1000);
    await transition(t, cast.officer.token, roundId, 'award');
    const res = await t
      .http()
      .post(api(`/bids/${bidIds[2]}/exclude`))
      .set(bearer(cast.officer.token))
      .send({ reason: 'late' })
      .expect(409);
    expect(res.body.code).toBe('PROCUREMENT.ROUND_STATE_CONFLICT');
    const agreements = await t
      .http()
      .get(api(`/rounds/${roundId}/agreements`))
      .set(bearer(cast.officer.token))
      .expect(200);
    // Three winners after the exclusion (two won, one revived): ratio 0.7 of 7000 per hospital.
    expect(agreements.body.total).toBe(2);
    expect(
      (agreements.body.items as Array<{ agreedQuantity: string }>).map((a) => a.agreedQuantity),
    ).toEqual(['4900.000', '4900.000']);
  });
});
