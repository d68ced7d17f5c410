import { Decimal, roundTo, SCALE } from '../../../../database/decimal';
import { executionError } from '../../execution.errors';

export const DECISIONS = ['pending', 'accepted', 'rejected'] as const;
export type Decision = (typeof DECISIONS)[number];

const BUSINESS_DATE = /^\d{4}-\d{2}-\d{2}$/;
const HOUR_MS = 3600 * 1000;

/** A business date (YYYY-MM-DD) in China time, where hospitals and suppliers work. */
export function chinaDate(instant: Date): string {
  return new Date(instant.getTime() + 8 * HOUR_MS).toISOString().slice(0, 10);
}

export function isBusinessDate(value: string): boolean {
  if (!BUSINESS_DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/**
 * What is still to deliver on an order line: ordered − delivered, where a rejected delivery line
 * no longer counts as delivered (the goods went back, so they are owed again).
 */
export function outstanding(
  ordered: Decimal.Value,
  deliveries: ReadonlyArray<{ quantity: Decimal.Value; decision: Decision }>,
): Decimal {
  const delivered = deliveries
    .filter((d) => d.decision !== 'rejected')
    .reduce<Decimal>((sum, d) => sum.plus(d.quantity), new Decimal(0));
  return new Decimal(ordered).minus(delivered);
}

/** Throws when a delivered quantity exceeds what the line still has outstanding. */
export function checkWithinOutstanding(
  quantity: Decimal.Value,
  left: Decimal.Value,
  field: string,
): void {
  if (new Decimal(quantity).gt(left))
    throw executionError(
      'QUANTITY_EXCEEDS_OUTSTANDING',
      `${field}: ${roundTo(quantity, SCALE.quantity)} exceeds the ${roundTo(left, SCALE.quantity)} still outstanding on the order line`,
      { field, outstanding: roundTo(left, SCALE.quantity) },
    );
}

/** §E2 the expiry date of a delivered batch: a real date, not before the delivery day. */
export function checkExpiry(value: string, deliveredAt: Date, field: string): void {
  if (!isBusinessDate(value))
    throw executionError('EXPIRY_INVALID', `${field} must be a date YYYY-MM-DD, got "${value}"`, {
      field,
    });
  const today = chinaDate(deliveredAt);
  if (value < today)
    throw executionError(
      'EXPIRY_INVALID',
      `${field}: batch expired on ${value}, before the delivery day ${today}`,
      { field, deliveryDate: today },
    );
}

/** §E2 an acceptance decision on one line (`at` = `lines[i]`): once only, and a rejection says why. */
export function checkDecision(
  current: Decision,
  decision: 'accepted' | 'rejected',
  reason: string | null,
  at: string,
  lineId: string,
): void {
  if (current !== 'pending')
    throw executionError(
      'DELIVERY_LINE_DECIDED',
      `${at}.deliveryLineId: delivery line ${lineId} was already ${current}; a decision is final`,
      { field: `${at}.deliveryLineId`, decision: current },
    );
  if (decision === 'rejected' && !reason)
    throw executionError(
      'REJECTION_REASON_REQUIRED',
      `${at}.reason: a rejected line needs a reason`,
      {
        field: `${at}.reason`,
      },
    );
}

/**
 * When the first delivery of an order is due (§E2/§K4): `delayHours` after it was placed. Fixed
 * at placement, so a later change of the setting does not rewrite past performance.
 */
export function deliveryDueAt(placedAt: Date, delayHours: number): Date {
  return new Date(placedAt.getTime() + delayHours * HOUR_MS);
}

/** Late means the first delivery came strictly after it was due. */
export function isLate(dueAt: Date, firstDeliveredAt: Date): boolean {
  return firstDeliveredAt.getTime() > dueAt.getTime();
}

/** §K4 fill rate: accepted ÷ ordered quantity, 4 decimals; null when nothing was ordered. */
export function fillRate(accepted: Decimal.Value, ordered: Decimal.Value): string | null {
  const o = new Decimal(ordered);
  if (o.lte(0)) return null;
  return roundTo(new Decimal(accepted).div(o), 4);
}

/**
 * A metrics window of China business days, `from` and `to` inclusive, as UTC instants
 * [start, end): 2026-03-01..2026-03-31 is 2026-02-28T16:00Z up to 2026-03-31T16:00Z.
 */
export function chinaDayWindow(from: string, to: string): { start: Date; end: Date } {
  for (const [field, value] of [
    ['from', from],
    ['to', to],
  ] as const)
    if (!isBusinessDate(value))
      throw executionError('WINDOW_INVALID', `${field} must be a date YYYY-MM-DD, got "${value}"`, {
        field,
      });
  if (to < from)
    throw executionError('WINDOW_INVALID', `to (${to}) is before from (${from})`, { field: 'to' });
  const start = new Date(new Date(`${from}T00:00:00Z`).getTime() - 8 * HOUR_MS);
  const end = new Date(new Date(`${to}T00:00:00Z`).getTime() + 16 * HOUR_MS);
  return { start, end };
}
