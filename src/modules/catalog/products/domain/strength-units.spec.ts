import { normaliseStrengthUnit, strengthUnit } from './strength-units';

describe('strength units', () => {
  it.each([
    ['mg', 'mg'],
    ['MG', 'mg'],
    ['g', 'g'],
    ['ug', 'µg'],
    ['mcg', 'µg'],
    ['μg', 'µg'],
    ['µg', 'µg'],
    ['mL', 'ml'],
    ['L', 'l'],
    ['iu', 'IU'],
    ['万IU', '万IU'],
    [' mg ', 'mg'],
    ['%', '%'],
    ['kg', null],
    ['', null],
  ])('%j → %s', (raw, unit) => {
    expect(normaliseStrengthUnit(raw)).toBe(unit);
  });

  it.each([
    ['g', 'mass', '1000'],
    ['µg', 'mass', '0.001'],
    ['l', 'volume', '1000'],
    ['万IU', 'activity', '10000'],
  ] as const)('%s is %s × %s of the base unit', (unit, dimension, toBase) => {
    expect(strengthUnit(unit)).toMatchObject({ dimension, toBase });
  });
});
