import { Decimal, roundTo, SCALE } from '../../../../database/decimal';

/**
 * §S6 the pre-VBP baseline of a hospital × lot: the totals (quantity in smallest units of the
 * lot's representative spec, amount in yuan) whose ratio is the pre-VBP weighted average unit
 * price that surplusRetention applies to the agreed quantity.
 *
 * - `reported_purchases`: what the hospital reported purchasing (§E3) of the lot's products in
 *   the 12 months before its agreements started, each product's quantity valued at its unit
 *   price then: Σ amount ÷ Σ quantity, so a product bought more weighs more.
 * - `listing_mean`: with no such purchases, the plain mean of the products' listing prices per
 *   representative unit, applied to the agreed quantity (quantity = agreed, amount = agreed ×
 *   mean), so the average is the mean itself.
 *
 * Totals are rounded once, here: the quantity to 3 decimals, the amount to 2.
 */

export type PreVbpBasis = 'reported_purchases' | 'listing_mean';

export interface ReportedPurchase {
  productId: string;
  /** Σ purchased in the window, in the product's own smallest units. */
  quantity: string;
  /** Price of one own smallest unit, 6 decimals. */
  unitPrice: string;
  /** Representative smallest units in one own smallest unit (2 for a 40 mg tablet of a 20 mg lot). */
  representativeUnitsPerUnit: string;
}

export interface BaselineLine {
  productId: string;
  quantity: string;
  representativeQuantity: string;
  unitPrice: string;
  amount: string;
}

export interface PreVbpBaseline {
  basis: PreVbpBasis;
  /** In representative smallest units, 3 decimals. */
  quantity: string;
  /** Yuan, 2 decimals. */
  amount: string;
  /** amount ÷ quantity per representative unit, 6 decimals (what surplusRetention will find). */
  unitPrice: string;
  /** Per product, figures as shown (unrounded figures make the totals). */
  lines: BaselineLine[];
}

function positive(field: string, value: string, allowZero: boolean): Decimal {
  let d: Decimal;
  try {
    d = new Decimal(value);
  } catch {
    throw new Error(`${field}: must be a decimal string, got ${JSON.stringify(value)}`);
  }
  if (!d.isFinite() || d.isNeg() || (!allowZero && d.isZero()))
    throw new Error(`${field}: must be ${allowZero ? '≥ 0' : '> 0'}, got ${JSON.stringify(value)}`);
  return d;
}

/**
 * The weighted baseline from reported purchases; null when none has a quantity above 0 (the
 * caller falls back to the listing mean).
 */
export function weightedPreVbpBaseline(
  purchases: readonly ReportedPurchase[],
): PreVbpBaseline | null {
  const seen = new Set<string>();
  let quantity = new Decimal(0);
  let amount = new Decimal(0);
  const lines: BaselineLine[] = [];
  purchases.forEach((p, i) => {
    if (seen.has(p.productId))
      throw new Error(`purchases[${i}].productId: product ${p.productId} is listed twice`);
    seen.add(p.productId);
    const own = positive(`purchases[${i}].quantity`, p.quantity, true);
    const price = positive(`purchases[${i}].unitPrice`, p.unitPrice, true);
    const units = positive(
      `purchases[${i}].representativeUnitsPerUnit`,
      p.representativeUnitsPerUnit,
      false,
    );
    if (own.isZero()) return;
    const rep = own.times(units);
    const lineAmount = own.times(price);
    quantity = quantity.plus(rep);
    amount = amount.plus(lineAmount);
    lines.push({
      productId: p.productId,
      quantity: roundTo(own, SCALE.quantity),
      representativeQuantity: roundTo(rep, SCALE.quantity),
      unitPrice: roundTo(price, SCALE.unitPrice),
      amount: roundTo(lineAmount, SCALE.amount),
    });
  });
  // Too little to count at 3 decimals is no baseline either.
  if (lines.length === 0 || new Decimal(roundTo(quantity, SCALE.quantity)).isZero()) return null;
  return totals('reported_purchases', quantity, amount, lines);
}

/** The listing-mean baseline: `agreedQuantity` at the mean of the per-representative-unit prices. */
export function listingMeanBaseline(
  agreedQuantity: string,
  repUnitPrices: readonly Decimal.Value[],
): PreVbpBaseline {
  const agreed = positive('agreedQuantity', agreedQuantity, false);
  if (repUnitPrices.length === 0)
    throw new Error('repUnitPrices: the listing mean needs at least one price');
  const mean = Decimal.sum(0, ...repUnitPrices).div(repUnitPrices.length);
  return totals('listing_mean', agreed, agreed.times(mean), []);
}

function totals(
  basis: PreVbpBasis,
  quantity: Decimal,
  amount: Decimal,
  lines: BaselineLine[],
): PreVbpBaseline {
  const q = roundTo(quantity, SCALE.quantity);
  const a = roundTo(amount, SCALE.amount);
  return {
    basis,
    quantity: q,
    amount: a,
    unitPrice: roundTo(new Decimal(a).div(q), SCALE.unitPrice),
    lines,
  };
}
