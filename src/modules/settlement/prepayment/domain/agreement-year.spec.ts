import { agreementYear, periodOfYear, poolingRegionCode } from './agreement-year';

describe('agreementYear', () => {
  it.each([
    ['2026-07-15', '2027-07-14', 1, { year: 1, start: '2026-07-15', end: '2027-07-14' }],
    ['2026-07-15', '2027-07-14', 2, null],
    ['2026-07-15', '2028-07-14', 2, { year: 2, start: '2027-07-15', end: '2028-07-14' }],
    // 29 February: the anniversary rolls to 1 March, its eve is 28 February.
    ['2028-02-29', '2030-02-28', 1, { year: 1, start: '2028-02-29', end: '2029-02-28' }],
    ['2028-02-29', '2030-02-28', 2, { year: 2, start: '2029-03-01', end: '2030-02-28' }],
    // A term cut short (an agreement ended early) ends its last year with it.
    ['2026-01-01', '2026-06-30', 1, { year: 1, start: '2026-01-01', end: '2026-06-30' }],
    ['2026-01-01', '2026-12-31', 0, null],
  ])('%s…%s year %d', (start, end, year, expected) => {
    expect(agreementYear(start, end, year)).toEqual(expected);
  });

  it('refuses a malformed term', () => {
    expect(() => agreementYear('2026-02-30', '2027-01-01', 1)).toThrow(/YYYY-MM-DD/);
  });
});

describe('periodOfYear', () => {
  it.each([
    ['2026-07-15', '2026-07', 1],
    ['2026-07-15', '2026-12', 6],
    ['2026-07-15', '2027-06', 12],
    ['2026-07-15', '2027-07', null],
    ['2026-07-15', '2026-06', null],
    ['2026-01-01', '2026-12', 12],
    ['2026-01-01', '2026-13', null],
    ['2026-01-01', '2026-1', null],
  ])('year from %s, month %s → period %s', (start, month, expected) => {
    expect(periodOfYear(start, month)).toBe(expected);
  });
});

describe('poolingRegionCode', () => {
  it.each([
    ['/440000/440100/440103/', '440100'],
    ['/440000/440100/', '440100'],
    ['/440000/', '440000'],
  ])('%s → %s', (path, expected) => {
    expect(poolingRegionCode(path)).toBe(expected);
  });

  it('refuses an empty path', () => {
    expect(() => poolingRegionCode('/')).toThrow(/empty/);
  });
});
