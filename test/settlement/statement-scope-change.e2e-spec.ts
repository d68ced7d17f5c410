import { Clock } from '../../src/common/clock';
import { Decimal } from '../../src/database/decimal';
import { Organisation } from '../../src/modules/identity/organisations/organisation.entity';
import { ExecutionCast, makeExecutionCast } from '../factories/execution';
import { makeUser } from '../factories/identity';
import { openAccount } from '../factories/settlement';
import {
  acceptedDelivery,
  AcceptedLineRow,
  approveStatement,
  DeadlineBody,
  payStatement,
  statementCalls,
} from '../factories/statements';
import { startApp, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

/**
 * SETTLEMENT_SCOPE widened from `vbp` to `all` between two months, over HTTP. In June 2027 a
 * hospital accepts, from the winner of its agreement, v (10 packs under the agreement) and two
 * lines of a listed product bought outside any agreement: n1 (2 × 31.85 = 63.70) and n2
 * (3 × 31.85 = 95.55). June is generated under `vbp`: its statement J bills v alone. Then the
 * scope becomes `all`, July brings n3 (31.85), and July's generation bills n3 and, once, the June
 * lines J's narrower scope left out. The hospital then disputes n2 where it is billed.
 */
describe('settlement scope widened between months', () => {
  let t: TestApp;
  let clock: TestClock;
  let cast: ExecutionCast;
  let officers: string[];
  let hospital: { id: string; token: string };
  let supplier: { org: Organisation; token: string };
  let v: AcceptedLineRow;
  let n1: AcceptedLineRow;
  let n2: AcceptedLineRow;
  let n3: AcceptedLineRow;
  const ids = { june: '', july: '', august: '', dispute: '' };

  const officer = () => officers[0];
  const { get, post, detail, lines, deadlines } = statementCalls(() => t, officer);
  const generate = async (period: string) =>
    (await post(officer(), '/statements/generate', { period })).body as Record<string, unknown>;
  const statementOf = async (period: string) => {
    const page = (await get(officer(), `/statements?period=${period}&hospitalId=${hospital.id}`))
      .body as { items: Array<{ id: string }> };
    expect(page.items).toHaveLength(1);
    return page.items[0].id;
  };
  const placed = async () =>
    new Map<string, DeadlineBody>((await deadlines(hospital.id)).map((d) => [d.deliveryLineId, d]));
  /** §S4 drug figures of one month in the cast's city. */
  const month = async (period: string) =>
    (
      (await get(officer(), `/metrics?from=${period}&to=${period}`)).body as {
        periods: Array<{ groups: Array<Record<string, unknown>> }>;
      }
    ).periods[0].groups[0];
  const dispute = (id: string, line: AcceptedLineRow, token = hospital.token, expected = 201) =>
    post(
      token,
      `/statements/${id}/lines/${line.id}/dispute`,
      { reason: '数量与验收单不符' },
      expected,
    );

  /** One accepted delivery line of `quantity` packs of a product, on an order of its own. */
  async function accepted(productId: string, quantity: string): Promise<AcceptedLineRow> {
    const [line] = await acceptedDelivery(t, { hospital, drug: { id: productId } }, supplier, [
      quantity,
    ]);
    return line;
  }

  beforeAll(async () => {
    clock = new TestClock();
    t = await startApp(
      {
        SETTLEMENT_SCOPE: 'vbp',
        RECONCILIATION_CHECK_SECONDS: '86400',
        OVERDUE_CHECK_SECONDS: '86400',
      },
      { providers: [{ provide: Clock, useValue: clock }] },
    );
    // The round's contract starts 30 days on: 1 June 2027.
    clock.passes('2027-05-02T10:00:00+08:00');
    cast = await makeExecutionCast(t, clock);
    expect(cast.agreements[0].startDate).toBe('2027-06-01');
    officers = [];
    for (let i = 0; i < 3; i++)
      officers.push((await makeUser(t, cast.authority, ['fund_officer'])).token);
    const agreement = cast.agreements.find((a) => a.hospitalId === cast.hospitals[0].org.id)!;
    const winner = cast.suppliers.find((s) => s.org.id === agreement.supplierId)!;
    hospital = { id: cast.hospitals[0].org.id, token: cast.hospitals[0].token };
    supplier = { org: winner.org, token: winner.token };
    await openAccount(t, { type: 'fund', regionCode: cast.regions.city.code });
    await openAccount(t, { type: 'hospital_settlement', ownerId: hospital.id });

    clock.passes('2027-06-10T10:00:00+08:00');
    v = await accepted(agreement.productId, '10');
    n1 = await accepted(cast.listed.id, '2');
    n2 = await accepted(cast.listed.id, '3');
    expect(v.amount).toBe(new Decimal(agreement.packPrice).times(10).toFixed(2));
    expect([n1.amount, n2.amount]).toEqual(['63.70', '95.55']);

    clock.passes('2027-07-01T09:00:00+08:00');
    expect(await generate('2027-06')).toEqual({
      period: '2027-06',
      statementsCreated: 1,
      linesAdded: 1,
      statements: 1,
    });
    ids.june = await statementOf('2027-06');
    expect(await detail(ids.june)).toMatchObject({ amount: v.amount, lineCount: 1 });
    expect(await lines(ids.june)).toEqual([[v.id, v.amount, 'billed']]);

    t.config.settlementCycle.scope = 'all';
    clock.passes('2027-07-05T10:00:00+08:00');
    n3 = await accepted(cast.listed.id, '1');
  });
  afterAll(() => t.close());

  it('bills the lines the narrower scope left out once, on the next statement', async () => {
    // Owed under the wider scope, on no statement yet.
    const june = new Decimal(v.amount).plus('159.25').toFixed(2);
    expect(await month('2027-06')).toMatchObject({
      lines: 3,
      acceptedAmount: june,
      settledAmount: '0.00',
    });
    expect((await placed()).get(n1.id)).toMatchObject({ statementId: null });

    clock.passes('2027-08-01T09:00:00+08:00');
    expect(await generate('2027-07')).toEqual({
      period: '2027-07',
      statementsCreated: 1,
      linesAdded: 3,
      statements: 1,
    });
    ids.july = await statementOf('2027-07');
    // 31.85 + 63.70 + 95.55
    expect(await detail(ids.july)).toMatchObject({ amount: '191.10', lineCount: 3 });
    expect(await lines(ids.july)).toEqual([
      [n1.id, '63.70', 'billed'],
      [n2.id, '95.55', 'billed'],
      [n3.id, '31.85', 'billed'],
    ]);
    // June keeps its total and shows where its other lines went.
    expect(await detail(ids.june)).toMatchObject({ amount: v.amount, lineCount: 1 });
    expect(await lines(ids.june)).toEqual([
      [v.id, v.amount, 'billed'],
      [n1.id, '63.70', 'carried'],
      [n2.id, '95.55', 'carried'],
    ]);
    const where = await placed();
    expect([n1, n2, n3].map((l) => where.get(l.id)?.statementId)).toEqual([
      ids.july,
      ids.july,
      ids.july,
    ]);
    expect(where.get(v.id)?.statementId).toBe(ids.june);

    // Generating either month again bills nothing more.
    for (const period of ['2027-07', '2027-06'])
      expect(await generate(period)).toMatchObject({ statementsCreated: 0, linesAdded: 0 });
    expect(await detail(ids.july)).toMatchObject({ amount: '191.10', lineCount: 3 });
    expect(await detail(ids.june)).toMatchObject({ amount: v.amount, lineCount: 1 });
  });

  it('disputes a carried line on the statement that bills it, and names it elsewhere', async () => {
    const onJune = await dispute(ids.june, n1, hospital.token, 409);
    expect(onJune.body).toMatchObject({
      code: 'SETTLEMENT.LINE_NOT_DISPUTABLE',
      details: { lineId: n1.id, lineStatus: 'carried', billedOn: ids.july },
    });
    expect(onJune.body.message).toContain(`statement ${ids.july}`);

    const raised = await dispute(ids.july, n2);
    ids.dispute = raised.body.id as string;
    expect(raised.body).toMatchObject({
      statementId: ids.july,
      statementLineId: n2.id,
      amount: '95.55',
      status: 'open',
    });
    // 191.10 − 95.55
    expect(await detail(ids.july)).toMatchObject({
      amount: '95.55',
      disputedAmount: '95.55',
      lineCount: 2,
    });
    expect(await lines(ids.july)).toEqual([
      [n1.id, '63.70', 'billed'],
      [n2.id, '95.55', 'disputed'],
      [n3.id, '31.85', 'billed'],
    ]);
    expect((await lines(ids.june))[2]).toEqual([n2.id, '95.55', 'carried']);
    const twice = await dispute(ids.july, n2, supplier.token, 409);
    expect(twice.body).toMatchObject({
      code: 'SETTLEMENT.LINE_NOT_DISPUTABLE',
      details: { lineStatus: 'disputed', disputeId: ids.dispute },
    });
    expect((await placed()).get(n2.id)).toMatchObject({ statementId: ids.july, disputed: true });
    const fromJune = await dispute(ids.june, n2, hospital.token, 409);
    expect(fromJune.body).toMatchObject({
      message: `Line ${n2.id} was carried onto statement ${ids.july}, where it is disputed`,
      details: { lineStatus: 'carried', billedOn: null, disputeId: ids.dispute },
    });
  });

  it('pays what July bills, and §S4 counts each June line once', async () => {
    const signers = { hospital, officers: officers.map((token) => ({ token })) };
    await approveStatement(t, signers, ids.july, supplier);
    clock.passes('2027-08-03T10:00:00+08:00');
    const paid = await payStatement(t, officer(), ids.july, `scope-${ids.july}`, {
      bankReference: 'CBC-20270803-1',
    });
    expect(paid).toMatchObject({ amount: '95.55', status: 'paid' });

    // June: v on the unpaid June statement, n1 paid with July, n2 disputed.
    expect(await month('2027-06')).toMatchObject({
      lines: 3,
      acceptedAmount: new Decimal(v.amount).plus('159.25').toFixed(2),
      settledAmount: '63.70',
      paidLines: 1,
      disputedAmount: '95.55',
    });
    expect(await month('2027-07')).toMatchObject({
      lines: 1,
      acceptedAmount: '31.85',
      settledAmount: '31.85',
      paidLines: 1,
    });
    const where = await placed();
    expect(where.has(n1.id)).toBe(false);
    expect(where.has(n3.id)).toBe(false);
    expect(where.get(n2.id)).toMatchObject({ statementId: ids.july, disputed: true });
  });

  it('bills a carried line whose dispute is accepted on the pair’s next statement, disputed once', async () => {
    await post(officers[1], `/disputes/${ids.dispute}/resolve`, {
      outcome: 'accept',
      note: '核对无误',
    });
    expect(await detail(ids.july)).toMatchObject({
      status: 'paid',
      amount: '95.55',
      disputedAmount: '0.00',
      lineCount: 2,
    });
    expect(await lines(ids.july)).toEqual([
      [n1.id, '63.70', 'billed'],
      [n3.id, '31.85', 'billed'],
    ]);

    clock.passes('2027-09-01T09:00:00+08:00');
    expect(await generate('2027-08')).toEqual({
      period: '2027-08',
      statementsCreated: 1,
      linesAdded: 1,
      statements: 1,
    });
    ids.august = await statementOf('2027-08');
    expect(await detail(ids.august)).toMatchObject({ amount: '95.55', lineCount: 1 });
    expect(await lines(ids.august)).toEqual([[n2.id, '95.55', 'billed']]);
    expect((await placed()).get(n2.id)).toMatchObject({ statementId: ids.august, disputed: false });

    const again = await dispute(ids.august, n2, hospital.token, 409);
    expect(again.body).toMatchObject({
      code: 'SETTLEMENT.LINE_NOT_DISPUTABLE',
      details: { lineId: n2.id, lineStatus: 'billed', disputeId: ids.dispute },
    });
    expect(again.body.message).toContain(`statement ${ids.july}`);
  });
});
