import { agreedVolume, agreedVolumeRatio, termYears } from './agreed-volume';

const RATIOS = ['0.5', '0.6', '0.7', '0.8'];
const TERMS = [1, 1, 2, 3];

describe('§P9 ratio and term by number of winners', () => {
  it.each([
    [0, '0', 0],
    [1, '0.5', 1],
    [2, '0.6', 1],
    [3, '0.7', 2],
    [4, '0.8', 3],
    [5, '0.8', 3],
    [10, '0.8', 3],
  ])('%i winners → ratio %s, %i years', (winners, ratio, years) => {
    expect(agreedVolumeRatio(winners, RATIOS)).toBe(ratio);
    expect(termYears(winners, TERMS)).toBe(years);
  });

  it.each([
    // special categories: 30/40/50 %, the last entry covering 3 and more
    [1, '0.3'],
    [2, '0.4'],
    [3, '0.5'],
    [7, '0.5'],
  ])('special-category table: %i winners → %s', (winners, ratio) => {
    expect(agreedVolumeRatio(winners, ['0.3', '0.4', '0.50'])).toBe(ratio);
  });
});

describe('agreed volume = total declared demand × ratio, unrounded', () => {
  it.each([
    // §P9 worked example: 596327 × 0.5 = 298163.5
    ['596327', '0.5', '298163.5'],
    // 596327 × 0.6 = 357796.2
    ['596327', '0.6', '357796.2'],
    // 596327 × 0.7 = 417428.9
    ['596327', '0.7', '417428.9'],
    // 596327 × 0.8 = 477061.6
    ['596327', '0.8', '477061.6'],
    // trailing zeros do not survive: 1000.000 × 0.5 = 500
    ['1000.000', '0.5', '500'],
    // 0.001 × 0.7 = 0.0007: not rounded to the 3-decimal quantity scale
    ['0.001', '0.7', '0.0007'],
    ['596327', '0', '0'],
  ])('%s × %s = %s', (total, ratio, volume) => {
    expect(agreedVolume(total, ratio)).toBe(volume);
  });
});
