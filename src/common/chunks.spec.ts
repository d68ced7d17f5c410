import { chunks } from './chunks';

describe('chunks', () => {
  it('slices in order, the last slice holding the rest', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks(['a', 'b'], 2)).toEqual([['a', 'b']]);
    expect(chunks([], 3)).toEqual([]);
  });

  it('refuses a size that would never advance', () => {
    expect(() => chunks([1], 0)).toThrow(RangeError);
    expect(() => chunks([1], 1.5)).toThrow(RangeError);
  });
});
