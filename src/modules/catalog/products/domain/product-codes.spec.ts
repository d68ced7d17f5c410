import {
  consumableCodeProblem,
  drugCodeProblem,
  gs1CheckDigit,
  isValidGtin14,
  normaliseCode,
  udiProblem,
} from './product-codes';

describe('national insurance codes', () => {
  it.each([
    ['XC10AAA021A001010104321', true],
    ['ZA01AAA0001010101234', true],
    ['X' + '1'.repeat(29), true],
    ['X' + '1'.repeat(18), false],
    ['X' + '1'.repeat(30), false],
    ['C0311201000000300000000', false],
    ['XC10AAA021A0010101-4321', false],
    ['xc10aaa021a001010104321', false],
    ['', false],
  ])('drug code %s valid=%s', (code, valid) => {
    expect(drugCodeProblem(code) === null).toBe(valid);
  });

  it.each([
    ['C0311201000000300000000', true],
    ['C03112010000003000000000001', true],
    ['C' + '0'.repeat(19), true],
    ['C' + '0'.repeat(18), false],
    ['C' + '0'.repeat(27), false],
    ['XC10AAA021A001010104321', false],
    ['C03112010000 0300000000', false],
  ])('consumable code %s valid=%s', (code, valid) => {
    expect(consumableCodeProblem(code) === null).toBe(valid);
  });

  it('names the field and the offending value', () => {
    expect(drugCodeProblem('X1')).toMatch(/^code .*"X1"/);
    expect(consumableCodeProblem('X1')).toMatch(/^code .*"X1"/);
  });

  it.each([
    ['  xc10aaa021a001010104321 ', 'XC10AAA021A001010104321'],
    ['c0311201000000300000000', 'C0311201000000300000000'],
  ])('normalises %j to %s', (raw, code) => {
    expect(normaliseCode(raw)).toBe(code);
  });
});

describe('GS1 check digit', () => {
  it.each([
    ['0001234560001', 2],
    ['400638133393', 1],
    ['0690123456789', 2],
    ['1069012345678', 4],
    ['9638507', 4],
  ])('check digit of %s is %i', (digits, check) => {
    expect(gs1CheckDigit(digits)).toBe(check);
  });

  it.each([
    ['00012345600012', true],
    ['06901234567892', true],
    ['06901234567891', false],
    ['10690123456784', true],
    ['1069012345678', false],
    ['0690123456789A', false],
  ])('GTIN-14 %s valid=%s', (gtin, valid) => {
    expect(isValidGtin14(gtin)).toBe(valid);
  });
});

describe('UDI-DI', () => {
  it.each([
    ['06901234567892', null],
    ['06901234567891', /wrong check digit \(expected 2\)/],
    ['12345678', null],
    ['4006381333931', null],
    ['ABCD1234EFGH5678IJKL901', null],
    ['1234567', /8–23/],
    ['ABCD1234EFGH5678IJKL9012', /8–23/],
    ['0690-1234', /8–23/],
  ])('%s → %s', (udi, problem) => {
    const result = udiProblem(udi);
    if (problem === null) expect(result).toBeNull();
    else expect(result).toMatch(problem);
  });
});
