import { Decimal } from '../../../../database/decimal';
import type { RuleParameters } from './rule-catalog';
import { hit, price, ratio, RuleHit } from './rule-hit';

/** The price a hospital contracted for a product in the period. */
export interface ContractPrice {
  /** `agreement` (§P9, the winning price) takes precedence over `listing` (§C2 挂网价). */
  kind: 'agreement' | 'listing';
  /** Per smallest unit: the highest in force at any time in the period (no false alarms). */
  unitPrice: Decimal;
  /** The agreement code or the listing id it came from. */
  ref: string;
}

/** One hospital's purchases of one product in the period. */
export interface PurchasedItem {
  productId: string;
  hospitalId: string;
  regionCode: string;
  genericKey: string;
  category: string | null;
  supplierId: string | null;
  /** Highest unit price among its `purchase` / `delivery` observations of the period. */
  maxUnitPrice: Decimal;
  observationCount: number;
  contract: ContractPrice | null;
}

/**
 * §M3.1 `above_contract`: a purchase unit price above the agreement or listing price.
 * Fires when maxUnitPrice > contract × (1 + tolerance); at exactly the limit it does not.
 * Severity red_1: paying above the contracted price breaks the agreement or the listing.
 */
export function aboveContract(
  period: string,
  items: readonly PurchasedItem[],
  params: RuleParameters['above_contract'],
): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const item of items) {
    if (!item.contract) continue;
    const limit = item.contract.unitPrice.times(new Decimal(1).plus(params.tolerance));
    if (!item.maxUnitPrice.gt(limit)) continue;
    hits.push(
      hit('above_contract', period, 'red_1', item, {
        observedMaxUnitPrice: price(item.maxUnitPrice),
        observationCount: item.observationCount,
        contractKind: item.contract.kind,
        contractRef: item.contract.ref,
        contractUnitPrice: price(item.contract.unitPrice),
        tolerance: params.tolerance,
        limit: price(limit),
        excessShare: ratio(item.maxUnitPrice.div(item.contract.unitPrice).minus(1)),
      }),
    );
  }
  return hits;
}
