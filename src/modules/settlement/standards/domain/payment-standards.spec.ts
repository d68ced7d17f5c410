import {
  NonWinningProduct,
  PaymentStandardRule,
  paymentStandardsOnAward,
  planStandardPeriod,
  StandardPeriod,
  StandardPeriodPlan,
  WinningProduct,
} from './payment-standards';

describe('payment standards on award (§S5)', () => {
  const oneWinner: WinningProduct[] = [{ productId: 'W1', unitPrice: '1.000000' }];
  const twoWinners: WinningProduct[] = [
    { productId: 'W1', unitPrice: '0.800000' },
    { productId: 'W2', unitPrice: '1.250000' },
  ];

  it.each<[string, WinningProduct[], NonWinningProduct, string, PaymentStandardRule]>([
    // Threshold 2 × 1.000000 = 2.000000; 5.000000 × 0.7 = 3.500000.
    [
      'far above 2 × the winning price: previous − 30 %',
      oneWinner,
      { productId: 'N', previousPrice: '5.000000' },
      '3.500000',
      'high_price_cut',
    ],
    // Exactly at the threshold counts as "≥ 2 ×": 2.000000 × 0.7 = 1.400000.
    [
      'exactly 2 × the winning price: previous − 30 %',
      oneWinner,
      { productId: 'N', previousPrice: '2.000000' },
      '1.400000',
      'high_price_cut',
    ],
    // 1.999999 < 2.000000: the winning price.
    [
      'just below 2 ×: the winning price',
      oneWinner,
      { productId: 'N', previousPrice: '1.999999' },
      '1.000000',
      'highest_winning_price',
    ],
    // A non-winner cheaper than the winner still gets the winning price (§S5 as written).
    [
      'below the winning price: the winning price',
      oneWinner,
      { productId: 'N', previousPrice: '0.500000' },
      '1.000000',
      'highest_winning_price',
    ],
    // Highest winning 1.250000, threshold 2.500000; 2.400000 < 2.500000 although ≥ 2 × 0.800000.
    [
      'two winners compare with the highest: below',
      twoWinners,
      { productId: 'N', previousPrice: '2.400000' },
      '1.250000',
      'highest_winning_price',
    ],
    // 2.500000 ≥ 2.500000: 2.500000 × 0.7 = 1.750000.
    [
      'two winners compare with the highest: at',
      twoWinners,
      { productId: 'N', previousPrice: '2.500000' },
      '1.750000',
      'high_price_cut',
    ],
    // 3.333333 × 0.7 = 2.3333331 → 2.333333 (half up at 6 decimals).
    [
      'the cut is rounded half up to 6 decimals',
      oneWinner,
      { productId: 'N', previousPrice: '3.333333' },
      '2.333333',
      'high_price_cut',
    ],
    // 2.857145 × 0.7 = 2.0000015 → 2.000002 (the half rounds up).
    [
      'a half at the 7th decimal rounds up',
      oneWinner,
      { productId: 'N', previousPrice: '2.857145' },
      '2.000002',
      'high_price_cut',
    ],
  ])('%s', (_, winners, nonWinner, standard, rule) => {
    const result = paymentStandardsOnAward(winners, [nonWinner]);
    expect(result.decisions.find((d) => d.productId === 'N')).toMatchObject({
      winning: false,
      standard,
      rule,
    });
  });

  it('gives each winner its own price and explains every decision', () => {
    const result = paymentStandardsOnAward(twoWinners, [
      { productId: 'N1', previousPrice: '4.000000' },
      { productId: 'N2', previousPrice: '1.500000' },
    ]);
    expect(result).toEqual({
      highestWinningPrice: '1.250000',
      highPriceThreshold: '2.500000',
      decisions: [
        {
          productId: 'W1',
          winning: true,
          standard: '0.800000',
          rule: 'winning_price',
          explanation: 'winning product: standard = its winning unit price 0.800000',
        },
        {
          productId: 'W2',
          winning: true,
          standard: '1.250000',
          rule: 'winning_price',
          explanation: 'winning product: standard = its winning unit price 1.250000',
        },
        {
          // 4.000000 × 0.7 = 2.800000
          productId: 'N1',
          winning: false,
          standard: '2.800000',
          rule: 'high_price_cut',
          explanation:
            'previous price 4.000000 ≥ 2 × highest winning price 1.250000 = 2.500000: standard = 4.000000 × (1 − 0.3) = 2.800000',
        },
        {
          productId: 'N2',
          winning: false,
          standard: '1.250000',
          rule: 'highest_winning_price',
          explanation:
            'previous price 1.500000 < 2 × highest winning price 1.250000 = 2.500000: standard = highest winning price 1.250000',
        },
      ],
    });
  });

  it('gives a product won by two bids the higher of its winning prices', () => {
    const result = paymentStandardsOnAward(
      [
        { productId: 'W1', unitPrice: '0.900000' },
        { productId: 'W1', unitPrice: '0.950000' },
      ],
      [],
    );
    expect(result.decisions).toEqual([
      expect.objectContaining({ productId: 'W1', standard: '0.950000' }),
    ]);
  });

  it.each<
    [
      string,
      { highPriceMultiple: string; highPriceCut: string },
      string,
      string,
      PaymentStandardRule,
    ]
  >([
    // Threshold 1.5 × 1.000000 = 1.500000; 1.600000 × (1 − 0.2) = 1.280000.
    [
      'a lower multiple and a smaller cut',
      { highPriceMultiple: '1.5', highPriceCut: '0.2' },
      '1.600000',
      '1.280000',
      'high_price_cut',
    ],
    // 2.000000 × (1 − 0.6) = 0.800000 < 1.000000: floored at the highest winning price.
    [
      'a cut that would go below the winning price is floored there',
      { highPriceMultiple: '2', highPriceCut: '0.6' },
      '2.000000',
      '1.000000',
      'highest_winning_price',
    ],
    // 2.500000 × 0.4 = 1.000000 = the winning price: still the cut rule.
    [
      'a cut landing exactly on the winning price keeps the cut rule',
      { highPriceMultiple: '2', highPriceCut: '0.6' },
      '2.500000',
      '1.000000',
      'high_price_cut',
    ],
  ])('with parameters: %s', (_, params, previousPrice, standard, rule) => {
    const result = paymentStandardsOnAward(oneWinner, [{ productId: 'N', previousPrice }], params);
    expect(result.decisions[1]).toMatchObject({ standard, rule });
  });

  it.each<[string, WinningProduct[], NonWinningProduct[], object | undefined, RegExp]>([
    ['no winner', [], [], undefined, /without winners/],
    [
      'a zero winning price',
      [{ productId: 'W', unitPrice: '0' }],
      [],
      undefined,
      /winners\[0\]\.unitPrice/,
    ],
    [
      'a price with 7 decimals',
      oneWinner,
      [{ productId: 'N', previousPrice: '1.0000001' }],
      undefined,
      /nonWinners\[0\]\.previousPrice/,
    ],
    [
      'a winner listed as a non-winner',
      oneWinner,
      [{ productId: 'W1', previousPrice: '3' }],
      undefined,
      /also a winner/,
    ],
    [
      'a non-winner listed twice',
      oneWinner,
      [
        { productId: 'N', previousPrice: '3' },
        { productId: 'N', previousPrice: '4' },
      ],
      undefined,
      /listed twice/,
    ],
    [
      'a multiple below 1',
      oneWinner,
      [],
      { highPriceMultiple: '0.9', highPriceCut: '0.3' },
      /highPriceMultiple/,
    ],
    [
      'a cut of 100 %',
      oneWinner,
      [],
      { highPriceMultiple: '2', highPriceCut: '1' },
      /highPriceCut/,
    ],
    [
      'a negative cut',
      oneWinner,
      [],
      { highPriceMultiple: '2', highPriceCut: '-0.1' },
      /highPriceCut/,
    ],
  ])('refuses %s', (_, winners, nonWinners, params, message) => {
    expect(() => paymentStandardsOnAward(winners, nonWinners, params as never)).toThrow(message);
  });
});

describe('payment standard history (§S5)', () => {
  const closed: StandardPeriod = { id: 'a', validFrom: '2025-01-01', validTo: '2025-12-31' };
  const current: StandardPeriod = { id: 'b', validFrom: '2026-01-01', validTo: null };

  it.each<[string, StandardPeriod[], string, StandardPeriodPlan]>([
    [
      'the first standard just opens',
      [],
      '2027-02-01',
      { ok: true, close: null, supersede: null, open: { validFrom: '2027-02-01', validTo: null } },
    ],
    [
      'an open current standard closes the day before',
      [closed, current],
      '2027-02-01',
      {
        ok: true,
        close: { id: 'b', validTo: '2027-01-31' },
        supersede: null,
        open: { validFrom: '2027-02-01', validTo: null },
      },
    ],
    [
      // 2028 is a leap year: the day before 1 March is 29 February.
      'closing across a leap day',
      [{ id: 'c', validFrom: '2027-06-01', validTo: null }],
      '2028-03-01',
      {
        ok: true,
        close: { id: 'c', validTo: '2028-02-29' },
        supersede: null,
        open: { validFrom: '2028-03-01', validTo: null },
      },
    ],
    [
      'a closed standard running past the new start is cut back',
      [{ id: 'c', validFrom: '2026-01-01', validTo: '2026-12-31' }],
      '2026-07-01',
      {
        ok: true,
        close: { id: 'c', validTo: '2026-06-30' },
        supersede: null,
        open: { validFrom: '2026-07-01', validTo: null },
      },
    ],
    [
      'a closed standard ending before the new one is left alone (a gap)',
      [closed],
      '2026-03-01',
      { ok: true, close: null, supersede: null, open: { validFrom: '2026-03-01', validTo: null } },
    ],
    [
      'a closed standard ending the day before is left alone',
      [closed],
      '2026-01-01',
      { ok: true, close: null, supersede: null, open: { validFrom: '2026-01-01', validTo: null } },
    ],
    [
      'a standard from the same day replaces the latest',
      [closed, current],
      '2026-01-01',
      { ok: true, close: null, supersede: 'b', open: { validFrom: '2026-01-01', validTo: null } },
    ],
    [
      'the history may arrive in any order',
      [current, closed],
      '2026-05-01',
      {
        ok: true,
        close: { id: 'b', validTo: '2026-04-30' },
        supersede: null,
        open: { validFrom: '2026-05-01', validTo: null },
      },
    ],
    [
      'a standard before the current one started is refused',
      [closed, current],
      '2025-12-31',
      {
        ok: false,
        problem: {
          field: 'validFrom',
          code: 'STANDARD_DATE_CONFLICT',
          message:
            'validFrom 2025-12-31 is before 2026-01-01, the start of the current payment standard',
        },
      },
    ],
    [
      'a malformed date is refused',
      [],
      '2026-02-30',
      {
        ok: false,
        problem: {
          field: 'validFrom',
          code: 'STANDARD_DATE_INVALID',
          message: 'validFrom must be a date YYYY-MM-DD, got "2026-02-30"',
        },
      },
    ],
  ])('%s', (_, existing, validFrom, plan) => {
    expect(planStandardPeriod(existing, validFrom)).toEqual(plan);
  });

  it.each<[string, StandardPeriod[], RegExp]>([
    ['overlapping periods', [{ ...closed, validTo: '2026-01-01' }, current], /a and b overlap/],
    [
      'an open period followed by another',
      [{ ...closed, validTo: null }, current],
      /a and b overlap/,
    ],
    [
      'a period ending before it starts',
      [{ id: 'x', validFrom: '2026-02-01', validTo: '2026-01-31' }],
      /ends 2026-01-31 before/,
    ],
  ])('treats a corrupt history as a programming error: %s', (_, existing, message) => {
    expect(() => planStandardPeriod(existing, '2027-01-01')).toThrow(message);
  });
});
