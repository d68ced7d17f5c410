import { Decimal, SCALE } from '../../../../database/decimal';
import { settlementError } from '../../settlement.errors';
import { NormalSide } from './account-rules';

/**
 * §S1 journal kinds: what moved the money. `reversal` is posted only by reversing a journal;
 * `adjustment` is a fund officer's manual correction.
 */
export const JOURNAL_KINDS = [
  'prepayment',
  'payment',
  'offset',
  'receivable',
  'reversal',
  'adjustment',
] as const;
export type JournalKind = (typeof JOURNAL_KINDS)[number];

export const MAX_JOURNAL_LINES = 1000;
export const MAX_MEMO = 500;
export const MAX_IDEMPOTENCY_KEY = 160;
/** The largest amount a DECIMAL(18,2) column holds. */
export const MAX_AMOUNT = new Decimal('9999999999999999.99');

/** A line as a caller writes it: one side given, the other absent (or zero). */
export interface LineInput {
  accountId: string;
  debit?: Decimal | string | null;
  credit?: Decimal | string | null;
}

/** A checked line: both sides as amounts at scale 2, exactly one of them positive. */
export interface JournalLineAmounts {
  accountId: string;
  debit: Decimal;
  credit: Decimal;
}

export interface CheckedJournal {
  lines: JournalLineAmounts[];
  /** Σ debit = Σ credit. */
  total: Decimal;
}

const AMOUNT = /^\d{1,16}(\.\d{1,2})?$/;
const ZERO = new Decimal(0);

function lineError(field: string, message: string) {
  return settlementError('JOURNAL_LINE_INVALID', `${field}: ${message}`, { field });
}

/** One side of a line as an amount: absent is zero; present must be ≥ 0 with ≤ 2 decimals. */
function amountOf(value: Decimal | string | null | undefined, field: string): Decimal {
  if (value === null || value === undefined) return ZERO;
  if (typeof value === 'string') {
    if (!AMOUNT.test(value))
      throw lineError(
        field,
        `must be a non-negative amount with at most ${SCALE.amount} decimals, got "${value}"`,
      );
    return new Decimal(value);
  }
  if (!value.isFinite() || value.isNegative() || value.decimalPlaces() > SCALE.amount)
    throw lineError(
      field,
      `must be a non-negative amount with at most ${SCALE.amount} decimals, got ${value.toString()}`,
    );
  if (value.gt(MAX_AMOUNT)) throw lineError(field, `must not exceed ${MAX_AMOUNT.toFixed(2)}`);
  return value;
}

/**
 * The double-entry rules of §S1: at least two lines; every line exactly one positive side with
 * at most two decimals; Σ debit = Σ credit. An account may appear on several lines of one side
 * (one per statement line, say) but never on both sides of the same journal: a debit and a
 * credit to one account in one journal cancel out and hide the movement a reader looks for,
 * so it is refused rather than netted.
 */
export function checkJournal(lines: readonly LineInput[]): CheckedJournal {
  if (lines.length < 2)
    throw settlementError(
      'JOURNAL_TOO_FEW_LINES',
      `lines: a journal needs at least 2 lines, got ${lines.length}`,
      { field: 'lines', count: lines.length },
    );
  if (lines.length > MAX_JOURNAL_LINES)
    throw settlementError(
      'JOURNAL_TOO_MANY_LINES',
      `lines: a journal has at most ${MAX_JOURNAL_LINES} lines, got ${lines.length}`,
      { field: 'lines', count: lines.length },
    );
  const sideOf = new Map<string, { side: 'debit' | 'credit'; index: number }>();
  let debits = ZERO;
  let credits = ZERO;
  const checked = lines.map((line, i) => {
    const debit = amountOf(line.debit, `lines[${i}].debit`);
    const credit = amountOf(line.credit, `lines[${i}].credit`);
    if (debit.gt(0) && credit.gt(0))
      throw lineError(`lines[${i}].credit`, 'a line is a debit or a credit, not both');
    if (debit.isZero() && credit.isZero())
      throw lineError(`lines[${i}].debit`, 'a line needs a positive debit or a positive credit');
    const side = debit.isZero() ? 'credit' : 'debit';
    const seen = sideOf.get(line.accountId);
    if (seen && seen.side !== side)
      throw settlementError(
        'JOURNAL_ACCOUNT_BOTH_SIDES',
        `lines[${i}].${side}: account ${line.accountId} is already on the ${seen.side} side ` +
          `at lines[${seen.index}]; one journal moves an account one way`,
        { field: `lines[${i}].${side}`, accountId: line.accountId, otherLine: seen.index },
      );
    if (!seen) sideOf.set(line.accountId, { side, index: i });
    debits = debits.plus(debit);
    credits = credits.plus(credit);
    return { accountId: line.accountId, debit, credit };
  });
  if (!debits.eq(credits))
    throw settlementError(
      'JOURNAL_UNBALANCED',
      `lines: debits ${debits.toFixed(2)} and credits ${credits.toFixed(2)} must be equal`,
      { field: 'lines', debit: debits.toFixed(2), credit: credits.toFixed(2) },
    );
  return { lines: checked, total: debits };
}

/** The lines that undo a journal: every debit becomes a credit of the same amount and back. */
export function reversalOf(lines: readonly JournalLineAmounts[]): JournalLineAmounts[] {
  return lines.map((l) => ({ accountId: l.accountId, debit: l.credit, credit: l.debit }));
}

/** An account's balance on its normal side: positive is the usual state of the account. */
export function balanceOf(normalSide: NormalSide, debit: Decimal, credit: Decimal): Decimal {
  return normalSide === 'debit' ? debit.minus(credit) : credit.minus(debit);
}

/** What makes two postings the same journal, for an idempotent retry. */
export interface JournalContent {
  kind: string;
  memo: string;
  reversesJournalId: string | null;
  lines: readonly JournalLineAmounts[];
}

/**
 * Whether a retry carries the journal first posted under its idempotency key: same kind, memo,
 * reversed journal and lines in the same order with equal amounts (`100` equals `100.00`).
 */
export function sameJournalContent(a: JournalContent, b: JournalContent): boolean {
  return (
    a.kind === b.kind &&
    a.memo.trim() === b.memo.trim() &&
    a.reversesJournalId === b.reversesJournalId &&
    a.lines.length === b.lines.length &&
    a.lines.every(
      (l, i) =>
        l.accountId === b.lines[i].accountId &&
        l.debit.eq(b.lines[i].debit) &&
        l.credit.eq(b.lines[i].credit),
    )
  );
}

/** A memo is required: a journal says why the money moved. */
export function checkMemo(memo: string | null | undefined, field = 'memo'): string {
  const trimmed = memo?.trim() ?? '';
  if (trimmed.length === 0 || trimmed.length > MAX_MEMO)
    throw settlementError(
      'JOURNAL_MEMO_INVALID',
      `${field}: a journal needs a memo of 1 to ${MAX_MEMO} characters`,
      { field },
    );
  return trimmed;
}

/**
 * An idempotency key as a client sends it (the `Idempotency-Key` header): 1–100 visible ASCII
 * characters, so it stores and compares byte for byte on both databases.
 */
export function checkIdempotencyKey(key: string | null | undefined): string {
  if (key === null || key === undefined || key === '')
    throw settlementError(
      'IDEMPOTENCY_KEY_REQUIRED',
      'Idempotency-Key: this request needs an Idempotency-Key header, so a retry cannot post twice',
      { field: 'Idempotency-Key' },
    );
  if (!/^[\x21-\x7e]{1,100}$/.test(key))
    throw settlementError(
      'IDEMPOTENCY_KEY_INVALID',
      'Idempotency-Key: must be 1 to 100 visible ASCII characters',
      { field: 'Idempotency-Key' },
    );
  return key;
}

/**
 * `J<year>-<number>`: the year of posting (UTC, like the other human codes) and the ledger's
 * running number, which does not restart with the year, so a code never repeats.
 */
export function journalCode(postedAt: Date, no: bigint): string {
  return `J${postedAt.getUTCFullYear()}-${no.toString().padStart(8, '0')}`;
}
