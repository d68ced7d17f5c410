import { Decimal, roundTo } from '../../../../database/decimal';
import type { HospitalPrice } from './cross-region-low';
import type { RuleParameters } from './rule-catalog';
import { hit, price, RuleHit } from './rule-hit';

/** 0.6745 = Φ⁻¹(0.75): makes MAD/0.6745 estimate σ under normality (Iglewicz & Hoaglin 1993). */
const MAD_CONSTANT = new Decimal('0.6745');
/** √(π/2): makes 1.253314 × mean absolute deviation estimate σ; used when MAD = 0. */
const MEAN_AD_CONSTANT = new Decimal('1.253314');

export interface LogScale {
  /** exp(median of ln x): the median for odd n, √(a·b) of the middle pair for even n. */
  center: Decimal;
  /** The robust spread of ln x: MAD (> 0) or, when MAD = 0, the mean absolute deviation. */
  spread: Decimal;
  method: 'mad' | 'mean_ad';
}

function geometricMiddle(sorted: readonly Decimal[]): Decimal {
  const n = sorted.length;
  const mid = Math.floor(n / 2);
  return n % 2 === 1 ? sorted[mid] : sorted[mid - 1].times(sorted[mid]).sqrt();
}

/**
 * Median and MAD of ln x computed through ratios, so only a handful of logarithms are taken:
 * ln is increasing, so the median of ln x is ln of the (geometric) middle value g, and
 * |ln x − ln g| = ln q with q = max(x/g, g/x) ≥ 1, whose median is ln of the middle q.
 * Returns null when every price is equal (no spread at all).
 */
export function logScale(prices: readonly Decimal[]): LogScale | null {
  const sorted = [...prices].sort((a, b) => a.comparedTo(b));
  const center = geometricMiddle(sorted);
  const q = sorted.map((x) => (x.gte(center) ? x.div(center) : center.div(x)));
  q.sort((a, b) => a.comparedTo(b));
  const middleQ = geometricMiddle(q);
  if (middleQ.gt(1)) return { center, spread: middleQ.ln(), method: 'mad' };
  // MAD = 0 (more than half the hospitals pay the very same price, common under VBP): fall back
  // to the mean absolute deviation of ln x, as IBM SPSS and Iglewicz & Hoaglin suggest.
  let sum = new Decimal(0);
  for (const v of q) if (v.gt(1)) sum = sum.plus(v.ln());
  if (sum.isZero()) return null;
  return { center, spread: sum.div(q.length), method: 'mean_ad' };
}

/** Robust z of one price: 0.6745·ln(x/g)/MAD, or ln(x/g)/(1.253314·meanAD); 6 decimals. */
export function robustZ(x: Decimal, scale: LogScale): string {
  const deviation = x.div(scale.center).ln();
  const z =
    scale.method === 'mad'
      ? MAD_CONSTANT.times(deviation).div(scale.spread)
      : deviation.div(MEAN_AD_CONSTANT.times(scale.spread));
  return roundTo(z, 6);
}

/**
 * §M3.6 `peer_outlier`: robust z-score on the log unit price across the hospitals that bought the
 * product in the month (each hospital's mean price): |0.6745 × (ln x − median) / MAD| > threshold
 * (3.5). The z compared is the one shown, rounded to 6 decimals, so a boundary case is decided
 * the same way the evidence reads. Needs `minPeers` hospitals with a positive price. Severity
 * yellow; the subject is the product at the hospital.
 */
export function peerOutlier(
  period: string,
  product: { productId: string; genericKey: string; category: string | null },
  hospitals: readonly HospitalPrice[],
  params: RuleParameters['peer_outlier'],
): RuleHit[] {
  const peers = hospitals.filter((h) => h.price.gt(0));
  if (peers.length < params.minPeers) return [];
  const scale = logScale(peers.map((h) => h.price));
  if (!scale) return [];
  // |z| > T needs ln q > T·spread/0.6745 (or T·1.253314·spread), q = max(x/g, g/x): one exp
  // per group gives the ratio bound, and only prices beyond it (with a 1 % margin for the z
  // rounding) take a logarithm. Most hospitals are skipped on a division.
  const threshold = new Decimal(params.threshold);
  const exponent =
    scale.method === 'mad'
      ? threshold.times(scale.spread).div(MAD_CONSTANT)
      : threshold.times(MEAN_AD_CONSTANT).times(scale.spread);
  const bound = exponent.times('0.99').exp();
  const hits: RuleHit[] = [];
  for (const h of peers) {
    const q = h.price.gte(scale.center) ? h.price.div(scale.center) : scale.center.div(h.price);
    if (q.lte(bound)) continue;
    const z = robustZ(h.price, scale);
    if (!new Decimal(z).abs().gt(threshold)) continue;
    hits.push(
      hit(
        'peer_outlier',
        period,
        'yellow',
        {
          ...product,
          hospitalId: h.hospitalId,
          regionCode: h.regionCode,
          supplierId: h.supplierId,
        },
        {
          hospitalPrice: price(h.price),
          peerCenter: price(scale.center),
          logSpread: roundTo(scale.spread, 6),
          spreadMethod: scale.method,
          z,
          threshold: params.threshold,
          peers: peers.length,
        },
      ),
    );
  }
  return hits;
}
