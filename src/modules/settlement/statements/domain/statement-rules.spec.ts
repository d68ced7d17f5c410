import {
  allows,
  checkPeriod,
  deemable,
  nextReviewLevel,
  periodWindow,
  reconciliationDeadline,
  statementCode,
  StatementAction,
  StatementStatus,
} from './statement-rules';

describe('statement state table', () => {
  it.each<[StatementStatus, StatementAction, boolean]>([
    ['reconciling', 'confirm', true],
    ['reconciling', 'dispute', true],
    ['reconciling', 'deem', true],
    ['reconciling', 'add_lines', true],
    ['reconciling', 'approve', false],
    ['reconciling', 'pay', false],
    ['confirmed', 'approve', true],
    ['confirmed', 'reject', true],
    ['confirmed', 'dispute', false],
    ['confirmed', 'add_lines', false],
    ['approved', 'pay', true],
    ['approved', 'approve', false],
    ['paid', 'pay', false],
    ['paid', 'dispute', false],
  ])('%s allows %s: %s', (status, action, expected) => {
    expect(allows(status, action)).toBe(expected);
  });
});

describe('periods', () => {
  it.each([
    ['2026-03', '2026-02-28T16:00:00.000Z', '2026-03-31T16:00:00.000Z'],
    ['2026-12', '2026-11-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z'],
  ])('%s covers China business dates', (period, start, end) => {
    const w = periodWindow(period);
    expect([w.start.toISOString(), w.end.toISOString()]).toEqual([start, end]);
  });

  it.each(['2026-13', '2026-3', '26-03', '', 202603])('refuses %p', (p) => {
    expect(() => checkPeriod(p)).toThrow(/period: must be a month/);
  });

  it('codes statements', () => {
    expect(statementCode('2026-03', '42')).toBe('JS202603-000042');
  });
});

describe('reconciliationDeadline', () => {
  it.each([
    // generated (UTC instant), working days → deadline (China midnight ending the last day)
    ['2026-04-03T02:00:00Z', 5, '2026-04-10T16:00:00.000Z'], // Fri → next Fri
    ['2026-04-06T02:00:00Z', 5, '2026-04-13T16:00:00.000Z'], // Mon → Tue…Fri, Mon
    ['2026-04-04T02:00:00Z', 1, '2026-04-06T16:00:00.000Z'], // Sat → Mon
    ['2026-04-02T17:00:00Z', 1, '2026-04-06T16:00:00.000Z'], // Fri 01:00 China → Mon
    ['2026-04-01T02:00:00Z', 0, '2026-04-01T16:00:00.000Z'], // same day
  ])('%s + %i working days → %s', (from, days, deadline) => {
    expect(reconciliationDeadline(new Date(from), days).toISOString()).toBe(deadline);
  });

  it('deems only when switched on and past the deadline', () => {
    const deadline = new Date('2026-04-10T16:00:00Z');
    expect(deemable(deadline, new Date('2026-04-10T15:59:59Z'), true)).toBe(false);
    expect(deemable(deadline, new Date('2026-04-10T16:00:00Z'), true)).toBe(true);
    expect(deemable(deadline, new Date('2026-05-01T00:00:00Z'), false)).toBe(false);
  });
});

describe('nextReviewLevel', () => {
  it.each([
    [[], 'a', 1],
    [[{ level: 1, officerId: 'a' }], 'b', 2],
    [
      [
        { level: 1, officerId: 'a' },
        { level: 2, officerId: 'b' },
      ],
      'c',
      3,
    ],
  ])('after %j, %s approves level %i', (approvals, officer, level) => {
    expect(nextReviewLevel(approvals, officer, '7')).toBe(level);
  });

  it.each([
    [[{ level: 1, officerId: 'a' }], 'a', 'REVIEWER_ALREADY_APPROVED'],
    [
      [
        { level: 1, officerId: 'a' },
        { level: 2, officerId: 'b' },
      ],
      'a',
      'REVIEWER_ALREADY_APPROVED',
    ],
    [
      [
        { level: 1, officerId: 'a' },
        { level: 2, officerId: 'b' },
        { level: 3, officerId: 'c' },
      ],
      'd',
      'STATEMENT_STATE_CONFLICT',
    ],
  ])('after %j, %s is refused with %s', (approvals, officer, code) => {
    expect(() => nextReviewLevel(approvals, officer, '7')).toThrow(
      expect.objectContaining({ code: `SETTLEMENT.${code}` }),
    );
  });
});
