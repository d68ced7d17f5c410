import { Decimal } from '../../../../database/decimal';

/**
 * §M2 peer statistics. All inputs and outputs are `Decimal`s at full precision; the caller
 * rounds once when it stores or shows a figure.
 *
 * Definitions (x₍₁₎ ≤ … ≤ x₍ₙ₎ the sorted values, n ≥ 1):
 * - **median**: x₍(n+1)/2₎ for odd n; the mean of x₍n/2₎ and x₍n/2+1₎ for even n.
 * - **percentile p** (0 ≤ p ≤ 1): linear interpolation between closest ranks, the definition of
 *   SQL `PERCENTILE_CONT` and of Excel `PERCENTILE.INC` (Hyndman & Fan type 7): with
 *   h = (n − 1)·p, j = ⌊h⌋: x₍j+1₎ + (h − j)·(x₍j+2₎ − x₍j+1₎). p = 0.5 is the median above.
 * - **MAD**: the median of |xᵢ − median|, unscaled (not multiplied by 1.4826); the robust
 *   z-score (rule 6) carries its own 0.6745.
 */

export function sortDecimals(values: readonly Decimal[]): Decimal[] {
  return [...values].sort((a, b) => a.comparedTo(b));
}

/** Median of values already sorted ascending. */
export function medianOfSorted(sorted: readonly Decimal[]): Decimal {
  const n = sorted.length;
  if (n === 0) throw new RangeError('median of no values');
  const mid = Math.floor(n / 2);
  return n % 2 === 1 ? sorted[mid] : sorted[mid - 1].plus(sorted[mid]).div(2);
}

export function median(values: readonly Decimal[]): Decimal {
  return medianOfSorted(sortDecimals(values));
}

/** Percentile p ∈ [0, 1] of values sorted ascending (type 7, as `PERCENTILE_CONT`). */
export function percentileOfSorted(sorted: readonly Decimal[], p: Decimal.Value): Decimal {
  const n = sorted.length;
  if (n === 0) throw new RangeError('percentile of no values');
  const share = new Decimal(p);
  if (share.lt(0) || share.gt(1)) throw new RangeError('percentile outside [0, 1]');
  const h = share.times(n - 1);
  const j = h.floor().toNumber();
  const fraction = h.minus(j);
  if (j + 1 >= n) return sorted[n - 1];
  return sorted[j].plus(fraction.times(sorted[j + 1].minus(sorted[j])));
}

/** Median absolute deviation around the median, unscaled. */
export function mad(values: readonly Decimal[]): Decimal {
  const m = median(values);
  return median(values.map((v) => v.minus(m).abs()));
}

export interface PeerStatistics {
  count: number;
  median: Decimal;
  mad: Decimal;
  p10: Decimal;
  p25: Decimal;
  p75: Decimal;
  p90: Decimal;
  min: Decimal;
  max: Decimal;
}

/** Every statistic of §M2 over one group of peer prices (one value per peer). */
export function peerStatistics(values: readonly Decimal[]): PeerStatistics {
  const sorted = sortDecimals(values);
  const m = medianOfSorted(sorted);
  return {
    count: sorted.length,
    median: m,
    mad: median(sorted.map((v) => v.minus(m).abs())),
    p10: percentileOfSorted(sorted, '0.1'),
    p25: percentileOfSorted(sorted, '0.25'),
    p75: percentileOfSorted(sorted, '0.75'),
    p90: percentileOfSorted(sorted, '0.9'),
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
}
