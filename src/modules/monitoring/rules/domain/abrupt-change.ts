import { Decimal } from '../../../../database/decimal';
import { addMonths } from './periods';
import type { RuleParameters } from './rule-catalog';
import { hit, price, ratio, RuleHit, SubjectFields } from './rule-hit';
import { maxSeverity, type Severity } from './severity';

/** The median unit price of a subject in one month (§M2 peer statistics). */
export interface MonthlyMedian {
  period: string;
  median: Decimal;
}

export interface CusumResult {
  /** The statistic at the evaluated month. */
  statistic: Decimal;
  /** Month-on-month relative changes that fed it, oldest first (0 where a month is missing). */
  changes: Decimal[];
}

/**
 * One-sided upper CUSUM (Page 1954) on month-on-month relative changes rₜ = mₜ / mₜ₋₁ − 1 over
 * the `windowMonths` months ending at `period`: S starts at 0 at the window's first month and
 * Sₜ = max(0, Sₜ₋₁ + rₜ − k). A month without a median, or whose previous month has none,
 * contributes rₜ = 0 (S decays by k). k (allowance) absorbs a tolerated monthly rise; the
 * statistic crossing h (decision interval) flags a slow upward drift that no single month's
 * change shows: with k = 0.05, h = 0.20, four straight months of +10 % give S = 0.20 (not yet),
 * five give 0.25 (fires).
 */
export function cusum(
  series: readonly MonthlyMedian[],
  period: string,
  windowMonths: number,
  allowance: Decimal.Value,
): CusumResult {
  const byPeriod = new Map(series.map((s) => [s.period, s.median]));
  let s = new Decimal(0);
  const changes: Decimal[] = [];
  for (let back = windowMonths - 2; back >= 0; back--) {
    const t = addMonths(period, -back);
    const current = byPeriod.get(t);
    const previous = byPeriod.get(addMonths(t, -1));
    const r =
      current && previous && previous.gt(0) ? current.div(previous).minus(1) : new Decimal(0);
    changes.push(r);
    s = Decimal.max(0, s.plus(r).minus(allowance));
  }
  return { statistic: s, changes };
}

/**
 * §M3.5 `abrupt_change` on one subject's monthly median series:
 * - month-on-month: |mₚ / mₚ₋₁ − 1| > verifyAbove → `verify`, > alertAbove → `red_1`
 *   (both strict: exactly 15 % does not fire);
 * - drift: the upper CUSUM above `cusumThreshold` (strict) → `yellow`.
 * One hit per subject and month with the more severe of the two; the evidence has both.
 */
export function abruptChange(
  period: string,
  subject: SubjectFields,
  series: readonly MonthlyMedian[],
  params: RuleParameters['abrupt_change'],
): RuleHit[] {
  const byPeriod = new Map(series.map((s) => [s.period, s.median]));
  const current = byPeriod.get(period);
  if (!current) return [];
  const previous = byPeriod.get(addMonths(period, -1)) ?? null;
  let severity: Severity | null = null;
  let change: Decimal | null = null;
  if (previous && previous.gt(0)) {
    change = current.div(previous).minus(1);
    if (change.abs().gt(params.alertAbove)) severity = 'red_1';
    else if (change.abs().gt(params.verifyAbove)) severity = 'verify';
  }
  const drift = cusum(series, period, params.cusumWindowMonths, params.cusumAllowance);
  const drifting = drift.statistic.gt(params.cusumThreshold);
  if (drifting) severity = severity ? maxSeverity(severity, 'yellow') : 'yellow';
  if (!severity) return [];
  return [
    hit('abrupt_change', period, severity, subject, {
      median: price(current),
      previousMedian: previous ? price(previous) : null,
      change: change ? ratio(change) : null,
      verifyAbove: params.verifyAbove,
      alertAbove: params.alertAbove,
      cusum: ratio(drift.statistic),
      cusumAllowance: params.cusumAllowance,
      cusumThreshold: params.cusumThreshold,
      cusumWindowMonths: params.cusumWindowMonths,
      drifting,
    }),
  ];
}
