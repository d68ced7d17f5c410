import { Decimal } from '../../../../database/decimal';
import { reconciliationDeadline } from '../../../settlement/statements/domain/statement-rules';
import { monitoringError } from '../../monitoring.errors';

/**
 * §M6 price cases (函询 → 约谈 → 成本调查 → outcome) as pure rules: the state table, the reply
 * deadline in working days, the case code, outcome checks.
 */

export const CASE_STATUSES = [
  'open',
  'inquiry_sent',
  'replied',
  'interviewed',
  'investigated',
  'closed',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CASE_ACTIONS = [
  'send_inquiry',
  'reply',
  'record_interview',
  'record_investigation',
  'decide',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

export const CASE_OUTCOMES = [
  'price_cut',
  'listing_suspended',
  'referred_to_credit',
  'closed',
] as const;
export type CaseOutcome = (typeof CASE_OUTCOMES)[number];

/**
 * Steps follow the order of §M6 and never go back. The supplier's reply is possible only while
 * the inquiry waits for it; an interview or a cost investigation may follow an unanswered letter
 * (silence is itself a reason to summon the supplier). Deciding the outcome ends the case.
 */
const TRANSITIONS: Record<CaseStatus, Partial<Record<CaseAction, CaseStatus>>> = {
  open: { send_inquiry: 'inquiry_sent', decide: 'closed' },
  inquiry_sent: {
    reply: 'replied',
    record_interview: 'interviewed',
    record_investigation: 'investigated',
    decide: 'closed',
  },
  replied: {
    record_interview: 'interviewed',
    record_investigation: 'investigated',
    decide: 'closed',
  },
  interviewed: { record_investigation: 'investigated', decide: 'closed' },
  investigated: { decide: 'closed' },
  closed: {},
};

export function allowedCaseActions(status: CaseStatus): CaseAction[] {
  return CASE_ACTIONS.filter((a) => TRANSITIONS[status][a] !== undefined);
}

export function nextCaseStatus(status: CaseStatus, action: CaseAction, code: string): CaseStatus {
  const next = TRANSITIONS[status]?.[action];
  if (!next)
    throw monitoringError(
      'CASE_STATE_CONFLICT',
      `Case ${code} is ${status}; cannot ${action.replace('_', ' ')} (allowed: ${allowedCaseActions(status).join(', ') || 'none'})`,
      { code, status, action, allowed: allowedCaseActions(status) },
    );
  return next;
}

/**
 * A sanction — a committed price cut, a suspension, a credit referral — needs the supplier to
 * have been asked first (the inquiry letter); closing without consequence is possible at once
 * (an alert found unfounded on a first look).
 */
export function checkOutcomeAllowed(status: CaseStatus, outcome: CaseOutcome, code: string): void {
  nextCaseStatus(status, 'decide', code);
  if (outcome !== 'closed' && status === 'open')
    throw monitoringError(
      'CASE_OUTCOME_NEEDS_INQUIRY',
      `Case ${code}: outcome ${outcome} needs the inquiry letter to have been sent first`,
      { code, outcome, status },
    );
}

/** `PC2026-0007`: the year the case was opened and its number within that year. */
export function caseCode(year: number, seq: number): string {
  return `PC${year}-${String(seq).padStart(4, '0')}`;
}

const CODE = /^PC(\d{4})-(\d{4,})$/;

export function isCaseCode(value: string): boolean {
  return CODE.test(value);
}

/**
 * The supplier's reply deadline: the end (China midnight) of the `workingDays`-th working day
 * (Mon–Fri; public holidays not modelled) after the letter is sent — the same count as the
 * settlement reconciliation deadline.
 */
export function replyDeadline(sentAt: Date, workingDays: number): Date {
  return reconciliationDeadline(sentAt, workingDays);
}

/** A reply is overdue when the letter still waits for it after its deadline. */
export function isReplyOverdue(status: CaseStatus, deadline: Date | null, now: Date): boolean {
  return status === 'inquiry_sent' && deadline !== null && now.getTime() > deadline.getTime();
}

const PRICE = /^\d{1,12}(\.\d{1,6})?$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export interface PriceCutInput {
  newUnitPrice?: string;
  effectiveDate?: string;
}

/** A committed price cut: a positive unit price (6 decimals at most) and a business date. */
export function checkPriceCut(input: PriceCutInput): {
  newUnitPrice: Decimal;
  effectiveDate: string;
} {
  const problems: string[] = [];
  if (input.newUnitPrice === undefined || !PRICE.test(input.newUnitPrice))
    problems.push('newUnitPrice: a positive decimal with at most 6 decimals is required');
  else if (new Decimal(input.newUnitPrice).lte(0)) problems.push('newUnitPrice: must be > 0');
  if (input.effectiveDate === undefined || !DATE.test(input.effectiveDate))
    problems.push('effectiveDate: a date YYYY-MM-DD is required');
  if (problems.length)
    throw monitoringError('CASE_OUTCOME_INVALID', problems.join('; '), {
      fields: problems.map((p) => p.split(':')[0]),
    });
  return { newUnitPrice: new Decimal(input.newUnitPrice!), effectiveDate: input.effectiveDate! };
}
