import { Decimal } from '../../../../database/decimal';
import { regionWithin, type RuleParameters } from './rule-catalog';
import { hit, price, ratio, RuleHit } from './rule-hit';
import type { Listing } from './listing-multiple';

/** A VBP winning product and the regions it supplies as primary supplier (§P9). */
export interface WinningProduct {
  productId: string;
  supplierId: string;
  lotId: string;
  /** Winning price per smallest unit. */
  winningUnitPrice: Decimal;
  suppliedRegions: readonly string[];
}

/**
 * §M3.3 `non_supply_region`: a VBP winner's listing in a region it does not supply priced above
 * `multiple` × its winning price (strictly). A listing region lies in a supplied region when it
 * is that region or under it. Severity red_1.
 */
export function nonSupplyRegion(
  period: string,
  group: { genericKey: string; category: string | null },
  winners: readonly WinningProduct[],
  listings: readonly Listing[],
  params: RuleParameters['non_supply_region'],
): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const w of winners) {
    const limit = w.winningUnitPrice.times(params.multiple);
    for (const l of listings) {
      if (l.productId !== w.productId) continue;
      if (w.suppliedRegions.some((r) => regionWithin(l.regionCode, r))) continue;
      if (!l.unitPrice.gt(limit)) continue;
      hits.push(
        hit(
          'non_supply_region',
          period,
          'red_1',
          { ...group, productId: w.productId, regionCode: l.regionCode, supplierId: w.supplierId },
          {
            listingId: l.listingId,
            listingUnitPrice: price(l.unitPrice),
            winningUnitPrice: price(w.winningUnitPrice),
            lotId: w.lotId,
            suppliedRegions: [...w.suppliedRegions].sort(),
            multiple: ratio(l.unitPrice.div(w.winningUnitPrice)),
            threshold: params.multiple,
          },
        ),
      );
    }
  }
  return hits;
}
