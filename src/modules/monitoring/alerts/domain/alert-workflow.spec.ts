import {
  AlertAction,
  AlertStatus,
  allowedActions,
  checkReason,
  checkVersion,
  nextAlertStatus,
} from './alert-workflow';

describe('alert workflow (§M4)', () => {
  it.each<[AlertStatus, AlertAction, AlertStatus]>([
    ['open', 'assign', 'open'],
    ['open', 'acknowledge', 'acknowledged'],
    ['open', 'dismiss', 'dismissed'],
    ['open', 'open_case', 'in_case'],
    ['acknowledged', 'assign', 'acknowledged'],
    ['acknowledged', 'resolve', 'resolved'],
    ['acknowledged', 'dismiss', 'dismissed'],
    ['acknowledged', 'open_case', 'in_case'],
    ['in_case', 'assign', 'in_case'],
    ['in_case', 'close_case', 'resolved'],
  ])('%s --%s--> %s', (from, action, to) => {
    expect(nextAlertStatus(from, action, '7')).toBe(to);
  });

  it.each<[AlertStatus, AlertAction]>([
    ['open', 'resolve'],
    ['open', 'close_case'],
    ['acknowledged', 'acknowledge'],
    ['in_case', 'dismiss'],
    ['in_case', 'resolve'],
    ['in_case', 'open_case'],
    ['resolved', 'assign'],
    ['resolved', 'dismiss'],
    ['dismissed', 'acknowledge'],
    ['dismissed', 'open_case'],
  ])('%s refuses %s with 409', (from, action) => {
    expect(() => nextAlertStatus(from, action, '7')).toThrow(
      expect.objectContaining({ code: 'MONITORING.ALERT_STATE_CONFLICT', status: 409 }),
    );
  });

  it('terminal statuses allow nothing', () => {
    expect(allowedActions('resolved')).toEqual([]);
    expect(allowedActions('dismissed')).toEqual([]);
  });

  it.each([
    ['dismiss', '  ', 'MONITORING.ALERT_REASON_REQUIRED'],
    ['dismiss', undefined, 'MONITORING.ALERT_REASON_REQUIRED'],
  ] as const)('%s with reason %p is refused', (action, reason, code) => {
    expect(() => checkReason(action, reason)).toThrow(expect.objectContaining({ code }));
  });

  it('reasons are trimmed, optional outside dismissal', () => {
    expect(checkReason('dismiss', '  duplicate of #4 ')).toBe('duplicate of #4');
    expect(checkReason('acknowledge', undefined)).toBeNull();
  });

  it.each([
    [undefined, 3, false],
    [3, 3, false],
    [2, 3, true],
  ])('expected version %p against %d conflicts: %p', (expected, actual, conflicts) => {
    const run = () => checkVersion(expected, actual, '7');
    if (conflicts)
      expect(run).toThrow(expect.objectContaining({ code: 'MONITORING.ALERT_VERSION_CONFLICT' }));
    else expect(run).not.toThrow();
  });
});
