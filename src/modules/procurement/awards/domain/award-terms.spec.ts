import { presetParameters } from '../../selection/domain/rule-set';
import { agreementTerm, awardedPrices, PricedBid } from './award-terms';

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
  const params = presetParameters('national-batch-10');
  const lot = { representative: { strength: '20', strengthUnit: 'mg', dosageForm: 'tablet' } };
  const tablet = { packSize: 7, strength: '20', strengthUnit: 'mg', dosageForm: 'tablet' };

  it.each<
    [
      string,
      Parameters<typeof awardedPrices>[0],
      PricedBid,
      { packPrice: string; unitPrice: string },
    ]
  >([
    [
      'a winner keeps its own prices',
      { outcome: 'won', unitPrice: '2.857143', awardedUnitComparablePrice: '2.857143' },
      { ...tablet, packPrice: '20.00' },
      { packPrice: '20.0000', unitPrice: '2.857143' },
    ],
    [
      // Revival price 3.000000 on the representative spec: 3 a tablet, 21 a pack of 7.
      'a revived bid comes down to the revival price',
      { outcome: 'revived', unitPrice: '4.000000', awardedUnitComparablePrice: '3.000000' },
      { ...tablet, packPrice: '28.00' },
      { packPrice: '21.0000', unitPrice: '3.000000' },
    ],
    [
      // A 40 mg tablet is 1.7 representative units: 2.5 × 1.7 = 4.25 a tablet, × 14 = 59.50.
      'a revived bid of double strength pays 1.7 × the revival price a tablet',
      { outcome: 'revived', unitPrice: '5.100000', awardedUnitComparablePrice: '2.500000' },
      {
        packPrice: '71.40',
        packSize: 14,
        strength: '40',
        strengthUnit: 'mg',
        dosageForm: 'tablet',
      },
      { packPrice: '59.5000', unitPrice: '4.250000' },
    ],
    [
      // Dispersible tablets (factor 1.2): 0.012346 × 1.2 = 0.0148152 a tablet; × 28 = 0.4148256.
      // Converting from the rounded own comparable price instead would drift in the 4th decimal.
      'the conversion is exact, rounded once',
      { outcome: 'revived', unitPrice: '0.020000', awardedUnitComparablePrice: '0.012346' },
      {
        packPrice: '0.56',
        packSize: 28,
        strength: '20',
        strengthUnit: 'mg',
        dosageForm: 'dispersible_tablet',
      },
      { packPrice: '0.4148', unitPrice: '0.014815' },
    ],
  ])('%s', (_, result, bid, expected) => {
    expect(awardedPrices(result, bid, lot, params)).toEqual(expected);
  });

  it.each(['lost', 'invalid'] as const)('has no prices for a %s bid', (outcome) => {
    expect(() =>
      awardedPrices(
        { outcome, unitPrice: '1', awardedUnitComparablePrice: null },
        { ...tablet, packPrice: '7' },
        lot,
        params,
      ),
    ).toThrow(/only winning bids/);
  });
});
