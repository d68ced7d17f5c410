import {
  AgreementProgress,
  AgreementProgressInput,
  CheckMonth,
  checkMonth,
  agreementProgress,
  GenericPurchase,
  previousMonth,
  representativeQuantity,
  SubstitutionShare,
  substitutionShare,
} from './completion';

describe('purchases in representative units (§E4)', () => {
  it.each<[string, string, string, string, string, string | null]>([
    // 28 × 40 ÷ 20 = 56.
    ['28', '40', 'mg', '20', 'mg', '56.000'],
    // 0.5 g = 500 mg: 10 × 500 ÷ 250 = 20.
    ['10', '0.5', 'g', '250', 'mg', '20.000'],
    // 7 × 10 ÷ 20 = 3.5.
    ['7', '10', 'mg', '20', 'mg', '3.500'],
    // 2 × 5 ÷ 15 = 0.6666… → 0.667 (half up).
    ['2', '5', 'mg', '15', 'mg', '0.667'],
    // 250 µg = 0.25 mg: 10 × 0.25 ÷ 0.5 = 5.
    ['10', '250', 'µg', '0.5', 'mg', '5.000'],
    ['10', '20', 'mg', '20', 'mg', '10.000'],
    // Mass against volume cannot be compared.
    ['10', '5', 'ml', '20', 'mg', null],
    ['10', '5', 'furlong', '20', 'mg', null],
    ['10', '0', 'mg', '20', 'mg', null],
  ])('%s × %s %s as %s %s units: %s', (qty, strength, unit, repStrength, repUnit, expected) => {
    expect(
      representativeQuantity(
        qty,
        { strength, strengthUnit: unit },
        { strength: repStrength, strengthUnit: repUnit },
      ),
    ).toBe(expected);
  });

  it('refuses a malformed quantity', () => {
    expect(() =>
      representativeQuantity(
        '-1',
        { strength: '1', strengthUnit: 'mg' },
        { strength: '1', strengthUnit: 'mg' },
      ),
    ).toThrow(/quantity: must be/);
  });
});

describe('agreement progress (§E4)', () => {
  // A one-year term of 365 days.
  const term: AgreementProgressInput = {
    agreedQuantity: '1000',
    purchasedQuantity: '0',
    startDate: '2027-01-01',
    endDate: '2027-12-31',
  };

  it.each<[string, Partial<AgreementProgressInput>, string, Partial<AgreementProgress>]>([
    [
      'before the term nothing is expected',
      {},
      '2026-12-31',
      {
        elapsedDays: 0,
        termDays: 365,
        expectedProgress: '0.0000',
        gap: '0.0000',
        behindSchedule: false,
      },
    ],
    // 1 ÷ 365 = 0.00274 → 0.0027.
    ['the first day counts', {}, '2027-01-01', { elapsedDays: 1, expectedProgress: '0.0027' }],
    // 31 + 28 + 31 + 30 + 31 + 30 = 181; 181 ÷ 365 = 0.49589 → 0.4959; 500 ÷ 1,000 = 0.5.
    [
      'half way, on track',
      { purchasedQuantity: '500' },
      '2027-06-30',
      {
        elapsedDays: 181,
        completionRate: '0.5000',
        expectedProgress: '0.4959',
        gap: '-0.0041',
        behindSchedule: false,
      },
    ],
    [
      'the last day: everything expected',
      { purchasedQuantity: '1000' },
      '2027-12-31',
      { elapsedDays: 365, expectedProgress: '1.0000', completionRate: '1.0000', gap: '0.0000' },
    ],
    [
      'after the term: still everything',
      { purchasedQuantity: '700' },
      '2028-03-01',
      { elapsedDays: 365, expectedProgress: '1.0000', gap: '0.3000', behindSchedule: true },
    ],
    // 31 + 28 + 31 + 30 + 26 = 146 days; 146 ÷ 365 = 0.4 exactly. 200 ÷ 1,000 = 0.2: exactly
    // 20 points behind is not "more than 20".
    [
      'exactly 20 points behind is not flagged',
      { purchasedQuantity: '200' },
      '2027-05-26',
      {
        elapsedDays: 146,
        expectedProgress: '0.4000',
        completionRate: '0.2000',
        gap: '0.2000',
        behindSchedule: false,
      },
    ],
    // 0.4 − 0.199 = 0.201.
    [
      '20.1 points behind is flagged',
      { purchasedQuantity: '199' },
      '2027-05-26',
      { completionRate: '0.1990', gap: '0.2010', behindSchedule: true },
    ],
    // 0.4 − 0.199999 = 0.200001: shown as 0.2000 but compared unrounded.
    [
      'a gap that rounds to 20 points is still flagged',
      { purchasedQuantity: '199.999' },
      '2027-05-26',
      { completionRate: '0.2000', gap: '0.2000', behindSchedule: true },
    ],
    // 1,200 ÷ 1,000 = 1.2; 0.4 − 1.2 = −0.8.
    [
      'purchases above the agreed quantity count',
      { purchasedQuantity: '1200' },
      '2027-05-26',
      {
        purchasedQuantity: '1200.000',
        completionRate: '1.2000',
        gap: '-0.8000',
        behindSchedule: false,
      },
    ],
    [
      'an agreed quantity of 0 cannot fall behind',
      { agreedQuantity: '0', purchasedQuantity: '5' },
      '2027-12-31',
      { completionRate: null, gap: null, behindSchedule: false },
    ],
    // 2028 is a leap year: 366 days; 31 + 29 = 60; 60 ÷ 366 = 0.16393 → 0.1639.
    [
      'a leap-year term',
      { startDate: '2028-01-01', endDate: '2028-12-31' },
      '2028-02-29',
      { elapsedDays: 60, termDays: 366, expectedProgress: '0.1639' },
    ],
    // A §P9 term from 1 February to 31 January: 28 ÷ 365 = 0.07671 → 0.0767.
    [
      'a term across the new year',
      { startDate: '2027-02-01', endDate: '2028-01-31' },
      '2027-02-28',
      { elapsedDays: 28, termDays: 365, expectedProgress: '0.0767' },
    ],
  ])('%s', (_, change, asOf, expected) => {
    expect(agreementProgress({ ...term, ...change }, asOf)).toMatchObject(expected);
  });

  it('follows a configured threshold', () => {
    // 0.4 − 0.25 = 0.15 > 0.1.
    expect(
      agreementProgress({ ...term, purchasedQuantity: '250' }, '2027-05-26', {
        behindThreshold: '0.1',
      }),
    ).toMatchObject({ gap: '0.1500', behindSchedule: true });
    expect(agreementProgress({ ...term, purchasedQuantity: '250' }, '2027-05-26')).toMatchObject({
      behindSchedule: false,
    });
  });

  it.each<[string, Partial<AgreementProgressInput>, string, object | undefined, RegExp]>([
    [
      'an end before the start',
      { endDate: '2026-12-31' },
      '2027-01-01',
      undefined,
      /endDate: 2026-12-31 is before 2027-01-01/,
    ],
    [
      'an impossible date',
      { startDate: '2027-02-29' },
      '2027-03-01',
      undefined,
      /startDate: must be a date/,
    ],
    ['a malformed as-of date', {}, '2027-3-1', undefined, /asOf: must be a date/],
    [
      'a negative quantity',
      { purchasedQuantity: '-1' },
      '2027-03-01',
      undefined,
      /purchasedQuantity/,
    ],
    ['a threshold above 1', {}, '2027-03-01', { behindThreshold: '1.5' }, /behindThreshold/],
  ])('refuses %s', (_, change, asOf, params, message) => {
    expect(() => agreementProgress({ ...term, ...change }, asOf, params as never)).toThrow(message);
  });
});

describe('non-winning substitution share (§E4)', () => {
  it.each<[string, GenericPurchase[], SubstitutionShare]>([
    // 200 ÷ (800 + 200) = 0.2.
    [
      'a fifth bought as substitutes',
      [
        { quantity: '800', winning: true },
        { quantity: '200', winning: false },
      ],
      {
        winningQuantity: '800.000',
        nonWinningQuantity: '200.000',
        totalQuantity: '1000.000',
        nonWinningShare: '0.2000',
      },
    ],
    // (100 + 200) ÷ 1,000 = 0.3.
    [
      'several substitutes add up',
      [
        { quantity: '700', winning: true },
        { quantity: '100', winning: false },
        { quantity: '200', winning: false },
      ],
      {
        winningQuantity: '700.000',
        nonWinningQuantity: '300.000',
        totalQuantity: '1000.000',
        nonWinningShare: '0.3000',
      },
    ],
    // 1 ÷ 3 = 0.3333.
    [
      'a share is rounded to 4 decimals',
      [
        { quantity: '2', winning: true },
        { quantity: '1', winning: false },
      ],
      {
        winningQuantity: '2.000',
        nonWinningQuantity: '1.000',
        totalQuantity: '3.000',
        nonWinningShare: '0.3333',
      },
    ],
    [
      'only substitutes',
      [{ quantity: '5.5', winning: false }],
      {
        winningQuantity: '0.000',
        nonWinningQuantity: '5.500',
        totalQuantity: '5.500',
        nonWinningShare: '1.0000',
      },
    ],
    [
      'only winning products',
      [{ quantity: '5', winning: true }],
      {
        winningQuantity: '5.000',
        nonWinningQuantity: '0.000',
        totalQuantity: '5.000',
        nonWinningShare: '0.0000',
      },
    ],
    [
      'nothing bought',
      [],
      {
        winningQuantity: '0.000',
        nonWinningQuantity: '0.000',
        totalQuantity: '0.000',
        nonWinningShare: null,
      },
    ],
  ])('%s', (_, purchases, expected) => {
    expect(substitutionShare(purchases)).toEqual(expected);
  });

  it('refuses a malformed quantity', () => {
    expect(() => substitutionShare([{ quantity: '1e3', winning: true }])).toThrow(
      /purchases\[0\]\.quantity/,
    );
  });
});

describe('the month a completion check covers (§E4)', () => {
  it.each<[string, string, CheckMonth]>([
    [
      '2026-02',
      '2026-03-05',
      { month: '2026-02', firstDay: '2026-02-01', lastDay: '2026-02-28', asOf: '2026-02-28' },
    ],
    [
      '2028-02',
      '2028-03-01',
      { month: '2028-02', firstDay: '2028-02-01', lastDay: '2028-02-29', asOf: '2028-02-29' },
    ],
    // The running month is measured so far.
    [
      '2026-03',
      '2026-03-05',
      { month: '2026-03', firstDay: '2026-03-01', lastDay: '2026-03-31', asOf: '2026-03-05' },
    ],
    [
      '2026-12',
      '2026-12-31',
      { month: '2026-12', firstDay: '2026-12-01', lastDay: '2026-12-31', asOf: '2026-12-31' },
    ],
  ])('%s checked on %s', (month, today, expected) => {
    expect(checkMonth(month, today)).toEqual(expected);
  });

  it.each<[string, string, string]>([
    ['2026-13', '2026-03-05', 'month: must be YYYY-MM, got "2026-13"'],
    ['2026-3', '2026-03-05', 'month: must be YYYY-MM, got "2026-3"'],
    ['2026-04', '2026-03-31', 'month: 2026-04 has not begun (today is 2026-03-31)'],
  ])('%s on %s is refused', (month, today, message) => {
    expect(() => checkMonth(month, today)).toThrow(message);
  });

  it.each<[string, string]>([
    ['2026-03-05', '2026-02'],
    ['2026-01-01', '2025-12'],
    ['2026-12-31', '2026-11'],
  ])('the month before %s is %s', (today, expected) => {
    expect(previousMonth(today)).toBe(expected);
  });
});
