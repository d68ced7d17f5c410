import { Decimal } from '../../../../database/decimal';
import type { LowPriceReference, RuleParameters } from './rule-catalog';
import { hit, price, ratio, RuleHit } from './rule-hit';

/** A product's prices in the month and the references it can be held against. */
export interface LowPriceInput {
  productId: string;
  genericKey: string;
  category: string | null;
  /** Median over hospitals of their mean unit price. */
  medianUnitPrice: Decimal;
  /** Median over hospitals of their mean unit comparable price (unit price where none). */
  medianComparablePrice: Decimal;
  /** The national monitoring price per smallest unit of the product, when imported. */
  nationalMonitoringPrice: Decimal | null;
  /** Median of the generic/spec's comparable prices across hospitals (all its products). */
  genericMedianComparable: Decimal | null;
}

/**
 * §M3.8 `abnormally_low` (supply risk, 降价死): the product's median price below `share` (0.5) of
 * the first reference known, in the analyst's order: the national monitoring price (unit terms)
 * or the generic/spec's median (comparable terms). Strictly below: exactly half does not fire.
 * Severity yellow.
 */
export function abnormallyLow(
  period: string,
  input: LowPriceInput,
  params: RuleParameters['abnormally_low'],
): RuleHit[] {
  for (const kind of params.references) {
    const reference = pick(kind, input);
    if (!reference || !reference.reference.gt(0)) continue;
    const limit = reference.reference.times(params.share);
    if (!reference.price.lt(limit)) return [];
    return [
      hit('abnormally_low', period, 'yellow', input, {
        referenceKind: kind,
        referencePrice: price(reference.reference),
        price: price(reference.price),
        basis: reference.basis,
        share: params.share,
        limit: price(limit),
        priceShareOfReference: ratio(reference.price.div(reference.reference)),
      }),
    ];
  }
  return [];
}

function pick(
  kind: LowPriceReference,
  input: LowPriceInput,
): { reference: Decimal; price: Decimal; basis: 'unit' | 'comparable' } | null {
  if (kind === 'national_monitoring') {
    return input.nationalMonitoringPrice
      ? { reference: input.nationalMonitoringPrice, price: input.medianUnitPrice, basis: 'unit' }
      : null;
  }
  return input.genericMedianComparable
    ? {
        reference: input.genericMedianComparable,
        price: input.medianComparablePrice,
        basis: 'comparable',
      }
    : null;
}
