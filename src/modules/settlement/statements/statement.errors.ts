import { errorFactory } from '../../../common/errors/domain-error';

/** §S3 settlement cycle codes, rendered as `SETTLEMENT.<code>` like the ledger's. */
export const STATEMENT_ERRORS = {
  PERIOD_INVALID: 400,
  PERIOD_NOT_ENDED: 409,
  STATEMENT_NOT_FOUND: 404,
  STATEMENT_LINE_NOT_FOUND: 404,
  STATEMENT_STATE_CONFLICT: 409,
  NOT_A_PARTY: 403,
  ALREADY_CONFIRMED: 409,
  LINE_NOT_DISPUTABLE: 409,
  DISPUTE_NOT_FOUND: 404,
  DISPUTE_ALREADY_RESOLVED: 409,
  REVIEWER_ALREADY_APPROVED: 409,
  NOTHING_TO_PAY: 409,
  STATEMENT_ALREADY_PAID: 409,
  POOLING_REGION_MISSING: 409,
} as const;

export type StatementErrorCode = keyof typeof STATEMENT_ERRORS;
export const statementError = errorFactory<StatementErrorCode>('SETTLEMENT', STATEMENT_ERRORS);
