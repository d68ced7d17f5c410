import { planChunks, slices } from './chunks';

describe('bulk load chunks', () => {
  it.each([
    [0, 10, [], []],
    [5, 10, [], [[0, 4]]],
    [
      25,
      10,
      [],
      [
        [0, 9],
        [10, 19],
        [20, 24],
      ],
    ],
    [
      30,
      10,
      [10],
      [
        [0, 9],
        [20, 29],
      ],
    ],
    [30, 10, [0, 10, 20], []],
  ])('%i rows by %i, %j committed → %j', (total, size, done, expected) =>
    expect(planChunks(total, size, new Set(done)).map((c) => [c.firstRow, c.lastRow])).toEqual(
      expected,
    ),
  );

  it.each([
    [-1, 10],
    [10, 0],
    [1.5, 10],
  ])('refuses %s rows by %s', (total, size) => expect(() => planChunks(total, size)).toThrow());

  it('slices rows for statements', () => {
    expect(slices([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(slices([], 2)).toEqual([]);
  });
});
