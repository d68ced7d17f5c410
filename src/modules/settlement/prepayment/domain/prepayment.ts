import { Decimal, roundTo, SCALE } from '../../../../database/decimal';

/**
 * §S2 prepayment (预付): when a hospital's agreements take effect the fund may prepay at least a
 * configured share (30 %) of its annual agreed amount, and offsets it against the hospital's
 * later settlements, by default pro rata over the year's settlement periods.
 */

/** §S2 default: the fund prepays at least 30 % of the annual agreed amount. */
export const DEFAULT_MINIMUM_PREPAYMENT_SHARE = '0.3';

/** Monthly settlement (§S3): twelve periods a year. */
export const DEFAULT_SETTLEMENT_PERIODS_PER_YEAR = 12;

export interface AgreedLine {
  /** Smallest units for the year. */
  agreedQuantity: string;
  /** The winning unit price, 6 decimals. */
  unitPrice: string;
}

export interface PrepaymentProblem {
  field: 'share';
  code: 'PREPAYMENT_SHARE_INVALID';
  message: string;
}

export interface Prepayment {
  /** Σ agreed quantity × unit price, rounded once. */
  annualAgreedAmount: string;
  /** The share applied: the requested one, raised to the minimum. */
  share: string;
  /** share × the unrounded annual agreed amount, rounded once. */
  amount: string;
}

export interface OffsetLine {
  /** 1-based settlement period of the year. */
  period: number;
  /** The hospital's settled amount in that period (its statements' total). */
  statementAmount: string;
  /** The pro-rata instalment the period may take; the last takes whatever remains. */
  instalment: string;
  offset: string;
  remainingAfter: string;
}

export interface OffsetSchedule {
  lines: OffsetLine[];
  offsetTotal: string;
  remaining: string;
  /** What the fund and hospital settle at year end; null until every period is in. */
  yearEndRemainder: string | null;
}

const QUANTITY = new RegExp(`^\\d{1,15}(\\.\\d{1,${SCALE.quantity}})?$`);
const PRICE = new RegExp(`^\\d{1,12}(\\.\\d{1,${SCALE.unitPrice}})?$`);
const AMOUNT = new RegExp(`^\\d{1,16}(\\.\\d{1,${SCALE.amount}})?$`);
const FRACTION = /^\d(\.\d{1,6})?$/;

function amountOf(field: string, value: string): Decimal {
  if (typeof value !== 'string' || !AMOUNT.test(value))
    throw new Error(
      `${field}: must be a decimal string ≥ 0 with at most ${SCALE.amount} decimals, got ${JSON.stringify(value)}`,
    );
  return new Decimal(value);
}

function checkPeriods(periods: number): void {
  if (!Number.isInteger(periods) || periods < 1)
    throw new Error(`periods: must be a whole number ≥ 1, got ${periods}`);
}

function checkPeriod(period: number, periods: number): void {
  checkPeriods(periods);
  if (!Number.isInteger(period) || period < 1 || period > periods)
    throw new Error(`period: must be a whole number from 1 to ${periods}, got ${period}`);
}

/**
 * The requested share as an officer sends it: a fraction from above 0 to 1 with at most 6
 * decimals. A share below the minimum is not an error — it is raised to the minimum.
 */
export function prepaymentShareProblem(share: string): PrepaymentProblem | null {
  if (typeof share === 'string' && FRACTION.test(share)) {
    const value = new Decimal(share);
    if (value.gt(0) && value.lte(1)) return null;
  }
  return {
    field: 'share',
    code: 'PREPAYMENT_SHARE_INVALID',
    message: `share must be a decimal from above 0 to 1 with at most 6 decimals, got ${JSON.stringify(share)}`,
  };
}

/** Σ agreed quantity × winning unit price over the hospital's agreements for the year, unrounded. */
export function annualAgreedAmount(lines: readonly AgreedLine[]): Decimal {
  return Decimal.sum(
    0,
    ...lines.map((l, i) => {
      if (typeof l.agreedQuantity !== 'string' || !QUANTITY.test(l.agreedQuantity))
        throw new Error(
          `lines[${i}].agreedQuantity: must be a decimal string ≥ 0 with at most ${SCALE.quantity} decimals, got ${JSON.stringify(l.agreedQuantity)}`,
        );
      if (typeof l.unitPrice !== 'string' || !PRICE.test(l.unitPrice))
        throw new Error(
          `lines[${i}].unitPrice: must be a decimal string ≥ 0 with at most ${SCALE.unitPrice} decimals, got ${JSON.stringify(l.unitPrice)}`,
        );
      return new Decimal(l.agreedQuantity).times(l.unitPrice);
    }),
  );
}

/**
 * amount = max(requested share, minimum share) × annual agreed amount, rounded once. The share
 * is validated by prepaymentShareProblem first; an invalid one here is a programming error.
 */
export function prepayment(
  lines: readonly AgreedLine[],
  requestedShare: string | null,
  minimumShare: string = DEFAULT_MINIMUM_PREPAYMENT_SHARE,
): Prepayment {
  const minimumProblem = prepaymentShareProblem(minimumShare);
  if (minimumProblem) throw new Error(`minimumShare: ${minimumProblem.message}`);
  if (requestedShare !== null) {
    const problem = prepaymentShareProblem(requestedShare);
    if (problem) throw new Error(problem.message);
  }
  const share = Decimal.max(minimumShare, requestedShare ?? minimumShare);
  const annual = annualAgreedAmount(lines);
  return {
    annualAgreedAmount: roundTo(annual, SCALE.amount),
    share: share.toFixed(),
    amount: roundTo(annual.times(share), SCALE.amount),
  };
}

/**
 * The pro-rata instalment of period k of n: the cumulative target round(P × k ÷ n) less the
 * target before it. The instalments then differ by at most a cent and add up to P exactly,
 * which n equal rounded instalments would not (12 × round(100.00 ÷ 12) = 99.96).
 */
export function instalment(prepaymentAmount: string, period: number, periods: number): string {
  checkPeriod(period, periods);
  const p = amountOf('prepayment', prepaymentAmount);
  const target = (k: number) => new Decimal(roundTo(p.times(k).div(periods), SCALE.amount));
  return roundTo(target(period).minus(target(period - 1)), SCALE.amount);
}

/**
 * The offset taken from one period's settlement: min(remaining, the period's instalment, the
 * period's settled amount); the last period takes min(remaining, settled amount). A period with
 * less to settle than its instalment leaves the difference to the last period, so the offsets
 * never exceed the prepayment nor a period's amount, and what the last cannot take is the
 * year-end remainder.
 */
export function periodOffset(input: {
  prepayment: string;
  /** Offset in earlier periods of the year. */
  offsetSoFar: string;
  period: number;
  periods: number;
  statementAmount: string;
}): { instalment: string; offset: string; remainingAfter: string } {
  checkPeriod(input.period, input.periods);
  const p = amountOf('prepayment', input.prepayment);
  const soFar = amountOf('offsetSoFar', input.offsetSoFar);
  const settled = amountOf('statementAmount', input.statementAmount);
  if (soFar.gt(p))
    throw new Error(
      `offsetSoFar: ${soFar.toFixed(2)} exceeds the prepayment ${p.toFixed(2)}: the offsets are corrupt`,
    );
  const remaining = p.minus(soFar);
  const last = input.period === input.periods;
  const share = last
    ? remaining
    : new Decimal(instalment(input.prepayment, input.period, input.periods));
  const offset = Decimal.min(remaining, share, settled);
  return {
    instalment: roundTo(share, SCALE.amount),
    offset: roundTo(offset, SCALE.amount),
    remainingAfter: roundTo(remaining.minus(offset), SCALE.amount),
  };
}

/** The year's offsets for the periods settled so far, in order (at most `periods` of them). */
export function offsetSchedule(
  prepaymentAmount: string,
  statementAmounts: readonly string[],
  periods: number = DEFAULT_SETTLEMENT_PERIODS_PER_YEAR,
): OffsetSchedule {
  checkPeriods(periods);
  if (statementAmounts.length > periods)
    throw new Error(
      `statementAmounts: ${statementAmounts.length} periods given for a year of ${periods}`,
    );
  const lines: OffsetLine[] = [];
  let soFar = new Decimal(0);
  statementAmounts.forEach((statementAmount, i) => {
    amountOf(`statementAmounts[${i}]`, statementAmount);
    const step = periodOffset({
      prepayment: prepaymentAmount,
      offsetSoFar: roundTo(soFar, SCALE.amount),
      period: i + 1,
      periods,
      statementAmount,
    });
    soFar = soFar.plus(step.offset);
    lines.push({ period: i + 1, statementAmount: roundTo(statementAmount, SCALE.amount), ...step });
  });
  const remaining = roundTo(amountOf('prepayment', prepaymentAmount).minus(soFar), SCALE.amount);
  return {
    lines,
    offsetTotal: roundTo(soFar, SCALE.amount),
    remaining,
    yearEndRemainder: statementAmounts.length === periods ? remaining : null,
  };
}

/**
 * A period's offset spread over that period's statements (a hospital has one per supplier), in
 * the order given (the service passes them by statement code), each taking what it can. The
 * offset only lowers what is deducted from the hospital; suppliers are paid in full either way.
 */
export function splitOffset(offset: string, statementAmounts: readonly string[]): string[] {
  let left = amountOf('offset', offset);
  const amounts = statementAmounts.map((a, i) => amountOf(`statementAmounts[${i}]`, a));
  const total = Decimal.sum(0, ...amounts);
  if (left.gt(total))
    throw new Error(
      `offset: ${left.toFixed(2)} exceeds the period's statements, ${total.toFixed(2)} in all`,
    );
  return amounts.map((a) => {
    const take = Decimal.min(left, a);
    left = left.minus(take);
    return roundTo(take, SCALE.amount);
  });
}
