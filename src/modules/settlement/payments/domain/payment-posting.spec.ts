import { Decimal } from '../../../../database/decimal';
import { paymentFigures, paymentLines } from './payment-posting';

describe('paymentFigures', () => {
  it.each([
    // amount, offset, balance → deducted, receivable
    ['1000.00', '0.00', '5000.00', '1000.00', '0.00'],
    ['1000.00', '0.00', '600.00', '600.00', '400.00'],
    ['1000.00', '0.00', '-20.00', '0.00', '1000.00'],
    ['1000.00', '250.00', '5000.00', '1250.00', '0.00'],
    ['1000.00', '250.00', '1000.00', '1000.00', '250.00'],
    ['2372.85', '0.00', '1500.00', '1500.00', '872.85'],
  ])('%s with offset %s on a balance of %s', (amount, offset, balance, deducted, receivable) => {
    const f = paymentFigures(amount, offset, balance);
    expect(f).toMatchObject({ supplierPaid: amount, hospitalDeducted: deducted, receivable });
    expect(new Decimal(deducted).plus(receivable).toFixed(2)).toBe(
      new Decimal(amount).plus(offset).toFixed(2),
    );
  });

  it('refuses an offset larger than the statement', () => {
    expect(() => paymentFigures('10.00', '10.01', '0.00')).toThrow(/prepaymentOffset/);
  });
});

describe('paymentLines', () => {
  const accounts = { supplierSide: 'F', hospitalSettlement: 'H', receivable: 'R', prepayment: 'P' };

  it.each([
    ['1000.00', '250.00', '600.00'],
    ['1000.00', '0.00', '5000.00'],
    ['0.01', '0.00', '0.00'],
  ])('balances %s / offset %s / balance %s', (amount, offset, balance) => {
    const lines = paymentLines(paymentFigures(amount, offset, balance), accounts);
    const sum = (side: 'debit' | 'credit') =>
      lines.reduce((s, l) => s.plus(l[side] ?? 0), new Decimal(0)).toFixed(2);
    expect(sum('debit')).toBe(sum('credit'));
    expect(lines.every((l) => new Decimal(l.debit ?? l.credit ?? 0).gt(0))).toBe(true);
  });

  it('names every figure on its own line', () => {
    const lines = paymentLines(paymentFigures('1000.00', '250.00', '600.00'), accounts);
    expect(lines).toEqual([
      { accountId: 'F', debit: null, credit: '1000.00' },
      { accountId: 'P', debit: null, credit: '250.00' },
      { accountId: 'H', debit: '600.00', credit: null },
      { accountId: 'R', debit: '650.00', credit: null },
    ]);
  });

  it('needs the prepayment account for an offset', () => {
    expect(() =>
      paymentLines(paymentFigures('10.00', '1.00', '0.00'), { ...accounts, prepayment: null }),
    ).toThrow(/prepayment/);
  });
});
