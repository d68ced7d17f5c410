import { Clock } from '../../src/common/clock';
import { RoundTimerJob } from '../../src/modules/procurement/rounds/round-timer.job';
import {
  makeProcurementCast,
  makeRoundWithLot,
  presetId,
  ProcurementCast,
  timelineFrom,
  transition,
} from '../factories/procurement';
import { makeOrganisation, makeUser } from '../factories/identity';
import { bearer, startApp, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

describe('procurement rounds and lots (§P1, §P2)', () => {
  let t: TestApp;
  let clock: TestClock;
  let cast: ProcurementCast;

  beforeAll(async () => {
    clock = new TestClock();
    t = await startApp({}, { providers: [{ provide: Clock, useValue: clock }] });
    cast = await makeProcurementCast(t);
  });
  afterAll(() => t.close());

  const api = (path: string) => `/api/v1/procurement${path}`;

  it('creates a draft round with a human code, and reads it back', async () => {
    const { round, lot } = await makeRoundWithLot(t, cast, { now: clock.now() });
    expect(round.code).toMatch(/^R\d{4}-\d{4}$/);
    const got = await t
      .http()
      .get(api(`/rounds/${round.id}`))
      .set(bearer(cast.officer.token))
      .expect(200);
    expect(got.body).toMatchObject({
      status: 'draft',
      scope: { type: 'region' },
      demandReasonThreshold: '0.8',
    });
    const lots = await t
      .http()
      .get(api(`/rounds/${round.id}/lots`))
      .set(bearer(cast.officer.token))
      .expect(200);
    expect(lots.body).toEqual([
      expect.objectContaining({
        id: lot.id,
        code: 'L001',
        maxValidUnitPrice: '3.000000',
        admittedProductIds: cast.suppliers.map((s) => s.product.id),
      }),
    ]);
    // A draft is the organiser's: hospitals and suppliers do not see it.
    await t
      .http()
      .get(api(`/rounds/${round.id}`))
      .set(bearer(cast.hospitals[0].token))
      .expect(404);
    await t
      .http()
      .get(api(`/rounds/${round.id}`))
      .set(bearer(cast.suppliers[0].token))
      .expect(404);
  });

  it.each([
    [
      'a timeline out of order',
      { timeline: { ...timelineFrom(new Date()), biddingClosesAt: '2020-01-01T00:00:00Z' } },
      'PROCUREMENT.ROUND_TIMELINE_INVALID',
      'biddingClosesAt',
    ],
    [
      'a scope without its region',
      { participants: { scope: 'region' } },
      'PROCUREMENT.ROUND_SCOPE_INVALID',
      'participants.regionCode',
    ],
    [
      'an unknown rule set',
      { ruleSetId: '999999999' },
      'PROCUREMENT.RULE_SET_NOT_FOUND',
      'ruleSetId',
    ],
    ['an unknown field', { colour: 'red' }, 'COMMON.VALIDATION_FAILED', 'colour'],
    ['a bad level', { level: 'galactic' }, 'COMMON.VALIDATION_FAILED', 'level'],
  ])('refuses %s with a 4xx naming the field', async (_, patch, code, field) => {
    const body = {
      name: 'bad round',
      level: 'city',
      category: 'drug',
      ruleSetId: await presetId(t, cast.officer.token, 'national-batch-7'),
      participants: { scope: 'region', regionCode: cast.regions.city.code },
      timeline: timelineFrom(new Date()),
      ...patch,
    };
    const res = await t.http().post(api('/rounds')).set(bearer(cast.officer.token)).send(body);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.code).toBe(code);
    expect(res.body.message).toContain(field);
  });

  it('keeps participants to the officer’s own scope', async () => {
    const foreign = await makeProcurementCast(t, { hospitals: 1, suppliers: 0 });
    const base = {
      name: 'scope',
      level: 'city',
      category: 'drug',
      ruleSetId: await presetId(t, cast.officer.token, 'national-batch-7'),
      timeline: timelineFrom(new Date()),
    };
    const listed = await t
      .http()
      .post(api('/rounds'))
      .set(bearer(cast.officer.token))
      .send({
        ...base,
        participants: {
          scope: 'hospitals',
          hospitalIds: [cast.hospitals[0].org.id, foreign.hospitals[0].org.id],
        },
      })
      .expect(400);
    expect(listed.body).toMatchObject({ code: 'PROCUREMENT.ROUND_SCOPE_INVALID' });
    expect(listed.body.message).toContain('participants.hospitalIds[1]');
    const region = await t
      .http()
      .post(api('/rounds'))
      .set(bearer(cast.officer.token))
      .send({ ...base, participants: { scope: 'region', regionCode: foreign.regions.city.code } })
      .expect(400);
    expect(region.body.message).toContain('participants.regionCode');
    const mine = await t
      .http()
      .post(api('/rounds'))
      .set(bearer(cast.officer.token))
      .send({
        ...base,
        participants: { scope: 'hospitals', hospitalIds: [cast.hospitals[0].org.id] },
      })
      .expect(201);
    const unknownRuleSet = await t
      .http()
      .patch(api(`/rounds/${mine.body.id}`))
      .set(bearer(cast.officer.token))
      .send({ ruleSetId: '999999999' })
      .expect(404);
    expect(unknownRuleSet.body.code).toBe('PROCUREMENT.RULE_SET_NOT_FOUND');
    expect(unknownRuleSet.body.message).toContain('ruleSetId');
  });

  it('only officers and admins create rounds', async () => {
    for (const token of [cast.auditor.token, cast.hospitals[0].token, cast.suppliers[0].token])
      await t.http().post(api('/rounds')).set(bearer(token)).send({}).expect(403);
  });

  it('refuses illegal transitions with a 409 naming the current state, and early ones by the clock', async () => {
    const { round } = await makeRoundWithLot(t, cast, { now: clock.now() });
    const conflict = await transition(t, cast.officer.token, round.id, 'open_bidding', 409);
    expect(conflict.body.code).toBe('PROCUREMENT.ROUND_STATE_CONFLICT');
    expect(conflict.body.message).toContain('draft');
    await transition(t, cast.officer.token, round.id, 'open_demand');
    await transition(t, cast.officer.token, round.id, 'close_demand');
    await transition(t, cast.officer.token, round.id, 'open_bidding');
    const early = await transition(t, cast.officer.token, round.id, 'close_bidding', 409);
    expect(early.body.code).toBe('PROCUREMENT.ROUND_TOO_EARLY');
    const cancel = await t
      .http()
      .post(api(`/rounds/${round.id}/transitions`))
      .set(bearer(cast.officer.token))
      .send({ action: 'cancel' })
      .expect(400);
    expect(cancel.body.code).toBe('PROCUREMENT.ROUND_CANCEL_REASON_REQUIRED');
    const cancelled = await transition(t, cast.officer.token, round.id, 'cancel');
    expect(cancelled.body).toMatchObject({
      status: 'cancelled',
      cancelReason: 'test cancellation',
    });
    const again = await transition(t, cast.officer.token, round.id, 'open_demand', 409);
    expect(again.body.message).toContain('cancelled');
    // Every transition is audited.
    const audit = await t
      .http()
      .get(`/api/v1/audit/events?entityType=round&entityId=${round.id}`)
      .set(bearer(cast.auditor.token))
      .expect(200);
    const actions = (audit.body.items as Array<{ action: string }>).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'round.created',
        'round.open_demand',
        'round.open_bidding',
        'round.cancel',
      ]),
    );
  });

  it('needs lots before demand opens, and admitted specs before bidding opens', async () => {
    const bare = await t
      .http()
      .post(api('/rounds'))
      .set(bearer(cast.officer.token))
      .send({
        name: 'no lots yet',
        level: 'city',
        category: 'drug',
        ruleSetId: await presetId(t, cast.officer.token, 'national-batch-7'),
        participants: { scope: 'region', regionCode: cast.regions.city.code },
        timeline: timelineFrom(clock.now()),
      })
      .expect(201);
    const res = await transition(t, cast.officer.token, bare.body.id, 'open_demand', 409);
    expect(res.body.code).toBe('PROCUREMENT.ROUND_NOT_READY');
    await t
      .http()
      .post(api(`/rounds/${bare.body.id}/lots`))
      .set(bearer(cast.officer.token))
      .send({
        code: 'L9',
        name: 'empty lot',
        dosageFormClass: 'oral_solid',
        representative: { strength: '20', strengthUnit: 'mg', dosageForm: 'tablet', packSize: 7 },
        maxValidUnitPrice: '1.5',
        admittedProductIds: [],
      })
      .expect(201);
    await transition(t, cast.officer.token, bare.body.id, 'open_demand');
    await transition(t, cast.officer.token, bare.body.id, 'close_demand');
    const noSpecs = await transition(t, cast.officer.token, bare.body.id, 'open_bidding', 409);
    expect(noSpecs.body.code).toBe('PROCUREMENT.ROUND_NOT_READY');
    expect(noSpecs.body.message).toContain('L9');
  });

  it('validates lots and keeps them to the draft', async () => {
    const { round, lot } = await makeRoundWithLot(t, cast, { now: clock.now() });
    const lotBody = {
      code: 'L002',
      name: 'x',
      dosageFormClass: 'oral_solid',
      representative: { strength: '20', strengthUnit: 'mg', dosageForm: 'tablet', packSize: 7 },
      maxValidUnitPrice: '2',
      admittedProductIds: [],
    };
    const dup = await t
      .http()
      .post(api(`/rounds/${round.id}/lots`))
      .set(bearer(cast.officer.token))
      .send({ ...lotBody, code: 'L001' })
      .expect(409);
    expect(dup.body.code).toBe('PROCUREMENT.LOT_CODE_TAKEN');
    const form = await t
      .http()
      .post(api(`/rounds/${round.id}/lots`))
      .set(bearer(cast.officer.token))
      .send({ ...lotBody, representative: { ...lotBody.representative, dosageForm: 'smoke' } })
      .expect(400);
    expect(form.body).toMatchObject({ code: 'PROCUREMENT.LOT_SPEC_INVALID' });
    expect(form.body.message).toContain('representative.dosageForm');
    const product = await t
      .http()
      .post(api(`/rounds/${round.id}/lots`))
      .set(bearer(cast.officer.token))
      .send({ ...lotBody, admittedProductIds: ['999999999'] })
      .expect(400);
    expect(product.body.message).toContain('admittedProductIds[0]');
    const overrides = await t
      .http()
      .post(api(`/rounds/${round.id}/lots`))
      .set(bearer(cast.officer.token))
      .send({ ...lotBody, overrides: { ratioToAnchor: 'lots' } })
      .expect(400);
    expect(overrides.body.code).toBe('PROCUREMENT.LOT_OVERRIDES_INVALID');
    const ok = await t
      .http()
      .post(api(`/rounds/${round.id}/lots`))
      .set(bearer(cast.officer.token))
      .send({ ...lotBody, overrides: { ratioToAnchor: '1.5' } })
      .expect(201);
    expect(ok.body.overrides).toEqual({ ratioToAnchor: '1.5' });
    await t
      .http()
      .patch(api(`/rounds/${round.id}/lots/${ok.body.id}`))
      .set(bearer(cast.officer.token))
      .send({ maxValidUnitPrice: '2.5' })
      .expect(200);
    await t
      .http()
      .delete(api(`/rounds/${round.id}/lots/${ok.body.id}`))
      .set(bearer(cast.officer.token))
      .expect(204);
    await transition(t, cast.officer.token, round.id, 'open_demand');
    const late = await t
      .http()
      .patch(api(`/rounds/${round.id}/lots/${lot.id}`))
      .set(bearer(cast.officer.token))
      .send({ maxValidUnitPrice: '2.5' })
      .expect(409);
    expect(late.body.code).toBe('PROCUREMENT.ROUND_NOT_EDITABLE');
    // Admitted specs may still change until bidding opens.
    await t
      .http()
      .patch(api(`/rounds/${round.id}/lots/${lot.id}`))
      .set(bearer(cast.officer.token))
      .send({ admittedProductIds: [cast.suppliers[0].product.id] })
      .expect(200);
    await t
      .http()
      .get(api(`/rounds/${round.id}/lots/999999`))
      .set(bearer(cast.officer.token))
      .expect(404);
  });

  it('makes public hospitals participants, lets a private one opt in, and sets county leads', async () => {
    const { round } = await makeRoundWithLot(t, cast, { now: clock.now() });
    const early = await t
      .http()
      .post(api(`/rounds/${round.id}/participants/opt-in`))
      .set(bearer(cast.privateHospital.token))
      .expect(404);
    expect(early.body.code).toBe('PROCUREMENT.ROUND_NOT_FOUND');
    await transition(t, cast.officer.token, round.id, 'open_demand');
    const list = await t
      .http()
      .get(api(`/rounds/${round.id}/participants`))
      .set(bearer(cast.officer.token))
      .expect(200);
    expect(list.body.total).toBe(cast.hospitals.length);
    expect(
      (list.body.items as Array<{ participation: string }>).every(
        (p) => p.participation === 'mandatory',
      ),
    ).toBe(true);
    const joined = await t
      .http()
      .post(api(`/rounds/${round.id}/participants/opt-in`))
      .set(bearer(cast.privateHospital.token))
      .expect(201);
    expect(joined.body).toMatchObject({
      hospitalId: cast.privateHospital.org.id,
      participation: 'opt_in',
    });
    const twice = await t
      .http()
      .post(api(`/rounds/${round.id}/participants/opt-in`))
      .set(bearer(cast.privateHospital.token))
      .expect(409);
    expect(twice.body.code).toBe('PROCUREMENT.ALREADY_PARTICIPATING');
    const outsider = await makeOrganisation(t, 'hospital', { hospitalKind: 'private_hospital' });
    const { token } = await makeUser(t, outsider, ['hospital_user']);
    const refused = await t
      .http()
      .post(api(`/rounds/${round.id}/participants/opt-in`))
      .set(bearer(token))
      .expect(404);
    expect(refused.body.code).toBe('PROCUREMENT.NOT_IN_ROUND_SCOPE');
    const lead = await t
      .http()
      .put(api(`/rounds/${round.id}/participants/${cast.hospitals[0].org.id}/county-lead`))
      .set(bearer(cast.officer.token))
      .send({ countyLead: true })
      .expect(200);
    expect(lead.body.countyLead).toBe(true);
    await t
      .http()
      .put(api(`/rounds/${round.id}/participants/999999/county-lead`))
      .set(bearer(cast.officer.token))
      .send({ countyLead: true })
      .expect(404);
    // A hospital sees only its own participation.
    const own = await t
      .http()
      .get(api(`/rounds/${round.id}/participants`))
      .set(bearer(cast.hospitals[1].token))
      .expect(200);
    expect(own.body.items).toEqual([
      expect.objectContaining({ hospitalId: cast.hospitals[1].org.id }),
    ]);
  });

  it('records integrity commitments once, while the round is before the deadline', async () => {
    const { round } = await makeRoundWithLot(t, cast, { now: clock.now() });
    await transition(t, cast.officer.token, round.id, 'open_demand');
    const supplier = cast.suppliers[0];
    await t
      .http()
      .get(api(`/rounds/${round.id}/commitment`))
      .set(bearer(supplier.token))
      .expect(404);
    const signed = await t
      .http()
      .post(api(`/rounds/${round.id}/commitment`))
      .set(bearer(supplier.token))
      .expect(201);
    expect(signed.body).toMatchObject({ roundId: round.id, supplierId: supplier.org.id });
    const again = await t
      .http()
      .post(api(`/rounds/${round.id}/commitment`))
      .set(bearer(supplier.token))
      .expect(201);
    expect(again.body.signedAt).toBe(signed.body.signedAt);
    await t
      .http()
      .get(api(`/rounds/${round.id}/commitment`))
      .set(bearer(supplier.token))
      .expect(200);
    await t
      .http()
      .post(api(`/rounds/${round.id}/commitment`))
      .set(bearer(cast.hospitals[0].token))
      .expect(403);
  });

  it('the timer closes demand and bidding and opens the round when their times pass', async () => {
    const { round } = await makeRoundWithLot(t, cast, { now: clock.now() });
    await transition(t, cast.officer.token, round.id, 'open_demand');
    const timer = t.app.get(RoundTimerJob);
    clock.passes(round.timeline.demandClosesAt);
    await timer.handle();
    let got = await t
      .http()
      .get(api(`/rounds/${round.id}`))
      .set(bearer(cast.officer.token))
      .expect(200);
    expect(got.body.status).toBe('demand_closed');
    clock.passes(round.timeline.biddingOpensAt);
    await transition(t, cast.officer.token, round.id, 'open_bidding');
    clock.passes(round.timeline.openingAt);
    await timer.handle();
    got = await t
      .http()
      .get(api(`/rounds/${round.id}`))
      .set(bearer(cast.officer.token))
      .expect(200);
    // Deadline and opening time have both passed: closed, then opened, in one tick.
    expect(got.body.status).toBe('opened');
    expect(got.body.openedAt).not.toBeNull();
    // A second tick finds nothing due and changes nothing.
    await timer.handle();
    got = await t
      .http()
      .get(api(`/rounds/${round.id}`))
      .set(bearer(cast.officer.token))
      .expect(200);
    expect(got.body.status).toBe('opened');
  });
});
