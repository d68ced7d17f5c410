import { errorFactory } from '../../../common/errors/domain-error';

/** §K5 supply assurance error codes and their HTTP statuses. */
export const SUPPLY_ERRORS = {
  MONTH_INVALID: 400,
  QUANTITY_INVALID: 400,
  DATE_INVALID: 400,
  PERIOD_INVALID: 400,
  // A manufacturer's report needs capacity and reserve; a distributor reports stock only.
  REPORT_FIELDS_INVALID: 400,
  REPORT_PRODUCT_REPEATED: 400,
  REPORT_NOT_FOUND: 404,
  // Manufacturers report their awarded products, distributors products under an agreement.
  PRODUCT_NOT_AWARDED: 400,
  PRODUCT_NOT_FOUND: 404,
  // The hospital has no agreement in force for the product on the shortage date.
  NO_AGREEMENT: 400,
  ALERT_NOT_FOUND: 404,
  ALERT_STATE_CONFLICT: 409,
  ALERT_EXISTS: 409,
  ALERTS_NOT_FOUND: 400,
  LOT_NOT_FOUND: 404,
  SUPPLIER_NOT_FOUND: 404,
  ACTIVATION_NOT_FOUND: 404,
  FAILURE_NOT_FOUND: 404,
  FAILURE_ALREADY_ESCALATED: 409,
  FAILURE_CODE_TAKEN: 409,
  REPORT_CONFLICT: 409,
} as const;

export type SupplyErrorCode = keyof typeof SUPPLY_ERRORS;
export const supplyError = errorFactory<SupplyErrorCode>('SUPPLY', SUPPLY_ERRORS);
