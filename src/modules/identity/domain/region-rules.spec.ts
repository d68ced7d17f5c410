import { DomainError } from '../../../common/errors/domain-error';
import { parentCodeOf, placeRegion, regionLevelOf, regionShape } from './region-rules';

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    return (e as DomainError).code;
  }
}

describe('regionLevelOf / parentCodeOf', () => {
  it.each([
    ['320000', 'province', null],
    ['320100', 'city', '320000'],
    ['320102', 'county', '320100'],
    ['110101', 'county', '110100'],
    ['429004', 'county', '429000'],
  ])('%s is a %s under %s', (code, level, parent) => {
    expect(regionLevelOf(code)).toBe(level);
    expect(parentCodeOf(code)).toBe(parent);
  });

  it.each(['32000', '3200000', '32010a', '', '000000', '001200', ' 32000'])(
    '%p is not a region code',
    (code) => {
      expect(codeOf(() => regionLevelOf(code))).toBe('IDENTITY.REGION_CODE_INVALID');
    },
  );
});

describe('regionShape', () => {
  it.each([
    ['320000', undefined, { level: 'province', parentCode: null }],
    ['320000', null, { level: 'province', parentCode: null }],
    ['320100', undefined, { level: 'city', parentCode: '320000' }],
    ['320100', '320000', { level: 'city', parentCode: '320000' }],
    ['320102', '320100', { level: 'county', parentCode: '320100' }],
  ])('%s with parent %p', (code, parent, shape) => {
    expect(regionShape(code, parent)).toEqual(shape);
  });

  it.each([
    ['320000', '320000', 'IDENTITY.REGION_PARENT_INVALID'],
    ['320100', '330000', 'IDENTITY.REGION_PARENT_INVALID'],
    ['320102', '320000', 'IDENTITY.REGION_PARENT_INVALID'],
    ['320102', '320200', 'IDENTITY.REGION_PARENT_INVALID'],
    ['32010X', '320100', 'IDENTITY.REGION_CODE_INVALID'],
  ])('%s under %s fails with %s', (code, parent, error) => {
    expect(codeOf(() => regionShape(code, parent))).toBe(error);
  });
});

describe('placeRegion', () => {
  const province = { code: '320000', level: 'province' as const, path: '/320000/' };
  const city = { code: '320100', level: 'city' as const, path: '/320000/320100/' };

  it.each([
    ['320000', null, '/320000/'],
    ['320100', province, '/320000/320100/'],
    ['320102', city, '/320000/320100/320102/'],
  ])('%s gets its path', (code, parent, path) => {
    expect(placeRegion(code, regionShape(code, undefined), parent).path).toBe(path);
  });

  it.each([
    ['missing parent', '320100', null],
    ['parent at the wrong level', '320102', { ...province, code: '320100' }],
  ])('%s → REGION_PARENT_INVALID', (_, code, parent) => {
    expect(codeOf(() => placeRegion(code, regionShape(code, undefined), parent))).toBe(
      'IDENTITY.REGION_PARENT_INVALID',
    );
  });
});
