import { Decimal, roundTo } from '../../../../database/decimal';
import { addMonths } from './periods';
import type { RuleParameters } from './rule-catalog';
import { hit, ratio, RuleHit, SubjectFields } from './rule-hit';

export interface MonthlyQuantity {
  period: string;
  quantity: Decimal;
}

/**
 * §M3.9 `quantity_spike`: the month's purchased quantity > multiple (3) × the average of the
 * `windowMonths` (6) preceding calendar months, strictly. A month without purchases counts 0 in
 * the average; fewer than `minHistoryMonths` preceding months with purchases give no verdict
 * (a new product is not a spike). Severity verify.
 */
export function quantitySpike(
  period: string,
  subject: SubjectFields,
  series: readonly MonthlyQuantity[],
  params: RuleParameters['quantity_spike'],
): RuleHit[] {
  const byPeriod = new Map(series.map((s) => [s.period, s.quantity]));
  const current = byPeriod.get(period);
  if (!current || !current.gt(0)) return [];
  let total = new Decimal(0);
  let monthsWithPurchases = 0;
  for (let back = 1; back <= params.windowMonths; back++) {
    const q = byPeriod.get(addMonths(period, -back));
    if (q && q.gt(0)) {
      total = total.plus(q);
      monthsWithPurchases++;
    }
  }
  if (monthsWithPurchases < params.minHistoryMonths) return [];
  const average = total.div(params.windowMonths);
  const limit = average.times(params.multiple);
  if (!current.gt(limit)) return [];
  return [
    hit('quantity_spike', period, 'verify', subject, {
      quantity: roundTo(current, 3),
      averageQuantity: roundTo(average, 3),
      windowMonths: params.windowMonths,
      monthsWithPurchases,
      multiple: params.multiple,
      limit: roundTo(limit, 3),
      ratio: ratio(current.div(average)),
    }),
  ];
}
