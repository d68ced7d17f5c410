import { agreementTerm, awardedPrices } from './award-terms';

describe('agreement term (§P9)', () => {
  it.each<[string, number, string]>([
    ['2027-02-01', 1, '2028-01-31'],
    ['2027-02-01', 2, '2029-01-31'],
    ['2027-02-01', 3, '2030-01-31'],
    ['2027-01-01', 1, '2027-12-31'],
    // A leap-day start ends on 28 February of a common year.
    ['2028-02-29', 1, '2029-02-28'],
    ['2028-02-29', 4, '2032-02-28'],
  ])('%s for %i year(s) ends %s', (start, years, end) => {
    expect(agreementTerm(start, years)).toEqual({ startDate: start, endDate: end });
  });

  it.each([0, -1, 1.5])('refuses a term of %p years', (years) => {
    expect(() => agreementTerm('2027-02-01', years)).toThrow(/whole number/);
  });
});

describe('agreement prices', () => {
  it.each<
    [string, Parameters<typeof awardedPrices>[0], string, { packPrice: string; unitPrice: string }]
  >([
    [
      'a winner keeps its own prices',
      {
        outcome: 'won',
        unitPrice: '2.857143',
        unitComparablePrice: '2.857143',
        awardedUnitComparablePrice: '2.857143',
      },
      '20.00',
      { packPrice: '20.0000', unitPrice: '2.857143' },
    ],
    [
      // Own comparable 4.000000, revival price 3.000000: factor 0.75 on 28.00 / 7 tablets.
      'a revived bid comes down to the revival price',
      {
        outcome: 'revived',
        unitPrice: '4.000000',
        unitComparablePrice: '4.000000',
        awardedUnitComparablePrice: '3.000000',
      },
      '28.00',
      { packPrice: '21.0000', unitPrice: '3.000000' },
    ],
    [
      // A double-strength tablet: comparable = unit ÷ 1.7. Factor 2.5 ÷ 3 on unit 5.1 → 4.25.
      'a revived bid of another strength scales its own unit price',
      {
        outcome: 'revived',
        unitPrice: '5.100000',
        unitComparablePrice: '3.000000',
        awardedUnitComparablePrice: '2.500000',
      },
      '71.40',
      { packPrice: '59.5000', unitPrice: '4.250000' },
    ],
  ])('%s', (_, result, pack, expected) => {
    expect(awardedPrices(result, pack)).toEqual(expected);
  });

  it.each(['lost', 'invalid'] as const)('has no prices for a %s bid', (outcome) => {
    expect(() =>
      awardedPrices(
        { outcome, unitPrice: '1', unitComparablePrice: '1', awardedUnitComparablePrice: null },
        '7',
      ),
    ).toThrow(/only winning bids/);
  });
});
