import { Decimal } from '../../../../database/decimal';
import {
  addMonths,
  chainedIndex,
  checkRange,
  indexValue,
  monthsBetween,
  ProductMonth,
  ProductRegionMonth,
  vbpSavings,
} from './price-index';

/** A product-month from a price and a quantity (value = p × q, as the SQL aggregate gives it). */
const pm = (productId: string, period: string, price: string, quantity: string): ProductMonth => ({
  productId,
  period,
  quantity: new Decimal(quantity),
  value: new Decimal(price).times(quantity),
});

/** The same in a region, as the savings' SQL aggregate gives it. */
const prm = (
  productId: string,
  regionCode: string,
  period: string,
  price: string,
  quantity: string,
): ProductRegionMonth => ({ ...pm(productId, period, price, quantity), regionCode });

/*
 * Worked by hand — two periods, three products (unit comparable price p, quantity q):
 *
 *            2026-01 (t−1)      2026-02 (t)
 *   A        p=10  q=100        p=12  q=90
 *   B        p=20  q=50         p=18  q=60
 *   C        p=5   q=200        p=5   q=220
 *
 *   Σ p_{t−1} q_{t−1} = 10·100 + 20·50 + 5·200 = 1000 + 1000 + 1000 = 3000
 *   Σ p_t     q_{t−1} = 12·100 + 18·50 + 5·200 = 1200 +  900 + 1000 = 3100
 *   Σ p_t     q_t     = 12·90  + 18·60 + 5·220 = 1080 + 1080 + 1100 = 3260
 *   Σ p_{t−1} q_t     = 10·90  + 20·60 + 5·220 =  900 + 1200 + 1100 = 3200
 *
 *   Laspeyres = 3100 / 3000 = 1.033333…  → 103.3333
 *   Paasche   = 3260 / 3200 = 1.01875    → 101.8750
 *   Fisher    = √(1.033333… × 1.01875) = √1.052708333… = 1.026015757 → 102.6016
 *
 * A third month makes a three-month chain; B is not bought in 2026-03 and D is new, so the
 * link 2026-02 → 2026-03 uses A and C only:
 *
 *            2026-03
 *   A        p=11  q=100
 *   C        p=6   q=200
 *   D        p=50  q=10     (no price in 2026-02: left out of the link)
 *
 *   Laspeyres link = (11·90 + 6·220) / (12·90 + 5·220)   = 2310 / 2180 = 1.059633…
 *   Paasche link   = (11·100 + 6·200) / (12·100 + 5·200) = 2300 / 2200 = 1.045454…
 *   Fisher link    = √(1.059633… × 1.045454…) = 1.052519912
 *
 *   Chained from 2026-01 = 100:
 *     Laspeyres 2026-03 = 100 × 3100/3000 × 2310/2180 = 109.4954
 *     Paasche   2026-03 = 100 × 3260/3200 × 2300/2200 = 106.5057
 *     Fisher    2026-03 = 100 × 1.026015757 × 1.052519912 = 107.9902
 *   Chained from 2026-02 = 100 (the base in the middle; backwards divides):
 *     Laspeyres 2026-01 = 100 / (3100/3000) = 96.7742, 2026-03 = 100 × 2310/2180 = 105.9633
 *     Paasche   2026-01 = 100 / (3260/3200) = 98.1595, 2026-03 = 104.5455
 *     Fisher    2026-01 = 100 / 1.026015757 = 97.4644, 2026-03 = 105.2520
 */
const TWO_PERIODS: ProductMonth[] = [
  pm('A', '2026-01', '10', '100'),
  pm('B', '2026-01', '20', '50'),
  pm('C', '2026-01', '5', '200'),
  pm('A', '2026-02', '12', '90'),
  pm('B', '2026-02', '18', '60'),
  pm('C', '2026-02', '5', '220'),
];
const THREE_MONTHS: ProductMonth[] = [
  ...TWO_PERIODS,
  pm('A', '2026-03', '11', '100'),
  pm('C', '2026-03', '6', '200'),
  pm('D', '2026-03', '50', '10'),
];

function values(points: ReturnType<typeof chainedIndex>) {
  return points.map((p) => [
    p.period,
    indexValue(p.laspeyres),
    indexValue(p.paasche),
    indexValue(p.fisher),
  ]);
}

describe('chained price index (§M5)', () => {
  it('two periods, three products: Laspeyres, Paasche and Fisher by hand', () => {
    const points = chainedIndex(TWO_PERIODS, { from: '2026-01', to: '2026-02', base: '2026-01' });
    expect(values(points)).toEqual([
      ['2026-01', '100.0000', '100.0000', '100.0000'],
      ['2026-02', '103.3333', '101.8750', '102.6016'],
    ]);
    expect(points[1].link?.products).toBe(3);
    expect(points[0].link).toBeNull();
  });

  it('three-month chain from the first month, a product missing from one link', () => {
    const points = chainedIndex(THREE_MONTHS, {
      from: '2026-01',
      to: '2026-03',
      base: '2026-01',
    });
    expect(values(points)).toEqual([
      ['2026-01', '100.0000', '100.0000', '100.0000'],
      ['2026-02', '103.3333', '101.8750', '102.6016'],
      ['2026-03', '109.4954', '106.5057', '107.9902'],
    ]);
    expect(points[2].link?.products).toBe(2);
    expect(points[2].products).toBe(3);
  });

  it('a base in the middle divides the links backwards', () => {
    const points = chainedIndex(THREE_MONTHS, {
      from: '2026-01',
      to: '2026-03',
      base: '2026-02',
    });
    expect(values(points)).toEqual([
      ['2026-01', '96.7742', '98.1595', '97.4644'],
      ['2026-02', '100.0000', '100.0000', '100.0000'],
      ['2026-03', '105.9633', '104.5455', '105.2520'],
    ]);
  });

  it('a month without common products breaks the chain beyond it', () => {
    const rows = [
      pm('A', '2026-01', '10', '1'),
      pm('B', '2026-02', '10', '1'),
      pm('B', '2026-03', '11', '1'),
    ];
    const points = chainedIndex(rows, { from: '2026-01', to: '2026-03', base: '2026-02' });
    expect(values(points)).toEqual([
      ['2026-01', null, null, null],
      ['2026-02', '100.0000', '100.0000', '100.0000'],
      ['2026-03', '110.0000', '110.0000', '110.0000'],
    ]);
  });

  it('the same product over several rows of a month is one quantity-weighted price', () => {
    const split = [
      pm('A', '2026-01', '10', '100'),
      pm('A', '2026-02', '10', '50'),
      pm('A', '2026-02', '14', '50'),
    ];
    const points = chainedIndex(split, { from: '2026-01', to: '2026-02', base: '2026-01' });
    expect(indexValue(points[1].laspeyres)).toBe('120.0000');
  });

  it.each([
    ['2026-13', '2026-02', undefined, 'from'],
    ['2026-03', '2026-02', undefined, 'to'],
    ['2026-01', '2026-02', '2025-12', 'base'],
    ['2010-01', '2026-02', undefined, 'to'],
  ])('range %s..%s base %s is refused naming %s', (from, to, base, field) => {
    expect(() => checkRange(from, to, base)).toThrow(expect.objectContaining({ status: 400 }));
    try {
      checkRange(from, to, base);
    } catch (err) {
      expect((err as { details: { field: string } }).details.field).toBe(field);
    }
  });

  it.each([
    ['2026-01', 1, '2026-02'],
    ['2026-12', 1, '2027-01'],
    ['2026-01', -1, '2025-12'],
    ['2026-03', -14, '2025-01'],
  ])('addMonths(%s, %d) = %s', (period, n, expected) => {
    expect(addMonths(period, n)).toBe(expected);
  });

  it('monthsBetween lists both ends', () => {
    expect(monthsBetween('2025-11', '2026-02')).toEqual([
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
    ]);
  });
});

describe('VBP savings (§M5)', () => {
  /*
   * Lot L1 starts 2026-03 in region R. Its admitted products: W (the winner) and X (a
   * non-winner).
   * Baseline window 2025-03..2026-02: W 100 @ 8, X 300 @ 12 → pre-VBP price
   *   = (800 + 3600) / 400 = 11.
   * 2026-03: W 500 @ 3 → at pre-VBP prices 500 × 11 = 5500, cost 1500, savings 4000.
   * 2026-04: W 400 @ 3 and X 50 @ 12 (a non-winner bought after VBP does not count)
   *   → 4400 − 1200 = 3200.
   * Lot L2 has no purchases before its start: no baseline, left out.
   */
  const lots = [
    {
      lotId: '1',
      lotCode: 'L1',
      roundCode: 'R2026-0001',
      startPeriod: '2026-03',
      winningProductIds: ['W'],
      lotProductIds: ['W', 'X'],
      regionCodes: ['R'],
    },
    {
      lotId: '2',
      lotCode: 'L2',
      roundCode: 'R2026-0001',
      startPeriod: '2026-03',
      winningProductIds: ['V'],
      lotProductIds: ['V'],
      regionCodes: ['R'],
    },
  ];
  const rows = [
    prm('W', 'R', '2025-06', '8', '100'),
    prm('X', 'R', '2026-02', '12', '300'),
    prm('X', 'R', '2024-12', '99', '1000'), // before the window: ignored
    prm('W', 'R', '2026-03', '3', '500'),
    prm('W', 'R', '2026-04', '3', '400'),
    prm('X', 'R', '2026-04', '12', '50'),
    prm('V', 'R', '2026-03', '2', '10'),
  ];

  const table = (series: ReturnType<typeof vbpSavings>['series']) =>
    series.map((s) => [
      s.period,
      s.vbpQuantity.toFixed(3),
      s.atPreVbpPrices.toFixed(2),
      s.actualCost.toFixed(2),
      s.savings.toFixed(2),
      s.lots,
    ]);

  it('baseline, series and the lot without a baseline', () => {
    const { baselines, series } = vbpSavings(lots, rows, { from: '2026-02', to: '2026-04' });
    expect(
      baselines.map((b) => [
        b.lotCode,
        b.baselineFrom,
        b.baselineTo,
        b.preVbpPrice?.toFixed(6) ?? null,
      ]),
    ).toEqual([
      ['L1', '2025-03', '2026-02', '11.000000'],
      ['L2', '2025-03', '2026-02', null],
    ]);
    expect(table(series)).toEqual([
      ['2026-02', '0.000', '0.00', '0.00', '0.00', 0],
      ['2026-03', '500.000', '5500.00', '1500.00', '4000.00', 1],
      ['2026-04', '400.000', '4400.00', '1200.00', '3200.00', 1],
    ]);
  });

  /*
   * W won three lots:
   *   A from 2026-03 in N1 and N2 (admitted W, X);
   *   B from 2026-03 in S1 (admitted W, Y);
   *   C from 2026-05 in N1 only (admitted W): A's renewal there.
   *
   * Baselines, each over its own regions only:
   *   A 2025-03..2026-02, N1/N2: W 100 @ 8 (N1), X 100 @ 12 (N2)   → 2000 / 200 = 10
   *   B 2025-03..2026-02, S1:    W 50 @ 10, Y 50 @ 20                → 1500 / 100 = 15
   *   C 2025-05..2026-04, N1:    W 100 @ 8, 200 @ 4, 100 @ 4         → 2000 / 400 = 5
   *   (W's 2025-10 purchase in N1 is in A's and C's baselines, never in B's.)
   *
   * Each purchase counts once, for the latest-started lot covering its region:
   *   2026-03  N1 W 200 @ 4 → A: 2000 − 800;   S1 W 100 @ 6 → B: 1500 − 600
   *            → q 300, 3500 − 1400 = 2100, 2 lots
   *   2026-04  N1 W 100 @ 4 → A: 1000 − 400;   N2 W 50 @ 4 → A: 500 − 200
   *            G9 W 999 @ 1: no lot covers G9, left out
   *            → q 150, 1500 − 600 = 900, 1 lot
   *   2026-05  N1 W 100 @ 4 → C: 500 − 400;    N2 W 100 @ 4 → A: 1000 − 400
   *            → q 200, 1500 − 800 = 700, 2 lots
   * Counting each purchase for every lot W won would have given 2026-03 q 600 (300 × 2).
   */
  const won = (
    lotId: string,
    startPeriod: string,
    regionCodes: string[],
    lotProductIds: string[],
  ) => ({
    lotId,
    lotCode: `L${lotId}`,
    roundCode: `R${lotId}`,
    startPeriod,
    winningProductIds: ['W'],
    lotProductIds,
    regionCodes,
  });
  const three = [
    won('10', '2026-03', ['N1', 'N2'], ['W', 'X']),
    won('11', '2026-03', ['S1'], ['W', 'Y']),
    won('12', '2026-05', ['N1'], ['W']),
  ];
  const purchases = [
    prm('W', 'N1', '2025-10', '8', '100'),
    prm('X', 'N2', '2026-01', '12', '100'),
    prm('W', 'S1', '2025-12', '10', '50'),
    prm('Y', 'S1', '2026-02', '20', '50'),
    prm('X', 'S1', '2026-01', '30', '70'), // X is not admitted to B: not in its baseline
    prm('W', 'N1', '2026-03', '4', '200'),
    prm('W', 'S1', '2026-03', '6', '100'),
    prm('W', 'N1', '2026-04', '4', '100'),
    prm('W', 'N2', '2026-04', '4', '50'),
    prm('W', 'G9', '2026-04', '1', '999'),
    prm('W', 'N1', '2026-05', '4', '100'),
    prm('W', 'N2', '2026-05', '4', '100'),
  ];

  it('a product that won several lots counts once per purchase, for the lot covering it', () => {
    const { baselines, series } = vbpSavings(three, purchases, { from: '2026-03', to: '2026-05' });
    expect(
      baselines.map((b) => [b.lotCode, b.baselineQuantity.toFixed(3), b.preVbpPrice?.toFixed(6)]),
    ).toEqual([
      ['L10', '200.000', '10.000000'],
      ['L11', '100.000', '15.000000'],
      ['L12', '400.000', '5.000000'],
    ]);
    expect(table(series)).toEqual([
      ['2026-03', '300.000', '3500.00', '1400.00', '2100.00', 2],
      ['2026-04', '150.000', '1500.00', '600.00', '900.00', 1],
      ['2026-05', '200.000', '1500.00', '800.00', '700.00', 2],
    ]);
  });

  it('the order of the lots does not change which one a purchase counts for', () => {
    const reversed = vbpSavings([...three].reverse(), purchases, {
      from: '2026-03',
      to: '2026-05',
    });
    expect(table(reversed.series)).toEqual(
      table(vbpSavings(three, purchases, { from: '2026-03', to: '2026-05' }).series),
    );
  });

  it('a renewal without a baseline leaves the purchases it covers out', () => {
    const renewal = won('13', '2026-04', ['N2'], ['Z']);
    const { series } = vbpSavings([...three, renewal], purchases, {
      from: '2026-04',
      to: '2026-04',
    });
    // N2's 50 @ 4 now belongs to lot 13, which has no pre-VBP price: only N1's purchase counts.
    expect(table(series)).toEqual([['2026-04', '100.000', '1000.00', '400.00', '600.00', 1]]);
  });
});
