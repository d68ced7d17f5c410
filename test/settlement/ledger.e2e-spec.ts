import { TransactionRunner } from '../../src/database/transaction-runner';
import { LedgerAccount } from '../../src/modules/settlement/ledger/account.entity';
import { LedgerService } from '../../src/modules/settlement/ledger/ledger.service';
import { makeOrganisation } from '../factories/identity';
import {
  LedgerCast,
  makeHospitalAccounts,
  makeLedgerCast,
  openAccount,
  postJournal,
} from '../factories/settlement';
import { bearer, startApp, TestApp, uniq } from '../setup/test-app';

const API = '/api/v1/settlement';

interface Line {
  accountCode: string;
  debit?: string;
  credit?: string;
}

describe('settlement ledger (§S1)', () => {
  let t: TestApp;
  let home: LedgerCast;
  let outside: LedgerCast;

  beforeAll(async () => {
    t = await startApp();
    home = await makeLedgerCast(t);
    outside = await makeLedgerCast(t);
  });
  afterAll(() => t.close());

  const officer = () => home.fundOfficer.token;
  const post = (token: string, key: string | null, memo: string, lines: Line[]) => {
    const req = t.http().post(`${API}/journals`).set(bearer(token));
    if (key !== null) req.set('Idempotency-Key', key);
    return req.send({ memo, lines });
  };
  const account = (id: string, token = t.adminToken) =>
    t.http().get(`${API}/accounts/${id}`).set(bearer(token));
  const journal = (id: string, token = t.adminToken) =>
    t.http().get(`${API}/journals/${id}`).set(bearer(token));
  const check = () => t.http().get(`${API}/ledger/check`).set(bearer(officer())).expect(200);
  const freshHospital = () => makeHospitalAccounts(t, home.regions.county.code);
  const transfer = (from: LedgerAccount, to: LedgerAccount, amount: string): Line[] => [
    { accountCode: from.code, debit: amount },
    { accountCode: to.code, credit: amount },
  ];

  describe('posting', () => {
    it('posts a balanced adjustment, moves both balances and audits it', async () => {
      const h = await freshHospital();
      const res = await post(
        officer(),
        uniq(16),
        'Prepayment booked by hand',
        transfer(h.prepayment, h.settlement, '1250.50'),
      ).expect(201);
      expect(res.body).toMatchObject({
        code: expect.stringMatching(/^J\d{4}-\d{8}$/),
        kind: 'adjustment',
        memo: 'Prepayment booked by hand',
        reversesJournalId: null,
        reversedByJournalId: null,
        postedBy: home.fundOfficer.user.id,
        total: '1250.50',
        lines: [
          {
            lineNo: 1,
            accountId: h.prepayment.id,
            accountCode: h.prepayment.code,
            debit: '1250.50',
            credit: '0.00',
          },
          {
            lineNo: 2,
            accountId: h.settlement.id,
            accountCode: h.settlement.code,
            debit: '0.00',
            credit: '1250.50',
          },
        ],
      });
      const id = res.body.id as string;
      expect((await journal(id).expect(200)).body).toEqual(res.body);

      // The prepayment grows on its debit side, the settlement account on its credit side.
      const prepayment = (await account(h.prepayment.id).expect(200)).body;
      expect(prepayment).toMatchObject({
        code: `HOSP:${h.org.id}:PREPAYMENT`,
        type: 'prepayment',
        normalSide: 'debit',
        ownerId: h.org.id,
        debitTotal: '1250.50',
        creditTotal: '0.00',
        balance: '1250.50',
      });
      const settlement = (await account(h.settlement.id).expect(200)).body;
      expect(settlement).toMatchObject({
        normalSide: 'credit',
        debitTotal: '0.00',
        creditTotal: '1250.50',
        balance: '1250.50',
      });
      expect(settlement.entries).toMatchObject({
        total: 1,
        items: [{ journalId: id, journalCode: res.body.code, kind: 'adjustment', lineNo: 2 }],
      });

      const audit = await t
        .http()
        .get(`/api/v1/audit/events?entityType=journal&entityId=${id}`)
        .set(bearer(t.adminToken))
        .expect(200);
      expect(audit.body.items).toHaveLength(1);
      expect(audit.body.items[0]).toMatchObject({
        action: 'journal.posted',
        actorId: home.fundOfficer.user.id,
      });
    });

    it('answers a retry with the first journal, once, even when the retries race', async () => {
      const h = await freshHospital();
      const key = uniq(16);
      const lines = transfer(h.prepayment, h.settlement, '300.00');
      const [a, b] = await Promise.all([
        post(officer(), key, 'Advance', lines),
        post(officer(), key, 'Advance', lines),
      ]);
      expect([a.status, b.status, b.body]).toEqual([201, 201, a.body]);
      expect(b.body).toEqual(a.body);
      const again = await post(officer(), key, 'Advance', [
        { accountCode: h.prepayment.code, debit: '300' },
        { accountCode: h.settlement.code, credit: '300.0' },
      ]).expect(201);
      expect(again.body).toEqual(a.body);

      expect((await account(h.settlement.id).expect(200)).body).toMatchObject({
        creditTotal: '300.00',
        entries: { total: 1 },
      });
      const listed = await t
        .http()
        .get(`${API}/journals?accountId=${h.settlement.id}`)
        .set(bearer(officer()))
        .expect(200);
      expect(listed.body.items.map((j: { id: string }) => j.id)).toEqual([a.body.id]);
    });

    it('refuses a key used for other content, and a request without a key', async () => {
      const h = await freshHospital();
      const key = uniq(16);
      await post(officer(), key, 'Advance', transfer(h.prepayment, h.settlement, '10.00')).expect(
        201,
      );
      const reused = await post(
        officer(),
        key,
        'Advance',
        transfer(h.prepayment, h.settlement, '10.01'),
      ).expect(409);
      expect(reused.body.code).toBe('SETTLEMENT.IDEMPOTENCY_KEY_REUSED');
      const keyless = await post(
        officer(),
        null,
        'Advance',
        transfer(h.prepayment, h.settlement, '10.00'),
      ).expect(400);
      expect(keyless.body).toMatchObject({
        code: 'SETTLEMENT.IDEMPOTENCY_KEY_REQUIRED',
        message: expect.stringMatching(/^Idempotency-Key: /),
      });
      expect((await account(h.settlement.id).expect(200)).body.creditTotal).toBe('10.00');
    });

    type Bad = [string, (h: Awaited<ReturnType<typeof freshHospital>>) => Line[], string, string];
    it.each<Bad>([
      [
        'debits and credits that differ',
        (h) => [
          { accountCode: h.prepayment.code, debit: '100.00' },
          { accountCode: h.settlement.code, credit: '90.00' },
        ],
        'SETTLEMENT.JOURNAL_UNBALANCED',
        'lines: debits 100.00 and credits 90.00 must be equal',
      ],
      [
        'a line with both sides',
        (h) => [
          { accountCode: h.prepayment.code, debit: '5.00' },
          { accountCode: h.settlement.code, debit: '5.00', credit: '10.00' },
        ],
        'SETTLEMENT.JOURNAL_LINE_INVALID',
        'lines[1].credit: a line is a debit or a credit, not both',
      ],
      [
        'three decimals',
        (h) => [
          { accountCode: h.prepayment.code, debit: '5.005' },
          { accountCode: h.settlement.code, credit: '5.005' },
        ],
        'SETTLEMENT.JOURNAL_LINE_INVALID',
        'lines[0].debit: must be a non-negative amount with at most 2 decimals, got "5.005"',
      ],
      [
        'a single line',
        (h) => [{ accountCode: h.prepayment.code, debit: '5.00' }],
        'SETTLEMENT.JOURNAL_TOO_FEW_LINES',
        'lines: a journal needs at least 2 lines, got 1',
      ],
      [
        'an account debited and credited',
        (h) => [
          { accountCode: h.prepayment.code, debit: '5.00' },
          { accountCode: h.prepayment.code, credit: '5.00' },
        ],
        'SETTLEMENT.JOURNAL_ACCOUNT_BOTH_SIDES',
        'lines[1].credit: account',
      ],
      [
        'an unknown account',
        (h) => [
          { accountCode: h.prepayment.code, debit: '5.00' },
          { accountCode: 'HOSP:0:SETTLEMENT', credit: '5.00' },
        ],
        'SETTLEMENT.JOURNAL_ACCOUNT_UNKNOWN',
        'lines[1].accountCode: no account HOSP:0:SETTLEMENT',
      ],
      [
        'an account of another region',
        (h) => transfer(h.prepayment, outside.hospital.settlement, '5.00'),
        'SETTLEMENT.JOURNAL_ACCOUNT_UNKNOWN',
        'lines[1].accountCode: no account',
      ],
      [
        'a field the API does not know',
        (h) => [
          { accountCode: h.prepayment.code, debit: '5.00' },
          { accountCode: h.settlement.code, amount: '5.00' } as Line,
        ],
        'COMMON.VALIDATION_FAILED',
        'lines[1].amount: property amount should not exist',
      ],
    ])('refuses %s, naming the field, and posts nothing', async (_, lines, code, message) => {
      const h = await freshHospital();
      const res = await post(officer(), uniq(16), 'Bad journal', lines(h)).expect(400);
      expect(res.body.code).toBe(code);
      expect(res.body.message).toContain(message);
      expect((await account(h.prepayment.id).expect(200)).body).toMatchObject({
        debitTotal: '0.00',
        creditTotal: '0.00',
        entries: { total: 0 },
      });
    });

    it('post() in another service’s transaction: replays by key, refuses bad kinds and ids', async () => {
      const h = await freshHospital();
      const lines = [
        { accountId: h.prepayment.id, debit: '42.00' },
        { accountId: h.settlement.id, credit: '42.00' },
      ];
      const key = `payment:${uniq(16)}`;
      const first = await postJournal(t, {
        kind: 'payment',
        memo: 'Pay',
        idempotencyKey: key,
        lines,
      });
      const retry = await postJournal(t, {
        kind: 'payment',
        memo: 'Pay',
        idempotencyKey: key,
        lines,
      });
      expect(first.replayed).toBe(false);
      expect(retry).toMatchObject({ id: first.id, code: first.code, replayed: true });
      expect(retry.total.toFixed(2)).toBe('42.00');
      await expect(
        postJournal(t, {
          kind: 'payment',
          memo: 'Pay',
          idempotencyKey: key,
          lines: [...lines].reverse(),
        }),
      ).rejects.toMatchObject({ code: 'SETTLEMENT.IDEMPOTENCY_KEY_REUSED' });
      await expect(
        postJournal(t, { kind: 'reversal' as 'payment', memo: 'Undo', lines }),
      ).rejects.toMatchObject({ code: 'SETTLEMENT.JOURNAL_KIND_INVALID' });
      await expect(
        postJournal(t, {
          kind: 'payment',
          memo: 'Pay',
          lines: [
            { accountId: '999999999', debit: '1.00' },
            { accountId: h.settlement.id, credit: '1.00' },
          ],
        }),
      ).rejects.toMatchObject({
        code: 'SETTLEMENT.JOURNAL_ACCOUNT_UNKNOWN',
        message: 'lines[0].accountId: no account 999999999',
      });
      expect((await account(h.prepayment.id).expect(200)).body.debitTotal).toBe('42.00');
    });

    it('refuses an empty memo', async () => {
      const h = await freshHospital();
      const res = await post(officer(), uniq(16), '  ', transfer(h.prepayment, h.settlement, '1'));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        code: 'SETTLEMENT.JOURNAL_MEMO_INVALID',
        message: 'memo: a journal needs a memo of 1 to 500 characters',
      });
    });
  });

  describe('reversal', () => {
    it('reverses a journal exactly once and brings the balances back', async () => {
      const h = await freshHospital();
      const original = (
        await post(
          officer(),
          uniq(16),
          'Wrong hospital',
          transfer(h.prepayment, h.settlement, '88.80'),
        ).expect(201)
      ).body;
      const reverse = (id: string, memo = 'Booked on the wrong hospital') =>
        t.http().post(`${API}/journals/${id}/reverse`).set(bearer(officer())).send({ memo });

      const reversal = (await reverse(original.id).expect(201)).body;
      expect(reversal).toMatchObject({
        kind: 'reversal',
        memo: 'Booked on the wrong hospital',
        reversesJournalId: original.id,
        total: '88.80',
        lines: [
          { accountId: h.prepayment.id, debit: '0.00', credit: '88.80' },
          { accountId: h.settlement.id, debit: '88.80', credit: '0.00' },
        ],
      });
      expect(reversal.code).not.toBe(original.code);
      expect((await journal(original.id).expect(200)).body.reversedByJournalId).toBe(reversal.id);
      for (const a of [h.prepayment, h.settlement])
        expect((await account(a.id).expect(200)).body).toMatchObject({
          debitTotal: '88.80',
          creditTotal: '88.80',
          balance: '0.00',
          entries: { total: 2 },
        });

      const twice = await reverse(original.id).expect(409);
      expect(twice.body).toMatchObject({
        code: 'SETTLEMENT.JOURNAL_ALREADY_REVERSED',
        details: { reversalId: reversal.id },
      });
      expect((await reverse(reversal.id).expect(409)).body.code).toBe(
        'SETTLEMENT.JOURNAL_IS_REVERSAL',
      );
      expect((await reverse('999999999').expect(404)).body.code).toBe(
        'SETTLEMENT.JOURNAL_NOT_FOUND',
      );
      expect((await reverse(original.id, '').expect(400)).body.code).toBe(
        'SETTLEMENT.JOURNAL_MEMO_INVALID',
      );
      const audit = await t
        .http()
        .get(`/api/v1/audit/events?entityType=journal&entityId=${reversal.id}`)
        .set(bearer(t.adminToken))
        .expect(200);
      expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual([
        'journal.reversal_posted',
      ]);
    });
  });

  describe('journals list', () => {
    it('filters by kind, account and posting time', async () => {
      const h = await freshHospital();
      const before = new Date(Date.now() - 1000).toISOString();
      const first = await postJournal(t, {
        kind: 'prepayment',
        memo: 'Annual prepayment',
        lines: [
          { accountId: h.prepayment.id, debit: '500.00' },
          { accountId: home.fund.id, credit: '500.00' },
        ],
      });
      const adjustment = (
        await post(officer(), uniq(16), 'Fix', transfer(h.prepayment, h.settlement, '20')).expect(
          201,
        )
      ).body;
      const list = (query: string) =>
        t
          .http()
          .get(`${API}/journals?accountId=${h.prepayment.id}&${query}`)
          .set(bearer(officer()));
      const ids = (res: { body: { items: Array<{ id: string }> } }) =>
        res.body.items.map((j) => j.id);

      expect(ids(await list('').expect(200))).toEqual([first.id, adjustment.id]);
      expect(ids(await list('order=desc').expect(200))).toEqual([adjustment.id, first.id]);
      expect(ids(await list('kind=prepayment').expect(200))).toEqual([first.id]);
      expect(ids(await list(`from=${before}`).expect(200))).toEqual([first.id, adjustment.id]);
      expect(ids(await list(`to=${before}`).expect(200))).toEqual([]);
      expect((await list('kind=bonus').expect(400)).body.code).toBe('COMMON.VALIDATION_FAILED');
      expect(
        (await list(`from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`).expect(400)).body.code,
      ).toBe('SETTLEMENT.LEDGER_QUERY_INVALID');
      // A system posting has no user behind it.
      expect((await journal(first.id).expect(200)).body).toMatchObject({
        kind: 'prepayment',
        postedBy: null,
      });
    });
  });

  describe('account()', () => {
    it('opens an account once, also when two transactions race for it', async () => {
      const org = await makeOrganisation(t, 'distributor');
      const ledger = t.app.get(LedgerService);
      const tx = t.app.get(TransactionRunner);
      const [a, b] = await Promise.all([
        tx.run((m) => ledger.account(m, { type: 'supplier_payable', ownerId: org.id })),
        tx.run((m) => ledger.account(m, { type: 'supplier_payable', ownerId: org.id })),
      ]);
      expect(b.id).toBe(a.id);
      expect(a).toMatchObject({ code: `SUPP:${org.id}:PAYABLE`, normalSide: 'credit' });
      expect(
        await t.dataSource.getRepository(LedgerAccount).countBy({ code: `SUPP:${org.id}:PAYABLE` }),
      ).toBe(1);
      expect((await account(a.id).expect(200)).body).toMatchObject({
        name: `${org.name} 应付货款`,
        balance: '0.00',
      });
    });

    it.each<[string, () => Promise<unknown>, string]>([
      [
        'a hospital account for a supplier',
        async () => openAccount(t, { type: 'hospital_settlement', ownerId: home.supplier.org.id }),
        'SETTLEMENT.ACCOUNT_OWNER_INVALID',
      ],
      [
        'a supplier account for a hospital',
        async () => openAccount(t, { type: 'supplier_payable', ownerId: home.hospital.org.id }),
        'SETTLEMENT.ACCOUNT_OWNER_INVALID',
      ],
      [
        'a fund of a region that does not exist',
        async () => openAccount(t, { type: 'fund', regionCode: '000000' }),
        'SETTLEMENT.ACCOUNT_OWNER_INVALID',
      ],
      [
        'a fund without region',
        async () => openAccount(t, { type: 'fund' }),
        'SETTLEMENT.ACCOUNT_SPEC_INVALID',
      ],
    ])('refuses %s', async (_, open, code) => {
      await expect(open()).rejects.toMatchObject({ code });
    });
  });

  describe('ledger check', () => {
    it('passes, then names a corrupted balance and an unbalanced journal', async () => {
      const h = await freshHospital();
      const posted = (
        await post(
          officer(),
          uniq(16),
          'To corrupt',
          transfer(h.prepayment, h.settlement, '100.00'),
        ).expect(201)
      ).body;
      const ok = (await check()).body;
      expect(ok).toMatchObject({ ok: true, unbalancedJournals: [], mismatchedBalances: [] });
      expect(ok.journals).toBeGreaterThan(0);
      expect(ok.accounts).toBeGreaterThan(0);

      const run = (sql: string, params: unknown[]) => t.dataSource.query(sql, params);
      await run('UPDATE ledger_balances SET debit_total = ? WHERE account_id = ?', [
        '100.01',
        h.prepayment.id,
      ]);
      try {
        const broken = (await check()).body;
        expect(broken.ok).toBe(false);
        expect(broken.mismatchedBalances).toContainEqual({
          accountId: h.prepayment.id,
          code: h.prepayment.code,
          cachedDebit: '100.01',
          cachedCredit: '0.00',
          entriesDebit: '100.00',
          entriesCredit: '0.00',
        });
        expect(broken.unbalancedJournals).toEqual([]);
      } finally {
        await run('UPDATE ledger_balances SET debit_total = ? WHERE account_id = ?', [
          '100.00',
          h.prepayment.id,
        ]);
      }

      await run('UPDATE ledger_journal_lines SET credit = ? WHERE journal_id = ? AND line_no = 2', [
        '90.00',
        posted.id,
      ]);
      try {
        const broken = (await check()).body;
        expect(broken.ok).toBe(false);
        expect(broken.unbalancedJournals).toContainEqual({
          id: posted.id,
          code: posted.code,
          lines: 2,
          badLines: 0,
          debit: '100.00',
          credit: '90.00',
        });
        expect(broken.mismatchedBalances).toContainEqual(
          expect.objectContaining({
            accountId: h.settlement.id,
            cachedCredit: '100.00',
            entriesCredit: '90.00',
          }),
        );
      } finally {
        await run(
          'UPDATE ledger_journal_lines SET credit = ? WHERE journal_id = ? AND line_no = 2',
          ['100.00', posted.id],
        );
      }
      expect((await check()).body.ok).toBe(true);
    });
  });

  describe('who may do what', () => {
    type Who =
      | 'platform admin'
      | 'fund officer'
      | 'auditor'
      | 'regional admin'
      | 'procurement officer'
      | 'other region officer'
      | 'hospital'
      | 'supplier';
    const token = (who: Who): string =>
      ({
        'platform admin': t.adminToken,
        'fund officer': home.fundOfficer.token,
        auditor: home.auditor.token,
        'regional admin': home.admin.token,
        'procurement officer': home.procurementOfficer.token,
        'other region officer': outside.fundOfficer.token,
        hospital: home.hospital.user.token,
        supplier: home.supplier.user.token,
      })[who];

    type Resource =
      'home fund' | 'home hospital' | 'supplier' | 'other fund' | 'other hospital' | 'clearing';
    let clearing: LedgerAccount;
    const accountOf = (r: Resource): LedgerAccount =>
      ({
        'home fund': home.fund,
        'home hospital': home.hospital.settlement,
        supplier: home.supplier.payable,
        'other fund': outside.fund,
        'other hospital': outside.hospital.settlement,
        clearing,
      })[r];
    type JournalName = 'home' | 'home and supplier' | 'other region' | 'across regions';
    const journals = new Map<JournalName, string>();

    beforeAll(async () => {
      clearing = await openAccount(t, { type: 'clearing' });
      const system = async (name: JournalName, debit: LedgerAccount, credit: LedgerAccount) =>
        journals.set(
          name,
          (
            await postJournal(t, {
              kind: 'payment',
              memo: name,
              lines: [
                { accountId: debit.id, debit: '1.00' },
                { accountId: credit.id, credit: '1.00' },
              ],
            })
          ).id,
        );
      await system('home', home.hospital.prepayment, home.hospital.settlement);
      await system('home and supplier', home.fund, home.supplier.payable);
      await system('other region', outside.hospital.prepayment, outside.hospital.settlement);
      await system('across regions', home.fund, outside.hospital.settlement);
    });

    const REGIONAL: Record<Resource, number> = {
      'home fund': 200,
      'home hospital': 200,
      supplier: 200,
      'other fund': 404,
      'other hospital': 404,
      clearing: 404,
    };
    const NONE: Record<Resource, number> = {
      'home fund': 404,
      'home hospital': 404,
      supplier: 404,
      'other fund': 404,
      'other hospital': 404,
      clearing: 404,
    };
    const accountAccess: Record<Who, Record<Resource, number>> = {
      'platform admin': { ...REGIONAL, 'other fund': 200, 'other hospital': 200, clearing: 200 },
      'fund officer': REGIONAL,
      auditor: REGIONAL,
      'regional admin': REGIONAL,
      'procurement officer': {
        'home fund': 403,
        'home hospital': 403,
        supplier: 403,
        'other fund': 403,
        'other hospital': 403,
        clearing: 403,
      },
      // Suppliers are market participants every authority deals with (identity scope rules).
      'other region officer': { ...NONE, supplier: 200, 'other fund': 200, 'other hospital': 200 },
      hospital: { ...NONE, 'home hospital': 200 },
      supplier: { ...NONE, supplier: 200 },
    };
    const RESOURCES = Object.keys(NONE) as Resource[];
    const WHO = Object.keys(accountAccess) as Who[];

    it.each(WHO.flatMap((who) => RESOURCES.map((r) => [who, r, accountAccess[who][r]] as const)))(
      'GET an account: %s → %s is %s',
      async (who, resource, status) => {
        const res = await account(accountOf(resource).id, token(who));
        expect(res.status).toBe(status);
        if (status === 200) expect(res.body.code).toBe(accountOf(resource).code);
        if (status === 404) expect(res.body.code).toBe('SETTLEMENT.ACCOUNT_NOT_FOUND');
      },
    );

    // Filtered down to the one account, so other test files' accounts on a shared MySQL
    // database never push it off the page.
    const filterFor = (r: Resource): string => {
      const a = accountOf(r);
      return a.type === 'fund'
        ? `type=fund&regionCode=${a.regionCode}`
        : a.type === 'clearing'
          ? 'type=clearing'
          : `type=${a.type}&ownerId=${a.ownerId}`;
    };
    it.each(WHO.flatMap((who) => RESOURCES.map((r) => [who, r, accountAccess[who][r]] as const)))(
      'GET accounts: %s → %s listed when it may be opened (%s)',
      async (who, resource, status) => {
        const res = await t
          .http()
          .get(`${API}/accounts?${filterFor(resource)}`)
          .set(bearer(token(who)));
        expect(res.status).toBe(status === 403 ? 403 : 200);
        if (status === 403) return;
        const ids = res.body.items.map((a: { id: string }) => a.id);
        expect(ids).toEqual(status === 200 ? [accountOf(resource).id] : []);
        if (status === 200) expect(res.body.items[0].balance).toMatch(/^-?\d+\.\d{2}$/);
      },
    );

    it.each<[Who, string]>([
      ['hospital', 'hospital'],
      ['supplier', 'supplier'],
    ])('a %s user lists only its own organisation’s accounts', async (who) => {
      const res = await t
        .http()
        .get(`${API}/accounts?pageSize=200`)
        .set(bearer(token(who)))
        .expect(200);
      const own = who === 'hospital' ? home.hospital.org.id : home.supplier.org.id;
      expect(res.body.items.length).toBeGreaterThan(0);
      for (const a of res.body.items as Array<{ ownerId: string }>) expect(a.ownerId).toBe(own);
    });

    const JOURNALS: JournalName[] = ['home', 'home and supplier', 'other region', 'across regions'];
    const HOME_ONLY: Record<JournalName, number> = {
      home: 200,
      'home and supplier': 200,
      'other region': 404,
      'across regions': 404,
    };
    const FORBIDDEN: Record<JournalName, number> = {
      home: 403,
      'home and supplier': 403,
      'other region': 403,
      'across regions': 403,
    };
    // A journal is visible only when every line is: no reader learns of an account outside it.
    const journalAccess: Record<Who, Record<JournalName, number>> = {
      'platform admin': {
        home: 200,
        'home and supplier': 200,
        'other region': 200,
        'across regions': 200,
      },
      'fund officer': HOME_ONLY,
      auditor: HOME_ONLY,
      'regional admin': HOME_ONLY,
      'procurement officer': FORBIDDEN,
      'other region officer': {
        home: 404,
        'home and supplier': 404,
        'other region': 200,
        'across regions': 404,
      },
      hospital: FORBIDDEN,
      supplier: FORBIDDEN,
    };

    it.each(WHO.flatMap((who) => JOURNALS.map((j) => [who, j, journalAccess[who][j]] as const)))(
      'GET a journal: %s → %s is %s',
      async (who, name, status) => {
        const res = await journal(journals.get(name)!, token(who));
        expect(res.status).toBe(status);
        if (status === 404) expect(res.body.code).toBe('SETTLEMENT.JOURNAL_NOT_FOUND');
      },
    );

    /** An account each journal is on that few other journals touch, to filter the list by. */
    const onAccount = (name: JournalName): LedgerAccount =>
      ({
        home: home.hospital.prepayment,
        'home and supplier': home.supplier.payable,
        'other region': outside.hospital.prepayment,
        'across regions': outside.hospital.settlement,
      })[name];
    it.each(WHO.flatMap((who) => JOURNALS.map((j) => [who, j, journalAccess[who][j]] as const)))(
      'GET journals: %s → %s listed when it may be opened (%s)',
      async (who, name, status) => {
        const res = await t
          .http()
          .get(`${API}/journals?accountId=${onAccount(name).id}&pageSize=200`)
          .set(bearer(token(who)));
        expect(res.status).toBe(status === 403 ? 403 : 200);
        if (status === 403) return;
        const ids = res.body.items.map((j: { id: string }) => j.id);
        if (status === 200) expect(ids).toContain(journals.get(name));
        else expect(ids).not.toContain(journals.get(name));
      },
    );

    it.each<[Who, number]>([
      ['platform admin', 403],
      ['auditor', 403],
      ['regional admin', 403],
      ['procurement officer', 403],
      ['hospital', 403],
      ['supplier', 403],
    ])('POST a journal or a reversal as %s is %s', async (who, status) => {
      const lines = transfer(home.hospital.prepayment, home.hospital.settlement, '1.00');
      expect((await post(token(who), uniq(16), 'Not yours', lines)).status).toBe(status);
      const reversed = await t
        .http()
        .post(`${API}/journals/${journals.get('home')}/reverse`)
        .set(bearer(token(who)))
        .send({ memo: 'Not yours' });
      expect(reversed.status).toBe(status);
    });

    it('a fund officer cannot reverse a journal outside its region', async () => {
      const res = await t
        .http()
        .post(`${API}/journals/${journals.get('other region')}/reverse`)
        .set(bearer(home.fundOfficer.token))
        .send({ memo: 'Not ours' })
        .expect(404);
      expect(res.body.code).toBe('SETTLEMENT.JOURNAL_NOT_FOUND');
      expect(
        (await journal(journals.get('other region')!).expect(200)).body.reversedByJournalId,
      ).toBeNull();
    });

    it.each<[Who, number]>([
      ['platform admin', 200],
      ['fund officer', 200],
      ['auditor', 200],
      ['procurement officer', 403],
      ['hospital', 403],
      ['supplier', 403],
    ])('GET the ledger check as %s is %s', async (who, status) => {
      expect(
        (
          await t
            .http()
            .get(`${API}/ledger/check`)
            .set(bearer(token(who)))
        ).status,
      ).toBe(status);
    });
  });
});
