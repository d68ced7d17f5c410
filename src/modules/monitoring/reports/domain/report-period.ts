import { Decimal } from '../../../../database/decimal';
import { chinaDate } from '../../../catalog/listing-prices/domain/listing-rules';
import { monitoringError } from '../../monitoring.errors';
import { addMonths, isPeriod, ProductMonth } from '../../index/domain/price-index';

/** §M7 which month a report covers, and whether it may be reported on yet. */

/** The month before `now`'s China business month: what the scheduled job reports on. */
export function lastMonth(now: Date): string {
  return addMonths(chinaDate(now).slice(0, 7), -1);
}

/** A finished month `YYYY-MM` (before the current China month), else 400 / 409. */
export function checkReportPeriod(period: unknown, now: Date): string {
  if (!isPeriod(period))
    throw monitoringError(
      'REPORT_PERIOD_INVALID',
      `period: must be a month YYYY-MM, got ${JSON.stringify(period)}`,
      { field: 'period' },
    );
  if (period >= chinaDate(now).slice(0, 7))
    throw monitoringError(
      'REPORT_PERIOD_NOT_ENDED',
      `period: ${period} has not ended yet; a monthly report covers a finished month`,
      { field: 'period', period },
    );
  return period;
}

/** `monitoring-report-2026-03-v2.xlsx`. */
export function reportFileName(period: string, version: number): string {
  return `monitoring-report-${period}-v${version}.xlsx`;
}

/** One product's price move from the month before the report's month to that month. */
export interface Mover {
  productId: string;
  previousPrice: Decimal;
  currentPrice: Decimal;
  /** current / previous − 1. */
  change: Decimal;
  quantity: Decimal;
}

/**
 * Month-on-month movers: products bought in both months, by the absolute relative change of
 * their quantity-weighted price, largest first (ties by product id), at most `limit`.
 */
export function topMovers(
  previous: readonly ProductMonth[],
  current: readonly ProductMonth[],
  limit: number,
): Mover[] {
  const price = (rows: readonly ProductMonth[]) => {
    const out = new Map<string, { q: Decimal; v: Decimal }>();
    for (const r of rows) {
      if (r.quantity.lte(0)) continue;
      const seen = out.get(r.productId);
      out.set(r.productId, {
        q: r.quantity.plus(seen?.q ?? 0),
        v: r.value.plus(seen?.v ?? 0),
      });
    }
    return out;
  };
  const before = price(previous);
  const movers: Mover[] = [];
  for (const [productId, now] of price(current)) {
    const then = before.get(productId);
    if (!then || then.v.isZero()) continue;
    const previousPrice = then.v.div(then.q);
    const currentPrice = now.v.div(now.q);
    movers.push({
      productId,
      previousPrice,
      currentPrice,
      change: currentPrice.div(previousPrice).minus(1),
      quantity: now.q,
    });
  }
  return movers
    .sort((a, b) => b.change.abs().cmp(a.change.abs()) || Number(a.productId) - Number(b.productId))
    .slice(0, limit);
}
