import { Clock } from '../../src/common/clock';
import { AuditService } from '../../src/modules/audit/audit.service';
import { ReconciliationDeadlinesJob } from '../../src/modules/settlement/statements/jobs/reconciliation-deadlines.job';
import {
  acceptedDelivery,
  AcceptedLineRow,
  makeSettlementCast,
  SettlementCast,
  statementCalls,
  StatementBody,
  statementsApi,
} from '../factories/statements';
import { makeOrganisation, makeRegion, makeUser } from '../factories/identity';
import { bearer, startApp, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

/**
 * §S3.1–3 over HTTP: generation from accepted deliveries (twice: the same statements), a
 * disputed line leaving the total, confirmation by both sides, deemed confirmation by the
 * deadline job, three approvals by three different officers, dispute resolution carrying the
 * line to the next period, a rejection, and a generation that fails half-way and is rerun.
 */
describe('settlement statements', () => {
  let t: TestApp;
  let clock: TestClock;
  let cast: SettlementCast;
  let linesA: AcceptedLineRow[];
  let linesB: AcceptedLineRow[];
  let statementA: StatementBody;
  let statementB: StatementBody;
  let disputeId: string;

  const { get, post, detail } = statementCalls(
    () => t,
    () => cast.officers[0].token,
  );
  const generate = (period: string, expected = 200) =>
    post(cast.officers[0].token, '/statements/generate', { period }, expected);
  const mine = async (period: string) =>
    (
      await get(
        cast.officers[0].token,
        `/statements?period=${period}&hospitalId=${cast.hospital.org.id}`,
      )
    ).body as { items: StatementBody[]; total: number };

  beforeAll(async () => {
    clock = new TestClock();
    t = await startApp(
      { RECONCILIATION_CHECK_SECONDS: '86400' },
      { providers: [{ provide: Clock, useValue: clock }] },
    );
    clock.passes('2027-03-10T10:00:00+08:00');
    cast = await makeSettlementCast(t);
    // 10 × 31.85 = 318.50, 3 × 31.85 = 95.55, 2 × 31.85 = 63.70; 4 × 31.85 = 127.40.
    linesA = await acceptedDelivery(t, cast, cast.suppliers[0], ['10', '3', '2']);
    linesB = await acceptedDelivery(t, cast, cast.suppliers[1], ['4']);
  });
  afterAll(() => t.close());

  it('generates one statement per hospital × supplier, and the same ones when run again', async () => {
    const early = await generate('2027-03', 409);
    expect(early.body).toMatchObject({
      code: 'SETTLEMENT.PERIOD_NOT_ENDED',
      details: { field: 'period' },
    });
    clock.passes('2027-04-01T09:00:00+08:00');
    await generate('2027-13', 400);
    const first = await generate('2027-03');
    // The officer's city holds one hospital here: its two statements, four lines.
    expect(first.body).toEqual({
      period: '2027-03',
      statementsCreated: 2,
      linesAdded: 4,
      statements: 2,
    });

    const page = await mine('2027-03');
    expect(page.total).toBe(2);
    const bySupplier = (id: string) => page.items.find((s) => s.supplierId === id)!;
    statementA = await detail(bySupplier(cast.suppliers[0].org.id).id);
    statementB = await detail(bySupplier(cast.suppliers[1].org.id).id);
    expect(statementA).toMatchObject({
      code: `JS202703-${statementA.id.padStart(6, '0')}`,
      status: 'reconciling',
      amount: '477.75',
      disputedAmount: '0.00',
      lineCount: 3,
      // Generated Thu 1 April: five working days end with Thu 8 April, China midnight.
      reconciliationDeadline: '2027-04-08T16:00:00.000Z',
    });
    expect(statementA.lines.map((l) => [l.deliveryLineId, l.amount, l.status])).toEqual(
      linesA.map((l) => [l.id, l.amount, 'billed']),
    );
    expect(statementB).toMatchObject({ amount: '127.40', lineCount: 1 });

    expect((await generate('2027-03')).body).toEqual({
      period: '2027-03',
      statementsCreated: 0,
      linesAdded: 0,
      statements: 2,
    });
    const again = await mine('2027-03');
    expect(again.items.map((s) => [s.id, s.amount, s.lineCount]).sort()).toEqual(
      page.items.map((s) => [s.id, s.amount, s.lineCount]).sort(),
    );
    expect((await detail(statementA.id)).lines.map((l) => l.id)).toEqual(
      statementA.lines.map((l) => l.id),
    );
  });

  it('scopes reads: each party its own statements, authorities their region', async () => {
    await get(cast.hospital.token, `/statements/${statementA.id}`);
    await get(cast.suppliers[0].token, `/statements/${statementA.id}`);
    const foreign = await get(cast.suppliers[1].token, `/statements/${statementA.id}`, 404);
    expect(foreign.body.code).toBe('SETTLEMENT.STATEMENT_NOT_FOUND');
    const own = await get(cast.suppliers[1].token, '/statements?period=2027-03');
    expect(own.body.items.map((s: StatementBody) => s.id)).toEqual([statementB.id]);
    await get(cast.auditor.token, `/statements/${statementA.id}`);
  });

  it('takes a disputed line out of the total, then needs both sides to confirm', async () => {
    const line = statementA.lines[1];
    await post(cast.officers[0].token, `/statements/${statementA.id}/approve`, {}, 409);
    const notParty = await post(
      cast.officers[0].token,
      `/statements/${statementA.id}/lines/${line.id}/dispute`,
      { reason: 'x' },
      403,
    );
    expect(notParty.body.code).toBe('COMMON.FORBIDDEN');
    const disputed = await post(
      cast.hospital.token,
      `/statements/${statementA.id}/lines/${line.id}/dispute`,
      { reason: '数量与验收单不符' },
      201,
    );
    disputeId = disputed.body.id;
    expect(disputed.body).toMatchObject({
      statementLineId: line.id,
      party: 'hospital',
      amount: '95.55',
      status: 'open',
    });
    const twice = await post(
      cast.suppliers[0].token,
      `/statements/${statementA.id}/lines/${line.id}/dispute`,
      { reason: 'again' },
      409,
    );
    expect(twice.body.code).toBe('SETTLEMENT.LINE_NOT_DISPUTABLE');
    let s = await detail(statementA.id);
    // 477.75 − 95.55 = 382.20
    expect(s).toMatchObject({ amount: '382.20', disputedAmount: '95.55', lineCount: 2 });
    expect(s.lines.map((l) => l.status)).toEqual(['billed', 'disputed', 'billed']);

    await post(cast.suppliers[0].token, `/statements/${statementA.id}/confirm`, {});
    const again = await post(
      cast.suppliers[0].token,
      `/statements/${statementA.id}/confirm`,
      {},
      409,
    );
    expect(again.body.code).toBe('SETTLEMENT.ALREADY_CONFIRMED');
    // Having confirmed the lines, the supplier can no longer dispute one.
    const confirmedParty = await post(
      cast.suppliers[0].token,
      `/statements/${statementA.id}/lines/${s.lines[0].id}/dispute`,
      { reason: 'after confirming' },
      409,
    );
    expect(confirmedParty.body.code).toBe('SETTLEMENT.ALREADY_CONFIRMED');
    s = (await post(cast.hospital.token, `/statements/${statementA.id}/confirm`, {})).body;
    expect(s).toMatchObject({
      status: 'confirmed',
      hospitalConfirmedBy: cast.hospital.userId,
      supplierConfirmedBy: cast.suppliers[0].userId,
    });
    const late = await post(
      cast.suppliers[0].token,
      `/statements/${statementA.id}/lines/${s.lines[0].id}/dispute`,
      { reason: 'late' },
      409,
    );
    expect(late.body).toMatchObject({
      code: 'SETTLEMENT.STATEMENT_STATE_CONFLICT',
      details: { state: 'confirmed' },
    });
  });

  it('needs three different fund officers to approve', async () => {
    const [o1, o2, o3] = cast.officers;
    let s = (await post(o1.token, `/statements/${statementA.id}/approve`, { note: '初审' })).body;
    expect(s).toMatchObject({ status: 'confirmed', reviewLevel: 1 });
    const same = await post(o1.token, `/statements/${statementA.id}/approve`, {}, 409);
    expect(same.body).toMatchObject({
      code: 'SETTLEMENT.REVIEWER_ALREADY_APPROVED',
      details: { level: 1 },
    });
    s = (await post(o2.token, `/statements/${statementA.id}/approve`, {})).body;
    expect(s.reviewLevel).toBe(2);
    const again = await post(o2.token, `/statements/${statementA.id}/approve`, {}, 409);
    expect(again.body.code).toBe('SETTLEMENT.REVIEWER_ALREADY_APPROVED');
    s = (await post(o3.token, `/statements/${statementA.id}/approve`, {})).body;
    expect(s).toMatchObject({ status: 'approved', reviewLevel: 3 });
    const after = await post(o1.token, `/statements/${statementA.id}/approve`, {}, 409);
    expect(after.body.code).toBe('SETTLEMENT.STATEMENT_STATE_CONFLICT');
  });

  it('deems the silent side confirmed once the deadline has passed', async () => {
    await post(cast.suppliers[1].token, `/statements/${statementB.id}/confirm`, {});
    const job = t.app.get(ReconciliationDeadlinesJob);
    await job.handle();
    expect((await detail(statementB.id)).status).toBe('reconciling');
    clock.passes('2027-04-08T16:00:00Z');
    await job.handle();
    await job.handle();
    expect(await detail(statementB.id)).toMatchObject({
      status: 'confirmed',
      hospitalConfirmedBy: 'deemed',
      supplierConfirmedBy: cast.suppliers[1].userId,
    });
    expect(linesB).toHaveLength(1);
  });

  it('bills a line whose dispute is accepted on the pair’s next statement', async () => {
    const resolved = await post(cast.officers[1].token, `/disputes/${disputeId}/resolve`, {
      outcome: 'accept',
      note: '核对无误',
    });
    expect(resolved.body).toMatchObject({
      status: 'accepted',
      resolvedBy: cast.officers[1].userId,
    });
    const twice = await post(
      cast.officers[1].token,
      `/disputes/${disputeId}/resolve`,
      { outcome: 'reject', note: 'x' },
      409,
    );
    expect(twice.body.code).toBe('SETTLEMENT.DISPUTE_ALREADY_RESOLVED');
    expect((await detail(statementA.id)).disputedAmount).toBe('0.00');
    expect((await detail(statementA.id)).lines.map((l) => l.status)).toEqual([
      'billed',
      'carried',
      'billed',
    ]);

    clock.passes('2027-05-01T09:00:00+08:00');
    await generate('2027-04');
    const april = (await mine('2027-04')).items;
    expect(april).toHaveLength(1);
    const next = await detail(april[0].id);
    expect(next).toMatchObject({
      supplierId: cast.suppliers[0].org.id,
      amount: '95.55',
      lineCount: 1,
    });
    expect(next.lines.map((l) => [l.deliveryLineId, l.status])).toEqual([[linesA[1].id, 'billed']]);
    // The first statement keeps its own figures, and shows where the line went.
    const first = await detail(statementA.id);
    expect(first).toMatchObject({ amount: '382.20', status: 'approved', lineCount: 2 });
    expect(first.lines.map((l) => [l.deliveryLineId, l.status])).toEqual([
      [linesA[0].id, 'billed'],
      [linesA[1].id, 'carried'],
      [linesA[2].id, 'billed'],
    ]);
    // A line is disputed once, wherever it is billed.
    const again = await post(
      cast.hospital.token,
      `/statements/${next.id}/lines/${next.lines[0].id}/dispute`,
      { reason: 'again' },
      409,
    );
    expect(again.body.code).toBe('SETTLEMENT.LINE_NOT_DISPUTABLE');
    const foreign = await post(
      cast.hospital.token,
      `/statements/${next.id}/lines/${linesA[0].id}/dispute`,
      { reason: 'not on this statement' },
      404,
    );
    expect(foreign.body.code).toBe('SETTLEMENT.STATEMENT_LINE_NOT_FOUND');
    // Generating April again changes nothing: the carried line is billed once.
    const rerun = await generate('2027-04');
    expect(rerun.body).toMatchObject({ statementsCreated: 0, linesAdded: 0, statements: 1 });
    expect(await detail(next.id)).toMatchObject({ amount: '95.55', lineCount: 1 });
  });

  it('sends a rejected statement back to reconciliation with a new review cycle', async () => {
    const april = (await mine('2027-04')).items[0];
    await post(cast.hospital.token, `/statements/${april.id}/confirm`, {});
    await post(cast.suppliers[0].token, `/statements/${april.id}/confirm`, {});
    await post(cast.officers[0].token, `/statements/${april.id}/approve`, {});
    const rejected = await post(cast.officers[1].token, `/statements/${april.id}/reject`, {
      note: '发票号缺失',
    });
    expect(rejected.body).toMatchObject({
      status: 'reconciling',
      reviewCycle: 1,
      reviewLevel: 0,
      hospitalConfirmedBy: null,
      supplierConfirmedBy: null,
    });
    expect(rejected.body.reviews).toEqual([
      expect.objectContaining({ cycle: 0, level: 1, decision: 'approved' }),
      expect.objectContaining({ cycle: 0, level: 2, decision: 'rejected', note: '发票号缺失' }),
    ]);
  });

  it('leaves nothing behind when generation fails half-way, and a rerun bills each line once', async () => {
    const may = await acceptedDelivery(t, cast, cast.suppliers[1], ['7']);
    clock.passes('2027-06-01T09:00:00+08:00');
    const audit = t.app.get(AuditService);
    const record = audit.record.bind(audit);
    const spy = jest.spyOn(audit, 'record').mockImplementation((m, actor, action, ...rest) => {
      if (action === 'statements.generated') {
        spy.mockRestore();
        return Promise.reject(new Error('worker killed'));
      }
      return record(m, actor, action, ...rest);
    });
    await generate('2027-05', 500);
    expect((await mine('2027-05')).total).toBe(0);
    await generate('2027-05');
    await generate('2027-05');
    const [statement] = (await mine('2027-05')).items;
    // 7 × 31.85 = 222.95
    expect(await detail(statement.id)).toMatchObject({ amount: '222.95', lineCount: 1 });
    expect((await detail(statement.id)).lines.map((l) => l.deliveryLineId)).toEqual([may[0].id]);
  });
});

/**
 * Generation in the officer's region scope: a city officer bills the hospitals of its city only,
 * a province officer its whole province, and another region's officer its own, afterwards.
 */
describe('statement generation by region', () => {
  let t: TestApp;
  let clock: TestClock;
  let a: SettlementCast;
  let b: SettlementCast;
  let provinceOfficer: string;
  let elsewhere: SettlementCast;

  const post = (token: string, path: string, body: object, expected = 200) =>
    t.http().post(statementsApi(path)).set(bearer(token)).send(body).expect(expected);
  const generate = async (token: string) =>
    (await post(token, '/statements/generate', { period: '2027-11' })).body as Record<
      string,
      unknown
    >;
  const list = async (token: string) =>
    (await t.http().get(statementsApi('/statements?period=2027-11')).set(bearer(token)).expect(200))
      .body as { items: Array<{ hospitalId: string; amount: string }>; total: number };

  beforeAll(async () => {
    clock = new TestClock();
    t = await startApp(
      { RECONCILIATION_CHECK_SECONDS: '86400' },
      { providers: [{ provide: Clock, useValue: clock }] },
    );
    clock.passes('2027-11-10T10:00:00+08:00');
    a = await makeSettlementCast(t);
    b = await makeSettlementCast(t);
    // A hospital of A's province outside A's city.
    const city = await makeRegion(t, { parent: a.regions.province });
    const hospital = await makeOrganisation(t, 'hospital', { regionCode: city.code });
    const user = await makeUser(t, hospital, ['hospital_user']);
    elsewhere = { ...a, hospital: { org: hospital, token: user.token, userId: user.user.id } };
    const authority = await makeOrganisation(t, 'authority', {
      regionCode: a.regions.province.code,
    });
    provinceOfficer = (await makeUser(t, authority, ['fund_officer'])).token;
    // 2 × 31.85 = 63.70 (A), 3 × 31.85 = 95.55 (A's province), 5 × 31.85 = 159.25 (B).
    await acceptedDelivery(t, a, a.suppliers[0], ['2']);
    await acceptedDelivery(t, elsewhere, a.suppliers[0], ['3']);
    await acceptedDelivery(t, b, b.suppliers[0], ['5']);
    clock.passes('2027-12-01T09:00:00+08:00');
  });
  afterAll(() => t.close());

  it('bills only the hospitals in the officer’s region, each region in its turn', async () => {
    const cityA = a.officers[0].token;
    expect(await generate(cityA)).toEqual({
      period: '2027-11',
      statementsCreated: 1,
      linesAdded: 1,
      statements: 1,
    });
    expect((await list(cityA)).items.map((s) => [s.hospitalId, s.amount])).toEqual([
      [a.hospital.org.id, '63.70'],
    ]);
    // Nothing was generated for B's region, nor for the rest of A's province.
    expect((await list(b.officers[0].token)).total).toBe(0);
    expect((await list(provinceOfficer)).total).toBe(1);

    expect(await generate(provinceOfficer)).toEqual({
      period: '2027-11',
      statementsCreated: 1,
      linesAdded: 1,
      statements: 2,
    });
    expect((await list(provinceOfficer)).items.map((s) => [s.hospitalId, s.amount]).sort()).toEqual(
      [
        [a.hospital.org.id, '63.70'],
        [elsewhere.hospital.org.id, '95.55'],
      ].sort(),
    );
    expect((await list(b.officers[0].token)).total).toBe(0);

    expect(await generate(b.officers[0].token)).toEqual({
      period: '2027-11',
      statementsCreated: 1,
      linesAdded: 1,
      statements: 1,
    });
    expect((await list(b.officers[0].token)).items.map((s) => [s.hospitalId, s.amount])).toEqual([
      [b.hospital.org.id, '159.25'],
    ]);
    // A's officer again: its one statement, untouched, and nothing of B's counted.
    expect(await generate(cityA)).toEqual({
      period: '2027-11',
      statementsCreated: 0,
      linesAdded: 0,
      statements: 1,
    });
  });
});
