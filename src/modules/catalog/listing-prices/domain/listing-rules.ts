import { Decimal, roundTo, SCALE } from '../../../../database/decimal';
import { catalogError, FieldProblem } from '../../catalog.errors';

/**
 * §C2 listing periods. Dates are business dates (`YYYY-MM-DD`, inclusive on both ends); a price
 * change is a new row that starts the day after the previous one ends.
 */

export const LISTING_STATUSES = ['active', 'suspended'] as const;
export type ListingStatus = (typeof LISTING_STATUSES)[number];

export const SUSPENSION_SOURCES = ['credit_sanction', 'price_case', 'manual'] as const;
export type SuspensionSource = (typeof SUSPENSION_SOURCES)[number];

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isBusinessDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The business date of an instant in UTC+8 (China Standard Time, no daylight saving). */
export function chinaDate(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

export function dateProblem(field: string, value: string): FieldProblem | null {
  return isBusinessDate(value)
    ? null
    : {
        field,
        code: 'DATE_INVALID',
        message: `${field} must be a date YYYY-MM-DD, got "${value}"`,
      };
}

/** Listing price per pack: a decimal > 0 with at most 6 decimals and 12 integer digits. */
export function parsePackPrice(
  raw: string,
): { ok: true; value: string } | { ok: false; problem: FieldProblem } {
  const t = raw.trim();
  if (!/^\d{1,12}(\.\d{1,6})?$/.test(t) || new Decimal(t).lte(0))
    return {
      ok: false,
      problem: {
        field: 'packPrice',
        code: 'PRICE_INVALID',
        message: `packPrice must be a decimal greater than 0 with at most 6 decimals, got "${raw}"`,
      },
    };
  return { ok: true, value: roundTo(t, SCALE.unitPrice) };
}

/**
 * Price per smallest unit (片/粒/支): pack price ÷ pack size, rounded once to 6 decimals.
 * Consumables are priced per unit of sale, so their pack size is 1.
 */
export function unitPriceOf(packPrice: Decimal.Value, packSize: number): string {
  return roundTo(new Decimal(packPrice).div(packSize), SCALE.unitPrice);
}

export interface ListingPeriod {
  validFrom: string;
  validTo: string | null;
}

/**
 * Where a new listing row goes relative to the latest row of the same product and region: the
 * latest must have started before the new one, and is closed the day before the new one starts
 * if it would otherwise overlap. Returns the date to close the latest row on, or null.
 */
export function planNewListing(
  latest: ListingPeriod | null,
  next: ListingPeriod,
): { closeLatestOn: string | null } {
  if (next.validTo !== null && next.validTo < next.validFrom)
    throw catalogError(
      'LISTING_PERIOD_INVALID',
      `validTo ${next.validTo} is before validFrom ${next.validFrom}`,
      { field: 'validTo' },
    );
  if (!latest) return { closeLatestOn: null };
  if (next.validFrom <= latest.validFrom)
    throw catalogError(
      'LISTING_DATE_CONFLICT',
      `validFrom ${next.validFrom} must be after ${latest.validFrom}, the start of the current listing`,
      { field: 'validFrom', currentValidFrom: latest.validFrom },
    );
  if (latest.validTo !== null && latest.validTo < next.validFrom) return { closeLatestOn: null };
  return { closeLatestOn: addDays(next.validFrom, -1) };
}

export function isActiveOn(period: ListingPeriod, date: string): boolean {
  return period.validFrom <= date && (period.validTo === null || period.validTo >= date);
}

/**
 * One reason a listing is suspended, as long as it is in force. A listing is suspended exactly
 * while it has at least one: each source lifts only its own, so a price case ending does not
 * reinstate a listing a credit sanction still holds, and the other way round.
 */
export interface OpenSuspension {
  source: SuspensionSource;
  /** Who holds it: the price case's code, the credit rating's id; null for a manual one. */
  reference: string | null;
  reason: string;
}

/** The listing's status and the suspension it shows first (the oldest in force), or none. */
export function suspensionSummary<S extends OpenSuspension>(
  open: readonly S[],
): { status: ListingStatus; first: S | null } {
  return open.length === 0
    ? { status: 'active', first: null }
    : { status: 'suspended', first: open[0] };
}

/** A manual suspension is one per listing: a second is refused, whatever else holds it. */
export function checkManualSuspend(open: readonly OpenSuspension[], listingId: string): void {
  if (open.some((s) => s.source === 'manual'))
    throw catalogError(
      'LISTING_ALREADY_SUSPENDED',
      `Listing price ${listingId} is already suspended by hand`,
      { listingId },
    );
}

/**
 * The reinstate endpoint lifts manual suspensions only, and only when that makes the listing
 * active: a listing a price case (§M6) or a credit sanction (§K3) holds stays suspended until
 * that case or sanction lets go of it.
 */
export function checkManualReinstate(open: readonly OpenSuspension[], listingId: string): void {
  if (open.length === 0)
    throw catalogError('LISTING_NOT_SUSPENDED', `Listing price ${listingId} is not suspended`, {
      listingId,
    });
  const held = open.filter((s) => s.source !== 'manual');
  if (held.length > 0)
    throw catalogError(
      'LISTING_HELD',
      `Listing price ${listingId} is held by ${held
        .map((s) => `${s.source} ${s.reference ?? ''}`.trim())
        .join(', ')}; it is reinstated when ${held.length === 1 ? 'that ends' : 'those end'}`,
      {
        listingId,
        holds: held.map((s) => ({ source: s.source, reference: s.reference, reason: s.reason })),
      },
    );
}
