import { Decimal, roundTo, SCALE } from '../../../../database/decimal';
import { isBusinessDate } from '../../../catalog/listing-prices/domain/listing-rules';
import { strengthInBase, Spec } from '../../../procurement/selection/domain/unit-price';

/**
 * §E4 completion of agreed volumes. Quantities are in smallest units of the lot's representative
 * spec; rates and progress are fractions at 4 decimals ("0.4959" = 49.59 %). The behind-schedule
 * flag compares the unrounded figures, so a rate that rounds to the threshold is not flagged by
 * accident.
 */

export const RATE_SCALE = 4;

export interface CompletionParameters {
  /** Flag an agreement whose completion trails its expected progress by more than this (0.2). */
  behindThreshold: Decimal.Value;
}

/** §E4 default: more than 20 percentage points behind. */
export const DEFAULT_COMPLETION_PARAMETERS: CompletionParameters = { behindThreshold: '0.2' };

const QUANTITY = new RegExp(`^\\d{1,15}(\\.\\d{1,${SCALE.quantity}})?$`);
const DAY_MS = 24 * 3600_000;

function quantityOf(field: string, value: string): Decimal {
  if (typeof value !== 'string' || !QUANTITY.test(value))
    throw new Error(
      `${field}: must be a decimal string ≥ 0 with at most ${SCALE.quantity} decimals, got ${JSON.stringify(value)}`,
    );
  return new Decimal(value);
}

function dateOf(field: string, value: string): number {
  if (typeof value !== 'string' || !isBusinessDate(value))
    throw new Error(`${field}: must be a date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  return Date.parse(`${value}T00:00:00Z`);
}

/**
 * A purchase in the product's own smallest units converted to the representative spec's, by the
 * amount of active ingredient: 28 tablets of 40 mg count as 56 of a 20 mg representative. The
 * dosage form does not change the count. Null when the strengths cannot be compared (mg against
 * ml, an unknown unit), which the caller reports rather than counts.
 */
export function representativeQuantity(
  quantity: string,
  product: Pick<Spec, 'strength' | 'strengthUnit'>,
  representative: Pick<Spec, 'strength' | 'strengthUnit'>,
): string | null {
  const q = quantityOf('quantity', quantity);
  const own = strengthInBase(product.strength, product.strengthUnit);
  const rep = strengthInBase(representative.strength, representative.strengthUnit);
  if (!own || !rep || own.dimension !== rep.dimension) return null;
  if (own.value.lte(0) || rep.value.lte(0)) return null;
  return roundTo(q.times(own.value).div(rep.value), SCALE.quantity);
}

export interface AgreementProgressInput {
  agreedQuantity: string;
  /** Bought under the agreement so far (above the agreed quantity included). */
  purchasedQuantity: string;
  /** The agreement's term, inclusive on both ends. */
  startDate: string;
  endDate: string;
}

export interface AgreementProgress {
  purchasedQuantity: string;
  /** purchased ÷ agreed, may exceed 1; null for an agreed quantity of 0. */
  completionRate: string | null;
  /** Days of the term elapsed by the end of `asOf` ÷ days in the term, 0 to 1. */
  expectedProgress: string;
  elapsedDays: number;
  termDays: number;
  /** expectedProgress − completionRate; positive when behind; null with no completion rate. */
  gap: string | null;
  behindSchedule: boolean;
}

/**
 * One agreement at the end of business date `asOf` (the monthly check passes the last day of the
 * month it covers). Before the term nothing is expected; after it everything is.
 */
export function agreementProgress(
  input: AgreementProgressInput,
  asOf: string,
  params: CompletionParameters = DEFAULT_COMPLETION_PARAMETERS,
): AgreementProgress {
  const agreed = quantityOf('agreedQuantity', input.agreedQuantity);
  const purchased = quantityOf('purchasedQuantity', input.purchasedQuantity);
  const start = dateOf('startDate', input.startDate);
  const end = dateOf('endDate', input.endDate);
  const day = dateOf('asOf', asOf);
  if (end < start) throw new Error(`endDate: ${input.endDate} is before ${input.startDate}`);
  const threshold = new Decimal(params.behindThreshold);
  if (!threshold.isFinite() || threshold.lt(0) || threshold.gt(1))
    throw new Error(`behindThreshold: must be from 0 to 1, got ${threshold.toString()}`);

  const termDays = Math.round((end - start) / DAY_MS) + 1;
  const elapsedDays = Math.min(termDays, Math.max(0, Math.round((day - start) / DAY_MS) + 1));
  const expected = new Decimal(elapsedDays).div(termDays);
  // An agreed quantity of 0 (a tiny demand rounded away, §P9) has nothing to fall behind on.
  const rate = agreed.isZero() ? null : purchased.div(agreed);
  const gap = rate === null ? null : expected.minus(rate);
  return {
    purchasedQuantity: roundTo(purchased, SCALE.quantity),
    completionRate: rate === null ? null : roundTo(rate, RATE_SCALE),
    expectedProgress: roundTo(expected, RATE_SCALE),
    elapsedDays,
    termDays,
    gap: gap === null ? null : roundTo(gap, RATE_SCALE),
    behindSchedule: gap !== null && gap.gt(threshold),
  };
}

export interface GenericPurchase {
  /** Representative smallest units. */
  quantity: string;
  /** Whether the product is one of the lot's winning products. */
  winning: boolean;
}

export interface SubstitutionShare {
  winningQuantity: string;
  nonWinningQuantity: string;
  totalQuantity: string;
  /** Non-winning ÷ total (非中选占比); null when nothing of the generic was bought. */
  nonWinningShare: string | null;
}

/** §E4 per hospital and lot: how much of the generic was bought as non-winning substitutes. */
export function substitutionShare(purchases: readonly GenericPurchase[]): SubstitutionShare {
  let winning = new Decimal(0);
  let nonWinning = new Decimal(0);
  purchases.forEach((p, i) => {
    const q = quantityOf(`purchases[${i}].quantity`, p.quantity);
    if (p.winning) winning = winning.plus(q);
    else nonWinning = nonWinning.plus(q);
  });
  const total = winning.plus(nonWinning);
  return {
    winningQuantity: roundTo(winning, SCALE.quantity),
    nonWinningQuantity: roundTo(nonWinning, SCALE.quantity),
    totalQuantity: roundTo(total, SCALE.quantity),
    nonWinningShare: total.isZero() ? null : roundTo(nonWinning.div(total), RATE_SCALE),
  };
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export interface CheckMonth {
  /** YYYY-MM */
  month: string;
  firstDay: string;
  lastDay: string;
  /** The business date the figures are taken at: the month's last day, or today in a running month. */
  asOf: string;
}

/**
 * The month a completion check covers. A finished month is measured at its last day; the running
 * month at `today` (an on-demand look at progress so far); a month that has not begun is refused.
 */
export function checkMonth(month: string, today: string): CheckMonth {
  const match = typeof month === 'string' ? MONTH.exec(month) : null;
  if (!match) throw new Error(`month: must be YYYY-MM, got ${JSON.stringify(month)}`);
  const lastDay = new Date(Date.UTC(Number(match[1]), Number(match[2]), 0))
    .toISOString()
    .slice(0, 10);
  const firstDay = `${month}-01`;
  if (firstDay > today) throw new Error(`month: ${month} has not begun (today is ${today})`);
  return { month, firstDay, lastDay, asOf: lastDay < today ? lastDay : today };
}

/** The last finished month before business date `today`: what the periodic check snapshots. */
export function previousMonth(today: string): string {
  const [y, m] = today.split('-').map((p) => Number(p));
  const prev = new Date(Date.UTC(y, m - 2, 1));
  return prev.toISOString().slice(0, 7);
}
