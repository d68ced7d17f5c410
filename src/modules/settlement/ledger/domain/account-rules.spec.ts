import { DomainError } from '../../../../common/errors/domain-error';
import {
  AccountSpec,
  AccountType,
  checkAccountSpec,
  defaultAccountName,
  normalSideOf,
} from './account-rules';

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

describe('checkAccountSpec derives one code per purpose', () => {
  it.each<[AccountSpec, string, 'debit' | 'credit']>([
    [{ type: 'fund', regionCode: '320100' }, 'FUND:320100', 'debit'],
    [{ type: 'hospital_settlement', ownerId: '17' }, 'HOSP:17:SETTLEMENT', 'credit'],
    [{ type: 'supplier_payable', ownerId: '230' }, 'SUPP:230:PAYABLE', 'credit'],
    [{ type: 'prepayment', ownerId: '17' }, 'HOSP:17:PREPAYMENT', 'debit'],
    [{ type: 'receivable', ownerId: '17' }, 'HOSP:17:RECEIVABLE', 'debit'],
    [{ type: 'clearing' }, 'CLEARING', 'debit'],
    [{ type: 'clearing', ownerId: null, regionCode: null }, 'CLEARING', 'debit'],
  ])('%j → %s (%s side)', (spec, code, side) => {
    const checked = checkAccountSpec(spec);
    expect(checked.code).toBe(code);
    expect(checked.normalSide).toBe(side);
    expect(normalSideOf(spec.type)).toBe(side);
  });

  it('keeps a given name, trimmed', () => {
    expect(checkAccountSpec({ type: 'clearing', name: '  Bank transit  ' }).name).toBe(
      'Bank transit',
    );
    expect(checkAccountSpec({ type: 'clearing', name: '   ' }).name).toBeNull();
  });
});

describe('checkAccountSpec refuses a spec that does not identify one account', () => {
  it.each<[string, AccountSpec, string]>([
    [
      'an unknown type',
      { type: 'cash' as AccountType },
      'type: must be one of fund, hospital_settlement, supplier_payable, prepayment, receivable, clearing, got "cash"',
    ],
    [
      'a fund without region',
      { type: 'fund' },
      'regionCode: a fund account needs a 6-digit region code',
    ],
    [
      'a fund with a short region',
      { type: 'fund', regionCode: '3201' },
      'regionCode: a fund account needs a 6-digit region code',
    ],
    [
      'a fund with an owner',
      { type: 'fund', regionCode: '320100', ownerId: '5' },
      'ownerId: a fund account has no owner organisation',
    ],
    [
      'a hospital account without owner',
      { type: 'hospital_settlement' },
      "ownerId: a hospital_settlement account needs its hospital's organisation id",
    ],
    [
      'a supplier account without owner',
      { type: 'supplier_payable' },
      "ownerId: a supplier_payable account needs its supplier's organisation id",
    ],
    [
      'an owner that is not an id',
      { type: 'prepayment', ownerId: 'H001' },
      "ownerId: a prepayment account needs its hospital's organisation id",
    ],
    [
      'a hospital account with a region',
      { type: 'receivable', ownerId: '5', regionCode: '320100' },
      'regionCode: a receivable account has no region',
    ],
    [
      'the clearing account with an owner',
      { type: 'clearing', ownerId: '5' },
      'ownerId: a clearing account has no owner organisation',
    ],
    [
      'a name too long',
      { type: 'clearing', name: 'x'.repeat(201) },
      'name: at most 200 characters',
    ],
  ])('%s', (_, spec, message) => {
    const err = errorOf(() => checkAccountSpec(spec));
    expect(err.code).toBe('SETTLEMENT.ACCOUNT_SPEC_INVALID');
    expect(err.message).toBe(message);
  });
});

describe('defaultAccountName', () => {
  it.each<[AccountType, string, string]>([
    ['fund', '南京市', '医保基金 南京市'],
    ['hospital_settlement', '第一人民医院', '第一人民医院 医保结算'],
    ['supplier_payable', '恒瑞医药', '恒瑞医药 应付货款'],
    ['prepayment', '第一人民医院', '第一人民医院 预付'],
    ['receivable', '第一人民医院', '第一人民医院 应收'],
    ['clearing', '', '清算过渡账户'],
  ])('%s of %s → %s', (type, owner, name) => {
    expect(defaultAccountName(type, owner)).toBe(name);
  });
});
