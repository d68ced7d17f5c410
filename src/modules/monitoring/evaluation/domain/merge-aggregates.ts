import { Decimal } from '../../../../database/decimal';
import type { ObservationAggregate } from './evaluate-group';

const plus = (a: Decimal | null, b: Decimal | null): Decimal | null =>
  a === null ? b : b === null ? a : a.plus(b);
const lower = (a: Decimal | null, b: Decimal | null): Decimal | null =>
  a === null ? b : b === null ? a : b.lt(a) ? b : a;
const higher = (a: Decimal | null, b: Decimal | null): Decimal | null =>
  a === null ? b : b === null ? a : b.gt(a) ? b : a;
const lowerId = (a: string | null, b: string | null): string | null =>
  a === null ? b : b === null ? a : BigInt(b) < BigInt(a) ? b : a;

/**
 * One (product, region, hospital) group out of the groups a month holds for it under several
 * generic keys (its catalogue entry was edited mid-month): counts, sums and purchased quantities
 * add up, the highest paid price and the lowest reference prices are kept — what the SQL
 * aggregate would give had every row carried one key. `first` gives the generic key.
 */
export function mergeAggregates(
  first: ObservationAggregate,
  other: ObservationAggregate,
): ObservationAggregate {
  return {
    productId: first.productId,
    genericKey: first.genericKey,
    category:
      first.category === null
        ? other.category
        : other.category !== null && other.category > first.category
          ? other.category
          : first.category,
    regionCode: first.regionCode,
    hospitalId: first.hospitalId,
    supplierId: lowerId(first.supplierId, other.supplierId),
    transactionCount: first.transactionCount + other.transactionCount,
    transactionUnitSum: plus(first.transactionUnitSum, other.transactionUnitSum),
    transactionComparableSum: plus(first.transactionComparableSum, other.transactionComparableSum),
    maxPaidUnitPrice: higher(first.maxPaidUnitPrice, other.maxPaidUnitPrice),
    paidCount: first.paidCount + other.paidCount,
    purchasedQuantity: plus(first.purchasedQuantity, other.purchasedQuantity),
    otherRegionPrice: lower(first.otherRegionPrice, other.otherRegionPrice),
    nationalMonitoringPrice: lower(first.nationalMonitoringPrice, other.nationalMonitoringPrice),
  };
}
