import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../../common/canonical-json';
import { DomainError } from '../../../../common/errors/domain-error';
import { Decimal, roundTo, SCALE } from '../../../../database/decimal';
import { isBusinessDate } from '../../deliveries/domain/delivery-rules';
import { executionError } from '../../execution.errors';

/**
 * §E3 usage and stock reporting (进销存): one row per hospital, product and day with the quantity
 * purchased, used and in stock that day, in smallest units (片, 粒, 支 …) of the product — the
 * unit §P3 and §E4 count in.
 */

/** Rows in one API batch. Larger feeds use several batches or the Excel import. */
export const MAX_BATCH_ROWS = 5000;

/** A client-chosen batch id (a HIS batch number): letters, digits and `._:-`, 1–64 long. */
const BATCH_KEY = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const QUANTITY = new RegExp(`^\\d{1,15}(\\.\\d{1,${SCALE.quantity}})?$`);
const DAY_MS = 24 * 3600_000;
const CHINA_OFFSET_MS = 8 * 3600_000;

export interface UsageRowInput {
  productCode: string;
  date: string;
  purchasedQuantity: string;
  usedQuantity: string;
  stockQuantity: string;
}

/** A row as stored: quantities as canonical scale-3 strings. */
export type UsageRow = UsageRowInput;

export function checkBatchKey(value: string): string {
  if (!BATCH_KEY.test(value))
    throw executionError(
      'USAGE_BATCH_ID_INVALID',
      `batchId: must be 1–64 letters, digits, dots, colons, dashes or underscores, got ${JSON.stringify(value)}`,
      { field: 'batchId' },
    );
  return value;
}

function quantity(value: unknown, field: string): string {
  if (typeof value !== 'string' || !QUANTITY.test(value.trim()))
    throw executionError(
      'USAGE_ROW_INVALID',
      `${field}: must be a decimal string ≥ 0 with at most ${SCALE.quantity} decimals, got ${JSON.stringify(value)}`,
      { field },
    );
  return roundTo(value.trim(), SCALE.quantity);
}

/**
 * One reported row, checked and normalised. `today` is the China business date of receipt: a
 * day that has not begun cannot have been used yet.
 */
export function checkUsageRow(row: UsageRowInput, prefix: string, today: string): UsageRow {
  return {
    productCode: row.productCode,
    date: checkUsageDate(row.date, `${prefix}date`, today),
    purchasedQuantity: quantity(row.purchasedQuantity, `${prefix}purchasedQuantity`),
    usedQuantity: quantity(row.usedQuantity, `${prefix}usedQuantity`),
    stockQuantity: quantity(row.stockQuantity, `${prefix}stockQuantity`),
  };
}

/** A reported day: a real date, and not after `today` (null: the caller checks that later). */
export function checkUsageDate(value: unknown, field: string, today: string | null): string {
  if (typeof value !== 'string' || !isBusinessDate(value))
    throw executionError(
      'USAGE_ROW_INVALID',
      `${field}: must be a date YYYY-MM-DD, got ${JSON.stringify(value)}`,
      { field },
    );
  if (today !== null && value > today)
    throw executionError(
      'USAGE_ROW_INVALID',
      `${field}: ${value} is in the future (today is ${today} in China)`,
      { field },
    );
  return value;
}

/**
 * The instant after which a row for `date` is late: the end of day `date + lateAfterDays` in
 * China time (UTC+8). With the default of 1 (T+1) a row for 3 March is on time until
 * 4 March 24:00 China time.
 */
export function lateAfter(date: string, lateAfterDays: number): Date {
  const midnightUtc = Date.parse(`${date}T00:00:00Z`);
  return new Date(midnightUtc + (lateAfterDays + 1) * DAY_MS - CHINA_OFFSET_MS);
}

export function isLate(date: string, receivedAt: Date, lateAfterDays: number): boolean {
  return receivedAt.getTime() >= lateAfter(date, lateAfterDays).getTime();
}

/**
 * The SHA-256 of a batch's content, the same whatever the order of its rows, so a client that
 * resends a batch in another order is recognised as resending it.
 */
export function batchHash(rows: readonly UsageRow[]): string {
  const sorted = [...rows].sort((a, b) =>
    a.productCode === b.productCode
      ? a.date.localeCompare(b.date)
      : a.productCode.localeCompare(b.productCode),
  );
  return createHash('sha256').update(canonicalJson(sorted)).digest('hex');
}

/**
 * §P3 "the previous 12 months" before business date `asOf`: from the same day a year earlier
 * (inclusive) to `asOf` (exclusive). 29 February falls back to 28 February.
 */
export function twelveMonthsBefore(asOf: string): { from: string; to: string } {
  const [y, m, d] = asOf.split('-').map((p) => Number(p));
  const last = new Date(Date.UTC(y - 1, m, 0)).getUTCDate();
  const day = String(Math.min(d, last)).padStart(2, '0');
  return {
    from: `${String(y - 1).padStart(4, '0')}-${String(m).padStart(2, '0')}-${day}`,
    to: asOf,
  };
}

/** Sums of quantities, for the views: a Decimal from whatever the driver returns. */
export function quantityOf(raw: Decimal.Value | null | undefined): string {
  return roundTo(raw ?? 0, SCALE.quantity);
}

/** A template cell as the import pipeline hands it over (see imports/import-kind.ts). */
export type UsageCell = string | number | boolean | Date | null;

export interface UsageCellProblem {
  column: string | null;
  message: string;
}

/**
 * §X one row of the `execution.usage` template: the same checks as an API row, except that the
 * day is not compared with today here (the batch check does, with the clock). A date cell counts
 * as its calendar day; a number typed into a quantity cell is written out in full.
 */
export function parseUsageCells(
  cells: Record<string, UsageCell>,
): { ok: true; value: UsageRow } | { ok: false; problems: UsageCellProblem[] } {
  const problems: UsageCellProblem[] = [];
  const text = (key: string): string | null => {
    const cell = cells[key] ?? null;
    if (cell === null) {
      problems.push({ column: key, message: 'is required' });
      return null;
    }
    if (cell instanceof Date) return cell.toISOString().slice(0, 10);
    if (typeof cell === 'number') return new Decimal(cell).toFixed();
    if (typeof cell === 'string') return cell;
    problems.push({ column: key, message: 'enter text, a number or a date' });
    return null;
  };
  const input = {
    productCode: text('productCode'),
    date: text('date'),
    purchasedQuantity: text('purchasedQuantity'),
    usedQuantity: text('usedQuantity'),
    stockQuantity: text('stockQuantity'),
  };
  if (problems.length) return { ok: false, problems };
  const row = input as UsageRowInput;
  const attempt = (column: string, check: () => unknown) => {
    try {
      check();
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      problems.push({ column, message: err.message.replace(`${column}: `, '') });
    }
  };
  attempt('date', () => checkUsageDate(row.date, 'date', null));
  for (const column of ['purchasedQuantity', 'usedQuantity', 'stockQuantity'] as const)
    attempt(column, () => quantity(row[column], column));
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    value: {
      productCode: row.productCode,
      date: row.date,
      purchasedQuantity: quantity(row.purchasedQuantity, 'purchasedQuantity'),
      usedQuantity: quantity(row.usedQuantity, 'usedQuantity'),
      stockQuantity: quantity(row.stockQuantity, 'stockQuantity'),
    },
  };
}
