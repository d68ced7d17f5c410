import { errorFactory } from '../../common/errors/domain-error';

export const MONITORING_ERRORS = {
  // §M1 observations.
  OBSERVATION_QUERY_INVALID: 400,
  OBSERVATION_PERIOD_INVALID: 400,
  OBSERVATION_ROW_INVALID: 400,
  OBSERVATION_PRODUCT_UNKNOWN: 400,
  OBSERVATION_REGION_UNKNOWN: 400,
  OBSERVATION_BATCH_NOT_FOUND: 404,
  OBSERVATION_BATCH_INVALID: 400,
  // The same external batch id was sent before with different rows.
  OBSERVATION_BATCH_CONFLICT: 409,
  OBSERVATION_BATCH_TOO_LARGE: 400,
  // Sentinel reports come only from organisations an analyst has designated.
  SENTINEL_NOT_DESIGNATED: 403,
  SENTINEL_ORGANISATION_INVALID: 400,
  SENTINEL_NOT_FOUND: 404,
  // §M2 references, §M3 rules, §M8 evaluation runs.
  REFERENCE_QUERY_INVALID: 400,
  RULE_NOT_FOUND: 404,
  RULE_PARAMETERS_INVALID: 400,
  RULE_SCOPE_INVALID: 400,
  RULE_SEVERITY_INVALID: 400,
  // The caller's expectedVersion is not the rule's version: someone changed it meanwhile.
  RULE_VERSION_CONFLICT: 409,
  EVALUATION_QUERY_INVALID: 400,
  EVALUATION_PERIOD_INVALID: 400,
  EVALUATION_NOT_FOUND: 404,
  // §M4 alert workflow.
  ALERT_NOT_FOUND: 404,
  ALERT_QUERY_INVALID: 400,
  // The action is not allowed from the alert's current status (transition table).
  ALERT_STATE_CONFLICT: 409,
  // The caller's expectedVersion is not the alert's version: someone changed it meanwhile.
  ALERT_VERSION_CONFLICT: 409,
  ALERT_ASSIGNEE_INVALID: 400,
  ALERT_REASON_REQUIRED: 400,
  // §M6 price cases.
  CASE_NOT_FOUND: 404,
  CASE_QUERY_INVALID: 400,
  CASE_ALERTS_INVALID: 400,
  // An alert already belongs to a case, or is resolved / dismissed.
  CASE_ALERT_UNAVAILABLE: 409,
  // The alerts of one case concern one supplier.
  CASE_SUPPLIER_MISMATCH: 400,
  CASE_STATE_CONFLICT: 409,
  CASE_OUTCOME_INVALID: 400,
  // A sanction (price cut, suspension, referral) needs the supplier to have been asked first.
  CASE_OUTCOME_NEEDS_INQUIRY: 409,
  CASE_NOT_THE_SUPPLIER: 403,
  // §M6 outcome referred_to_credit needs the credit context's binding of CreditReferral.
  CASE_REFERRAL_UNAVAILABLE: 503,
  // §M5 price index.
  INDEX_QUERY_INVALID: 400,
  // §M7 reports.
  REPORT_PERIOD_INVALID: 400,
  REPORT_NOT_FOUND: 404,
  // The report's row exists but its file is gone from DATA_DIR's storage: generate it again.
  REPORT_FILE_MISSING: 410,
  // The period has not ended yet: a monthly report covers a finished month.
  REPORT_PERIOD_NOT_ENDED: 409,
  // The report is platform-wide: a regional authority may not generate it.
  REPORT_OUT_OF_SCOPE: 403,
  DISCLOSURE_QUERY_INVALID: 400,
} as const;

export type MonitoringErrorCode = keyof typeof MONITORING_ERRORS;
export const monitoringError = errorFactory<MonitoringErrorCode>('MONITORING', MONITORING_ERRORS);
