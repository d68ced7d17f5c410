import {
  listingMeanBaseline,
  PreVbpBaseline,
  ReportedPurchase,
  weightedPreVbpBaseline,
} from './pre-vbp-baseline';

const p = (
  productId: string,
  quantity: string,
  unitPrice: string,
  representativeUnitsPerUnit = '1',
): ReportedPurchase => ({ productId, quantity, unitPrice, representativeUnitsPerUnit });

describe('pre-VBP weighted average from reported purchases (§S6)', () => {
  it.each<[string, ReportedPurchase[], Pick<PreVbpBaseline, 'quantity' | 'amount' | 'unitPrice'>]>([
    [
      // 1000 × 3.00 = 3000.00 over 1000 units; 250 tablets of 40 mg = 500 units of the 20 mg
      // representative, 250 × 9.50 = 2375.00. 5375.00 ÷ 1500 = 3.583333… (the plain mean of the
      // per-unit prices 3.00 and 4.75 would be 3.875).
      'two strengths, weighted by volume',
      [p('P20', '1000', '3', '1'), p('P40', '250', '9.5', '2')],
      { quantity: '1500.000', amount: '5375.00', unitPrice: '3.583333' },
    ],
    [
      // 9000 × 1.00 + 1000 × 2.00 = 11000.00 over 10000 units → 1.10, not the mean 1.50.
      'the product bought most weighs most',
      [p('A', '9000', '1'), p('B', '1000', '2')],
      { quantity: '10000.000', amount: '11000.00', unitPrice: '1.100000' },
    ],
    [
      // 0.004 + 0.004 = 0.008 → 0.01 rounded once; per line it would be 0.00 + 0.00.
      'the amount is rounded once, on the total',
      [p('A', '1', '0.004'), p('B', '1', '0.004')],
      { quantity: '2.000', amount: '0.01', unitPrice: '0.005000' },
    ],
    [
      // A day reported with nothing bought does not dilute: only B counts, 100 × 2.00.
      'a product with nothing purchased is left out',
      [p('A', '0', '9'), p('B', '100', '2')],
      { quantity: '100.000', amount: '200.00', unitPrice: '2.000000' },
    ],
  ])('%s', (_name, purchases, expected) => {
    expect(weightedPreVbpBaseline(purchases)).toMatchObject({
      basis: 'reported_purchases',
      ...expected,
    });
  });

  it('shows each product’s figures', () => {
    expect(weightedPreVbpBaseline([p('P40', '250', '9.5', '2'), p('Z', '0', '1')])!.lines).toEqual([
      {
        productId: 'P40',
        quantity: '250.000',
        representativeQuantity: '500.000',
        unitPrice: '9.500000',
        amount: '2375.00',
      },
    ]);
  });

  it.each<[string, ReportedPurchase[]]>([
    ['no purchases', []],
    ['only zeros', [p('A', '0', '3'), p('B', '0', '4')]],
    ['less than a thousandth of a unit', [p('A', '0.0004', '3')]],
  ])('is null with %s (the listing mean applies)', (_name, purchases) => {
    expect(weightedPreVbpBaseline(purchases)).toBeNull();
  });

  it.each<[string, ReportedPurchase[], RegExp]>([
    ['a product twice', [p('A', '1', '1'), p('A', '2', '1')], /purchases\[1\]\.productId/],
    ['a negative quantity', [p('A', '-1', '1')], /purchases\[0\]\.quantity/],
    ['no representative units', [p('A', '1', '1', '0')], /representativeUnitsPerUnit/],
    ['a price that is no number', [p('A', '1', 'x')], /purchases\[0\]\.unitPrice/],
  ])('refuses %s', (_name, purchases, message) => {
    expect(() => weightedPreVbpBaseline(purchases)).toThrow(message);
  });
});

describe('pre-VBP listing mean (§S6 fallback)', () => {
  it.each<[string, string, string[], Pick<PreVbpBaseline, 'quantity' | 'amount' | 'unitPrice'>]>([
    // (3 + 4 + 5) ÷ 3 = 4.00; 4200 × 4.00 = 16800.00.
    [
      'three listings',
      '4200',
      ['3', '4', '5'],
      { quantity: '4200.000', amount: '16800.00', unitPrice: '4.000000' },
    ],
    // (1 + 1 + 2) ÷ 3 = 1.333…; 1000 × 1.333… = 1333.33 → 1333.33 ÷ 1000 = 1.333330.
    [
      'a recurring mean',
      '1000',
      ['1', '1', '2'],
      { quantity: '1000.000', amount: '1333.33', unitPrice: '1.333330' },
    ],
  ])('%s', (_name, agreed, prices, expected) => {
    expect(listingMeanBaseline(agreed, prices)).toEqual({
      basis: 'listing_mean',
      lines: [],
      ...expected,
    });
  });

  it('needs a price and an agreed quantity', () => {
    expect(() => listingMeanBaseline('10', [])).toThrow(/repUnitPrices/);
    expect(() => listingMeanBaseline('0', ['1'])).toThrow(/agreedQuantity/);
  });
});
