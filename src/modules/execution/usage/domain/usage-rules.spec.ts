import { DomainError } from '../../../../common/errors/domain-error';
import {
  batchHash,
  checkBatchKey,
  checkUsageRow,
  isLate,
  lateAfter,
  twelveMonthsBefore,
  UsageRowInput,
} from './usage-rules';

const row = (over: Partial<UsageRowInput> = {}): UsageRowInput => ({
  productCode: 'XA01',
  date: '2026-03-03',
  purchasedQuantity: '70',
  usedQuantity: '12.5',
  stockQuantity: '0',
  ...over,
});

function failure(fn: () => unknown): { code: string; message: string; field: unknown } {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    return {
      code: err.code,
      message: err.message,
      field: (err.details as { field?: unknown }).field,
    };
  }
  throw new Error('expected a DomainError');
}

describe('usage rows (§E3)', () => {
  it('normalises quantities to scale 3', () => {
    expect(checkUsageRow(row({ purchasedQuantity: ' 70 ' }), 'rows[0].', '2026-03-04')).toEqual({
      productCode: 'XA01',
      date: '2026-03-03',
      purchasedQuantity: '70.000',
      usedQuantity: '12.500',
      stockQuantity: '0.000',
    });
  });

  it.each<[Partial<UsageRowInput>, string, string]>([
    [
      { date: '2026-02-30' },
      'rows[0].date',
      'rows[0].date: must be a date YYYY-MM-DD, got "2026-02-30"',
    ],
    [
      { date: '2026-03-05' },
      'rows[0].date',
      'rows[0].date: 2026-03-05 is in the future (today is 2026-03-04 in China)',
    ],
    [
      { purchasedQuantity: '-1' },
      'rows[0].purchasedQuantity',
      'rows[0].purchasedQuantity: must be a decimal string ≥ 0 with at most 3 decimals, got "-1"',
    ],
    [
      { usedQuantity: '1.2345' },
      'rows[0].usedQuantity',
      'rows[0].usedQuantity: must be a decimal string ≥ 0 with at most 3 decimals, got "1.2345"',
    ],
    [
      { stockQuantity: '1e3' },
      'rows[0].stockQuantity',
      'rows[0].stockQuantity: must be a decimal string ≥ 0 with at most 3 decimals, got "1e3"',
    ],
  ])('refuses %j', (over, field, message) => {
    expect(failure(() => checkUsageRow(row(over), 'rows[0].', '2026-03-04'))).toEqual({
      code: 'EXECUTION.USAGE_ROW_INVALID',
      field,
      message,
    });
  });

  it.each<[string, boolean]>([
    ['HIS-2026-03-03.001', true],
    ['a', true],
    ['-leading-dash', false],
    ['has space', false],
    ['x'.repeat(64), true],
    ['x'.repeat(65), false],
  ])('batch id %s valid: %s', (key, ok) => {
    if (ok) expect(checkBatchKey(key)).toBe(key);
    else expect(failure(() => checkBatchKey(key)).code).toBe('EXECUTION.USAGE_BATCH_ID_INVALID');
  });
});

describe('late uploads (§E3, T+1 in China time)', () => {
  it.each<[string, number, string]>([
    // End of 4 March China time = 4 March 16:00 UTC.
    ['2026-03-03', 1, '2026-03-04T16:00:00.000Z'],
    ['2026-03-03', 0, '2026-03-03T16:00:00.000Z'],
    ['2026-03-03', 3, '2026-03-06T16:00:00.000Z'],
    ['2026-12-31', 1, '2027-01-01T16:00:00.000Z'],
  ])('a row for %s with %d day(s) is late after %s', (date, days, expected) => {
    expect(lateAfter(date, days).toISOString()).toBe(expected);
  });

  it.each<[string, boolean]>([
    ['2026-03-04T15:59:59.999Z', false],
    ['2026-03-04T16:00:00.000Z', true],
    ['2026-03-03T01:00:00.000Z', false],
  ])('a row for 2026-03-03 received at %s is late: %s', (at, late) => {
    expect(isLate('2026-03-03', new Date(at), 1)).toBe(late);
  });
});

describe('batch content hash', () => {
  it('does not depend on the order of the rows', () => {
    const a = row({ productCode: 'A' });
    const b = row({ productCode: 'B', date: '2026-03-01' });
    const c = row({ productCode: 'A', date: '2026-03-01' });
    expect(batchHash([a, b, c])).toBe(batchHash([c, b, a]));
    expect(batchHash([a, b, c])).not.toBe(batchHash([a, b]));
    expect(batchHash([a])).not.toBe(batchHash([{ ...a, stockQuantity: '1' }]));
  });
});

describe('the 12 months before a date (§P3)', () => {
  it.each<[string, { from: string; to: string }]>([
    ['2026-03-15', { from: '2025-03-15', to: '2026-03-15' }],
    ['2028-02-29', { from: '2027-02-28', to: '2028-02-29' }],
    ['2026-01-01', { from: '2025-01-01', to: '2026-01-01' }],
  ])('%s → %j', (asOf, expected) => {
    expect(twelveMonthsBefore(asOf)).toEqual(expected);
  });
});
