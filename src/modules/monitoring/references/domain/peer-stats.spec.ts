import { Decimal } from '../../../../database/decimal';
import { mad, median, peerStatistics, percentileOfSorted, sortDecimals } from './peer-stats';

const d = (values: string[]) => values.map((v) => new Decimal(v));
const s = (x: Decimal) => x.toString();

describe('peer statistics (hand-computed)', () => {
  it.each([
    // values, median, MAD, p10, p25, p75, p90
    [['1', '2', '3', '4', '5'], '3', '1', '1.4', '2', '4', '4.6'],
    [['5', '1', '4', '2', '3'], '3', '1', '1.4', '2', '4', '4.6'],
    [['10', '20'], '15', '5', '11', '12.5', '17.5', '19'],
    [['7'], '7', '0', '7', '7', '7', '7'],
    // MAD = 0 when more than half are equal; p75: h = 2.25 → 1 + 0.25 × 9.
    [['1', '1', '1', '10'], '1', '0', '1', '1', '3.25', '7.3'],
    // Even n: median (1.5 + 2.5) / 2; |dev| = 1.9 1.5 .5 .5 1.5 98 → median 1.5.
    [['2.5', '0.5', '1.5', '3.5', '100', '0.1'], '2', '1.5', '0.3', '0.75', '3.25', '51.75'],
  ])(
    '%j → median %s, MAD %s, p10 %s, p25 %s, p75 %s, p90 %s',
    (values, m, dev, p10, p25, p75, p90) => {
      const stats = peerStatistics(d(values));
      expect([stats.median, stats.mad, stats.p10, stats.p25, stats.p75, stats.p90].map(s)).toEqual([
        m,
        dev,
        p10,
        p25,
        p75,
        p90,
      ]);
      expect(s(median(d(values)))).toBe(m);
      expect(s(mad(d(values)))).toBe(dev);
      expect(stats.count).toBe(values.length);
      expect(s(stats.min)).toBe(s(sortDecimals(d(values))[0]));
    },
  );

  it.each([
    ['0', '1'],
    ['1', '5'],
    ['0.5', '3'],
  ])('percentile %s of 1..5 is %s (the ends are the extremes)', (p, expected) => {
    expect(s(percentileOfSorted(d(['1', '2', '3', '4', '5']), p))).toBe(expected);
  });

  it('refuses an empty group and a share outside [0, 1]', () => {
    expect(() => median([])).toThrow(RangeError);
    expect(() => percentileOfSorted(d(['1']), '1.5')).toThrow(RangeError);
  });
});
