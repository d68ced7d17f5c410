import { errorFactory } from '../../../common/errors/domain-error';

/** §S3.5 bank batch codes, rendered as `SETTLEMENT.<code>` like the rest of settlement's. */
export const BANK_ERRORS = {
  // No instructed payment in the caller's scope awaits an instruction file.
  BANK_BATCH_EMPTY: 409,
  BANK_BATCH_NOT_FOUND: 404,
  // Another instruction file took one of these payments at the same moment.
  BANK_BATCH_CONFLICT: 409,
  // A result row that passed validation no longer applies when the file is written.
  BANK_RESULT_STALE: 409,
  BANK_BATCH_QUERY_INVALID: 400,
  BANK_BATCH_CANCEL_REASON_REQUIRED: 400,
  // A cancelled batch was withdrawn: no result file answers it, its file is not handed out again.
  BANK_BATCH_CANCELLED: 409,
  // The bank answered some of the batch's payments: it can no longer be withdrawn.
  BANK_BATCH_HAS_RESULTS: 409,
  // The batch predates kept files, or the kept bytes no longer hash to the recorded SHA-256.
  BANK_BATCH_FILE_UNAVAILABLE: 409,
} as const;

export type BankErrorCode = keyof typeof BANK_ERRORS;
export const bankError = errorFactory<BankErrorCode>('SETTLEMENT', BANK_ERRORS);
