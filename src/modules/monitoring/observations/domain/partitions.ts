/**
 * §M1 / §N monthly partitions of `monitoring_observations` on MySQL/MariaDB, planned as plain
 * values: the migration and the maintenance step turn the plan into DDL.
 *
 * Layout: `p_old` holds everything before the first monthly partition, `pYYYYMM` one month
 * each, and `p_future` (`MAXVALUE`) catches rows dated beyond the last month, so an insert never
 * fails for want of a partition. Adding months splits `p_future` (REORGANIZE PARTITION), which
 * is cheap while it is empty — the maintenance step keeps it so by staying months ahead.
 */

export const OLD_PARTITION = 'p_old';
export const FUTURE_PARTITION = 'p_future';

/** The months the migration creates up front (inclusive). */
export const INITIAL_PARTITION_RANGE = { from: '2023-01', to: '2027-12' } as const;

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DATE = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export function isPeriod(value: string): boolean {
  return PERIOD.test(value);
}

/** A real calendar date `YYYY-MM-DD` (rejects 2026-02-30). */
export function isIsoDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return d <= daysInMonth(y, mo);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `2026-03-17` → `2026-03`. */
export function periodOf(date: string): string {
  return date.slice(0, 7);
}

/** `2026-03` → `2026-04`. */
export function nextPeriod(period: string): string {
  const [y, m] = splitPeriod(period);
  return m === 12 ? `${y + 1}-01` : `${y}-${pad(m + 1)}`;
}

/** `2026-03` → `2026-02`. */
export function previousPeriod(period: string): string {
  const [y, m] = splitPeriod(period);
  return m === 1 ? `${y - 1}-12` : `${y}-${pad(m - 1)}`;
}

/** First and last day of a period: `2026-02` → `['2026-02-01', '2026-02-28']`. */
export function periodBounds(period: string): { first: string; last: string } {
  const [y, m] = splitPeriod(period);
  return { first: `${period}-01`, last: `${period}-${pad(daysInMonth(y, m))}` };
}

/** Every period from `from` to `to`, inclusive; empty when `from` is after `to`. */
export function periodsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let p = from; p <= to; p = nextPeriod(p)) out.push(p);
  return out;
}

/** `2026-03` → `p202603`. */
export function partitionName(period: string): string {
  splitPeriod(period);
  return `p${period.replace('-', '')}`;
}

/** `p202603` → `2026-03`; null for `p_old`, `p_future` or any other name. */
export function periodOfPartition(name: string): string | null {
  const m = /^p(\d{4})(\d{2})$/.exec(name);
  if (!m) return null;
  const period = `${m[1]}-${m[2]}`;
  return isPeriod(period) ? period : null;
}

export interface PartitionDef {
  name: string;
  /** Exclusive upper bound: the first day of the next month, or `MAXVALUE`. */
  lessThan: string;
}

/** Monthly partitions for `from`..`to`. */
export function monthlyPartitions(from: string, to: string): PartitionDef[] {
  return periodsBetween(from, to).map((p) => ({
    name: partitionName(p),
    lessThan: `${nextPeriod(p)}-01`,
  }));
}

/** The whole initial layout: `p_old`, the months, `p_future`. */
export function initialPartitions(
  from: string = INITIAL_PARTITION_RANGE.from,
  to: string = INITIAL_PARTITION_RANGE.to,
): PartitionDef[] {
  return [
    { name: OLD_PARTITION, lessThan: `${from}-01` },
    ...monthlyPartitions(from, to),
    { name: FUTURE_PARTITION, lessThan: 'MAXVALUE' },
  ];
}

/**
 * The months to split out of `p_future` so that every month up to `through` has its own
 * partition, given the partition names that exist. Empty when nothing is missing, or when the
 * table has no monthly partitions at all (not partitioned: nothing to maintain).
 */
export function partitionsToAdd(existing: readonly string[], through: string): PartitionDef[] {
  const months = existing.map(periodOfPartition).filter((p): p is string => p !== null);
  if (months.length === 0) return [];
  const last = months.reduce((a, b) => (a > b ? a : b));
  return monthlyPartitions(nextPeriod(last), through);
}

/** `PARTITION p… VALUES LESS THAN (…)` list items. */
export function partitionClauses(defs: readonly PartitionDef[]): string {
  return defs
    .map(
      (d) =>
        `PARTITION ${d.name} VALUES LESS THAN (${d.lessThan === 'MAXVALUE' ? 'MAXVALUE' : `'${d.lessThan}'`})`,
    )
    .join(',\n  ');
}

/** The period `months` after `period` (negative goes back). */
export function addMonths(period: string, months: number): string {
  const [y, m] = splitPeriod(period);
  const index = y * 12 + (m - 1) + months;
  return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}`;
}

function splitPeriod(period: string): [number, number] {
  const m = PERIOD.exec(period);
  if (!m) throw new RangeError(`not a period YYYY-MM: ${period}`);
  return [Number(m[1]), Number(m[2])];
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
