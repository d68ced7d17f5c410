import { errorFactory } from '../../common/errors/domain-error';

export const PROCUREMENT_ERRORS = {
  RULE_SET_INVALID: 400,
  DUPLICATE_BID_ID: 400,
} as const;

export type ProcurementErrorCode = keyof typeof PROCUREMENT_ERRORS;
export const procurementError = errorFactory<ProcurementErrorCode>(
  'PROCUREMENT',
  PROCUREMENT_ERRORS,
);
