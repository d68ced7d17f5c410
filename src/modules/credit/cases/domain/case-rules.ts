import { roundTo, SCALE } from '../../../../database/decimal';
import { creditError } from '../../credit.errors';
import { Behaviour, BEHAVIOURS, isBehaviour } from '../../ratings/domain/scheme';

/** §K1 where a case comes from. */
export const SOURCE_TYPES = [
  'court_judgment',
  'administrative_penalty',
  'audit',
  'price_case',
  'supply_failure',
] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

/** Sources a supervisor records by hand; the last two arrive through escalation. */
export const MANUAL_SOURCE_TYPES: readonly SourceType[] = SOURCE_TYPES;

/** `recorded` waits for a supervisor's rating; `rated` has one; `dismissed` will not be rated. */
export const CASE_STATUSES = ['recorded', 'rated', 'dismissed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

const AMOUNT = /^\d{1,16}(\.\d{1,2})?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function checkBehaviour(value: string, field = 'behaviour'): Behaviour {
  if (!isBehaviour(value))
    throw creditError(
      'CASE_BEHAVIOUR_INVALID',
      `${field} must be one of ${BEHAVIOURS.join(', ')}, got ${JSON.stringify(value)}`,
      { field },
    );
  return value;
}

export function checkSourceType(value: string, field = 'source.type'): SourceType {
  if (!(SOURCE_TYPES as readonly string[]).includes(value))
    throw creditError(
      'CASE_SOURCE_INVALID',
      `${field} must be one of ${SOURCE_TYPES.join(', ')}, got ${JSON.stringify(value)}`,
      { field },
    );
  return value as SourceType;
}

/** Amount involved, yuan: ≥ 0 with at most 2 decimals, as its scale-2 string; null stays null. */
export function checkAmount(value: string | null, field = 'amount'): string | null {
  if (value === null) return null;
  const t = value.trim();
  if (!AMOUNT.test(t))
    throw creditError(
      'CASE_AMOUNT_INVALID',
      `${field} must be an amount in yuan, at least 0 with at most 2 decimals, got ${JSON.stringify(value)}`,
      { field },
    );
  return roundTo(t, SCALE.amount);
}

/** A real calendar date `YYYY-MM-DD`, not after `today`: a source document is dated in the past. */
export function checkSourceDate(value: string, today: string, field = 'source.date'): string {
  const m = DATE.exec(value);
  const valid =
    m !== null &&
    (() => {
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      const t = new Date(Date.UTC(y, mo - 1, d));
      return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
    })();
  if (!valid)
    throw creditError(
      'CASE_DATE_INVALID',
      `${field} must be a date YYYY-MM-DD, got ${JSON.stringify(value)}`,
      {
        field,
      },
    );
  if (value > today)
    throw creditError(
      'CASE_DATE_INVALID',
      `${field}: ${value} is in the future (today is ${today})`,
      {
        field,
      },
    );
  return value;
}

/** CC<year>-<nnnn>: the next number after the year's highest code. */
export function nextCaseCode(year: number, lastCode: string | null): string {
  const prefix = `CC${year}-`;
  const last = lastCode?.startsWith(prefix)
    ? Number.parseInt(lastCode.slice(prefix.length), 10)
    : 0;
  return `${prefix}${String(last + 1).padStart(4, '0')}`;
}
