import { monitoringError } from '../../monitoring.errors';

/**
 * §M4 the alert workflow as a transition table: open → acknowledged → in_case → resolved |
 * dismissed. Evaluation re-runs never change a status; only these actions do.
 */

export const ALERT_STATUSES = ['open', 'acknowledged', 'in_case', 'resolved', 'dismissed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export const ALERT_ACTIONS = [
  'assign',
  'acknowledge',
  'resolve',
  'dismiss',
  'open_case',
  'close_case',
] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

/**
 * The status each action leads to, per current status; a missing entry is refused.
 * - `assign` keeps the status: an alert is handed over while it is still being worked on.
 * - `resolve` by hand only from `acknowledged`: an analyst who checked the alert and settled it
 *   without a case. An alert `in_case` is resolved only by its case closing (`close_case`), so
 *   the case record stays the one account of what was done.
 * - `dismiss` (a false positive) needs a reason and is possible until a case takes the alert.
 */
const TRANSITIONS: Record<AlertStatus, Partial<Record<AlertAction, AlertStatus>>> = {
  open: {
    assign: 'open',
    acknowledge: 'acknowledged',
    dismiss: 'dismissed',
    open_case: 'in_case',
  },
  acknowledged: {
    assign: 'acknowledged',
    resolve: 'resolved',
    dismiss: 'dismissed',
    open_case: 'in_case',
  },
  in_case: { assign: 'in_case', close_case: 'resolved' },
  resolved: {},
  dismissed: {},
};

/** Actions that must carry a reason (recorded in the event and as the alert's status reason). */
const REASON_REQUIRED: readonly AlertAction[] = ['dismiss'];

export function allowedActions(status: AlertStatus): AlertAction[] {
  return ALERT_ACTIONS.filter((a) => TRANSITIONS[status][a] !== undefined);
}

/** The status after `action`, else a 409 naming the current status. */
export function nextAlertStatus(
  status: AlertStatus,
  action: AlertAction,
  alertId: string,
): AlertStatus {
  const next = TRANSITIONS[status]?.[action];
  if (!next)
    throw monitoringError(
      'ALERT_STATE_CONFLICT',
      `Alert ${alertId} is ${status}; cannot ${action.replace('_', ' ')} (allowed: ${allowedActions(status).join(', ') || 'none'})`,
      { id: alertId, status, action, allowed: allowedActions(status) },
    );
  return next;
}

/** The trimmed reason, required for dismissal (§M4), optional otherwise. */
export function checkReason(action: AlertAction, reason: string | null | undefined): string | null {
  const trimmed = typeof reason === 'string' ? reason.trim() : '';
  if (REASON_REQUIRED.includes(action) && trimmed === '')
    throw monitoringError('ALERT_REASON_REQUIRED', `reason: a ${action} needs a reason`, {
      field: 'reason',
      action,
    });
  return trimmed === '' ? null : trimmed;
}

/** Optimistic concurrency: the caller saw `expected`; the alert is at `actual`. */
export function checkVersion(expected: number | undefined, actual: number, alertId: string): void {
  if (expected !== undefined && expected !== actual)
    throw monitoringError(
      'ALERT_VERSION_CONFLICT',
      `Alert ${alertId} changed meanwhile (version ${actual}, you sent ${expected}); reload it`,
      { id: alertId, version: actual, expectedVersion: expected },
    );
}
