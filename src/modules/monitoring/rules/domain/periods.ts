/** `YYYY-MM` arithmetic for monthly rules; pure, no time zone involved. */

export const PERIOD_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isPeriod(value: unknown): value is string {
  return typeof value === 'string' && PERIOD_PATTERN.test(value);
}

/** The period `months` after (negative: before) `period`. */
export function addMonths(period: string, months: number): string {
  const m = PERIOD_PATTERN.exec(period);
  if (!m) throw new RangeError(`not a period: ${period}`);
  const index = Number(m[1]) * 12 + (Number(m[2]) - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

/** Periods from `from` to `to` inclusive, ascending (empty when from > to). */
export function periodRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let p = from; p <= to; p = addMonths(p, 1)) out.push(p);
  return out;
}

/** First and last business dates (`YYYY-MM-DD`) of a period. */
export function periodBounds(period: string): { first: string; last: string } {
  const next = addMonths(period, 1);
  const [y, m] = next.split('-').map(Number);
  const lastDay = new Date(Date.UTC(y, m - 1, 0)).getUTCDate();
  return { first: `${period}-01`, last: `${period}-${String(lastDay).padStart(2, '0')}` };
}
