import { Decimal } from '../../../../database/decimal';
import {
  AgreedLine,
  instalment,
  OffsetSchedule,
  offsetSchedule,
  periodOffset,
  prepayment,
  prepaymentShareProblem,
  splitOffset,
} from './prepayment';

describe('prepayment amount (§S2)', () => {
  // 1,000 × 2.500000 + 2,000 × 1.333333 = 2,500 + 2,666.666 = 5,166.666.
  const lines: AgreedLine[] = [
    { agreedQuantity: '1000', unitPrice: '2.500000' },
    { agreedQuantity: '2000', unitPrice: '1.333333' },
  ];

  it.each<
    [string, AgreedLine[], string | null, string, { annual: string; share: string; amount: string }]
  >([
    // 5,166.666 × 0.3 = 1,549.9998 → 1,550.00.
    [
      'no request: the minimum 30 %',
      lines,
      null,
      '0.3',
      { annual: '5166.67', share: '0.3', amount: '1550.00' },
    ],
    // A request below the minimum is raised to it.
    [
      'a request of 20 % is raised to 30 %',
      lines,
      '0.2',
      '0.3',
      { annual: '5166.67', share: '0.3', amount: '1550.00' },
    ],
    // 5,166.666 × 0.45 = 2,324.9997 → 2,325.00.
    [
      'a request of 45 %',
      lines,
      '0.45',
      '0.3',
      { annual: '5166.67', share: '0.45', amount: '2325.00' },
    ],
    // 5,166.666 → 5,166.67.
    ['the whole year', lines, '1', '0.3', { annual: '5166.67', share: '1', amount: '5166.67' }],
    // 5,166.666 × 0.4 = 2,066.6664 → 2,066.67.
    [
      'a configured minimum of 40 %',
      lines,
      '0.35',
      '0.4',
      { annual: '5166.67', share: '0.4', amount: '2066.67' },
    ],
    // Rounded once: 1.005 × 0.5 = 0.5025 → 0.50; rounding the annual amount first (1.01 × 0.5 =
    // 0.505 → 0.51) would give a cent more.
    [
      'the amount is rounded once, from the unrounded annual amount',
      [{ agreedQuantity: '1', unitPrice: '1.005000' }],
      '0.5',
      '0.3',
      { annual: '1.01', share: '0.5', amount: '0.50' },
    ],
    ['no agreements', [], null, '0.3', { annual: '0.00', share: '0.3', amount: '0.00' }],
  ])('%s', (_, agreed, requested, minimum, expected) => {
    expect(prepayment(agreed, requested, minimum)).toEqual({
      annualAgreedAmount: expected.annual,
      share: expected.share,
      amount: expected.amount,
    });
  });

  it.each(['0.3', '1', '0.000001', '0.123456'])('accepts a share of %s', (share) => {
    expect(prepaymentShareProblem(share)).toBeNull();
  });

  it.each(['0', '1.000001', '1.5', '-0.3', '0.1234567', '30%', ''])(
    'reports a share of %p',
    (share) => {
      expect(prepaymentShareProblem(share)).toEqual({
        field: 'share',
        code: 'PREPAYMENT_SHARE_INVALID',
        message: `share must be a decimal from above 0 to 1 with at most 6 decimals, got ${JSON.stringify(share)}`,
      });
    },
  );

  it.each<[string, AgreedLine[], string | null, string, RegExp]>([
    ['an invalid request', lines, '1.2', '0.3', /share must be/],
    ['an invalid minimum', lines, null, '0', /minimumShare/],
    [
      'a bad quantity',
      [{ agreedQuantity: '1.2345', unitPrice: '1' }],
      null,
      '0.3',
      /lines\[0\]\.agreedQuantity/,
    ],
    [
      'a bad price',
      [{ agreedQuantity: '1', unitPrice: '1.0000001' }],
      null,
      '0.3',
      /lines\[0\]\.unitPrice/,
    ],
  ])('refuses %s', (_, agreed, requested, minimum, message) => {
    expect(() => prepayment(agreed, requested, minimum)).toThrow(message);
  });
});

describe('prepayment instalments (§S2)', () => {
  it.each<[string, string, number, string[]]>([
    // Targets round(100.00 × k ÷ 12): 8.33 16.67 25.00 33.33 41.67 50.00 58.33 66.67 75.00 83.33
    // 91.67 100.00; the differences add up to 100.00 exactly (4 × 8.34 + 8 × 8.33).
    [
      '100.00 over 12 months',
      '100.00',
      12,
      [
        '8.33',
        '8.34',
        '8.33',
        '8.33',
        '8.34',
        '8.33',
        '8.33',
        '8.34',
        '8.33',
        '8.33',
        '8.34',
        '8.33',
      ],
    ],
    // Targets 0.00 0.01 0.01 0.02 0.02 0.03 (0.025 half up) 0.03 0.03 0.04 0.04 0.05 0.05.
    [
      '0.05 over 12 months',
      '0.05',
      12,
      [
        '0.00',
        '0.01',
        '0.00',
        '0.01',
        '0.00',
        '0.01',
        '0.00',
        '0.00',
        '0.01',
        '0.00',
        '0.01',
        '0.00',
      ],
    ],
    ['1,200.00 over 4 quarters', '1200.00', 4, ['300.00', '300.00', '300.00', '300.00']],
    ['one period takes everything', '99.99', 1, ['99.99']],
  ])('%s', (_, amount, periods, expected) => {
    const got = Array.from({ length: periods }, (__, i) => instalment(amount, i + 1, periods));
    expect(got).toEqual(expected);
    expect(Decimal.sum(0, ...got).toFixed(2)).toBe(new Decimal(amount).toFixed(2));
  });

  it.each<[number, number, RegExp]>([
    [0, 12, /period: must be a whole number from 1 to 12/],
    [13, 12, /period: must be a whole number from 1 to 12/],
    [1.5, 12, /period:/],
    [1, 0, /periods: must be a whole number ≥ 1/],
  ])('refuses period %p of %p', (period, periods, message) => {
    expect(() => instalment('100.00', period, periods)).toThrow(message);
  });
});

describe('prepayment offsets (§S2)', () => {
  const lines = (rows: [string, string, string, string][]): OffsetSchedule['lines'] =>
    rows.map(([statementAmount, inst, offset, remainingAfter], i) => ({
      period: i + 1,
      statementAmount,
      instalment: inst,
      offset,
      remainingAfter,
    }));

  it.each<[string, string, string[], number, OffsetSchedule]>([
    [
      // Instalments 1,200.00 ÷ 12 = 100.00, every statement can take its own.
      'twelve monthly statements each take their instalment',
      '1200.00',
      Array<string>(12).fill('500.00'),
      12,
      {
        lines: lines(
          Array.from({ length: 12 }, (_, i): [string, string, string, string] => [
            '500.00',
            '100.00',
            '100.00',
            (1100 - 100 * i).toFixed(2),
          ]),
        ),
        offsetTotal: '1200.00',
        remaining: '0.00',
        yearEndRemainder: '0.00',
      },
    ],
    [
      // Quarterly instalments 300.00. Q1 min(1,200, 300, 500) = 300 → 900; Q2 min(900, 300, 120)
      // = 120 → 780; Q3 nothing settled → 780; Q4 (last) min(780, 900) = 780 → 0.
      'small statements leave their shortfall to the last period',
      '1200.00',
      ['500.00', '120.00', '0.00', '900.00'],
      4,
      {
        lines: lines([
          ['500.00', '300.00', '300.00', '900.00'],
          ['120.00', '300.00', '120.00', '780.00'],
          ['0.00', '300.00', '0.00', '780.00'],
          ['900.00', '780.00', '780.00', '0.00'],
        ]),
        offsetTotal: '1200.00',
        remaining: '0.00',
        yearEndRemainder: '0.00',
      },
    ],
    [
      // As above but Q4 settles only 400.00: min(780, 400) = 400 → 380.00 left at year end.
      'what the last period cannot take is the year-end remainder',
      '1200.00',
      ['500.00', '120.00', '0.00', '400.00'],
      4,
      {
        lines: lines([
          ['500.00', '300.00', '300.00', '900.00'],
          ['120.00', '300.00', '120.00', '780.00'],
          ['0.00', '300.00', '0.00', '780.00'],
          ['400.00', '780.00', '400.00', '380.00'],
        ]),
        offsetTotal: '820.00',
        remaining: '380.00',
        yearEndRemainder: '380.00',
      },
    ],
    [
      // Instalments 33.33, 33.34, 33.33 (targets 33.33, 66.67, 100.00).
      'cents follow the cumulative targets',
      '100.00',
      ['1000.00', '1000.00', '1000.00'],
      3,
      {
        lines: lines([
          ['1000.00', '33.33', '33.33', '66.67'],
          ['1000.00', '33.34', '33.34', '33.33'],
          ['1000.00', '33.33', '33.33', '0.00'],
        ]),
        offsetTotal: '100.00',
        remaining: '0.00',
        yearEndRemainder: '0.00',
      },
    ],
    [
      'a year still running has no year-end remainder yet',
      '1200.00',
      ['500.00'],
      4,
      {
        lines: lines([['500.00', '300.00', '300.00', '900.00']]),
        offsetTotal: '300.00',
        remaining: '900.00',
        yearEndRemainder: null,
      },
    ],
    [
      'no prepayment offsets nothing',
      '0.00',
      ['500.00', '500.00'],
      2,
      {
        lines: lines([
          ['500.00', '0.00', '0.00', '0.00'],
          ['500.00', '0.00', '0.00', '0.00'],
        ]),
        offsetTotal: '0.00',
        remaining: '0.00',
        yearEndRemainder: '0.00',
      },
    ],
  ])('%s', (_, amount, statements, periods, expected) => {
    const schedule = offsetSchedule(amount, statements, periods);
    expect(schedule).toEqual(expected);
    // The invariants: never more than the prepayment, never more than a period's amount.
    expect(new Decimal(schedule.offsetTotal).lte(amount)).toBe(true);
    for (const line of schedule.lines)
      expect(new Decimal(line.offset).lte(line.statementAmount)).toBe(true);
  });

  it('takes one period at a time from what has been offset so far', () => {
    // Month 7 of 12 of 100.00: instalment 58.33 − 50.00 = 8.33; 30.00 left, 5.00 settled → 5.00.
    expect(
      periodOffset({
        prepayment: '100.00',
        offsetSoFar: '70.00',
        period: 7,
        periods: 12,
        statementAmount: '5.00',
      }),
    ).toEqual({ instalment: '8.33', offset: '5.00', remainingAfter: '25.00' });
    // Month 12: the last takes the whole remaining 25.00 when the statement allows it.
    expect(
      periodOffset({
        prepayment: '100.00',
        offsetSoFar: '75.00',
        period: 12,
        periods: 12,
        statementAmount: '40.00',
      }),
    ).toEqual({ instalment: '25.00', offset: '25.00', remainingAfter: '0.00' });
    // An instalment larger than what remains is capped at the remainder: 2.00 left.
    expect(
      periodOffset({
        prepayment: '100.00',
        offsetSoFar: '98.00',
        period: 2,
        periods: 12,
        statementAmount: '40.00',
      }),
    ).toEqual({ instalment: '8.34', offset: '2.00', remainingAfter: '0.00' });
  });

  it.each<[string, Parameters<typeof periodOffset>[0], RegExp]>([
    [
      'offsets above the prepayment',
      {
        prepayment: '100.00',
        offsetSoFar: '100.01',
        period: 2,
        periods: 12,
        statementAmount: '1.00',
      },
      /offsetSoFar: 100\.01 exceeds/,
    ],
    [
      'a negative statement',
      { prepayment: '100.00', offsetSoFar: '0', period: 1, periods: 12, statementAmount: '-1.00' },
      /statementAmount/,
    ],
    [
      'a period past the year',
      { prepayment: '100.00', offsetSoFar: '0', period: 13, periods: 12, statementAmount: '1.00' },
      /period:/,
    ],
    [
      'an amount with 3 decimals',
      { prepayment: '100.001', offsetSoFar: '0', period: 1, periods: 12, statementAmount: '1.00' },
      /prepayment:/,
    ],
  ])('refuses %s', (_, input, message) => {
    expect(() => periodOffset(input)).toThrow(message);
  });

  it('refuses more statements than periods', () => {
    expect(() => offsetSchedule('100.00', ['1.00', '1.00', '1.00'], 2)).toThrow(
      /3 periods given for a year of 2/,
    );
  });

  it.each<[string, string[], string[]]>([
    // 150.00 over 100.00, 80.00, 20.00: the first takes 100.00, the second the remaining 50.00.
    ['150.00', ['100.00', '80.00', '20.00'], ['100.00', '50.00', '0.00']],
    ['180.00', ['100.00', '80.00'], ['100.00', '80.00']],
    ['0.00', ['100.00', '80.00'], ['0.00', '0.00']],
    ['0.00', [], []],
  ])('splits a period offset of %s over its statements', (offset, statements, expected) => {
    expect(splitOffset(offset, statements)).toEqual(expected);
  });

  it('refuses to split more than the statements hold', () => {
    expect(() => splitOffset('180.01', ['100.00', '80.00'])).toThrow(
      /180\.01 exceeds the period's statements, 180\.00 in all/,
    );
  });
});
