import { chooseBackup, packsInRepresentativeUnits, remainingAgreed } from './backup-activation';

const rows = [
  { bidId: 'b2', duty: 'backup' as const, position: 2 },
  { bidId: 'p', duty: 'primary' as const, position: 0 },
  { bidId: 'b1', duty: 'backup' as const, position: 1 },
  { bidId: 'b3', duty: 'backup' as const, position: 3 },
];

describe('§K5 backup activation', () => {
  it.each([
    // First activation: the first backup in rank order replaces the primary.
    [[], null, { ok: true, currentBidId: 'p', backupBidId: 'b1' }],
    // The officer may choose any backup that has not served.
    [[], 'b3', { ok: true, currentBidId: 'p', backupBidId: 'b3' }],
    // b1 took over and failed too: b2 is next; the primary is never called back.
    [
      [{ failingBidId: 'p', backupBidId: 'b1' }],
      null,
      { ok: true, currentBidId: 'b1', backupBidId: 'b2' },
    ],
    [
      [{ failingBidId: 'p', backupBidId: 'b1' }],
      'p',
      { ok: false, reason: 'not_eligible', currentBidId: 'b1' },
    ],
    [[], 'p', { ok: false, reason: 'not_eligible', currentBidId: 'p' }],
    [[], 'zz', { ok: false, reason: 'not_eligible', currentBidId: 'p' }],
    [
      [
        { failingBidId: 'p', backupBidId: 'b1' },
        { failingBidId: 'b1', backupBidId: 'b2' },
        { failingBidId: 'b2', backupBidId: 'b3' },
      ],
      null,
      { ok: false, reason: 'no_backup', currentBidId: 'b3' },
    ],
  ])('after %j choosing %p → %j', (past, chosen, expected) => {
    expect(chooseBackup(rows, past, chosen)).toEqual(expected);
  });

  it.each([
    // 10 packs of 7 × 20 mg against a 20 mg representative: 70 units.
    ['10', { strength: '20', strengthUnit: 'mg', packSize: 7 }, '70.000'],
    // 40 mg tablets count double against 20 mg.
    ['10', { strength: '40', strengthUnit: 'mg', packSize: 7 }, '140.000'],
    ['3', { strength: '0.01', strengthUnit: 'g', packSize: 28 }, '42.000'],
    ['10', { strength: '5', strengthUnit: 'ml', packSize: 7 }, null],
    ['10', { strength: null, strengthUnit: null, packSize: 7 }, null],
  ])('%s packs of %j are %p representative units', (packs, product, expected) => {
    expect(packsInRepresentativeUnits(packs, product, { strength: '20', strengthUnit: 'mg' })).toBe(
      expected,
    );
  });

  it.each([
    ['3500', '700', '2800.000'],
    ['3500', null, '3500.000'],
    ['3500', '4000', '0.000'],
    ['3500.5', '0.25', '3500.250'],
  ])('agreed %s less purchased %p leaves %s', (agreed, purchased, left) => {
    expect(remainingAgreed(agreed, purchased)).toBe(left);
  });
});
