import type { HospitalPrice } from './cross-region-low';
import type { RuleParameters } from './rule-catalog';
import { hit, price, ratio, RuleHit } from './rule-hit';

/**
 * §M3.7 `price_spread`: max / min of the unit comparable prices (§P5) the hospitals paid for a
 * generic/spec in the month (each hospital's mean, every product of the generic) > maxRatio
 * (1.8), strictly. Needs `minPeers` hospitals with a positive price. Severity yellow; the
 * subject is the generic/spec.
 */
export function priceSpread(
  period: string,
  group: { genericKey: string; category: string | null },
  hospitals: readonly HospitalPrice[],
  params: RuleParameters['price_spread'],
): RuleHit[] {
  const peers = hospitals.filter((h) => h.price.gt(0));
  if (peers.length < params.minPeers) return [];
  // Ties resolve to the lowest hospital id so the evidence is the same on every run.
  const pick = (better: (a: HospitalPrice, b: HospitalPrice) => boolean) =>
    peers.reduce((a, b) =>
      better(b, a) || (b.price.eq(a.price) && Number(b.hospitalId) < Number(a.hospitalId)) ? b : a,
    );
  const max = pick((a, b) => a.price.gt(b.price));
  const min = pick((a, b) => a.price.lt(b.price));
  const spread = max.price.div(min.price);
  if (!spread.gt(params.maxRatio)) return [];
  return [
    hit('price_spread', period, 'yellow', group, {
      maxComparablePrice: price(max.price),
      maxHospitalId: max.hospitalId,
      minComparablePrice: price(min.price),
      minHospitalId: min.hospitalId,
      spread: ratio(spread),
      maxRatio: params.maxRatio,
      peers: peers.length,
    }),
  ];
}
