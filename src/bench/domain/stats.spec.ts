import { percentile, perSecond, summariseLatencies } from './stats';

describe('percentile (nearest rank)', () => {
  const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  it.each([
    [ten, 50, 5],
    [ten, 99, 10],
    [ten, 100, 10],
    [ten, 0, 1],
    [ten, 10, 1],
    [ten, 11, 2],
    [[7], 50, 7],
    [[7], 99, 7],
    [[1, 2], 50, 1],
    [[1, 2], 51, 2],
  ])('%j p%d = %d', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });

  it('is NaN without values', () => {
    expect(percentile([], 50)).toBeNaN();
  });

  it.each([-1, 101])('refuses p = %d', (p) => {
    expect(() => percentile(ten, p)).toThrow(RangeError);
  });
});

describe('summariseLatencies', () => {
  it('sorts before ranking and reports the maximum', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(summariseLatencies(values)).toEqual({ count: 100, p50: 50, p99: 99, max: 100 });
  });

  it('leaves its input alone', () => {
    const values = [3, 1, 2];
    summariseLatencies(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('reports NaN figures for no samples', () => {
    const s = summariseLatencies([]);
    expect(s.count).toBe(0);
    expect([s.p50, s.p99, s.max].every(Number.isNaN)).toBe(true);
  });
});

describe('perSecond', () => {
  it.each([
    [500, 1000, 500],
    [500, 250, 2000],
    [0, 1000, 0],
    [10, 0, 0],
  ])('%d events in %d ms = %d/s', (count, ms, expected) => {
    expect(perSecond(count, ms)).toBe(expected);
  });
});
