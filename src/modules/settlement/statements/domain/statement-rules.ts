import { addDays, chinaDate } from '../../../catalog/listing-prices/domain/listing-rules';
import { statementError } from '../statement.errors';

/**
 * §S3 the direct settlement cycle as pure rules: periods, the statement state table,
 * reconciliation deadlines in working days, the three-level review rule.
 */

export const STATEMENT_STATUSES = ['reconciling', 'confirmed', 'approved', 'paid'] as const;
export type StatementStatus = (typeof STATEMENT_STATUSES)[number];

export const STATEMENT_ACTIONS = [
  'confirm',
  'dispute',
  'deem',
  'approve',
  'reject',
  'pay',
  'add_lines',
] as const;
export type StatementAction = (typeof STATEMENT_ACTIONS)[number];

/**
 * Which action each status allows. A statement is born `reconciling` (generation opens
 * reconciliation); lines join it only then; a review rejection sends it back to reconciling.
 */
const ALLOWED: Record<StatementStatus, readonly StatementAction[]> = {
  reconciling: ['confirm', 'dispute', 'deem', 'add_lines'],
  confirmed: ['approve', 'reject'],
  approved: ['pay'],
  paid: [],
};

export function allows(status: StatementStatus, action: StatementAction): boolean {
  return ALLOWED[status].includes(action);
}

export function assertAllows(
  status: StatementStatus,
  action: StatementAction,
  statementId: string,
): void {
  if (!allows(status, action))
    throw statementError(
      'STATEMENT_STATE_CONFLICT',
      `Statement ${statementId} is ${status}; cannot ${action.replace('_', ' ')}`,
      { id: statementId, state: status, action },
    );
}

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** `YYYY-MM`, else 400 PERIOD_INVALID. */
export function checkPeriod(period: unknown): string {
  if (typeof period !== 'string' || !PERIOD.test(period))
    throw statementError(
      'PERIOD_INVALID',
      `period: must be a month YYYY-MM, got ${JSON.stringify(period)}`,
      {
        field: 'period',
      },
    );
  return period;
}

/** The instants a period covers on China business dates (UTC+8): [start, end). */
export function periodWindow(period: string): { start: Date; end: Date } {
  const [y, m] = checkPeriod(period).split('-').map(Number);
  const start = new Date(Date.UTC(y, m - 1, 1) - 8 * 3600_000);
  const end = new Date(Date.UTC(y, m, 1) - 8 * 3600_000);
  return { start, end };
}

/** The human reference of a statement: `JS202603-000042`. */
export function statementCode(period: string, id: string): string {
  return `JS${period.replace('-', '')}-${id.padStart(6, '0')}`;
}

function isWorkingDay(date: string): boolean {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day !== 0 && day !== 6;
}

/**
 * The reconciliation deadline: the end (China midnight) of the `days`-th working day (Mon–Fri)
 * after the business date of `from`. Public holidays are not modelled; the count is of weekdays.
 */
export function reconciliationDeadline(from: Date, days: number): Date {
  if (!Number.isInteger(days) || days < 0)
    throw new Error(`days: must be a whole number ≥ 0, got ${days}`);
  let date = chinaDate(from);
  let left = days;
  while (left > 0) {
    date = addDays(date, 1);
    if (isWorkingDay(date)) left -= 1;
  }
  return new Date(Date.parse(`${addDays(date, 1)}T00:00:00+08:00`));
}

export type Party = 'hospital' | 'supplier';

export interface Confirmations {
  hospitalConfirmedAt: Date | null;
  supplierConfirmedAt: Date | null;
}

/** Both sides confirmed: reconciliation is over. */
export function fullyConfirmed(c: Confirmations): boolean {
  return c.hospitalConfirmedAt !== null && c.supplierConfirmedAt !== null;
}

/** The deadline job deems silence confirmation only when it is switched on and the deadline passed. */
export function deemable(deadline: Date, now: Date, deemedConfirmation: boolean): boolean {
  return deemedConfirmation && now.getTime() >= deadline.getTime();
}

export const REVIEW_LEVELS = 3;

export interface ReviewDecision {
  level: number;
  officerId: string;
}

/**
 * §S3.3 three-level review (初审/复审/复核): the next level is one more than the approvals of the
 * current cycle, and an officer who approved a level of this cycle may not approve another.
 * Returns the level this approval takes.
 */
export function nextReviewLevel(
  approvals: readonly ReviewDecision[],
  officerId: string,
  statementId: string,
): number {
  const earlier = approvals.find((a) => a.officerId === officerId);
  if (earlier)
    throw statementError(
      'REVIEWER_ALREADY_APPROVED',
      `Officer ${officerId} already approved level ${earlier.level} of statement ${statementId}; three different fund officers must approve`,
      { id: statementId, officerId, level: earlier.level },
    );
  if (approvals.length >= REVIEW_LEVELS)
    throw statementError('STATEMENT_STATE_CONFLICT', `Statement ${statementId} is fully approved`, {
      id: statementId,
    });
  return approvals.length + 1;
}
