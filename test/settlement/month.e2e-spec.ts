import { Clock } from '../../src/common/clock';
import {
  acceptedDelivery,
  makeSettlementCast,
  SettlementCast,
  statementsApi as api,
} from '../factories/statements';
import { bearer, startApp, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

interface Statement {
  id: string;
  supplierId: string;
  amount: string;
  status: string;
  lines: Array<{ id: string; deliveryLineId: string; amount: string; status: string }>;
}

/**
 * One month of direct settlement over HTTP (§S3): orders → deliveries → acceptances → statement
 * generation (twice: the same statements) → one line disputed → confirmation → three approvals
 * (the same officer twice is refused) → payment (sent twice with one key: one payment) → the
 * supplier, the hospital's settlement account and the fund to the cent, and the ledger check.
 *
 * Supplier A delivers 10, 3 and 5 packs at 31.85: 318.50 + 95.55 + 159.25 = 573.30. The hospital
 * disputes the 5-pack line, so A's statement is 414.05. The fund owes the hospital 500.00 for
 * insured care; paying A leaves 85.95 in the fund and in the hospital's account.
 */
describe('a month of direct settlement, end to end', () => {
  let t: TestApp;
  let clock: TestClock;
  let cast: SettlementCast;

  beforeAll(async () => {
    clock = new TestClock();
    t = await startApp(
      { RECONCILIATION_CHECK_SECONDS: '86400' },
      { providers: [{ provide: Clock, useValue: clock }] },
    );
    clock.passes('2027-09-10T10:00:00+08:00');
    cast = await makeSettlementCast(t);
  });
  afterAll(() => t.close());

  const officer = (i: number) => cast.officers[i].token;
  const post = (token: string, path: string, body: object = {}) =>
    t.http().post(api(path)).set(bearer(token)).send(body);
  const get = (token: string, path: string) => t.http().get(api(path)).set(bearer(token));
  const balance = async (accountId: string) =>
    (await get(officer(0), `/accounts/${accountId}`).expect(200)).body.balance as string;

  it('settles a month to the cent, exactly once', async () => {
    const [a, b] = cast.suppliers;
    const linesA = await acceptedDelivery(t, cast, a, ['10', '3', '5']);
    await acceptedDelivery(t, cast, b, ['20']);
    expect(linesA.map((l) => l.amount)).toEqual(['318.50', '95.55', '159.25']);

    clock.passes('2027-10-01T09:00:00+08:00');
    const first = await post(officer(0), '/statements/generate', { period: '2027-09' }).expect(200);
    expect(first.body.statementsCreated).toBeGreaterThanOrEqual(2);
    const mine = async () =>
      (
        await get(
          officer(0),
          `/statements?period=2027-09&hospitalId=${cast.hospital.org.id}`,
        ).expect(200)
      ).body.items as Statement[];
    const before = await mine();
    await post(officer(0), '/statements/generate', { period: '2027-09' }).expect(200);
    const after = await mine();
    expect(after.map((s) => [s.id, s.amount]).sort()).toEqual(
      before.map((s) => [s.id, s.amount]).sort(),
    );
    expect(before.map((s) => s.amount).sort()).toEqual(['573.30', '637.00']);

    const statementId = before.find((s) => s.supplierId === a.org.id)!.id;
    const statement = (await get(officer(0), `/statements/${statementId}`).expect(200))
      .body as Statement;
    const disputed = statement.lines.find((l) => l.deliveryLineId === linesA[2].id)!;
    await post(cast.hospital.token, `/statements/${statementId}/lines/${disputed.id}/dispute`, {
      reason: '到货批号与发票不符',
    }).expect(201);
    await post(cast.hospital.token, `/statements/${statementId}/confirm`).expect(200);
    await post(a.token, `/statements/${statementId}/confirm`).expect(200);
    const confirmed = (await get(officer(0), `/statements/${statementId}`).expect(200)).body;
    expect(confirmed).toMatchObject({ status: 'confirmed', amount: '414.05' });

    await post(officer(0), `/statements/${statementId}/approve`).expect(200);
    const twice = await post(officer(0), `/statements/${statementId}/approve`).expect(409);
    expect(twice.body.code).toBe('SETTLEMENT.REVIEWER_ALREADY_APPROVED');
    await post(officer(1), `/statements/${statementId}/approve`).expect(200);
    const approved = await post(officer(2), `/statements/${statementId}/approve`).expect(200);
    expect(approved.body.status).toBe('approved');

    // The fund owes the hospital 500.00 for insured care this month.
    await t
      .http()
      .post(api('/journals'))
      .set(bearer(officer(0)))
      .set('Idempotency-Key', `care-2027-09-${cast.hospital.org.id}`)
      .send({
        memo: '医保结算 2027-09',
        lines: [
          { accountCode: cast.fund.code, debit: '500.00' },
          { accountCode: cast.settlement.code, credit: '500.00' },
        ],
      })
      .expect(201);

    const pay = () =>
      t
        .http()
        .post(api(`/statements/${statementId}/pay`))
        .set(bearer(officer(0)))
        .set('Idempotency-Key', `pay-${statementId}`)
        .send({ bankReference: 'ICBC-20271008-0001' });
    const paid = await pay().expect(201);
    const again = await pay().expect(200);
    expect(again.body).toEqual(paid.body);
    expect(paid.body).toMatchObject({
      amount: '414.05',
      hospitalDeducted: '414.05',
      receivable: '0.00',
      status: 'paid',
    });
    const payments = await get(officer(0), `/payments?statementId=${statementId}`).expect(200);
    expect(payments.body.total).toBe(1);

    // Fund: 500.00 − 414.05; hospital settlement: 500.00 − 414.05; the supplier was paid in full,
    // so nothing stays payable to it.
    expect(await balance(cast.fund.id)).toBe('85.95');
    expect(await balance(cast.settlement.id)).toBe('85.95');
    const payable = (
      await get(officer(0), `/accounts?type=supplier_payable&ownerId=${a.org.id}`).expect(200)
    ).body.items as Array<{ balance: string }>;
    expect(payable.every((p) => p.balance === '0.00')).toBe(true);

    // A payment's journal is not undone by hand: its payment and statement would disagree.
    const undo = await post(officer(0), `/journals/${paid.body.journalId}/reverse`, {
      memo: 'undo',
    }).expect(409);
    expect(undo.body.code).toBe('SETTLEMENT.JOURNAL_NOT_REVERSIBLE');

    const check = await get(officer(0), '/ledger/check').expect(200);
    expect(check.body.ok).toBe(true);
  });
});
