import { Decimal } from '../../../../database/decimal';
import type { ContractPrice } from '../../rules/domain/above-contract';
import type { Listing } from '../../rules/domain/listing-multiple';
import { regionWithin } from '../../rules/domain/rule-catalog';

export interface AgreementFact {
  agreementCode: string;
  hospitalId: string;
  productId: string;
  unitPrice: Decimal;
}

export interface ListingFact {
  listingId: string;
  productId: string;
  regionCode: string;
  unitPrice: Decimal;
  validFrom: string;
  validTo: string | null;
  status: string;
}

/** How many leading digits of a region code are significant (320100 → 4). */
function depth(code: string): number {
  return code.replace(/(00)+$/, '').length;
}

/**
 * §M3.1 the contract price of each (product, hospital) bought in the period: the hospital's
 * agreement for the product (its highest unit price if several overlap the period), else the
 * listing of the nearest region containing the hospital's region (its highest price during the
 * period, suspended or not: the price the hospital could have bought at). Taking the highest
 * price in force at any time of the month means a price change mid-month never raises a false
 * alert. Keyed `productId|hospitalId`.
 */
export function contractPrices(
  purchases: ReadonlyArray<{ productId: string; hospitalId: string; regionCode: string }>,
  agreements: readonly AgreementFact[],
  listings: readonly ListingFact[],
): Map<string, ContractPrice> {
  const agreed = new Map<string, AgreementFact>();
  for (const a of agreements) {
    const key = `${a.productId}|${a.hospitalId}`;
    const seen = agreed.get(key);
    if (!seen || a.unitPrice.gt(seen.unitPrice)) agreed.set(key, a);
  }
  const listingsOf = new Map<string, ListingFact[]>();
  for (const l of listings) {
    const list = listingsOf.get(l.productId) ?? [];
    list.push(l);
    listingsOf.set(l.productId, list);
  }
  const out = new Map<string, ContractPrice>();
  for (const p of purchases) {
    const key = `${p.productId}|${p.hospitalId}`;
    if (out.has(key)) continue;
    const a = agreed.get(key);
    if (a) {
      out.set(key, { kind: 'agreement', unitPrice: a.unitPrice, ref: a.agreementCode });
      continue;
    }
    const covering = (listingsOf.get(p.productId) ?? []).filter((l) =>
      regionWithin(p.regionCode, l.regionCode),
    );
    if (covering.length === 0) continue;
    const nearest = Math.max(...covering.map((l) => depth(l.regionCode)));
    const best = covering
      .filter((l) => depth(l.regionCode) === nearest)
      .reduce((x, y) => (y.unitPrice.gt(x.unitPrice) ? y : x));
    out.set(key, { kind: 'listing', unitPrice: best.unitPrice, ref: `listing:${best.listingId}` });
  }
  return out;
}

/**
 * Listings in force on the period's last day and not suspended: one per product and region,
 * the latest to start when two overlap (a successor starting that day).
 */
export function listingsInForce(listings: readonly ListingFact[], lastDay: string): Listing[] {
  const current = new Map<string, ListingFact>();
  for (const l of listings) {
    if (l.status !== 'active') continue;
    if (l.validFrom > lastDay || (l.validTo !== null && l.validTo < lastDay)) continue;
    const key = `${l.productId}|${l.regionCode}`;
    const seen = current.get(key);
    if (
      !seen ||
      l.validFrom > seen.validFrom ||
      (l.validFrom === seen.validFrom && Number(l.listingId) > Number(seen.listingId))
    ) {
      current.set(key, l);
    }
  }
  return [...current.values()]
    .sort((a, b) => Number(a.listingId) - Number(b.listingId))
    .map((l) => ({
      productId: l.productId,
      regionCode: l.regionCode,
      unitPrice: l.unitPrice,
      listingId: l.listingId,
      supplierId: null,
    }));
}
