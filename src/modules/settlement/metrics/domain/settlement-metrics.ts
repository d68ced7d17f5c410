import { Decimal, roundTo, SCALE } from '../../../../database/decimal';
import { addDays, chinaDate } from '../../../catalog/listing-prices/domain/listing-rules';

/**
 * §S3 payment arithmetic and §S4 deadlines and metrics. Deadlines count calendar days on China
 * business dates (UTC+8): a line accepted on 3 March is due by the end of 2 April, whatever the
 * hour of acceptance — "paid within 30 days" as a fund officer counts it.
 */

/** Rates are fractions at 4 decimals ("0.9523" = 95.23 %). */
export const RATE_SCALE = 4;

export interface DeadlineParameters {
  /** §S4: each accepted line must be paid within 30 days of acceptance. */
  paymentDays: number;
  /** A line whose due date is at most this many days away is listed as due soon. */
  dueSoonDays: number;
}

export const DEFAULT_DEADLINE_PARAMETERS: DeadlineParameters = { paymentDays: 30, dueSoonDays: 5 };

const AMOUNT = new RegExp(`^-?\\d{1,16}(\\.\\d{1,${SCALE.amount}})?$`);
const DAY_MS = 24 * 3600_000;

function amountOf(field: string, value: string, allowNegative = false): Decimal {
  if (typeof value !== 'string' || !AMOUNT.test(value) || (!allowNegative && value.startsWith('-')))
    throw new Error(
      `${field}: must be a decimal string${allowNegative ? '' : ' ≥ 0'} with at most ${SCALE.amount} decimals, got ${JSON.stringify(value)}`,
    );
  return new Decimal(value);
}

function checkDays(field: string, days: number): void {
  if (!Number.isInteger(days) || days < 0)
    throw new Error(`${field}: must be a whole number of days ≥ 0, got ${days}`);
}

function checkInstant(field: string, value: Date): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime()))
    throw new Error(`${field}: must be a valid instant`);
}

export interface Settlement {
  /** The fund pays the supplier the whole confirmed amount. */
  supplierPaid: string;
  prepaymentOffset: string;
  /** Deducted from the hospital's insurance settlement account. */
  hospitalDeducted: string;
  /** What the account could not cover: a receivable from the hospital (托收), not a failure. */
  receivable: string;
}

/**
 * §S3.4 one statement's payment: the supplier gets the confirmed amount; the hospital owes it
 * less the prepayment offset, taken from its settlement balance as far as that goes (a balance
 * already negative covers nothing) and the rest becomes a receivable. Always
 * supplierPaid = prepaymentOffset + hospitalDeducted + receivable.
 */
export function settle(
  statementAmount: string,
  prepaymentOffset: string,
  hospitalSettlementBalance: string,
): Settlement {
  const amount = amountOf('statementAmount', statementAmount);
  const offset = amountOf('prepaymentOffset', prepaymentOffset);
  const balance = amountOf('hospitalSettlementBalance', hospitalSettlementBalance, true);
  if (offset.gt(amount))
    throw new Error(
      `prepaymentOffset: ${offset.toFixed(2)} exceeds the statement amount ${amount.toFixed(2)}`,
    );
  const owed = amount.minus(offset);
  const deducted = Decimal.min(owed, Decimal.max(balance, 0));
  return {
    supplierPaid: roundTo(amount, SCALE.amount),
    prepaymentOffset: roundTo(offset, SCALE.amount),
    hospitalDeducted: roundTo(deducted, SCALE.amount),
    receivable: roundTo(owed.minus(deducted), SCALE.amount),
  };
}

/** Whole days from one business date to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const ms = (d: string) => Date.parse(`${d}T00:00:00Z`);
  const [a, b] = [ms(from), ms(to)];
  if (Number.isNaN(a) || Number.isNaN(b))
    throw new Error(
      `dates must be YYYY-MM-DD, got ${JSON.stringify(from)} and ${JSON.stringify(to)}`,
    );
  return Math.round((b - a) / DAY_MS);
}

/** The last business date on which a line accepted at `acceptedAt` is paid on time. */
export function paymentDueDate(
  acceptedAt: Date,
  paymentDays: number = DEFAULT_DEADLINE_PARAMETERS.paymentDays,
): string {
  checkInstant('acceptedAt', acceptedAt);
  checkDays('paymentDays', paymentDays);
  return addDays(chinaDate(acceptedAt), paymentDays);
}

/** Calendar days from the acceptance date to the payment date (0 = paid the day it was accepted). */
export function daysToPayment(acceptedAt: Date, paidAt: Date): number {
  checkInstant('acceptedAt', acceptedAt);
  checkInstant('paidAt', paidAt);
  if (paidAt < acceptedAt) throw new Error('paidAt: a line cannot be paid before it is accepted');
  return daysBetween(chinaDate(acceptedAt), chinaDate(paidAt));
}

export const PAYMENT_STATES = [
  'paid_on_time',
  'paid_late',
  'overdue',
  'due_soon',
  'pending',
] as const;
export type PaymentState = (typeof PAYMENT_STATES)[number];

export interface PaymentClock {
  dueDate: string;
  state: PaymentState;
  /** Paid lines only. */
  daysToPayment: number | null;
  /** Unpaid lines not yet overdue: days until the due date (0 = due today). */
  daysLeft: number | null;
  /** Days past the due date: of payment for a late line, of `now` for an overdue one; else 0. */
  daysOverdue: number;
}

/**
 * A line's payment clock at `now`. A payment recorded after `now` does not count yet, so the same
 * function answers "as of" any past instant from the recorded history.
 */
export function paymentClock(
  line: { acceptedAt: Date; paidAt: Date | null },
  now: Date,
  params: DeadlineParameters = DEFAULT_DEADLINE_PARAMETERS,
): PaymentClock {
  checkInstant('now', now);
  checkDays('dueSoonDays', params.dueSoonDays);
  const dueDate = paymentDueDate(line.acceptedAt, params.paymentDays);
  if (line.paidAt !== null && line.paidAt <= now) {
    const days = daysToPayment(line.acceptedAt, line.paidAt);
    const late = Math.max(0, daysBetween(dueDate, chinaDate(line.paidAt)));
    return {
      dueDate,
      state: late > 0 ? 'paid_late' : 'paid_on_time',
      daysToPayment: days,
      daysLeft: null,
      daysOverdue: late,
    };
  }
  const left = daysBetween(chinaDate(now), dueDate);
  if (left < 0)
    return { dueDate, state: 'overdue', daysToPayment: null, daysLeft: null, daysOverdue: -left };
  return {
    dueDate,
    state: left <= params.dueSoonDays ? 'due_soon' : 'pending',
    daysToPayment: null,
    daysLeft: left,
    daysOverdue: 0,
  };
}

export const SETTLEMENT_GROUPS = ['drug', 'consumable'] as const;
export type SettlementGroup = (typeof SETTLEMENT_GROUPS)[number];

/** One accepted delivery line in scope for the period and region being reported. */
export interface MetricLine {
  group: SettlementGroup;
  /** The accepted amount, 2 decimals. */
  amount: string;
  acceptedAt: Date;
  /** When the fund paid the supplier for it directly; null while unpaid. */
  paidAt: Date | null;
  /** The line is under an open dispute (it left its statement, §S3.2). */
  disputed: boolean;
}

export interface GroupMetrics {
  group: SettlementGroup;
  lines: number;
  acceptedAmount: string;
  /** Paid directly by the fund by `now`. */
  settledAmount: string;
  /** settled ÷ accepted; null when nothing was accepted. */
  settlementRate: string | null;
  /** Paid lines plus overdue unpaid ones: those whose timeliness is known. */
  dueAmount: string;
  onTimeAmount: string;
  /** onTime ÷ due; null when nothing is due yet. */
  onTimeRate: string | null;
  paidLines: number;
  /** Mean of the paid lines' days to payment, 2 decimals; null when none is paid. */
  averageDaysToPayment: string | null;
  overdueLines: number;
  overdueAmount: string;
  disputedAmount: string;
}

/**
 * §S4 metrics, drugs and consumables separately (both always reported):
 * - unified settlement rate (统一结算率) = directly settled amount ÷ accepted amount;
 * - on-time rate = amount paid within the deadline ÷ amount whose deadline has been decided
 *   (paid, or unpaid past its due date); lines still inside their 30 days are not yet judged.
 *   Weighted by amount, like the settlement rate, so that many small lines cannot hide one
 *   large late one;
 * - average days to payment: the plain mean over paid lines (each line is one obligation);
 * - disputed amount: the amount of lines under an open dispute.
 */
export function settlementMetrics(
  lines: readonly MetricLine[],
  now: Date,
  params: DeadlineParameters = DEFAULT_DEADLINE_PARAMETERS,
): GroupMetrics[] {
  const totals = SETTLEMENT_GROUPS.map((group) => emptyTotals(group));
  lines.forEach((line, i) => {
    if (!SETTLEMENT_GROUPS.includes(line.group))
      throw new Error(
        `lines[${i}].group: must be drug or consumable, got ${JSON.stringify(line.group)}`,
      );
    const t = totals[SETTLEMENT_GROUPS.indexOf(line.group)];
    const amount = amountOf(`lines[${i}].amount`, line.amount);
    const clock = paymentClock(line, now, params);
    const add = (sum: string) => roundTo(new Decimal(sum).plus(amount), SCALE.amount);
    t.lines += 1;
    t.acceptedAmount = add(t.acceptedAmount);
    if (line.disputed) t.disputedAmount = add(t.disputedAmount);
    if (clock.daysToPayment !== null) {
      t.paidLines += 1;
      t.daysToPaymentSum += clock.daysToPayment;
      t.settledAmount = add(t.settledAmount);
      if (clock.state === 'paid_on_time') t.onTimeAmount = add(t.onTimeAmount);
    } else if (clock.state === 'overdue') {
      t.overdueLines += 1;
      t.overdueAmount = add(t.overdueAmount);
    }
  });
  return totals.map(groupMetrics);
}

/**
 * What SQL aggregates per group (period × region × group) so that the ratios are computed here
 * once, the same way for the line-by-line path above and for the database's sums.
 */
export interface GroupTotals {
  group: SettlementGroup;
  lines: number;
  acceptedAmount: string;
  /** Lines paid by `now`: their amount, count and summed days to payment. */
  settledAmount: string;
  paidLines: number;
  daysToPaymentSum: number;
  /** Paid lines paid on or before their due date. */
  onTimeAmount: string;
  /** Unpaid lines past their due date. */
  overdueAmount: string;
  overdueLines: number;
  disputedAmount: string;
}

export function emptyTotals(group: SettlementGroup): GroupTotals {
  return {
    group,
    lines: 0,
    acceptedAmount: '0.00',
    settledAmount: '0.00',
    paidLines: 0,
    daysToPaymentSum: 0,
    onTimeAmount: '0.00',
    overdueAmount: '0.00',
    overdueLines: 0,
    disputedAmount: '0.00',
  };
}

/** The §S4 figures of one group from its totals (see settlementMetrics for the definitions). */
export function groupMetrics(t: GroupTotals): GroupMetrics {
  const accepted = amountOf('acceptedAmount', t.acceptedAmount);
  const settled = amountOf('settledAmount', t.settledAmount);
  const onTime = amountOf('onTimeAmount', t.onTimeAmount);
  const overdue = amountOf('overdueAmount', t.overdueAmount);
  const disputed = amountOf('disputedAmount', t.disputedAmount);
  checkDays('paidLines', t.paidLines);
  checkDays('daysToPaymentSum', t.daysToPaymentSum);
  if (settled.gt(accepted) || onTime.gt(settled))
    throw new Error(
      `totals: need onTime ≤ settled ≤ accepted, got ${t.onTimeAmount} / ${t.settledAmount} / ${t.acceptedAmount}`,
    );
  const due = settled.plus(overdue);
  const rate = (part: Decimal, whole: Decimal) =>
    whole.isZero() ? null : roundTo(part.div(whole), RATE_SCALE);
  return {
    group: t.group,
    lines: t.lines,
    acceptedAmount: roundTo(accepted, SCALE.amount),
    settledAmount: roundTo(settled, SCALE.amount),
    settlementRate: rate(settled, accepted),
    dueAmount: roundTo(due, SCALE.amount),
    onTimeAmount: roundTo(onTime, SCALE.amount),
    onTimeRate: rate(onTime, due),
    paidLines: t.paidLines,
    averageDaysToPayment:
      t.paidLines === 0 ? null : roundTo(new Decimal(t.daysToPaymentSum).div(t.paidLines), 2),
    overdueLines: t.overdueLines,
    overdueAmount: roundTo(overdue, SCALE.amount),
    disputedAmount: roundTo(disputed, SCALE.amount),
  };
}

/** The instant a China business date begins (00:00 UTC+8). */
export function chinaDayStart(date: string): Date {
  const at = new Date(`${date}T00:00:00+08:00`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(at.getTime()))
    throw new Error(`date: must be YYYY-MM-DD, got ${JSON.stringify(date)}`);
  return at;
}

export interface DeadlineWindows {
  /** China business date of `now`. */
  today: string;
  /** Unpaid lines accepted before this instant are overdue. */
  overdueBefore: Date;
  /** Unpaid lines accepted from overdueBefore up to this instant are due soon; later, pending. */
  dueSoonBefore: Date;
}

/**
 * paymentClock's unpaid states as acceptance-time windows, so a query compares `accepted_at`
 * with two instants (index-friendly and the same SQL on both dialects) instead of computing a
 * due date per row: a line accepted on China date A is overdue iff A + paymentDays < today,
 * i.e. A < today − paymentDays; due soon iff A ≤ today − paymentDays + dueSoonDays.
 */
export function deadlineWindows(
  now: Date,
  params: DeadlineParameters = DEFAULT_DEADLINE_PARAMETERS,
): DeadlineWindows {
  checkInstant('now', now);
  checkDays('paymentDays', params.paymentDays);
  checkDays('dueSoonDays', params.dueSoonDays);
  const today = chinaDate(now);
  return {
    today,
    overdueBefore: chinaDayStart(addDays(today, -params.paymentDays)),
    dueSoonBefore: chinaDayStart(addDays(today, params.dueSoonDays + 1 - params.paymentDays)),
  };
}

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

export interface PeriodWindow {
  period: string;
  /** [start, end) in China time. */
  start: Date;
  end: Date;
}

/** The months `from`..`to` (YYYY-MM, inclusive) as China-time windows; empty when from > to. */
export function periodWindows(from: string, to: string): PeriodWindow[] {
  for (const [field, value] of [
    ['from', from],
    ['to', to],
  ] as const)
    if (!PERIOD.test(value))
      throw new Error(`${field}: must be a month YYYY-MM, got ${JSON.stringify(value)}`);
  const out: PeriodWindow[] = [];
  let [y, m] = from.split('-').map(Number);
  const pad = (n: number) => String(n).padStart(2, '0');
  for (let period = from; period <= to;) {
    const [ny, nm] = m === 12 ? [y + 1, 1] : [y, m + 1];
    const next = `${ny}-${pad(nm)}`;
    out.push({
      period,
      start: chinaDayStart(`${period}-01`),
      end: chinaDayStart(`${next}-01`),
    });
    [y, m, period] = [ny, nm, next];
  }
  return out;
}
