import { addDays, isBusinessDate } from '../../../catalog/listing-prices/domain/listing-rules';
import { agreementTerm } from '../../../procurement/awards/domain/award-terms';

/**
 * Agreement years (§S2, §S6): an agreement of several years is prepaid, offset and assessed one
 * year at a time, year k running from the k-th anniversary of its start (k = 1 on the start day)
 * to the day before the next, and never past the agreement's end.
 */
export interface AgreementYear {
  year: number;
  start: string;
  end: string;
}

/** Year `year` of an agreement running `startDate`…`endDate`, or null when the term is shorter. */
export function agreementYear(
  startDate: string,
  endDate: string,
  year: number,
): AgreementYear | null {
  if (!isBusinessDate(startDate) || !isBusinessDate(endDate))
    throw new Error(`agreement term ${startDate}…${endDate}: dates must be YYYY-MM-DD`);
  if (!Number.isInteger(year) || year < 1) return null;
  const start = year === 1 ? startDate : addDays(agreementTerm(startDate, year - 1).endDate, 1);
  if (start > endDate) return null;
  const end = agreementTerm(startDate, year).endDate;
  return { year, start, end: end < endDate ? end : endDate };
}

/**
 * The 1-based monthly settlement period of a month (`YYYY-MM`) within a year starting on
 * `yearStart`: the month the year starts in is period 1. Null outside periods 1…12.
 */
export function periodOfYear(yearStart: string, month: string): number | null {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m || !isBusinessDate(yearStart)) return null;
  const [y, mo] = [Number(m[1]), Number(m[2])];
  if (mo < 1 || mo > 12) return null;
  const [sy, sm] = yearStart.split('-').map(Number);
  const period = (y - sy) * 12 + (mo - sm) + 1;
  return period >= 1 && period <= 12 ? period : null;
}

/**
 * The pooling region (统筹区) of a region, from its path `/440000/440100/440103/`: the city
 * level, where the fund is pooled; a region directly under the province (or the province itself)
 * is its own pool.
 */
export function poolingRegionCode(path: string): string {
  const codes = path.split('/').filter((c) => c !== '');
  if (codes.length === 0) throw new Error(`region path ${JSON.stringify(path)} is empty`);
  return codes[1] ?? codes[0];
}
