import {
  CaseAction,
  caseCode,
  CaseOutcome,
  CaseStatus,
  checkOutcomeAllowed,
  checkPriceCut,
  isCaseCode,
  isReplyOverdue,
  nextCaseStatus,
  replyDeadline,
} from './case-rules';

describe('price case rules (§M6)', () => {
  it.each<[CaseStatus, CaseAction, CaseStatus]>([
    ['open', 'send_inquiry', 'inquiry_sent'],
    ['open', 'decide', 'closed'],
    ['inquiry_sent', 'reply', 'replied'],
    ['inquiry_sent', 'record_interview', 'interviewed'],
    ['inquiry_sent', 'record_investigation', 'investigated'],
    ['replied', 'record_interview', 'interviewed'],
    ['replied', 'record_investigation', 'investigated'],
    ['replied', 'decide', 'closed'],
    ['interviewed', 'record_investigation', 'investigated'],
    ['interviewed', 'decide', 'closed'],
    ['investigated', 'decide', 'closed'],
  ])('%s --%s--> %s', (from, action, to) => {
    expect(nextCaseStatus(from, action, 'PC2026-0001')).toBe(to);
  });

  it.each<[CaseStatus, CaseAction]>([
    ['open', 'reply'],
    ['open', 'record_interview'],
    ['replied', 'reply'],
    ['replied', 'send_inquiry'],
    ['interviewed', 'reply'],
    ['investigated', 'record_interview'],
    ['closed', 'decide'],
    ['closed', 'reply'],
  ])('%s refuses %s', (from, action) => {
    expect(() => nextCaseStatus(from, action, 'PC2026-0001')).toThrow(
      expect.objectContaining({ code: 'MONITORING.CASE_STATE_CONFLICT', status: 409 }),
    );
  });

  it.each<[CaseStatus, CaseOutcome, string | null]>([
    ['open', 'closed', null],
    ['open', 'price_cut', 'MONITORING.CASE_OUTCOME_NEEDS_INQUIRY'],
    ['open', 'referred_to_credit', 'MONITORING.CASE_OUTCOME_NEEDS_INQUIRY'],
    ['inquiry_sent', 'listing_suspended', null],
    ['interviewed', 'price_cut', null],
    ['closed', 'closed', 'MONITORING.CASE_STATE_CONFLICT'],
  ])('outcome from %s: %s → %p', (status, outcome, code) => {
    const run = () => checkOutcomeAllowed(status, outcome, 'PC2026-0001');
    if (code) expect(run).toThrow(expect.objectContaining({ code }));
    else expect(run).not.toThrow();
  });

  it.each([
    [2026, 1, 'PC2026-0001'],
    [2026, 42, 'PC2026-0042'],
    [2027, 12345, 'PC2027-12345'],
  ])('caseCode(%d, %d) = %s', (year, seq, code) => {
    expect(caseCode(year, seq)).toBe(code);
    expect(isCaseCode(code)).toBe(true);
  });

  it.each([
    // Sent on a Monday (China date 2026-03-02): ten working days end Monday 2026-03-16.
    ['2026-03-02T02:00:00Z', 10, '2026-03-16T16:00:00.000Z'],
    // Sent on a Friday evening China time (still Friday): the count starts Monday.
    ['2026-03-06T12:00:00Z', 10, '2026-03-20T16:00:00.000Z'],
    // Sent on a Saturday: Monday is working day 1.
    ['2026-03-07T02:00:00Z', 1, '2026-03-09T16:00:00.000Z'],
  ])('reply deadline from %s after %d working days is %s', (sent, days, expected) => {
    expect(replyDeadline(new Date(sent), days).toISOString()).toBe(expected);
  });

  it.each<[CaseStatus, string | null, string, boolean]>([
    ['inquiry_sent', '2026-03-16T16:00:00Z', '2026-03-16T15:59:59Z', false],
    ['inquiry_sent', '2026-03-16T16:00:00Z', '2026-03-16T16:00:01Z', true],
    ['replied', '2026-03-16T16:00:00Z', '2026-04-01T00:00:00Z', false],
    ['open', null, '2026-04-01T00:00:00Z', false],
  ])('%s deadline %s at %s overdue: %p', (status, deadline, now, overdue) => {
    expect(isReplyOverdue(status, deadline ? new Date(deadline) : null, new Date(now))).toBe(
      overdue,
    );
  });

  it.each([
    [{ newUnitPrice: '1.234567', effectiveDate: '2026-04-01' }, null],
    [{ newUnitPrice: '0', effectiveDate: '2026-04-01' }, 'newUnitPrice'],
    [{ newUnitPrice: '1.1234567', effectiveDate: '2026-04-01' }, 'newUnitPrice'],
    [{ newUnitPrice: undefined, effectiveDate: '2026-04-01' }, 'newUnitPrice'],
    [{ newUnitPrice: '2', effectiveDate: '2026-4-1' }, 'effectiveDate'],
  ])('price cut %p problem %p', (input, field) => {
    const run = () => checkPriceCut(input);
    if (field)
      expect(run).toThrow(
        expect.objectContaining({
          code: 'MONITORING.CASE_OUTCOME_INVALID',
          message: expect.stringContaining(field) as string,
        }),
      );
    else expect(run().newUnitPrice.toFixed(6)).toBe('1.234567');
  });
});
