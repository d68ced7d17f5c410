import { Clock } from '../../src/common/clock';
import { AuditService } from '../../src/modules/audit/audit.service';
import {
  acceptedDelivery,
  makeSettlementCast,
  SettlementCast,
  statementsApi,
} from '../factories/statements';
import { openAccount } from '../factories/settlement';
import { bearer, startApp, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

interface PaymentBody {
  id: string;
  statementId: string;
  amount: string;
  prepaymentOffset: string;
  hospitalDeducted: string;
  receivable: string;
  journalId: string;
  bankReference: string | null;
  status: string;
  paidAt: string | null;
}

/**
 * §S3.4 paying statements exactly once over HTTP, with the ledger's figures hand-computed:
 * the hospital's settlement account holds 500.00; statement A (414.05) is paid from it in full,
 * statement B (637.00) takes the remaining 85.95 and leaves 551.05 as a receivable. A payment
 * that fails after its journal was posted leaves nothing; its retry posts once.
 */
describe('settlement payments', () => {
  let t: TestApp;
  let clock: TestClock;
  let cast: SettlementCast;
  let statementA: string;
  let statementB: string;

  const api = statementsApi;
  const pay = (id: string, key: string | null, body: object, expected: number) => {
    const req = t
      .http()
      .post(api(`/statements/${id}/pay`))
      .set(bearer(cast.officers[0].token));
    if (key !== null) req.set('Idempotency-Key', key);
    return req.send(body).expect(expected);
  };
  const balanceOf = async (accountId: string) =>
    (
      await t
        .http()
        .get(api(`/accounts/${accountId}`))
        .set(bearer(cast.officers[0].token))
        .expect(200)
    ).body.balance as string;
  const accountIdOf = async (code: string) => {
    const res = await t
      .http()
      .get(api(`/accounts?pageSize=200`))
      .set(bearer(cast.officers[0].token))
      .expect(200);
    return (res.body.items as Array<{ id: string; code: string }>).find((a) => a.code === code)?.id;
  };

  async function confirmAndApprove(id: string, supplierToken: string) {
    const post = (token: string, path: string) =>
      t.http().post(api(path)).set(bearer(token)).send({}).expect(200);
    await post(cast.hospital.token, `/statements/${id}/confirm`);
    await post(supplierToken, `/statements/${id}/confirm`);
    for (const o of cast.officers) await post(o.token, `/statements/${id}/approve`);
  }

  beforeAll(async () => {
    clock = new TestClock();
    t = await startApp(
      { RECONCILIATION_CHECK_SECONDS: '86400' },
      { providers: [{ provide: Clock, useValue: clock }] },
    );
    clock.passes('2027-06-10T10:00:00+08:00');
    cast = await makeSettlementCast(t);
    // A: 10 × 31.85 + 3 × 31.85 = 318.50 + 95.55 = 414.05; B: 20 × 31.85 = 637.00.
    await acceptedDelivery(t, cast, cast.suppliers[0], ['10', '3']);
    await acceptedDelivery(t, cast, cast.suppliers[1], ['20']);
    clock.passes('2027-07-01T09:00:00+08:00');
    await t
      .http()
      .post(api('/statements/generate'))
      .set(bearer(cast.officers[0].token))
      .send({ period: '2027-06' })
      .expect(200);
    const list = await t
      .http()
      .get(api(`/statements?period=2027-06&hospitalId=${cast.hospital.org.id}`))
      .set(bearer(cast.officers[0].token))
      .expect(200);
    const items = list.body.items as Array<{ id: string; supplierId: string; amount: string }>;
    statementA = items.find((s) => s.supplierId === cast.suppliers[0].org.id)!.id;
    statementB = items.find((s) => s.supplierId === cast.suppliers[1].org.id)!.id;
    expect(items.map((s) => s.amount).sort()).toEqual(['414.05', '637.00']);
    // The fund owes the hospital 500.00 for insured care.
    await t
      .http()
      .post(api('/journals'))
      .set(bearer(cast.officers[0].token))
      .set('Idempotency-Key', `credit-${cast.hospital.org.id}`)
      .send({
        memo: '医保结算 2027-06',
        lines: [
          { accountCode: cast.fund.code, debit: '500.00' },
          { accountCode: cast.settlement.code, credit: '500.00' },
        ],
      })
      .expect(201);
  });
  afterAll(() => t.close());

  it('pays only approved statements, and only with an Idempotency-Key', async () => {
    const early = await pay(statementA, 'key-a', {}, 409);
    expect(early.body).toMatchObject({
      code: 'SETTLEMENT.STATEMENT_STATE_CONFLICT',
      details: { state: 'reconciling' },
    });
    await confirmAndApprove(statementA, cast.suppliers[0].token);
    const keyless = await pay(statementA, null, {}, 400);
    expect(keyless.body.code).toBe('SETTLEMENT.IDEMPOTENCY_KEY_REQUIRED');
    const hospital = await t
      .http()
      .post(api(`/statements/${statementA}/pay`))
      .set(bearer(cast.hospital.token))
      .set('Idempotency-Key', 'key-a')
      .send({})
      .expect(403);
    expect(hospital.body.code).toBe('COMMON.FORBIDDEN');
  });

  it('pays a statement exactly once and moves the fund and the hospital’s account', async () => {
    const first = await pay(statementA, 'key-a', { bankReference: 'BOC-20270702-001' }, 201);
    const payment = first.body as PaymentBody;
    expect(payment).toMatchObject({
      statementId: statementA,
      amount: '414.05',
      prepaymentOffset: '0.00',
      hospitalDeducted: '414.05',
      receivable: '0.00',
      bankReference: 'BOC-20270702-001',
      status: 'paid',
    });
    const retry = await pay(statementA, 'key-a', { bankReference: 'BOC-20270702-001' }, 200);
    expect(retry.body).toEqual(payment);
    const other = await pay(statementA, 'key-other', {}, 409);
    expect(other.body).toMatchObject({
      code: 'SETTLEMENT.STATEMENT_ALREADY_PAID',
      details: { paymentId: payment.id },
    });
    const list = await t
      .http()
      .get(api(`/payments?statementId=${statementA}`))
      .set(bearer(cast.officers[0].token))
      .expect(200);
    expect(list.body.total).toBe(1);
    // Fund: +500.00 − 414.05 = 85.95; hospital settlement: 500.00 − 414.05 = 85.95.
    expect(await balanceOf(cast.fund.id)).toBe('85.95');
    expect(await balanceOf(cast.settlement.id)).toBe('85.95');
    const statement = await t
      .http()
      .get(api(`/statements/${statementA}`))
      .set(bearer(cast.suppliers[0].token))
      .expect(200);
    expect(statement.body.status).toBe('paid');
  });

  it('turns a shortfall into a receivable, and survives a failure after its journal was posted', async () => {
    await confirmAndApprove(statementB, cast.suppliers[1].token);
    const journalsBefore = (
      await t.http().get(api('/journals')).set(bearer(cast.officers[0].token)).expect(200)
    ).body.total as number;
    const audit = t.app.get(AuditService);
    const record = audit.record.bind(audit);
    const spy = jest.spyOn(audit, 'record').mockImplementation((m, actor, action, ...rest) => {
      if (action === 'statement.paid') {
        spy.mockRestore();
        return Promise.reject(new Error('worker killed'));
      }
      return record(m, actor, action, ...rest);
    });
    await pay(statementB, 'key-b', {}, 500);
    // Nothing of the failed attempt remains: no payment, no journal, balances as before.
    const none = await t
      .http()
      .get(api(`/payments?statementId=${statementB}`))
      .set(bearer(cast.officers[0].token))
      .expect(200);
    expect(none.body.total).toBe(0);
    expect(
      (await t.http().get(api('/journals')).set(bearer(cast.officers[0].token)).expect(200)).body
        .total,
    ).toBe(journalsBefore);
    expect(await balanceOf(cast.settlement.id)).toBe('85.95');

    const paid = await pay(statementB, 'key-b', {}, 201);
    // 637.00 owed; the account holds 85.95, so 85.95 is deducted and 551.05 becomes a receivable.
    expect(paid.body).toMatchObject({
      amount: '637.00',
      hospitalDeducted: '85.95',
      receivable: '551.05',
      status: 'instructed',
      bankReference: null,
      paidAt: null,
    });
    await pay(statementB, 'key-b', {}, 200);
    expect(
      (await t.http().get(api('/journals')).set(bearer(cast.officers[0].token)).expect(200)).body
        .total,
    ).toBe(journalsBefore + 1);
    const payable = await openAccount(t, {
      type: 'supplier_payable',
      ownerId: cast.suppliers[1].org.id,
    });
    const receivable = await accountIdOf(`HOSP:${cast.hospital.org.id}:RECEIVABLE`);
    expect(await balanceOf(cast.settlement.id)).toBe('0.00');
    expect(await balanceOf(receivable!)).toBe('551.05');
    // Instructed, not yet through the bank: the fund owes the supplier; the fund's money is untouched.
    expect(await balanceOf(payable.id)).toBe('637.00');
    expect(await balanceOf(cast.fund.id)).toBe('85.95');

    const check = await t
      .http()
      .get(api('/ledger/check'))
      .set(bearer(cast.officers[0].token))
      .expect(200);
    expect(check.body).toMatchObject({ ok: true, unbalancedJournals: [], mismatchedBalances: [] });
  });

  it('lists payments in the caller’s scope', async () => {
    const own = await t
      .http()
      .get(api('/payments'))
      .set(bearer(cast.suppliers[1].token))
      .expect(200);
    expect(own.body.items.map((p: PaymentBody) => p.statementId)).toEqual([statementB]);
  });
});
