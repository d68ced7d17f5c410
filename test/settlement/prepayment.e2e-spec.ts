import { Clock } from '../../src/common/clock';
import { TransactionRunner } from '../../src/database/transaction-runner';
import { LedgerPrepaymentOffsets } from '../../src/modules/settlement/prepayment/ledger-prepayment-offsets';
import { makeOrganisation, makeUser } from '../factories/identity';
import {
  makeProcurementCast,
  makeRoundWithLot,
  playAwardedRound,
  ProcurementCast,
} from '../factories/procurement';
import { bearer, startApp, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

const API = '/api/v1/settlement/prepayments';

interface PrepaymentBody {
  id: string;
  hospitalId: string;
  amount: string;
  annualAgreedAmount: string;
  share: string;
  yearStart: string;
  yearEnd: string;
  offsetTotal: string;
  remaining: string;
  status: string;
  journalId: string;
  settledRemainder: string | null;
  offsets?: Array<{ statementId: string; period: string; periodNo: number; offset: string }>;
}

describe('settlement prepayment (§S2)', () => {
  let t: TestApp;
  const clock = new TestClock();
  let cast: ProcurementCast;
  let round: { id: string };
  let officer: string;
  let outsideOfficer: string;
  /** Each hospital's winning unit price: 1.500000 or 2.000000, by how the award allocated it. */
  let priceOf: Map<string, string>;
  let dear: string;
  let statementSeq = 900_000_000 + Math.floor(Math.random() * 1_000_000) * 10;

  beforeAll(async () => {
    t = await startApp({}, { providers: [{ provide: Clock, useValue: clock }] });
    cast = await makeProcurementCast(t);
    ({ round } = await playAwardedRound(t, cast, clock));
    officer = (await makeUser(t, cast.authority, ['fund_officer'])).token;
    const agreements = await t
      .http()
      .get(`/api/v1/procurement/rounds/${round.id}/agreements?pageSize=200`)
      .set(bearer(cast.officer.token))
      .expect(200);
    priceOf = new Map(
      (agreements.body.items as Array<{ hospitalId: string; unitPrice: string }>).map((a) => [
        a.hospitalId,
        a.unitPrice,
      ]),
    );
    dear = [...priceOf].find(([, price]) => price === '2.000000')![0];
    const other = await makeProcurementCast(t, { hospitals: 1, suppliers: 1 });
    outsideOfficer = (await makeUser(t, other.authority, ['fund_officer'])).token;
  });
  afterAll(() => t.close());

  const run = (token: string, body: object) =>
    t.http().post(`${API}/run`).set(bearer(token)).send(body);
  const offsets = () => t.app.get(LedgerPrepaymentOffsets);
  const offsetFor = (hospitalId: string, statementId: string, period: string, amount: string) =>
    t.app
      .get(TransactionRunner)
      .run((m) => offsets().offsetFor(m, { hospitalId, statementId, period, amount }));

  it('prepays each hospital 30 % of its annual agreed amount, posts it and is idempotent', async () => {
    const res = await run(officer, { roundId: round.id }).expect(200);
    expect(res.body.created).toBe(3);
    expect(res.body.skipped).toEqual([]);
    const byHospital = new Map((res.body.items as PrepaymentBody[]).map((p) => [p.hospitalId, p]));
    // Each hospital agreed 4200 tablets: at 1.500000 that is 6300.00, 30 % = 1890.00; at
    // 2.000000 8400.00, 30 % = 2520.00.
    const expected = {
      '1.500000': { annualAgreedAmount: '6300.00', amount: '1890.00', remaining: '1890.00' },
      '2.000000': { annualAgreedAmount: '8400.00', amount: '2520.00', remaining: '2520.00' },
    };
    for (const h of cast.hospitals)
      expect(byHospital.get(h.org.id)).toMatchObject({
        ...expected[priceOf.get(h.org.id) as keyof typeof expected],
        share: '0.3',
        status: 'active',
      });
    const first = byHospital.get(dear)!;
    const journal = await t
      .http()
      .get(`/api/v1/settlement/journals/${first.journalId}`)
      .set(bearer(officer))
      .expect(200);
    expect(journal.body).toMatchObject({ kind: 'prepayment', total: '2520.00' });
    expect(journal.body.lines).toEqual([
      expect.objectContaining({
        accountCode: `HOSP:${first.hospitalId}:PREPAYMENT`,
        debit: '2520.00',
      }),
      expect.objectContaining({ accountCode: `FUND:${cast.regions.city.code}`, credit: '2520.00' }),
    ]);

    const again = await run(officer, { roundId: round.id, share: '0.5' }).expect(200);
    expect(again.body).toMatchObject({ created: 0, existing: 3 });
    expect((again.body.items as PrepaymentBody[]).map((p) => p.id).sort()).toEqual(
      [...byHospital.values()].map((p) => p.id).sort(),
    );
    const check = await t
      .http()
      .get('/api/v1/settlement/ledger/check')
      .set(bearer(officer))
      .expect(200);
    expect(check.body.ok).toBe(true);
  });

  it('offsets pro rata per statement, the same figure on a retry, and settles the rest at year end', async () => {
    const hospital = dear;
    const list = await t
      .http()
      .get(`${API}?roundId=${round.id}&hospitalId=${hospital}`)
      .set(bearer(officer))
      .expect(200);
    const p = (list.body.items as PrepaymentBody[])[0];
    const month1 = p.yearStart.slice(0, 7);
    // 2520.00 ÷ 12 = 210.00 a period; two statements of period 1 share its instalment.
    const s1 = String(statementSeq++);
    const s2 = String(statementSeq++);
    expect(await offsetFor(hospital, s1, month1, '150.00')).toEqual({
      offset: '150.00',
      prepaymentAccountId: expect.any(String),
    });
    expect((await offsetFor(hospital, s2, month1, '500.00')).offset).toBe('60.00');
    expect((await offsetFor(hospital, s1, month1, '150.00')).offset).toBe('150.00');
    const detail = await t.http().get(`${API}/${p.id}`).set(bearer(officer)).expect(200);
    expect(detail.body).toMatchObject({ offsetTotal: '210.00', remaining: '2310.00' });
    expect((detail.body as PrepaymentBody).offsets!.map((o) => [o.periodNo, o.offset])).toEqual([
      [1, '150.00'],
      [1, '60.00'],
    ]);

    await t
      .http()
      .post(`${API}/${p.id}/settle`)
      .set(bearer(officer))
      .expect(409)
      .expect((r) => expect(r.body.code).toBe('SETTLEMENT.PREPAYMENT_YEAR_NOT_OVER'));
    clock.passes(`${p.yearEnd}T23:59:59+08:00`);
    const settled = await t.http().post(`${API}/${p.id}/settle`).set(bearer(officer)).expect(200);
    expect(settled.body).toMatchObject({ status: 'settled', settledRemainder: '2310.00' });
    const receivable = await t
      .http()
      .get(`/api/v1/settlement/accounts?type=receivable&ownerId=${hospital}`)
      .set(bearer(officer))
      .expect(200);
    expect(receivable.body.items[0].balance).toBe('2310.00');
    const twice = await t.http().post(`${API}/${p.id}/settle`).set(bearer(officer)).expect(200);
    expect(twice.body.settleJournalId).toBe(settled.body.settleJournalId);
    // A settled prepayment takes no further offsets.
    expect((await offsetFor(hospital, String(statementSeq++), month1, '10.00')).offset).toBe(
      '0.00',
    );
  });

  it.each([
    [{ roundId: 'x1' }, 400, 'VALIDATION_FAILED'],
    [{ roundId: '1', share: '1.5' }, 400, 'SETTLEMENT.PREPAYMENT_SHARE_INVALID'],
    [{ roundId: '999999999' }, 404, 'SETTLEMENT.POLICY_ROUND_NOT_FOUND'],
  ])('refuses %j', async (body, status, code) => {
    const res = await run(officer, body).expect(status);
    expect(res.body.code).toContain(code);
  });

  it('refuses a year the agreements do not have, and a round not awarded', async () => {
    const res = await run(officer, { roundId: round.id, agreementYear: 9 }).expect(400);
    expect(res.body.code).toBe('SETTLEMENT.AGREEMENT_YEAR_INVALID');
    const draft = await makeRoundWithLot(t, cast, { now: clock.now() });
    const refused = await run(officer, { roundId: draft.round.id }).expect(409);
    expect(refused.body.code).toBe('SETTLEMENT.POLICY_ROUND_NOT_AWARDED');
  });

  it('scopes reads: a hospital its own, an officer elsewhere nothing; only fund officers run', async () => {
    const own = await t.http().get(API).set(bearer(cast.hospitals[0].token)).expect(200);
    expect((own.body.items as PrepaymentBody[]).map((p) => p.hospitalId)).toEqual([
      cast.hospitals[0].org.id,
    ]);
    const outside = await t
      .http()
      .get(`${API}?roundId=${round.id}`)
      .set(bearer(outsideOfficer))
      .expect(200);
    expect(outside.body.total).toBe(0);
    const someone = (own.body.items as PrepaymentBody[])[0];
    const hidden = await t.http().get(`${API}/${someone.id}`).set(bearer(outsideOfficer));
    expect(hidden.status).toBe(404);
    expect(hidden.body.code).toBe('SETTLEMENT.PREPAYMENT_NOT_FOUND');
    await t.http().get(`${API}/${someone.id}`).set(bearer(cast.hospitals[1].token)).expect(404);
    await run(cast.hospitals[0].token, { roundId: round.id }).expect(403);
    await run(cast.officer.token, { roundId: round.id }).expect(403);
    // An officer of another region prepays nobody of this round: its hospitals are not in scope.
    const elsewhere = await run(outsideOfficer, { roundId: round.id }).expect(200);
    expect(elsewhere.body).toMatchObject({ created: 0, existing: 0, items: [] });
    const supplier = await makeOrganisation(t, 'manufacturer');
    const supplierUser = await makeUser(t, supplier, ['supplier_user']);
    await t.http().get(API).set(bearer(supplierUser.token)).expect(403);
  });
});
