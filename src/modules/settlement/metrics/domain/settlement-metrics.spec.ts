import {
  chinaDayStart,
  daysBetween,
  deadlineWindows,
  emptyTotals,
  groupMetrics,
  periodWindows,
  daysToPayment,
  GroupMetrics,
  MetricLine,
  PaymentClock,
  paymentClock,
  paymentDueDate,
  settle,
  Settlement,
  settlementMetrics,
} from './settlement-metrics';

const at = (iso: string) => new Date(iso);

describe('settling a statement (§S3.4)', () => {
  it.each<[string, [string, string, string], Settlement]>([
    // Owed 1,000.00 − 100.00 = 900.00, the balance of 5,000.00 covers it.
    [
      'a covered statement',
      ['1000.00', '100.00', '5000.00'],
      {
        supplierPaid: '1000.00',
        prepaymentOffset: '100.00',
        hospitalDeducted: '900.00',
        receivable: '0.00',
      },
    ],
    // Owed 900.00, the balance covers 500.00: 400.00 becomes a receivable.
    [
      'a shortfall becomes a receivable',
      ['1000.00', '100.00', '500.00'],
      {
        supplierPaid: '1000.00',
        prepaymentOffset: '100.00',
        hospitalDeducted: '500.00',
        receivable: '400.00',
      },
    ],
    [
      'a balance exactly covering it',
      ['1000.00', '0.00', '1000.00'],
      {
        supplierPaid: '1000.00',
        prepaymentOffset: '0.00',
        hospitalDeducted: '1000.00',
        receivable: '0.00',
      },
    ],
    // A balance one cent short: 999.99 deducted, 0.01 receivable.
    [
      'a balance a cent short',
      ['1000.00', '0.00', '999.99'],
      {
        supplierPaid: '1000.00',
        prepaymentOffset: '0.00',
        hospitalDeducted: '999.99',
        receivable: '0.01',
      },
    ],
    // A negative balance covers nothing.
    [
      'an overdrawn account',
      ['1000.00', '0.00', '-200.00'],
      {
        supplierPaid: '1000.00',
        prepaymentOffset: '0.00',
        hospitalDeducted: '0.00',
        receivable: '1000.00',
      },
    ],
    [
      'a statement wholly offset by the prepayment',
      ['1000.00', '1000.00', '0.00'],
      {
        supplierPaid: '1000.00',
        prepaymentOffset: '1000.00',
        hospitalDeducted: '0.00',
        receivable: '0.00',
      },
    ],
    [
      'an empty statement',
      ['0.00', '0.00', '10.00'],
      {
        supplierPaid: '0.00',
        prepaymentOffset: '0.00',
        hospitalDeducted: '0.00',
        receivable: '0.00',
      },
    ],
    [
      'amounts without decimals',
      ['12', '2', '4'],
      {
        supplierPaid: '12.00',
        prepaymentOffset: '2.00',
        hospitalDeducted: '4.00',
        receivable: '6.00',
      },
    ],
  ])('%s', (_, [amount, offset, balance], expected) => {
    expect(settle(amount, offset, balance)).toEqual(expected);
  });

  it.each<[string, [string, string, string], RegExp]>([
    ['an offset above the amount', ['100.00', '100.01', '0'], /prepaymentOffset: 100\.01 exceeds/],
    ['a negative amount', ['-1.00', '0', '0'], /statementAmount/],
    ['a negative offset', ['1.00', '-1', '0'], /prepaymentOffset/],
    ['an amount with 3 decimals', ['1.001', '0', '0'], /statementAmount/],
    ['a balance that is not a number', ['1.00', '0', 'x'], /hospitalSettlementBalance/],
  ])('refuses %s', (_, [amount, offset, balance], message) => {
    expect(() => settle(amount, offset, balance)).toThrow(message);
  });
});

describe('payment deadlines (§S4)', () => {
  it.each<[string, string, number, string]>([
    // 10:00 in Beijing on 3 March + 30 days = 2 April.
    ['2026-03-03T02:00:00Z', '2026-04-02', 30, 'a morning acceptance'],
    // 16:00Z is midnight in Beijing: already 3 March there.
    ['2026-03-02T16:00:00Z', '2026-04-02', 30, 'midnight in Beijing'],
    // 15:59:59Z is still 2 March in Beijing.
    ['2026-03-02T15:59:59Z', '2026-04-01', 30, 'a second before midnight in Beijing'],
    // 2028 is a leap year: 15 February + 15 days = 1 March.
    ['2028-02-15T02:00:00Z', '2028-03-01', 15, 'a configured 15 days across a leap day'],
  ])('accepted %s is due %s with %i days (%s)', (acceptedAt, due, days) => {
    expect(paymentDueDate(at(acceptedAt), days)).toBe(due);
  });

  it.each<[string, string, number]>([
    ['2026-03-03', '2026-04-02', 30],
    ['2026-04-02', '2026-03-03', -30],
    ['2026-12-31', '2027-01-01', 1],
    ['2028-02-28', '2028-03-01', 2],
  ])('%s to %s is %i days', (from, to, days) => {
    expect(daysBetween(from, to)).toBe(days);
  });

  it('counts days to payment on Beijing dates', () => {
    // Accepted 23:00 on 3 March, paid 01:00 on 4 March (Beijing): one calendar day.
    expect(daysToPayment(at('2026-03-03T15:00:00Z'), at('2026-03-03T17:00:00Z'))).toBe(1);
    expect(daysToPayment(at('2026-03-03T02:00:00Z'), at('2026-03-03T09:00:00Z'))).toBe(0);
    expect(() => daysToPayment(at('2026-03-03T02:00:00Z'), at('2026-03-03T01:00:00Z'))).toThrow(
      /cannot be paid before it is accepted/,
    );
  });

  // Accepted 3 March (Beijing), due 2 April.
  const acceptedAt = at('2026-03-03T02:00:00Z');
  it.each<[string, string | null, string, PaymentClock]>([
    [
      'paid on the 30th day',
      '2026-04-02T15:59:59Z',
      '2026-05-01T00:00:00Z',
      {
        dueDate: '2026-04-02',
        state: 'paid_on_time',
        daysToPayment: 30,
        daysLeft: null,
        daysOverdue: 0,
      },
    ],
    [
      'paid on the 31st day',
      '2026-04-02T16:00:00Z',
      '2026-05-01T00:00:00Z',
      {
        dueDate: '2026-04-02',
        state: 'paid_late',
        daysToPayment: 31,
        daysLeft: null,
        daysOverdue: 1,
      },
    ],
    [
      'paid the day it was accepted',
      '2026-03-03T08:00:00Z',
      '2026-03-04T00:00:00Z',
      {
        dueDate: '2026-04-02',
        state: 'paid_on_time',
        daysToPayment: 0,
        daysLeft: null,
        daysOverdue: 0,
      },
    ],
    // 20 March → 2 April is 13 days: more than 5.
    [
      'unpaid with 13 days left',
      null,
      '2026-03-20T00:00:00Z',
      {
        dueDate: '2026-04-02',
        state: 'pending',
        daysToPayment: null,
        daysLeft: 13,
        daysOverdue: 0,
      },
    ],
    [
      'unpaid with 6 days left',
      null,
      '2026-03-27T04:00:00Z',
      { dueDate: '2026-04-02', state: 'pending', daysToPayment: null, daysLeft: 6, daysOverdue: 0 },
    ],
    [
      'unpaid with 5 days left',
      null,
      '2026-03-28T04:00:00Z',
      {
        dueDate: '2026-04-02',
        state: 'due_soon',
        daysToPayment: null,
        daysLeft: 5,
        daysOverdue: 0,
      },
    ],
    // 18:00 in Beijing on the due date: still payable today.
    [
      'unpaid on the due date',
      null,
      '2026-04-02T10:00:00Z',
      {
        dueDate: '2026-04-02',
        state: 'due_soon',
        daysToPayment: null,
        daysLeft: 0,
        daysOverdue: 0,
      },
    ],
    // Midnight in Beijing after the due date.
    [
      'unpaid the day after',
      null,
      '2026-04-02T16:00:00Z',
      {
        dueDate: '2026-04-02',
        state: 'overdue',
        daysToPayment: null,
        daysLeft: null,
        daysOverdue: 1,
      },
    ],
    // As of 5 April the payment of 10 April has not happened: 3 days overdue.
    [
      'paid after now counts as unpaid',
      '2026-04-10T02:00:00Z',
      '2026-04-05T02:00:00Z',
      {
        dueDate: '2026-04-02',
        state: 'overdue',
        daysToPayment: null,
        daysLeft: null,
        daysOverdue: 3,
      },
    ],
  ])('%s', (_, paidAt, now, expected) => {
    expect(
      paymentClock({ acceptedAt, paidAt: paidAt === null ? null : at(paidAt) }, at(now)),
    ).toEqual(expected);
  });

  it('follows configured deadlines', () => {
    // 15 days: due 18 March; on 10 March 8 days are left, within a due-soon window of 10.
    expect(
      paymentClock({ acceptedAt, paidAt: null }, at('2026-03-10T02:00:00Z'), {
        paymentDays: 15,
        dueSoonDays: 10,
      }),
    ).toEqual({
      dueDate: '2026-03-18',
      state: 'due_soon',
      daysToPayment: null,
      daysLeft: 8,
      daysOverdue: 0,
    });
  });

  it.each<[string, () => unknown, RegExp]>([
    ['negative payment days', () => paymentDueDate(acceptedAt, -1), /paymentDays/],
    [
      'fractional due-soon days',
      () =>
        paymentClock({ acceptedAt, paidAt: null }, acceptedAt, {
          paymentDays: 30,
          dueSoonDays: 1.5,
        }),
      /dueSoonDays/,
    ],
    ['an invalid instant', () => paymentDueDate(new Date('x')), /acceptedAt/],
    ['a malformed date', () => daysBetween('2026-3-1', '2026-03-02'), /YYYY-MM-DD/],
  ])('refuses %s', (_, call, message) => {
    expect(call).toThrow(message);
  });
});

describe('settlement metrics (§S4)', () => {
  // As of 1 May 2026, noon in Beijing.
  const now = at('2026-05-01T04:00:00Z');
  const line = (
    group: MetricLine['group'],
    amount: string,
    acceptedAt: string,
    paidAt: string | null,
    disputed = false,
  ): MetricLine => ({
    group,
    amount,
    acceptedAt: at(acceptedAt),
    paidAt: paidAt === null ? null : at(paidAt),
    disputed,
  });

  const lines: MetricLine[] = [
    // Due 2 April, paid 23 March after 20 days: on time.
    line('drug', '1000.00', '2026-03-03T02:00:00Z', '2026-03-23T02:00:00Z'),
    // Due 9 April, paid 14 April after 35 days: late.
    line('drug', '500.00', '2026-03-10T02:00:00Z', '2026-04-14T02:00:00Z'),
    // Due 14 April, unpaid on 1 May: overdue.
    line('drug', '250.00', '2026-03-15T02:00:00Z', null),
    // Due 20 May, unpaid and disputed: not yet judged.
    line('drug', '250.00', '2026-04-20T02:00:00Z', null, true),
    // Due 1 May, paid 8 April after 7 days: on time.
    line('consumable', '333.33', '2026-04-01T02:00:00Z', '2026-04-08T02:00:00Z'),
    // Due 1 May (today) and paid on 2 May, after `now`: still inside its 30 days.
    line('consumable', '666.67', '2026-04-01T02:00:00Z', '2026-05-02T02:00:00Z'),
  ];

  it('reports drugs and consumables separately', () => {
    expect(settlementMetrics(lines, now)).toEqual<GroupMetrics[]>([
      {
        group: 'drug',
        lines: 4,
        acceptedAmount: '2000.00',
        // 1,000.00 + 500.00 paid; 1,500.00 ÷ 2,000.00 = 0.75.
        settledAmount: '1500.00',
        settlementRate: '0.7500',
        // Judged: 1,000.00 + 500.00 paid + 250.00 overdue = 1,750.00; on time 1,000.00;
        // 1,000 ÷ 1,750 = 0.571428… → 0.5714.
        dueAmount: '1750.00',
        onTimeAmount: '1000.00',
        onTimeRate: '0.5714',
        paidLines: 2,
        // (20 + 35) ÷ 2 = 27.5.
        averageDaysToPayment: '27.50',
        overdueLines: 1,
        overdueAmount: '250.00',
        disputedAmount: '250.00',
      },
      {
        group: 'consumable',
        lines: 2,
        acceptedAmount: '1000.00',
        // 333.33 ÷ 1,000.00 = 0.33333 → 0.3333.
        settledAmount: '333.33',
        settlementRate: '0.3333',
        dueAmount: '333.33',
        onTimeAmount: '333.33',
        onTimeRate: '1.0000',
        paidLines: 1,
        averageDaysToPayment: '7.00',
        overdueLines: 0,
        overdueAmount: '0.00',
        disputedAmount: '0.00',
      },
    ]);
  });

  it('has no rates for a group with nothing accepted or judged', () => {
    const [, consumables] = settlementMetrics(
      [line('drug', '10.00', '2026-04-30T02:00:00Z', null)],
      now,
    );
    expect(consumables).toEqual({
      group: 'consumable',
      lines: 0,
      acceptedAmount: '0.00',
      settledAmount: '0.00',
      settlementRate: null,
      dueAmount: '0.00',
      onTimeAmount: '0.00',
      onTimeRate: null,
      paidLines: 0,
      averageDaysToPayment: null,
      overdueLines: 0,
      overdueAmount: '0.00',
      disputedAmount: '0.00',
    });
    // The drug line is inside its 30 days: accepted but not judged.
    expect(
      settlementMetrics([line('drug', '10.00', '2026-04-30T02:00:00Z', null)], now)[0],
    ).toMatchObject({
      settlementRate: '0.0000',
      onTimeRate: null,
    });
  });

  it('rounds the average days half up', () => {
    // (1 + 2 + 2) ÷ 3 = 1.666… → 1.67.
    const result = settlementMetrics(
      [
        line('drug', '1.00', '2026-04-01T02:00:00Z', '2026-04-02T02:00:00Z'),
        line('drug', '1.00', '2026-04-01T02:00:00Z', '2026-04-03T02:00:00Z'),
        line('drug', '1.00', '2026-04-01T02:00:00Z', '2026-04-03T02:00:00Z'),
      ],
      now,
    );
    expect(result[0].averageDaysToPayment).toBe('1.67');
  });

  it.each<[string, MetricLine, RegExp]>([
    [
      'an unknown group',
      { ...line('drug', '1.00', '2026-04-01T02:00:00Z', null), group: 'device' as never },
      /lines\[0\]\.group/,
    ],
    [
      'a negative amount',
      line('drug', '-1.00', '2026-04-01T02:00:00Z', null),
      /lines\[0\]\.amount/,
    ],
  ])('refuses %s', (_, bad, message) => {
    expect(() => settlementMetrics([bad], now)).toThrow(message);
  });
});

describe('deadline windows agree with the payment clock (§S4)', () => {
  const now = at('2027-08-10T03:00:00Z'); // 11:00 on 10 August, China time
  const windows = deadlineWindows(now);

  it('puts the boundaries at China midnights', () => {
    expect(windows).toEqual({
      today: '2027-08-10',
      // 10 August − 30 days = 11 July: accepted before it, due before today.
      overdueBefore: at('2027-07-10T16:00:00Z'),
      // 10 August − 30 + 5 + 1 = 17 July.
      dueSoonBefore: at('2027-07-16T16:00:00Z'),
    });
  });

  it.each<[string, PaymentClock['state']]>([
    ['2027-07-10T15:59:59Z', 'overdue'],
    ['2027-07-10T16:00:00Z', 'due_soon'],
    ['2027-07-16T15:59:59Z', 'due_soon'],
    ['2027-07-16T16:00:00Z', 'pending'],
  ])('a line accepted at %s is %s either way', (accepted, state) => {
    const acceptedAt = at(accepted);
    expect(paymentClock({ acceptedAt, paidAt: null }, now).state).toBe(state);
    const windowed =
      acceptedAt < windows.overdueBefore
        ? 'overdue'
        : acceptedAt < windows.dueSoonBefore
          ? 'due_soon'
          : 'pending';
    expect(windowed).toBe(state);
  });

  it.each([['2027-13-01'], ['27-01-01'], ['']])('rejects the date %p', (date) => {
    expect(() => chinaDayStart(date)).toThrow('date: must be YYYY-MM-DD');
  });
});

describe('period windows', () => {
  it.each<[string, string, string[]]>([
    ['2027-11', '2028-02', ['2027-11', '2027-12', '2028-01', '2028-02']],
    ['2027-06', '2027-06', ['2027-06']],
    ['2027-07', '2027-06', []],
  ])('%s..%s', (from, to, periods) => {
    expect(periodWindows(from, to).map((w) => w.period)).toEqual(periods);
  });

  it('bounds a month at China midnights', () => {
    expect(periodWindows('2027-12', '2027-12')[0]).toEqual({
      period: '2027-12',
      start: at('2027-11-30T16:00:00Z'),
      end: at('2027-12-31T16:00:00Z'),
    });
  });

  it.each([
    ['2027-13', '2027-12', 'from'],
    ['2027-01', '2027-1', 'to'],
  ])('rejects %s..%s naming %s', (from, to, field) => {
    expect(() => periodWindows(from, to)).toThrow(`${field}: must be a month YYYY-MM`);
  });
});

describe('group metrics from SQL totals', () => {
  it.each<[string, Partial<ReturnType<typeof emptyTotals>>, Partial<GroupMetrics>]>([
    [
      'nothing accepted',
      {},
      { settlementRate: null, onTimeRate: null, averageDaysToPayment: null, dueAmount: '0.00' },
    ],
    [
      // 300 settled of 400 accepted; due = 300 + 50 overdue; on time 200 ÷ 350; (10 + 41) ÷ 2.
      'mixed',
      {
        lines: 4,
        acceptedAmount: '400.00',
        settledAmount: '300.00',
        paidLines: 2,
        daysToPaymentSum: 51,
        onTimeAmount: '200.00',
        overdueAmount: '50.00',
        overdueLines: 1,
        disputedAmount: '50.00',
      },
      {
        settlementRate: '0.7500',
        dueAmount: '350.00',
        onTimeRate: '0.5714',
        averageDaysToPayment: '25.50',
        overdueLines: 1,
        disputedAmount: '50.00',
      },
    ],
  ])('%s', (_, totals, expected) => {
    expect(groupMetrics({ ...emptyTotals('drug'), ...totals })).toMatchObject(expected);
  });

  it('rejects totals where more was settled than accepted', () => {
    expect(() =>
      groupMetrics({ ...emptyTotals('drug'), acceptedAmount: '1.00', settledAmount: '2.00' }),
    ).toThrow('totals: need onTime ≤ settled ≤ accepted');
  });
});
