import { Clock } from '../../src/common/clock';
import { AuditService } from '../../src/modules/audit/audit.service';
import { ReconciliationDeadlinesJob } from '../../src/modules/settlement/statements/jobs/reconciliation-deadlines.job';
import {
  acceptedDelivery,
  AcceptedLineRow,
  makeSettlementCast,
  SettlementCast,
  statementsApi,
} from '../factories/statements';
import { bearer, startApp, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

interface LineView {
  id: string;
  deliveryLineId: string;
  amount: string;
  status: string;
}

interface StatementBody {
  id: string;
  code: string;
  hospitalId: string;
  supplierId: string;
  period: string;
  status: string;
  amount: string;
  disputedAmount: string;
  lineCount: number;
  reconciliationDeadline: string;
  hospitalConfirmedBy: string | null;
  supplierConfirmedBy: string | null;
  reviewLevel: number;
  reviewCycle: number;
  lines: LineView[];
}

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

  const get = (token: string, path: string, expected = 200) =>
    t.http().get(statementsApi(path)).set(bearer(token)).expect(expected);
  const post = (token: string, path: string, body: object, expected = 200) =>
    t.http().post(statementsApi(path)).set(bearer(token)).send(body).expect(expected);
  const generate = (period: string, expected = 200) =>
    post(cast.officers[0].token, '/statements/generate', { period }, expected);
  const mine = async (period: string) =>
    (
      await get(
        cast.officers[0].token,
        `/statements?period=${period}&hospitalId=${cast.hospital.org.id}`,
      )
    ).body as { items: StatementBody[]; total: number };
  const detail = async (id: string) =>
    (await get(cast.officers[0].token, `/statements/${id}`)).body as StatementBody;

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
    expect(first.body).toMatchObject({ period: '2027-03' });
    expect(first.body.statementsCreated).toBeGreaterThanOrEqual(2);

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

    await generate('2027-03');
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
    // The first statement keeps its own figures.
    expect(await detail(statementA.id)).toMatchObject({ amount: '382.20', status: 'approved' });
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
