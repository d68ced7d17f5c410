import {
  bankResultAction,
  BankResultRow,
  parseBankResultRow,
  paymentCode,
  paymentIdOf,
  toCsv,
} from './bank-results';

const paid = (ref = 'R1', date = '2027-07-02'): BankResultRow => ({
  paymentCode: 'ZF00000007',
  paymentId: '7',
  result: 'paid',
  bankReference: ref,
  paidDate: date,
});
const failed: BankResultRow = {
  paymentCode: 'ZF00000007',
  paymentId: '7',
  result: 'failed',
  failureReason: 'x',
};
const dates = { today: '2027-07-03', batchDate: '2027-07-01' };

describe('payment codes', () => {
  it.each([
    ['7', 'ZF00000007'],
    ['123456789', 'ZF123456789'],
  ])('%s → %s and back', (id, code) => {
    expect(paymentCode(id)).toBe(code);
    expect(paymentIdOf(code)).toBe(id);
  });

  it.each(['ZF', 'ZF0000', 'JS202706-000001', 'ZF12a'])('%s is not a code', (code) => {
    expect(paymentIdOf(code)).toBeNull();
  });
});

describe('toCsv', () => {
  it.each([
    [['a', 'b'], 'a,b'],
    [['=1+1', '-2'], "'=1+1,'-2"],
    [['say "hi"', 'a,b'], '"say ""hi""","a,b"'],
    [['@x\nline'], `"'@x\nline"`],
  ])('%j → %s', (row, line) => {
    expect(toCsv(['h'], [row])).toBe(`\uFEFFh\r\n${line}\r\n`);
  });
});

describe('parseBankResultRow', () => {
  it.each<[Record<string, unknown>, string[]]>([
    [{ paymentCode: 'ZF1', result: 'paid', bankReference: 'R', paidDate: '2027-07-02' }, []],
    [{ paymentCode: 'ZF1', result: 'Failed', failureReason: 'no account' }, []],
    [{ result: 'paid', bankReference: 'R', paidDate: '2027-07-02' }, ['paymentCode']],
    [
      { paymentCode: 'X1', result: 'paid', bankReference: 'R', paidDate: '2027-07-02' },
      ['paymentCode'],
    ],
    [{ paymentCode: 'ZF1', result: 'lost' }, ['result']],
    [{ paymentCode: 'ZF1' }, ['result']],
    [{ paymentCode: 'ZF1', result: 'paid' }, ['bankReference', 'paidDate']],
    [
      { paymentCode: 'ZF1', result: 'paid', bankReference: 'R', paidDate: '2027-02-30' },
      ['paidDate'],
    ],
    [
      {
        paymentCode: 'ZF1',
        result: 'paid',
        bankReference: 'R'.repeat(101),
        paidDate: '2027-07-02',
      },
      ['bankReference'],
    ],
    [
      {
        paymentCode: 'ZF1',
        result: 'paid',
        bankReference: 'R',
        paidDate: '2027-07-02',
        failureReason: 'x',
      },
      ['failureReason'],
    ],
    [{ paymentCode: 'ZF1', result: 'failed' }, ['failureReason']],
    [
      { paymentCode: 'ZF1', result: 'failed', failureReason: 'x', bankReference: 'R' },
      ['bankReference'],
    ],
  ])('%j → problems in %j', (cells, columns) => {
    const parsed = parseBankResultRow(cells as never);
    expect(parsed.ok ? [] : parsed.problems.map((p) => p.column)).toEqual(columns);
  });

  it('reads a date cell as a business date and lower-cases the result', () => {
    expect(
      parseBankResultRow({
        paymentCode: 'zf00000042',
        result: 'PAID',
        bankReference: 'R',
        paidDate: new Date('2027-07-02T00:00:00Z'),
      }),
    ).toEqual({
      ok: true,
      value: {
        paymentCode: 'zf00000042',
        paymentId: '42',
        result: 'paid',
        bankReference: 'R',
        paidDate: '2027-07-02',
      },
    });
  });
});

describe('bankResultAction', () => {
  it.each<
    [
      string,
      { result: 'pending' | 'paid' | 'failed' | 'cancelled'; bankReference: string | null },
      BankResultRow,
      string,
    ]
  >([
    ['pending, paid', { result: 'pending', bankReference: null }, paid(), 'apply'],
    ['pending, failed', { result: 'pending', bankReference: null }, failed, 'apply'],
    ['paid again, same reference', { result: 'paid', bankReference: 'R1' }, paid(), 'noop'],
    [
      'paid, another reference',
      { result: 'paid', bankReference: 'R1' },
      paid('R2'),
      'bankReference',
    ],
    ['paid, then failed', { result: 'paid', bankReference: 'R1' }, failed, 'result'],
    ['failed again', { result: 'failed', bankReference: null }, failed, 'noop'],
    ['failed, then paid', { result: 'failed', bankReference: null }, paid(), 'result'],
    ['withdrawn, paid', { result: 'cancelled', bankReference: null }, paid(), 'paymentCode'],
    ['withdrawn, failed', { result: 'cancelled', bankReference: null }, failed, 'paymentCode'],
    [
      'paid in the future',
      { result: 'pending', bankReference: null },
      paid('R1', '2027-07-04'),
      'paidDate',
    ],
    [
      'paid before the batch',
      { result: 'pending', bankReference: null },
      paid('R1', '2027-06-30'),
      'paidDate',
    ],
  ])('%s', (_, item, row, expected) => {
    const action = bankResultAction(item, row, dates);
    expect('problem' in action ? action.problem.column : action.action).toBe(expected);
  });
});
