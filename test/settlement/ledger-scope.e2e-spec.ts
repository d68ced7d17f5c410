import { makeLedgerCast, LedgerCast, openAccount, postJournal } from '../factories/settlement';
import { bearer, startApp, TestApp, uniq } from '../setup/test-app';

/**
 * A supplier's payable is one account across the platform. Two cities pay the same supplier; each
 * city's fund officer sees only its own city's entries on that account, and their balance.
 */
describe('ledger scope on a shared supplier payable', () => {
  let t: TestApp;
  let a: LedgerCast;
  let b: LedgerCast;

  beforeAll(async () => {
    t = await startApp();
    a = await makeLedgerCast(t);
    b = await makeLedgerCast(t);
  });
  afterAll(() => t.close());

  it('shows each city its own entries and balance, and the supplier all of them', async () => {
    const payable = a.supplier.payable;
    const owe = (fundId: string, amount: string) =>
      postJournal(t, {
        kind: 'adjustment',
        memo: `采购款 ${uniq(4)}`,
        lines: [
          { accountId: fundId, debit: amount },
          { accountId: payable.id, credit: amount },
        ],
      });
    await owe(a.fund.id, '100.00');
    await owe(b.fund.id, '250.50');
    const read = (token: string) =>
      t.http().get(`/api/v1/settlement/accounts/${payable.id}`).set(bearer(token)).expect(200);
    const cityA = (await read(a.fundOfficer.token)).body;
    expect(cityA).toMatchObject({ balance: '100.00' });
    expect(cityA.entries.items).toHaveLength(1);
    const cityB = (await read(b.fundOfficer.token)).body;
    expect(cityB).toMatchObject({ balance: '250.50' });
    expect(JSON.stringify(cityB)).not.toContain('100.00');
    const own = (await read(a.supplier.user.token)).body;
    expect(own).toMatchObject({ balance: '350.50' });
    expect(own.entries.items).toHaveLength(2);
    // The platform admin sees everything.
    const all = (await read(t.adminToken)).body;
    expect(all.balance).toBe('350.50');
    expect(
      await openAccount(t, { type: 'supplier_payable', ownerId: a.supplier.org.id }),
    ).toMatchObject({
      id: payable.id,
    });
  });
});
