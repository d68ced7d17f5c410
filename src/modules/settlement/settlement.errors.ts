import { errorFactory } from '../../common/errors/domain-error';

export const SETTLEMENT_ERRORS = {
  ACCOUNT_NOT_FOUND: 404,
  ACCOUNT_SPEC_INVALID: 400,
  // The organisation an account is opened for is missing or of the wrong type for the account.
  ACCOUNT_OWNER_INVALID: 400,
  JOURNAL_NOT_FOUND: 404,
  JOURNAL_TOO_FEW_LINES: 400,
  JOURNAL_TOO_MANY_LINES: 400,
  JOURNAL_LINE_INVALID: 400,
  JOURNAL_UNBALANCED: 400,
  JOURNAL_ACCOUNT_BOTH_SIDES: 400,
  JOURNAL_ACCOUNT_UNKNOWN: 400,
  JOURNAL_KIND_INVALID: 400,
  JOURNAL_MEMO_INVALID: 400,
  JOURNAL_ALREADY_REVERSED: 409,
  JOURNAL_IS_REVERSAL: 409,
  JOURNAL_NOT_REVERSIBLE: 409,
  IDEMPOTENCY_KEY_REQUIRED: 400,
  IDEMPOTENCY_KEY_INVALID: 400,
  IDEMPOTENCY_KEY_REUSED: 409,
  LEDGER_QUERY_INVALID: 400,
  // §S2 / §S5 / §S6 (prepayment, payment standards, surplus retention).
  POLICY_ROUND_NOT_FOUND: 404,
  // Prepayments, standards and retention need the round's agreements: it must be awarded.
  POLICY_ROUND_NOT_AWARDED: 409,
  AGREEMENT_YEAR_INVALID: 400,
  PREPAYMENT_SHARE_INVALID: 400,
  PREPAYMENT_NOT_FOUND: 404,
  // The year-end remainder is settled only after the agreement year has ended.
  PREPAYMENT_YEAR_NOT_OVER: 409,
  STANDARD_PRODUCT_NOT_FOUND: 404,
  STANDARD_REGION_NOT_FOUND: 404,
  STANDARD_PRICE_INVALID: 400,
  STANDARD_DATE_INVALID: 400,
  // A standard dated before the current one starts: the history is written forwards only.
  STANDARD_DATE_CONFLICT: 409,
  STANDARD_QUERY_INVALID: 400,
  // Retention is computed once the agreement year is over and its purchases are known.
  RETENTION_YEAR_NOT_OVER: 409,
} as const;

export type SettlementErrorCode = keyof typeof SETTLEMENT_ERRORS;
export const settlementError = errorFactory<SettlementErrorCode>('SETTLEMENT', SETTLEMENT_ERRORS);
