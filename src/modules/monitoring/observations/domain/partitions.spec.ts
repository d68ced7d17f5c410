import {
  addMonths,
  initialPartitions,
  isIsoDate,
  nextPeriod,
  partitionClauses,
  partitionName,
  partitionsToAdd,
  periodBounds,
  periodOfPartition,
  periodsBetween,
  previousPeriod,
} from './partitions';

describe('observation periods and partitions', () => {
  it.each([
    ['2026-01', '2026-02', '2025-12'],
    ['2026-12', '2027-01', '2026-11'],
  ])('%s: next %s, previous %s', (p, next, prev) => {
    expect(nextPeriod(p)).toBe(next);
    expect(previousPeriod(p)).toBe(prev);
  });

  it.each([
    ['2026-02', '2026-02-01', '2026-02-28'],
    ['2028-02', '2028-02-01', '2028-02-29'],
    ['2026-12', '2026-12-01', '2026-12-31'],
  ])('bounds of %s', (p, first, last) => expect(periodBounds(p)).toEqual({ first, last }));

  it.each([
    ['2026-03', 0, '2026-03'],
    ['2026-11', 3, '2027-02'],
    ['2026-01', -1, '2025-12'],
    ['2026-01', -13, '2024-12'],
  ])('%s + %i months = %s', (p, n, out) => expect(addMonths(p, n)).toBe(out));

  it.each([
    ['2026-02-28', true],
    ['2026-02-30', false],
    ['2024-02-29', true],
    ['2026-13-01', false],
    ['2026-1-01', false],
  ])('isIsoDate(%s) = %s', (d, ok) => expect(isIsoDate(d)).toBe(ok));

  it.each([
    ['2026-03', 'p202603'],
    ['1999-12', 'p199912'],
  ])('partition of %s is %s and back', (p, name) => {
    expect(partitionName(p)).toBe(name);
    expect(periodOfPartition(name)).toBe(p);
  });

  it.each(['p_old', 'p_future', 'p202613', 'x202601'])('%s names no month', (n) =>
    expect(periodOfPartition(n)).toBeNull(),
  );

  it('lays out p_old, the months and p_future', () => {
    const defs = initialPartitions('2026-11', '2027-01');
    expect(defs).toEqual([
      { name: 'p_old', lessThan: '2026-11-01' },
      { name: 'p202611', lessThan: '2026-12-01' },
      { name: 'p202612', lessThan: '2027-01-01' },
      { name: 'p202701', lessThan: '2027-02-01' },
      { name: 'p_future', lessThan: 'MAXVALUE' },
    ]);
    expect(partitionClauses(defs.slice(-2))).toBe(
      "PARTITION p202701 VALUES LESS THAN ('2027-02-01'),\n  PARTITION p_future VALUES LESS THAN (MAXVALUE)",
    );
  });

  it.each([
    [['p_old', 'p202601', 'p202602', 'p_future'], '2026-04', ['p202603', 'p202604']],
    [['p_old', 'p202601', 'p202602', 'p_future'], '2026-02', []],
    [['p_old', 'p202601', 'p_future'], '2025-06', []],
    [[], '2026-04', []],
  ])('existing %j through %s adds %j', (existing, through, added) =>
    expect(partitionsToAdd(existing, through).map((d) => d.name)).toEqual(added),
  );

  it('lists periods inclusively', () => {
    expect(periodsBetween('2026-11', '2027-02')).toEqual([
      '2026-11',
      '2026-12',
      '2027-01',
      '2027-02',
    ]);
    expect(periodsBetween('2026-03', '2026-02')).toEqual([]);
  });
});
