import { DomainError } from '../../../../common/errors/domain-error';
import {
  checkDecision,
  checkExpiry,
  checkWithinOutstanding,
  chinaDayWindow,
  Decision,
  deliveryDueAt,
  fillRate,
  isLate,
  outstanding,
} from './delivery-rules';

function failure(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    return err as DomainError;
  }
  throw new Error('expected an error');
}

describe('outstanding quantity (§E2)', () => {
  it.each<[string, Array<[string, Decision]>, string]>([
    ['100', [], '100'],
    ['100', [['40', 'pending']], '60'],
    [
      '100',
      [
        ['40', 'accepted'],
        ['60', 'pending'],
      ],
      '0',
    ],
    // A rejected line owes its goods again.
    [
      '100',
      [
        ['40', 'accepted'],
        ['60', 'rejected'],
      ],
      '60',
    ],
    ['10.5', [['0.25', 'accepted']], '10.25'],
  ])('ordered %s, deliveries %j → %s', (ordered, lines, expected) => {
    const left = outstanding(
      ordered,
      lines.map(([quantity, decision]) => ({ quantity, decision })),
    );
    expect(left.toFixed()).toBe(expected);
  });

  it('accepts a delivery of exactly what is outstanding and refuses one unit more', () => {
    expect(() => checkWithinOutstanding('60', '60', 'lines[0].quantity')).not.toThrow();
    const err = failure(() => checkWithinOutstanding('60.001', '60', 'lines[0].quantity'));
    expect(err.code).toBe('EXECUTION.QUANTITY_EXCEEDS_OUTSTANDING');
    expect(err.status).toBe(409);
    expect(err.details).toEqual({ field: 'lines[0].quantity', outstanding: '60.000' });
  });
});

describe('expiry date', () => {
  // 2026-05-10T17:00Z is already 11 May in China.
  const deliveredAt = new Date('2026-05-10T17:00:00Z');
  it.each([
    ['2026-05-11', null],
    ['2027-01-31', null],
    ['2026-05-10', 'before the delivery day 2026-05-11'],
    ['2026-02-30', 'must be a date'],
    ['11/05/2026', 'must be a date'],
  ])('%s → %s', (value, problem) => {
    if (problem === null) expect(() => checkExpiry(value, deliveredAt, 'f')).not.toThrow();
    else {
      const err = failure(() => checkExpiry(value, deliveredAt, 'lines[1].expiryDate'));
      expect(err.code).toBe('EXECUTION.EXPIRY_INVALID');
      expect(err.message).toContain(problem);
      expect(err.details).toMatchObject({ field: 'lines[1].expiryDate' });
    }
  });
});

describe('acceptance decisions', () => {
  it.each<[Decision, 'accepted' | 'rejected', string | null, string | null]>([
    ['pending', 'accepted', null, null],
    ['pending', 'rejected', '破损', null],
    ['pending', 'rejected', null, 'EXECUTION.REJECTION_REASON_REQUIRED'],
    ['accepted', 'accepted', null, 'EXECUTION.DELIVERY_LINE_DECIDED'],
    ['rejected', 'accepted', null, 'EXECUTION.DELIVERY_LINE_DECIDED'],
    ['accepted', 'rejected', 'late change of mind', 'EXECUTION.DELIVERY_LINE_DECIDED'],
  ])('%s then %s (reason %j) → %s', (current, decision, reason, code) => {
    if (code === null)
      expect(() => checkDecision(current, decision, reason, 'lines[0]', '5')).not.toThrow();
    else
      expect(failure(() => checkDecision(current, decision, reason, 'lines[0]', '5')).code).toBe(
        code,
      );
  });

  it('names the field of the problem', () => {
    expect(
      failure(() => checkDecision('pending', 'rejected', null, 'lines[3]', '5')).details,
    ).toEqual({
      field: 'lines[3].reason',
    });
    expect(
      failure(() => checkDecision('accepted', 'accepted', null, 'lines[3]', '5')).details,
    ).toEqual({
      field: 'lines[3].deliveryLineId',
      decision: 'accepted',
    });
  });
});

describe('delivery delay and fill rate (§E2/§K4)', () => {
  const placedAt = new Date('2026-03-01T08:00:00Z');
  it.each([
    [48, '2026-03-03T08:00:00.000Z', false],
    [48, '2026-03-03T08:00:00.001Z', true],
    [48, '2026-03-02T09:00:00.000Z', false],
    [24, '2026-03-02T09:00:00.000Z', true],
    [0, '2026-03-01T08:00:00.001Z', true],
  ])('delay %d h, first delivery at %s → late %s', (hours, at, late) => {
    const due = deliveryDueAt(placedAt, hours);
    expect(isLate(due, new Date(at))).toBe(late);
  });

  it.each([
    ['80', '100', '0.8000'],
    ['100', '100', '1.0000'],
    ['0', '100', '0.0000'],
    ['2', '3', '0.6667'],
    ['1', '0', null],
  ])('accepted %s of ordered %s → %s', (accepted, ordered, rate) => {
    expect(fillRate(accepted, ordered)).toBe(rate);
  });

  it('turns China business days into a UTC window', () => {
    expect(chinaDayWindow('2026-03-01', '2026-03-31')).toEqual({
      start: new Date('2026-02-28T16:00:00Z'),
      end: new Date('2026-03-31T16:00:00Z'),
    });
  });

  it.each([
    ['2026-03-31', '2026-03-01', 'to'],
    ['2026-3-1', '2026-03-31', 'from'],
    ['2026-03-01', '2026-02-30', 'to'],
  ])('refuses the window %s..%s naming %s', (from, to, field) => {
    const err = failure(() => chinaDayWindow(from, to));
    expect(err.code).toBe('EXECUTION.WINDOW_INVALID');
    expect(err.details).toEqual({ field });
  });
});
