import { DomainError } from '../../../../common/errors/domain-error';
import { Decimal } from '../../../../database/decimal';
import {
  balanceOf,
  checkIdempotencyKey,
  checkJournal,
  checkMemo,
  JournalContent,
  journalCode,
  LineInput,
  MAX_JOURNAL_LINES,
  reversalOf,
  sameJournalContent,
} from './journal-rules';

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

const d = (v: string) => new Decimal(v);
const dr = (accountId: string, debit: string | Decimal): LineInput => ({ accountId, debit });
const cr = (accountId: string, credit: string | Decimal): LineInput => ({ accountId, credit });

describe('checkJournal accepts balanced journals', () => {
  it.each<[string, LineInput[], string]>([
    ['one debit, one credit', [dr('1', '100.00'), cr('2', '100.00')], '100.00'],
    ['amounts without decimals', [dr('1', '100'), cr('2', '100')], '100.00'],
    ['one decimal', [dr('1', '0.5'), cr('2', '0.50')], '0.50'],
    ['one cent', [dr('1', '0.01'), cr('2', '0.01')], '0.01'],
    [
      'a payment split over three credits (fund, prepayment offset, receivable)',
      [dr('1', '1000.00'), cr('2', '700.00'), cr('3', '250.50'), cr('4', '49.50')],
      '1000.00',
    ],
    [
      'the same account on several debit lines',
      [dr('1', '30'), dr('1', '70'), cr('2', '100')],
      '100.00',
    ],
    [
      'the other side given as zero',
      [
        { accountId: '1', debit: '5', credit: '0' },
        { accountId: '2', debit: '0.00', credit: '5' },
      ],
      '5.00',
    ],
    [
      'the other side given as null',
      [{ accountId: '1', debit: '5', credit: null }, cr('2', '5')],
      '5.00',
    ],
    ['Decimal amounts from another service', [dr('1', d('12.34')), cr('2', d('12.34'))], '12.34'],
    [
      'the largest DECIMAL(18,2) amount',
      [dr('1', '9999999999999999.99'), cr('2', '9999999999999999.99')],
      '9999999999999999.99',
    ],
    // 0.1 + 0.2 is not 0.3 in floating point; in decimal it is.
    [
      'sums that floating point gets wrong',
      [dr('1', '0.1'), dr('3', '0.2'), cr('2', '0.3')],
      '0.30',
    ],
  ])('%s', (_, lines, total) => {
    const checked = checkJournal(lines);
    expect(checked.total.toFixed(2)).toBe(total);
    expect(checked.lines).toHaveLength(lines.length);
    for (const l of checked.lines) expect(l.debit.gt(0) !== l.credit.gt(0)).toBe(true);
  });
});

describe('checkJournal refuses and names the field', () => {
  it.each<[string, LineInput[], string, string]>([
    [
      'no lines',
      [],
      'SETTLEMENT.JOURNAL_TOO_FEW_LINES',
      'lines: a journal needs at least 2 lines, got 0',
    ],
    [
      'one line',
      [dr('1', '10')],
      'SETTLEMENT.JOURNAL_TOO_FEW_LINES',
      'lines: a journal needs at least 2 lines, got 1',
    ],
    [
      'debits and credits that differ',
      [dr('1', '100.00'), cr('2', '90.00')],
      'SETTLEMENT.JOURNAL_UNBALANCED',
      'lines: debits 100.00 and credits 90.00 must be equal',
    ],
    [
      'a difference of one cent',
      [dr('1', '100.00'), cr('2', '99.99')],
      'SETTLEMENT.JOURNAL_UNBALANCED',
      'lines: debits 100.00 and credits 99.99 must be equal',
    ],
    [
      'three decimals',
      [dr('1', '1.005'), cr('2', '1.005')],
      'SETTLEMENT.JOURNAL_LINE_INVALID',
      'lines[0].debit: must be a non-negative amount with at most 2 decimals, got "1.005"',
    ],
    [
      'three decimals in a Decimal',
      [dr('1', '1.00'), cr('2', d('1.001'))],
      'SETTLEMENT.JOURNAL_LINE_INVALID',
      'lines[1].credit: must be a non-negative amount with at most 2 decimals, got 1.001',
    ],
    [
      'a negative amount',
      [dr('1', '10'), cr('2', '-10')],
      'SETTLEMENT.JOURNAL_LINE_INVALID',
      'lines[1].credit: must be a non-negative amount with at most 2 decimals, got "-10"',
    ],
    [
      'a negative Decimal',
      [dr('1', d('-1')), cr('2', '1')],
      'SETTLEMENT.JOURNAL_LINE_INVALID',
      'lines[0].debit: must be a non-negative amount with at most 2 decimals, got -1',
    ],
    [
      'an exponent',
      [dr('1', '1e3'), cr('2', '1000')],
      'SETTLEMENT.JOURNAL_LINE_INVALID',
      'lines[0].debit: must be a non-negative amount with at most 2 decimals, got "1e3"',
    ],
    [
      'more than DECIMAL(18,2) holds',
      [dr('1', '10000000000000000'), cr('2', '10000000000000000')],
      'SETTLEMENT.JOURNAL_LINE_INVALID',
      'lines[0].debit: must be a non-negative amount with at most 2 decimals, got "10000000000000000"',
    ],
    [
      'a Decimal beyond DECIMAL(18,2)',
      [dr('1', d('10000000000000000')), cr('2', d('10000000000000000'))],
      'SETTLEMENT.JOURNAL_LINE_INVALID',
      'lines[0].debit: must not exceed 9999999999999999.99',
    ],
    [
      'a line with both sides',
      [dr('1', '10'), cr('2', '10'), { accountId: '3', debit: '5', credit: '5' }],
      'SETTLEMENT.JOURNAL_LINE_INVALID',
      'lines[2].credit: a line is a debit or a credit, not both',
    ],
    [
      'a line with neither side',
      [dr('1', '10'), cr('2', '10'), { accountId: '3' }],
      'SETTLEMENT.JOURNAL_LINE_INVALID',
      'lines[2].debit: a line needs a positive debit or a positive credit',
    ],
    [
      'a line of zeros',
      [dr('1', '10'), { accountId: '3', debit: '0.00', credit: '0' }, cr('2', '10')],
      'SETTLEMENT.JOURNAL_LINE_INVALID',
      'lines[1].debit: a line needs a positive debit or a positive credit',
    ],
    [
      'an account debited and credited',
      [dr('1', '10'), cr('2', '5'), cr('1', '5')],
      'SETTLEMENT.JOURNAL_ACCOUNT_BOTH_SIDES',
      'lines[2].credit: account 1 is already on the debit side at lines[0]; one journal moves an account one way',
    ],
  ])('%s', (_, lines, code, message) => {
    const err = errorOf(() => checkJournal(lines));
    expect(err.code).toBe(code);
    expect(err.status).toBe(400);
    expect(err.message).toBe(message);
  });

  it('caps the number of lines', () => {
    const lines = Array.from({ length: MAX_JOURNAL_LINES + 1 }, (_, i) =>
      i === 0 ? dr('1', String(MAX_JOURNAL_LINES)) : cr('2', '1'),
    );
    expect(errorOf(() => checkJournal(lines)).code).toBe('SETTLEMENT.JOURNAL_TOO_MANY_LINES');
    expect(() => checkJournal(lines.slice(0, MAX_JOURNAL_LINES))).toThrow(
      /debits 1000.00 and credits 999.00/,
    );
  });
});

describe('reversalOf swaps every side', () => {
  it.each<[string, LineInput[]]>([
    ['two lines', [dr('1', '100'), cr('2', '100')]],
    ['a split payment', [dr('1', '1000'), cr('2', '700'), cr('3', '300')]],
  ])('%s', (_, lines) => {
    const original = checkJournal(lines).lines;
    const reversal = reversalOf(original);
    expect(reversal.map((l) => [l.accountId, l.debit.toFixed(2), l.credit.toFixed(2)])).toEqual(
      original.map((l) => [l.accountId, l.credit.toFixed(2), l.debit.toFixed(2)]),
    );
    // The reversal is itself a valid journal, and both together leave every account at zero.
    expect(checkJournal(reversal).total.eq(checkJournal(original).total)).toBe(true);
    const net = new Map<string, Decimal>();
    for (const l of [...original, ...reversal])
      net.set(l.accountId, (net.get(l.accountId) ?? d('0')).plus(l.debit).minus(l.credit));
    for (const v of net.values()) expect(v.isZero()).toBe(true);
  });
});

describe('balanceOf reads the balance on the normal side', () => {
  it.each<['debit' | 'credit', string, string, string]>([
    ['debit', '0', '0', '0.00'],
    ['debit', '1000.00', '300.00', '700.00'],
    ['debit', '300.00', '1000.00', '-700.00'],
    ['credit', '300.00', '1000.00', '700.00'],
    ['credit', '1000.00', '300.00', '-700.00'],
    ['credit', '0.10', '0.30', '0.20'],
  ])('%s side, debits %s, credits %s → %s', (side, debit, credit, balance) => {
    expect(balanceOf(side, d(debit), d(credit)).toFixed(2)).toBe(balance);
  });
});

describe('sameJournalContent decides whether a retry is the same journal', () => {
  const base: JournalContent = {
    kind: 'payment',
    memo: 'Statement S2026-0001',
    reversesJournalId: null,
    lines: checkJournal([dr('1', '100'), cr('2', '100')]).lines,
  };
  it.each<[string, Partial<JournalContent>, boolean]>([
    ['identical', {}, true],
    [
      'amounts written with other decimals',
      { lines: checkJournal([dr('1', '100.00'), cr('2', '100.0')]).lines },
      true,
    ],
    ['memo with surrounding spaces', { memo: '  Statement S2026-0001 ' }, true],
    ['another kind', { kind: 'offset' }, false],
    ['another memo', { memo: 'Statement S2026-0002' }, false],
    [
      'another amount',
      { lines: checkJournal([dr('1', '100.01'), cr('2', '100.01')]).lines },
      false,
    ],
    ['another account', { lines: checkJournal([dr('3', '100'), cr('2', '100')]).lines }, false],
    [
      'lines in another order',
      { lines: checkJournal([cr('2', '100'), dr('1', '100')]).lines },
      false,
    ],
    [
      'a line more',
      { lines: checkJournal([dr('1', '100'), cr('2', '60'), cr('2', '40')]).lines },
      false,
    ],
    ['a reversal', { reversesJournalId: '7' }, false],
  ])('%s → %s', (_, patch, same) => {
    expect(sameJournalContent(base, { ...base, ...patch })).toBe(same);
  });
});

describe('checkMemo', () => {
  it.each<[string | null | undefined, string | null]>([
    ['Correction of J2026-00000001', 'Correction of J2026-00000001'],
    ['  trimmed  ', 'trimmed'],
    ['x'.repeat(500), 'x'.repeat(500)],
    ['', null],
    ['   ', null],
    [null, null],
    [undefined, null],
    ['x'.repeat(501), null],
  ])('%j → %j', (memo, expected) => {
    if (expected === null)
      expect(errorOf(() => checkMemo(memo)).message).toBe(
        'memo: a journal needs a memo of 1 to 500 characters',
      );
    else expect(checkMemo(memo)).toBe(expected);
  });
});

describe('checkIdempotencyKey', () => {
  it.each<[string | undefined, string | null]>([
    ['3f1c2a9e-7b7d-4c55-9a51-0e8f4f3b9d11', null],
    ['pay-2026-03/hospital:17', null],
    ['k'.repeat(100), null],
    [undefined, 'SETTLEMENT.IDEMPOTENCY_KEY_REQUIRED'],
    ['', 'SETTLEMENT.IDEMPOTENCY_KEY_REQUIRED'],
    ['k'.repeat(101), 'SETTLEMENT.IDEMPOTENCY_KEY_INVALID'],
    ['with space', 'SETTLEMENT.IDEMPOTENCY_KEY_INVALID'],
    ['幂等键', 'SETTLEMENT.IDEMPOTENCY_KEY_INVALID'],
  ])('%j → %s', (key, code) => {
    if (code === null) expect(checkIdempotencyKey(key)).toBe(key);
    else expect(errorOf(() => checkIdempotencyKey(key)).code).toBe(code);
  });
});

describe('journalCode', () => {
  it.each<[string, bigint, string]>([
    ['2026-03-01T00:00:00Z', 1n, 'J2026-00000001'],
    ['2026-12-31T23:59:59Z', 42n, 'J2026-00000042'],
    ['2027-01-01T00:00:00Z', 43n, 'J2027-00000043'],
    ['2027-06-30T12:00:00Z', 123456789n, 'J2027-123456789'],
  ])('%s, number %s → %s', (at, no, code) => {
    expect(journalCode(new Date(at), no)).toBe(code);
  });
});
