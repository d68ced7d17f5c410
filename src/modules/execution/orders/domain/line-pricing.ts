import { Decimal, roundTo, SCALE } from '../../../../database/decimal';
import { executionError } from '../../execution.errors';

export const PRICE_SOURCES = ['agreement', 'listing', 'manual'] as const;
export type PriceSource = (typeof PRICE_SOURCES)[number];

/** At most 12 integer digits and the scale of the column (DECIMAL(18,6) prices, (18,3) quantities). */
const UNIT_PRICE = /^\d{1,12}(\.\d{1,6})?$/;
const QUANTITY = /^\d{1,15}(\.\d{1,3})?$/;

/** The references a line's price can default to, as found on the order date. */
export interface PriceReferences {
  /** The hospital's agreement in force for the product (§P9): its price per pack. */
  agreement: { id: string; packPrice: Decimal.Value } | null;
  /** The listing (挂网) in force in the hospital's region (§C2): its price per pack. */
  listing: { id: string; packPrice: Decimal.Value; suspended: boolean } | null;
}

export interface RequestedLine {
  quantity: string;
  unitPrice?: string;
  priceReason?: string;
}

export interface PricedLine {
  quantity: string;
  unitPrice: string;
  amount: string;
  priceSource: PriceSource;
  agreementId: string | null;
  listingPriceId: string | null;
  /** The agreement or listing price the line was measured against. */
  referencePrice: string;
  priceReason: string | null;
}

/** A positive quantity with at most 3 decimals, as its canonical scale-3 string. */
export function checkQuantity(value: string, field: string): string {
  const t = value.trim();
  if (!QUANTITY.test(t) || new Decimal(t).lte(0))
    throw executionError(
      'QUANTITY_INVALID',
      `${field} must be a decimal greater than 0 with at most 3 decimals, got ${JSON.stringify(value)}`,
      { field },
    );
  return roundTo(t, SCALE.quantity);
}

function checkUnitPrice(value: string, field: string): string {
  const t = value.trim();
  if (!UNIT_PRICE.test(t) || new Decimal(t).lte(0))
    throw executionError(
      'PRICE_INVALID',
      `${field} must be a decimal greater than 0 with at most 12 integer digits and 6 decimals, got ${JSON.stringify(value)}`,
      { field },
    );
  return roundTo(t, SCALE.unitPrice);
}

/** A line amount: quantity × unit price, rounded half-up to cents once, here. */
export function lineAmount(quantity: Decimal.Value, unitPrice: Decimal.Value): string {
  return roundTo(new Decimal(quantity).times(unitPrice), SCALE.amount);
}

/**
 * §E1 price of an order line. It defaults to the hospital's agreement price when one is in force
 * for the product on the order date, else to the listing price of the hospital's region; a
 * product with neither cannot be ordered. A price other than the default needs a reason and is
 * recorded as `manual` (the monitoring context will read these). A suspended listing (§K3
 * sanction, §M6 price case) refuses the order when it is the basis of the price; an agreement
 * outranks the listing, so a VBP purchase is not blocked by it.
 */
export function priceLine(line: RequestedLine, refs: PriceReferences, field: string): PricedLine {
  const quantity = checkQuantity(line.quantity, `${field}.quantity`);
  const requested =
    line.unitPrice === undefined ? null : checkUnitPrice(line.unitPrice, `${field}.unitPrice`);
  const reason = line.priceReason?.trim() || null;
  let base: { source: 'agreement' | 'listing'; id: string; price: string };
  if (refs.agreement)
    base = {
      source: 'agreement',
      id: refs.agreement.id,
      price: roundTo(refs.agreement.packPrice, SCALE.unitPrice),
    };
  else if (refs.listing) {
    if (refs.listing.suspended)
      throw executionError(
        'LISTING_SUSPENDED',
        `${field}.productId: the product's listing in the hospital's region is suspended; it cannot be ordered`,
        { field: `${field}.productId`, listingPriceId: refs.listing.id },
      );
    base = {
      source: 'listing',
      id: refs.listing.id,
      price: roundTo(refs.listing.packPrice, SCALE.unitPrice),
    };
  } else
    throw executionError(
      'PRICE_UNAVAILABLE',
      `${field}.productId: the product has neither an agreement of this hospital nor a listing price in its region on the order date`,
      { field: `${field}.productId` },
    );
  const manual = requested !== null && !new Decimal(requested).eq(base.price);
  if (manual && !reason)
    throw executionError(
      'PRICE_REASON_REQUIRED',
      `${field}.priceReason: a unit price of ${requested} differs from the ${base.source} price ${base.price}; give the reason`,
      { field: `${field}.priceReason`, referencePrice: base.price, source: base.source },
    );
  const unitPrice = manual ? requested : base.price;
  return {
    quantity,
    unitPrice,
    amount: lineAmount(quantity, unitPrice),
    priceSource: manual ? 'manual' : base.source,
    agreementId: base.source === 'agreement' ? base.id : null,
    listingPriceId: base.source === 'listing' ? base.id : null,
    referencePrice: base.price,
    priceReason: manual ? reason : null,
  };
}

/** The order total: the sum of the rounded line amounts. */
export function orderTotal(amounts: Decimal.Value[]): string {
  return roundTo(
    amounts.reduce<Decimal>((sum, a) => sum.plus(a), new Decimal(0)),
    SCALE.amount,
  );
}
