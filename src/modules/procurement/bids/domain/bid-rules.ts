import { Decimal, roundTo, SCALE } from '../../../../database/decimal';
import { procurementError } from '../../procurement.errors';

/** §P4 pack price (申报价): at most 12 integer digits and 4 decimals. */
const PACK_PRICE = /^\d{1,12}(\.\d{1,4})?$/;
const PACK_PRICE_SCALE = 4;

/** Supply capacity is a quantity (DECIMAL(18,3)): at most 15 integer digits and 3 decimals. */
const CAPACITY = /^\d{1,15}(\.\d{1,3})?$/;

const REGION_CODE = /^\d{6}$/;
export const MAX_PREFERRED_REGIONS = 100;

/** The pack price as its canonical scale-4 string; it must be positive (§P4). */
export function checkPackPrice(value: string, field: string): string {
  const t = value.trim();
  if (!PACK_PRICE.test(t) || new Decimal(t).lte(0))
    throw procurementError(
      'BID_PRICE_INVALID',
      `${field} must be a decimal greater than 0 with at most 12 integer digits and 4 decimals, got ${JSON.stringify(value)}`,
      { field },
    );
  return roundTo(t, PACK_PRICE_SCALE);
}

/** The annual supply capacity the supplier commits to, as its canonical scale-3 string. */
export function checkCapacity(value: string, field: string): string {
  const t = value.trim();
  if (!CAPACITY.test(t) || new Decimal(t).lte(0))
    throw procurementError(
      'BID_CAPACITY_INVALID',
      `${field} must be a decimal greater than 0 with at most 15 integer digits and 3 decimals, got ${JSON.stringify(value)}`,
      { field },
    );
  return roundTo(t, SCALE.quantity);
}

/**
 * Preferred supply regions: distinct 6-digit division codes, at most 100, in the supplier's order
 * of preference — §P9 region picks follow that order, so it is kept as given.
 */
export function checkPreferredRegions(codes: string[], field: string): string[] {
  if (codes.length > MAX_PREFERRED_REGIONS)
    throw procurementError(
      'BID_REGIONS_INVALID',
      `${field} must list at most ${MAX_PREFERRED_REGIONS} regions, got ${codes.length}`,
      { field },
    );
  const seen = new Map<string, number>();
  codes.forEach((code, i) => {
    const at = `${field}[${i}]`;
    if (typeof code !== 'string' || !REGION_CODE.test(code))
      throw procurementError(
        'BID_REGIONS_INVALID',
        `${at} must be a 6-digit region code, got ${JSON.stringify(code)}`,
        { field: at },
      );
    const first = seen.get(code);
    if (first !== undefined)
      throw procurementError(
        'BID_REGIONS_INVALID',
        `${at} repeats region ${code}, already given at ${field}[${first}]`,
        { field: at },
      );
    seen.set(code, i);
  });
  return [...codes];
}
