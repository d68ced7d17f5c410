import { errorFactory } from '../../../common/errors/domain-error';

/** §S4 deadlines, overdue alerts and metrics, rendered as `SETTLEMENT.<code>`. */
export const METRICS_ERRORS = {
  METRICS_PERIOD_INVALID: 400,
  METRICS_REGION_NOT_FOUND: 404,
  OVERDUE_ALERT_NOT_FOUND: 404,
  OVERDUE_ALERT_ALREADY_ACKNOWLEDGED: 409,
  // The line was paid (or struck) since: nothing is left to acknowledge.
  OVERDUE_ALERT_RESOLVED: 409,
} as const;

export type MetricsErrorCode = keyof typeof METRICS_ERRORS;
export const metricsError = errorFactory<MetricsErrorCode>('SETTLEMENT', METRICS_ERRORS);
