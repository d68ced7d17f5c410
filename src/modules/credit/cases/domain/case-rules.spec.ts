import { DomainError } from '../../../../common/errors/domain-error';
import {
  checkAmount,
  checkBehaviour,
  checkSourceDate,
  checkSourceType,
  nextCaseCode,
} from './case-rules';

function failure(fn: () => unknown): [string, string] | 'ok' {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof DomainError) return [e.code, e.message];
    throw e;
  }
}

describe('case rules (§K1)', () => {
  it.each<[string | null, string | null]>([
    ['0', '0.00'],
    ['12000', '12000.00'],
    [' 350000.5 ', '350000.50'],
    ['2000000.00', '2000000.00'],
    [null, null],
  ])('amount %j → %j', (raw, value) => {
    expect(checkAmount(raw)).toBe(value);
  });

  it.each(['-1', '1.005', 'abc', '', '1e6', '12345678901234567'])('refuses amount %j', (raw) => {
    expect(failure(() => checkAmount(raw))).toEqual([
      'CREDIT.CASE_AMOUNT_INVALID',
      expect.stringContaining('amount must be an amount in yuan'),
    ]);
  });

  it.each<[string, string]>([
    ['2026-02-30', 'must be a date'],
    ['2026-2-3', 'must be a date'],
    ['2026-03-16', 'is in the future'],
  ])('refuses source date %s', (date, words) => {
    expect(failure(() => checkSourceDate(date, '2026-03-15'))).toEqual([
      'CREDIT.CASE_DATE_INVALID',
      expect.stringContaining(words),
    ]);
  });

  it('accepts today and past dates', () => {
    expect(checkSourceDate('2026-03-15', '2026-03-15')).toBe('2026-03-15');
    expect(checkSourceDate('2024-02-29', '2026-03-15')).toBe('2024-02-29');
  });

  it.each([
    ['kickbacks', 'CREDIT.CASE_BEHAVIOUR_INVALID', () => checkBehaviour('kickbacks')],
    ['rumour', 'CREDIT.CASE_SOURCE_INVALID', () => checkSourceType('rumour')],
  ])('refuses %s', (_, code, fn) => {
    expect(failure(fn)).toEqual([code, expect.any(String)]);
  });

  it.each<[number, string | null, string]>([
    [2026, null, 'CC2026-0001'],
    [2026, 'CC2026-0009', 'CC2026-0010'],
    [2026, 'CC2026-0999', 'CC2026-1000'],
    [2027, 'CC2026-0041', 'CC2027-0001'],
  ])('year %i after %j → %s', (year, last, next) => {
    expect(nextCaseCode(year, last)).toBe(next);
  });
});
