import {
  DEFAULT_RETENTION_PARAMETERS,
  RetentionGrade,
  retentionGrade,
  RetentionInput,
  RetentionResult,
  surplusRetention,
} from './surplus-retention';

// The base case: 2,000 units bought before VBP for 5,000.00 → 2.500000 a unit;
// budget = 1,000 × 2.500000 × 0.7 × 0.9 = 1,575.00.
const base: RetentionInput = {
  agreedQuantity: '1000',
  preVbp: { quantity: '2000', amount: '5000.00' },
  fundPaymentRatio: '0.7',
  insuredShare: '0.9',
  purchases: [{ productId: 'P1', quantity: '1000', fundSpending: '630.00' }],
  completionScore: '85',
};

describe('retention grade (§S6)', () => {
  it.each<[string, string]>([
    ['100', 'A'],
    ['80.01', 'A'],
    // "A > 80": 80 itself is a B.
    ['80', 'B'],
    ['75', 'B'],
    // "B 70–80" includes 70.
    ['70', 'B'],
    ['69.99', 'C'],
    ['60', 'C'],
    ['59.99', 'D'],
    ['0', 'D'],
  ])('a score of %s is grade %s', (score, grade) => {
    expect(retentionGrade(score).grade).toBe(grade);
  });

  it.each<[string, RetentionGrade[], RegExp]>([
    ['no grade', [], /at least one grade/],
    [
      'bounds not descending',
      [
        { grade: 'A', minScore: '70', minInclusive: true, share: '0.5' },
        { grade: 'B', minScore: '80', minInclusive: true, share: '0.4' },
      ],
      /grades\[1\]\.minScore/,
    ],
    [
      'a last grade not starting at 0',
      [{ grade: 'A', minScore: '60', minInclusive: true, share: '0.5' }],
      /must start at 0 inclusive/,
    ],
    [
      'a last grade excluding 0',
      [{ grade: 'A', minScore: '0', minInclusive: false, share: '0.5' }],
      /must start at 0 inclusive/,
    ],
    [
      'a share above 100 %',
      [{ grade: 'A', minScore: '0', minInclusive: true, share: '1.01' }],
      /grades\[0\]\.share/,
    ],
  ])('refuses a configuration with %s', (_, grades, message) => {
    expect(() => retentionGrade('50', grades)).toThrow(message);
  });
});

describe('surplus retention (§S6)', () => {
  it.each<[string, Partial<RetentionInput>, Partial<RetentionResult>]>([
    [
      // surplus = 1,575.00 − 630.00 = 945.00; A → 945.00 × 0.5 = 472.50.
      'grade A keeps half the surplus',
      {},
      {
        preVbpUnitPrice: '2.500000',
        budget: '1575.00',
        countedSpending: '630.00',
        surplus: '945.00',
        completed: true,
        grade: 'A',
        retainedShare: '0.5',
        retained: '472.50',
      },
    ],
    [
      // 945.00 × 0.3 = 283.50.
      'grade C keeps 30 %',
      { completionScore: '60' },
      { grade: 'C', retained: '283.50' },
    ],
    [
      // 945.00 × 0 = 0.00.
      'grade D keeps nothing',
      { completionScore: '59.99' },
      { grade: 'D', surplus: '945.00', retained: '0.00' },
    ],
    [
      // Bought 1,200 for 864.00 fund spending: 200 above the agreed 1,000 are excluded pro rata,
      // counted = 864.00 × 1,000 ÷ 1,200 = 720.00; surplus = 1,575.00 − 720.00 = 855.00;
      // B → 855.00 × 0.4 = 342.00.
      'purchases above the agreed quantity are excluded pro rata',
      {
        purchases: [
          { productId: 'P1', quantity: '800', fundSpending: '504.00' },
          { productId: 'P2', quantity: '400', fundSpending: '360.00' },
        ],
        completionScore: '75',
      },
      {
        purchasedQuantity: '1200.000',
        excessQuantity: '200.000',
        fundSpending: '864.00',
        countedSpending: '720.00',
        surplus: '855.00',
        grade: 'B',
        retained: '342.00',
      },
    ],
    [
      // counted = 1,000.00 × 1,000 ÷ 1,003 = 997.00897… → 997.01;
      // surplus = 1,575.00 − 997.01 = 577.99; A → 577.99 × 0.5 = 288.995 → 289.00.
      'the counted spending is rounded half up once',
      {
        purchases: [{ productId: 'P1', quantity: '1003', fundSpending: '1000.00' }],
      },
      { countedSpending: '997.01', surplus: '577.99', retained: '289.00' },
    ],
    [
      // Bought only 900 of 1,000: surplus 1,575.00 − 567.00 = 1,008.00 but nothing retained.
      'nothing is retained before the agreed volume is completed',
      {
        purchases: [{ productId: 'P1', quantity: '900', fundSpending: '567.00' }],
        completionScore: '90',
      },
      { completed: false, surplus: '1008.00', grade: 'A', retained: '0.00' },
    ],
    [
      // Spent 1,800.00 against a budget of 1,575.00: surplus −225.00, nothing retained.
      'an overspent budget retains nothing',
      { purchases: [{ productId: 'P1', quantity: '1000', fundSpending: '1800.00' }] },
      { surplus: '-225.00', retained: '0.00' },
    ],
    [
      // 8 units for 1.00 → 0.125000 a unit; budget = 10 × 0.125000 × 0.5 × 1 = 0.625 → 0.63.
      'the budget is rounded half up once',
      {
        agreedQuantity: '10',
        preVbp: { quantity: '8', amount: '1.00' },
        fundPaymentRatio: '0.5',
        insuredShare: '1',
        purchases: [{ productId: 'P1', quantity: '10', fundSpending: '0.20' }],
      },
      // surplus = 0.63 − 0.20 = 0.43; A → 0.215 → 0.22.
      { preVbpUnitPrice: '0.125000', budget: '0.63', surplus: '0.43', retained: '0.22' },
    ],
    [
      // 10.00 ÷ 3 = 3.3333333… → 3.333333; budget = 3 × 3.333333 × 1 × 1 = 9.999999 → 10.00.
      'the pre-VBP average is a 6-decimal unit price',
      {
        agreedQuantity: '3',
        preVbp: { quantity: '3', amount: '10.00' },
        fundPaymentRatio: '1',
        insuredShare: '1',
        purchases: [{ productId: 'P1', quantity: '3', fundSpending: '3.00' }],
      },
      { preVbpUnitPrice: '3.333333', budget: '10.00', surplus: '7.00', retained: '3.50' },
    ],
    [
      // No purchases at all with an agreed quantity of 0: the budget is 0, nothing is retained.
      'an empty year retains nothing',
      { agreedQuantity: '0', purchases: [] },
      {
        budget: '0.00',
        purchasedQuantity: '0.000',
        countedSpending: '0.00',
        surplus: '0.00',
        completed: true,
        retained: '0.00',
      },
    ],
  ])('%s', (_, change, expected) => {
    expect(surplusRetention({ ...base, ...change })).toMatchObject(expected);
  });

  it('retains without completion when the rule is switched off', () => {
    const result = surplusRetention(
      {
        ...base,
        purchases: [{ productId: 'P1', quantity: '900', fundSpending: '567.00' }],
        completionScore: '90',
      },
      { ...DEFAULT_RETENTION_PARAMETERS, requireCompletion: false },
    );
    // 1,008.00 × 0.5 = 504.00.
    expect(result).toMatchObject({ completed: false, retained: '504.00' });
  });

  it('follows configured grades', () => {
    const result = surplusRetention(
      { ...base, completionScore: '90' },
      {
        grades: [
          { grade: 'Excellent', minScore: '90', minInclusive: false, share: '0.6' },
          { grade: 'Fair', minScore: '0', minInclusive: true, share: '0.2' },
        ],
        requireCompletion: true,
      },
    );
    // 90 is not > 90: Fair; 945.00 × 0.2 = 189.00.
    expect(result).toMatchObject({ grade: 'Fair', retainedShare: '0.2', retained: '189.00' });
  });

  it('explains every input and step with its figures', () => {
    const result = surplusRetention({
      ...base,
      purchases: [
        { productId: 'P1', quantity: '800', fundSpending: '504.00' },
        { productId: 'P2', quantity: '400', fundSpending: '360.00' },
      ],
      completionScore: '75',
    });
    expect(result.explanation).toEqual([
      { key: 'agreed_quantity', value: '1000.000' },
      { key: 'pre_vbp_quantity', value: '2000.000' },
      { key: 'pre_vbp_amount', value: '5000.00' },
      { key: 'fund_payment_ratio', value: '0.7' },
      { key: 'insured_share', value: '0.9' },
      { key: 'purchase.P1.quantity', value: '800.000' },
      { key: 'purchase.P1.fund_spending', value: '504.00' },
      { key: 'purchase.P2.quantity', value: '400.000' },
      { key: 'purchase.P2.fund_spending', value: '360.00' },
      { key: 'completion_score', value: '75' },
      { key: 'pre_vbp_unit_price', value: '2.500000', formula: '5000.00 ÷ 2000.000' },
      { key: 'budget', value: '1575.00', formula: '1000.000 × 2.500000 × 0.7 × 0.9' },
      { key: 'purchased_quantity', value: '1200.000', formula: '800.000 + 400.000' },
      { key: 'excess_quantity', value: '200.000', formula: 'max(0, 1200.000 − 1000.000)' },
      { key: 'fund_spending', value: '864.00', formula: '504.00 + 360.00' },
      { key: 'counted_spending', value: '720.00', formula: '864.00 × 1000.000 ÷ 1200.000' },
      { key: 'surplus', value: '855.00', formula: '1575.00 − 720.00' },
      { key: 'agreed_volume_completed', value: 'yes', formula: '1200.000 ≥ 1000.000' },
      { key: 'grade', value: 'B', formula: 'score 75 ≥ 70' },
      { key: 'retained_share', value: '0.4', formula: 'grade B' },
      { key: 'retained', value: '342.00', formula: '855.00 × 0.4' },
    ]);
  });

  it.each<[string, string, string, string]>([
    ['not completed', '900', '567.00', 'agreed volume not completed: nothing retained'],
    ['overspent', '1000', '1800.00', 'surplus -225.00 ≤ 0: nothing retained'],
  ])('says why nothing is retained when %s', (_, qty, spending, formula) => {
    const result = surplusRetention({
      ...base,
      purchases: [{ productId: 'P1', quantity: qty, fundSpending: spending }],
    });
    expect(result.explanation.at(-1)).toEqual({ key: 'retained', value: '0.00', formula });
  });

  it.each<[string, Partial<RetentionInput>, RegExp]>([
    ['no pre-VBP quantity', { preVbp: { quantity: '0', amount: '0.00' } }, /preVbp\.quantity/],
    ['a negative agreed quantity', { agreedQuantity: '-1' }, /agreedQuantity/],
    ['a quantity with 4 decimals', { agreedQuantity: '1.0001' }, /agreedQuantity/],
    ['an amount with 3 decimals', { preVbp: { quantity: '1', amount: '1.001' } }, /preVbp\.amount/],
    ['a ratio above 1', { fundPaymentRatio: '1.1' }, /fundPaymentRatio/],
    ['an insured share above 1', { insuredShare: '2' }, /insuredShare/],
    ['a score above 100', { completionScore: '100.01' }, /completionScore/],
    [
      'a product listed twice',
      {
        purchases: [
          { productId: 'P1', quantity: '1', fundSpending: '1.00' },
          { productId: 'P1', quantity: '1', fundSpending: '1.00' },
        ],
      },
      /purchases\[1\]\.productId/,
    ],
    [
      'a bad purchase quantity',
      { purchases: [{ productId: 'P1', quantity: 'x', fundSpending: '1.00' }] },
      /purchases\[0\]\.quantity/,
    ],
  ])('refuses %s', (_, change, message) => {
    expect(() => surplusRetention({ ...base, ...change })).toThrow(message);
  });
});
