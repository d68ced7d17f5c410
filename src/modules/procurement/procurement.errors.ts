import { errorFactory } from '../../common/errors/domain-error';

export const PROCUREMENT_ERRORS = {
  RULE_SET_INVALID: 400,
  DUPLICATE_BID_ID: 400,
  RULE_SET_NOT_FOUND: 404,
  RULE_SET_BASIS_INVALID: 400,
  RULE_SET_NAME_RESERVED: 400,
  RULE_SET_VERSION_CONFLICT: 409,
} as const;

export type ProcurementErrorCode = keyof typeof PROCUREMENT_ERRORS;
export const procurementError = errorFactory<ProcurementErrorCode>(
  'PROCUREMENT',
  PROCUREMENT_ERRORS,
);
