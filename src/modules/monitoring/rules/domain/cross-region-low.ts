import { Decimal } from '../../../../database/decimal';
import { median } from '../../references/domain/peer-stats';
import type { RegionLevel, RuleParameters } from './rule-catalog';
import { hit, price, ratio, RuleHit } from './rule-hit';

/** One hospital's price of the product in the period (mean of its observations). */
export interface HospitalPrice {
  hospitalId: string;
  regionCode: string;
  price: Decimal;
  supplierId?: string | null;
}

/** A price of the product elsewhere: an `external` other-region reference. */
export interface ExternalPrice {
  regionCode: string;
  price: Decimal;
}

const LEVEL_DIGITS: Record<RegionLevel, number> = { province: 2, city: 4, county: 6 };

/** The code of the region at `level` containing `code`: 320102 at city level is 320100. */
export function regionAt(code: string, level: RegionLevel): string {
  if (!/^\d{6}$/.test(code)) return code;
  const digits = LEVEL_DIGITS[level];
  return code.slice(0, digits).padEnd(6, '0');
}

/**
 * §M3.4 `cross_region_low` (价格洼地): per region (grouped at `regionLevel`), the local price is
 * the median of its hospitals' prices; the lowest price in other regions is the least of the
 * other local regions' medians and of the external other-region prices outside this region.
 * Fires when local > lowest × (1 + margin), strictly. Severity yellow.
 */
export function crossRegionLow(
  period: string,
  product: { productId: string; genericKey: string; category: string | null },
  hospitals: readonly HospitalPrice[],
  external: readonly ExternalPrice[],
  params: RuleParameters['cross_region_low'],
): RuleHit[] {
  const byRegion = new Map<string, Decimal[]>();
  for (const h of hospitals) {
    const region = regionAt(h.regionCode, params.regionLevel);
    const list = byRegion.get(region) ?? [];
    list.push(h.price);
    byRegion.set(region, list);
  }
  const local = [...byRegion.entries()]
    .map(([region, prices]) => ({ region, price: median(prices), hospitals: prices.length }))
    .sort((a, b) => a.region.localeCompare(b.region));
  const outside = external.map((e) => ({
    region: regionAt(e.regionCode, params.regionLevel),
    price: e.price,
    source: 'external' as const,
  }));
  const candidates = [
    ...local.map((l) => ({ region: l.region, price: l.price, source: 'local' as const })),
    ...outside,
  ];
  const factor = new Decimal(1).plus(params.margin);
  const hits: RuleHit[] = [];
  for (const l of local) {
    let lowest: (typeof candidates)[number] | null = null;
    for (const c of candidates) {
      if (c.region === l.region) continue;
      if (
        !lowest ||
        c.price.lt(lowest.price) ||
        (c.price.eq(lowest.price) && c.region < lowest.region)
      ) {
        lowest = c;
      }
    }
    if (!lowest || !lowest.price.gt(0)) continue;
    const limit = lowest.price.times(factor);
    if (!l.price.gt(limit)) continue;
    hits.push(
      hit(
        'cross_region_low',
        period,
        'yellow',
        { ...product, regionCode: l.region },
        {
          localMedianPrice: price(l.price),
          localHospitals: l.hospitals,
          lowestPrice: price(lowest.price),
          lowestRegionCode: lowest.region,
          lowestSource: lowest.source,
          margin: params.margin,
          regionLevel: params.regionLevel,
          limit: price(limit),
          excessShare: ratio(l.price.div(lowest.price).minus(1)),
        },
      ),
    );
  }
  return hits;
}
