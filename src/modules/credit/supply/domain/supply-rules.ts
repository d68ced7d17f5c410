import { Decimal, roundTo, SCALE } from '../../../../database/decimal';
import { supplyError } from '../supply.errors';

/**
 * §K5 supply rules, pure. Quantities are decimal strings in smallest units (片, 支 …), scale 3;
 * rates are fractions at 4 decimals ("0.7500"). Each rule answers whether it is breached and
 * the figures that make the alert's evidence.
 */

export const SUPPLY_RULES = [
  'low_stock',
  'low_fill_rate',
  'delivery_delay',
  'shortage_reported',
] as const;
export type SupplyRule = (typeof SUPPLY_RULES)[number];

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUANTITY = /^\d{1,15}(\.\d{1,3})?$/;
const DAYS_PER_YEAR = 365;
export const RATE_SCALE = 4;

/** A `YYYY-MM` month, else 400 naming the field. */
export function checkMonth(value: unknown, field: string): string {
  if (typeof value !== 'string' || !MONTH.test(value))
    throw supplyError(
      'MONTH_INVALID',
      `${field}: must be a month YYYY-MM, got ${JSON.stringify(value)}`,
      {
        field,
      },
    );
  return value;
}

/** First and last business date of a month: ["2026-02-01", "2026-02-28"]. */
export function monthWindow(month: string): { from: string; to: string } {
  const [, y, m] = MONTH.exec(month)!;
  const last = new Date(Date.UTC(Number(y), Number(m), 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

/** A report may be for the current month or an earlier one, never a future month. */
export function checkReportMonth(month: string, field: string, today: string): string {
  checkMonth(month, field);
  if (month > today.slice(0, 7))
    throw supplyError('MONTH_INVALID', `${field}: ${month} is in the future`, { field });
  return month;
}

/** A non-negative quantity with at most 3 decimals, as its canonical scale-3 string. */
export function checkQuantity(value: unknown, field: string): string {
  const text = typeof value === 'string' ? value.trim() : value;
  if (typeof text !== 'string' || !QUANTITY.test(text))
    throw supplyError(
      'QUANTITY_INVALID',
      `${field}: must be a decimal string ≥ 0 with at most 15 digits before the point and 3 after, got ${JSON.stringify(value)}`,
      { field },
    );
  return roundTo(text, SCALE.quantity);
}

export interface StockInput {
  /** Reported stock of the product. */
  stock: Decimal.Value;
  /** Agreed annual quantity the stock has to serve (§P9 agreements in force). */
  agreedAnnual: Decimal.Value;
  /** SUPPLY_STOCK_DAYS: the stock must cover this many days of agreed demand. */
  stockDays: number;
}

export interface StockOutcome {
  breached: boolean;
  /** agreed annual ÷ 365, scale 3. */
  dailyDemand: string;
  /** daily demand × stock days, scale 3. */
  requiredStock: string;
  /** stock ÷ daily demand, 1 decimal; null without demand. */
  daysOfCover: string | null;
}

/** §K5 stock below N days of agreed demand. No agreed demand, nothing to cover. */
export function lowStock(input: StockInput): StockOutcome {
  const daily = new Decimal(input.agreedAnnual).div(DAYS_PER_YEAR);
  const required = daily.times(input.stockDays);
  const stock = new Decimal(input.stock);
  return {
    breached: daily.gt(0) && stock.lt(required),
    dailyDemand: roundTo(daily, SCALE.quantity),
    requiredStock: roundTo(required, SCALE.quantity),
    daysOfCover: daily.gt(0) ? roundTo(stock.div(daily), 1) : null,
  };
}

export interface FillRateOutcome {
  breached: boolean;
  /** accepted ÷ ordered at 4 decimals, null when nothing was ordered. */
  fillRate: string | null;
}

/**
 * §K5 fill rate below the minimum (0.8): accepted ÷ ordered over order lines whose delivery was
 * due. The comparison uses the unrounded rate so 0.79996 is not taken for 0.8.
 */
export function lowFillRate(
  ordered: Decimal.Value,
  accepted: Decimal.Value,
  minimum: Decimal.Value,
): FillRateOutcome {
  const o = new Decimal(ordered);
  if (o.lte(0)) return { breached: false, fillRate: null };
  const rate = new Decimal(accepted).div(o);
  return { breached: rate.lt(minimum), fillRate: roundTo(rate, RATE_SCALE) };
}

/**
 * §K5 delivery delays (§E2): orders whose first delivery came after the due time, and orders
 * past the due time with no delivery yet. One is enough for an alert.
 */
export function deliveryDelay(late: number, overdueUndelivered: number): { breached: boolean } {
  return { breached: late + overdueUndelivered > 0 };
}

/** §K5 a hospital reported a shortage. */
export function shortageReported(reports: number): { breached: boolean } {
  return { breached: reports > 0 };
}

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
export type AlertAction = 'acknowledge' | 'resolve';

const ALERT_TRANSITIONS: Record<AlertStatus, Partial<Record<AlertAction, AlertStatus>>> = {
  open: { acknowledge: 'acknowledged', resolve: 'resolved' },
  acknowledged: { resolve: 'resolved' },
  resolved: {},
};

/** Alert life cycle: open → acknowledged → resolved (or straight to resolved). */
export function nextAlertStatus(status: AlertStatus, action: AlertAction, id: string): AlertStatus {
  const next = ALERT_TRANSITIONS[status][action];
  if (!next)
    throw supplyError(
      'ALERT_STATE_CONFLICT',
      `Supply alert ${id} is ${status}; it cannot ${action}`,
      {
        state: status,
      },
    );
  return next;
}

/** A period of business dates, from ≤ to. */
export function checkPeriod(from: string, to: string): void {
  if (from > to)
    throw supplyError('PERIOD_INVALID', `periodTo: ${to} is before periodFrom ${from}`, {
      field: 'periodTo',
    });
}
