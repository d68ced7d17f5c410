import { Decimal } from '../../../../database/decimal';
import type { RuleParameters } from './rule-catalog';
import { hit, price, ratio, RuleHit } from './rule-hit';
import type { Severity } from './severity';

export interface Listing {
  productId: string;
  regionCode: string;
  /** Listing price per smallest unit in force at the end of the period. */
  unitPrice: Decimal;
  listingId: string;
  supplierId: string | null;
}

/** The band of a listing multiple, or null when it does not exceed `yellowAbove`. */
export function listingBand(
  multiple: Decimal,
  params: RuleParameters['listing_multiple'],
): Severity | null {
  if (multiple.gte(params.red3From)) return 'red_3';
  if (multiple.gte(params.red2From)) return 'red_2';
  if (multiple.gte(params.red1From)) return 'red_1';
  if (multiple.gt(params.yellowAbove)) return 'yellow';
  return null;
}

/**
 * §M3.2 `listing_multiple`: each listing of a generic/spec as a multiple of the lowest listing
 * of that generic/spec (any product, any region): (yellowAbove, red1From) yellow,
 * [red1From, red2From) red★, [red2From, red3From) red★★, ≥ red3From red★★★ (transactions to be
 * suspended). Bands include their lower bound: exactly 2 × is red★.
 */
export function listingMultiple(
  period: string,
  group: { genericKey: string; category: string | null },
  listings: readonly Listing[],
  params: RuleParameters['listing_multiple'],
): RuleHit[] {
  const positive = listings.filter((l) => l.unitPrice.gt(0));
  if (positive.length < 2) return [];
  const lowest = positive.reduce((a, b) => (b.unitPrice.lt(a.unitPrice) ? b : a));
  const hits: RuleHit[] = [];
  for (const l of positive) {
    const multiple = l.unitPrice.div(lowest.unitPrice);
    const band = listingBand(multiple, params);
    if (!band) continue;
    hits.push(
      hit(
        'listing_multiple',
        period,
        band,
        { ...group, productId: l.productId, regionCode: l.regionCode, supplierId: l.supplierId },
        {
          listingId: l.listingId,
          listingUnitPrice: price(l.unitPrice),
          lowestUnitPrice: price(lowest.unitPrice),
          lowestProductId: lowest.productId,
          lowestRegionCode: lowest.regionCode,
          multiple: ratio(multiple),
          bands: {
            yellowAbove: params.yellowAbove,
            red1From: params.red1From,
            red2From: params.red2From,
            red3From: params.red3From,
          },
        },
      ),
    );
  }
  return hits;
}
