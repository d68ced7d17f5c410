import { Decimal, roundTo, SCALE } from '../../../../database/decimal';
import {
  normaliseStrengthUnit,
  strengthUnit,
} from '../../../catalog/products/domain/strength-units';

/**
 * §P5 unit comparable price: a bid converted to one unit of the lot's representative spec, so
 * bids of different strengths and dosage forms compete on one price.
 */

export interface Spec {
  strength: Decimal.Value;
  strengthUnit: string;
  dosageForm: string;
}

export interface PricedSpec extends Spec {
  packPrice: Decimal.Value;
  packSize: number;
}

export interface PriceParameters {
  strengthRatioBase: Decimal.Value;
  dosageFormFactors: Readonly<Record<string, Decimal.Value>>;
}

export const PRICE_INVALID_REASONS = [
  'non_positive_price',
  'invalid_pack_size',
  'non_positive_strength',
  'incomparable_strength',
  'unknown_dosage_form',
] as const;
export type PriceInvalidReason = (typeof PRICE_INVALID_REASONS)[number];

export interface ComparablePrice {
  /** packPrice ÷ packSize at 6 decimals; null when the pack size is unusable. */
  unitPrice: string | null;
  /** At 6 decimals; null when the bid cannot be converted to the representative spec. */
  unitComparablePrice: string | null;
  /** Why the bid cannot take part; empty for a usable bid. */
  invalid: PriceInvalidReason[];
}

/** Price per smallest unit, unrounded. */
export function unitPrice(packPrice: Decimal.Value, packSize: number): Decimal {
  return new Decimal(packPrice).div(packSize);
}

/** A strength in its dimension's base unit (mg, ml, IU …), or null for an unknown unit. */
export function strengthInBase(
  strength: Decimal.Value,
  unit: string,
): { dimension: string; value: Decimal } | null {
  const canonical = normaliseStrengthUnit(unit);
  if (!canonical) return null;
  const { dimension, toBase } = strengthUnit(canonical);
  return { dimension, value: new Decimal(strength).times(toBase) };
}

/**
 * strengthRatioBase ^ log2(strength ÷ representative strength), or null when the two strengths
 * are in different dimensions (mg against ml) and so cannot be compared.
 */
export function strengthFactor(
  bid: Pick<Spec, 'strength' | 'strengthUnit'>,
  representative: Pick<Spec, 'strength' | 'strengthUnit'>,
  base: Decimal.Value,
): Decimal | null {
  const own = strengthInBase(bid.strength, bid.strengthUnit);
  const rep = strengthInBase(representative.strength, representative.strengthUnit);
  if (!own || !rep || own.dimension !== rep.dimension) return null;
  if (own.value.lte(0) || rep.value.lte(0)) return null;
  return Decimal.pow(base, Decimal.log2(own.value.div(rep.value)));
}

/**
 * Strength factors by (strength, unit) of the bid. A lot's bids share a handful of strengths and
 * the power/log pair is the expensive step, so one selection run computes each once.
 */
export type StrengthFactorCache = Map<string, Decimal | null>;

function cachedStrengthFactor(
  bid: Pick<Spec, 'strength' | 'strengthUnit'>,
  representative: Pick<Spec, 'strength' | 'strengthUnit'>,
  base: Decimal.Value,
  cache: StrengthFactorCache | undefined,
): Decimal | null {
  if (!cache) return strengthFactor(bid, representative, base);
  const key = `${new Decimal(bid.strength).toFixed()} ${bid.strengthUnit}`;
  if (!cache.has(key)) cache.set(key, strengthFactor(bid, representative, base));
  return cache.get(key)!;
}

/** factor(form) ÷ factor(representative form), or null when either form has no factor. */
export function formFactor(
  form: string,
  representativeForm: string,
  factors: Readonly<Record<string, Decimal.Value>>,
): Decimal | null {
  const own = Object.hasOwn(factors, form) ? factors[form] : undefined;
  const rep = Object.hasOwn(factors, representativeForm) ? factors[representativeForm] : undefined;
  if (own === undefined || rep === undefined) return null;
  return new Decimal(own).div(rep);
}

/**
 * unitComparablePrice = unitPrice ÷ strengthFactor ÷ formFactor, carried at the full Decimal
 * precision and rounded once, at the end, to the 6 decimals that are stored and published.
 */
export function comparablePrice(
  bid: PricedSpec,
  representative: Spec,
  params: PriceParameters,
  cache?: StrengthFactorCache,
): ComparablePrice {
  const invalid: PriceInvalidReason[] = [];
  const packSizeOk = Number.isInteger(bid.packSize) && bid.packSize > 0;
  if (new Decimal(bid.packPrice).lte(0)) invalid.push('non_positive_price');
  if (!packSizeOk) invalid.push('invalid_pack_size');
  const strengthOk = new Decimal(bid.strength).gt(0);
  if (!strengthOk) invalid.push('non_positive_strength');
  const sf = strengthOk
    ? cachedStrengthFactor(bid, representative, params.strengthRatioBase, cache)
    : null;
  if (strengthOk && !sf) invalid.push('incomparable_strength');
  const ff = formFactor(bid.dosageForm, representative.dosageForm, params.dosageFormFactors);
  if (!ff) invalid.push('unknown_dosage_form');

  const unit = packSizeOk ? unitPrice(bid.packPrice, bid.packSize) : null;
  return {
    unitPrice: unit ? roundTo(unit, SCALE.unitPrice) : null,
    unitComparablePrice: unit && sf && ff ? roundTo(unit.div(sf).div(ff), SCALE.unitPrice) : null,
    invalid,
  };
}
