import {
  formatNumber,
  formatTable,
  formatTarget,
  meets,
  ratioOf,
  result,
  tableRow,
  Target,
  timestampName,
} from './report';

const atLeastHalf: Target = { on: 'ratio', op: '>=', value: 0.5, source: '§N' };
const under300: Target = { on: 'measured', op: '<', value: 300, source: '§N' };

describe('ratioOf', () => {
  it.each([
    [50, 100, 0.5],
    [150, 100, 1.5],
    [0, 100, 0],
    [50, 0, null],
    [NaN, 100, null],
    [50, Infinity, null],
  ])('%d ÷ %d = %s', (measured, reference, expected) => {
    expect(ratioOf(measured, reference)).toBe(expected);
  });
});

describe('meets', () => {
  it.each([
    [atLeastHalf, 1, 0.5, true],
    [atLeastHalf, 1, 0.49, false],
    [atLeastHalf, 1, null, null],
    [under300, 299.9, null, true],
    [under300, 300, null, false],
    [under300, NaN, null, null],
    [{ ...under300, op: '<=' as const }, 300, null, true],
  ])('%j with measured %d, ratio %s → %s', (target, measured, ratio, expected) => {
    expect(meets(target, measured, ratio)).toBe(expected);
  });
});

describe('result', () => {
  it('computes the ratio and the verdict', () => {
    const r = result({
      scenario: 'read-api',
      measure: 'GET /x',
      measured: { value: 600, unit: 'req/s' },
      reference: { value: 1000, unit: 'req/s', label: 'bare Express' },
      target: atLeastHalf,
    });
    expect(r).toMatchObject({ ratio: 0.6, met: true, details: {} });
  });

  it('has no ratio and no verdict without a reference or target', () => {
    const r = result({ scenario: 's', measure: 'm', measured: { value: 1, unit: 'x' } });
    expect(r).toMatchObject({ reference: null, ratio: null, target: null, met: null });
  });

  it('judges a bound on the measured value, whatever the ratio', () => {
    const r = result({
      scenario: 'import',
      measure: 'peak RSS',
      measured: { value: 350, unit: 'MB' },
      reference: { value: 300, unit: 'MB', label: '§N bound' },
      target: under300,
    });
    expect(r.met).toBe(false);
    expect(r.ratio).toBeCloseTo(1.1667, 4);
  });
});

describe('formatNumber', () => {
  it.each([
    [1234567.8, 1, '1,234,568'],
    [100, 1, '100'],
    [99.94, 1, '99.9'],
    [5.004, 2, '5.00'],
    [0, 1, '0.0'],
    [-2500, 1, '-2,500'],
    [NaN, 1, '–'],
    [Infinity, 1, '–'],
  ])('%d (%d digits) → %s', (value, digits, expected) => {
    expect(formatNumber(value, digits)).toBe(expected);
  });
});

describe('formatTarget', () => {
  it.each([
    [atLeastHalf, 'ratio ≥ 0.5 (§N)'],
    [under300, '< 300 (§N)'],
    [null, '–'],
  ])('%j → %s', (target, expected) => {
    expect(formatTarget(target)).toBe(expected);
  });
});

describe('tableRow', () => {
  it('shows every column of a result', () => {
    const row = tableRow(
      result({
        scenario: 'read-api',
        measure: 'GET /x',
        measured: { value: 250, unit: 'req/s', note: 'p50 1.00 ms' },
        reference: { value: 1000, unit: 'req/s', label: 'bare Express' },
        target: atLeastHalf,
      }),
    );
    expect(row).toEqual([
      'read-api',
      'GET /x',
      '250 req/s (p50 1.00 ms)',
      '1,000 req/s bare Express',
      '0.25',
      'ratio ≥ 0.5 (§N)',
      'not met',
    ]);
  });
});

describe('formatTable', () => {
  it('pads columns to their widest cell, counting CJK characters as two columns', () => {
    const table = formatTable(
      ['A', 'Bee'],
      [
        ['xx', 'y'],
        ['中', 'zzzz'],
      ],
    );
    expect(table.split('\n')).toEqual(['A  │ Bee', '───┼─────', 'xx │ y', '中 │ zzzz']);
  });
});

describe('timestampName', () => {
  it('makes a file name of an instant', () => {
    expect(timestampName(new Date('2026-03-01T08:09:10.123Z'))).toBe('2026-03-01T08-09-10-123Z');
  });
});
