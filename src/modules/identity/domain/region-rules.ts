import { identityError } from '../identity.errors';
import type { RegionLevel } from '../regions/region.entity';

/**
 * 行政区划代码 (GB/T 2260): six digits, two per level. A province is `NN0000`, a city `NNNN00`
 * under the province with the same first two digits, a county `NNNNNN` (last two not 00)
 * under the city with the same first four.
 */
export function regionLevelOf(code: string): RegionLevel {
  if (!/^\d{6}$/.test(code)) {
    throw identityError('REGION_CODE_INVALID', `code must be 6 digits, got "${code}"`);
  }
  if (code.startsWith('00')) {
    throw identityError('REGION_CODE_INVALID', `code ${code}: the province digits cannot be 00`);
  }
  if (code.endsWith('0000')) return 'province';
  if (code.endsWith('00')) return 'city';
  return 'county';
}

const LEVEL_ABOVE: Record<RegionLevel, RegionLevel | null> = {
  province: null,
  city: 'province',
  county: 'city',
};

/** The only parent a code can have, derived from its digits (null for a province). */
export function parentCodeOf(code: string): string | null {
  const level = regionLevelOf(code);
  if (level === 'province') return null;
  return level === 'city' ? `${code.slice(0, 2)}0000` : `${code.slice(0, 4)}00`;
}

export interface RegionShape {
  level: RegionLevel;
  parentCode: string | null;
}

/** Checks the code and an optionally given parent code against each other. */
export function regionShape(code: string, givenParentCode: string | null | undefined): RegionShape {
  const level = regionLevelOf(code);
  const parentCode = parentCodeOf(code);
  const given = givenParentCode ?? null;
  if (parentCode === null && given !== null) {
    throw identityError(
      'REGION_PARENT_INVALID',
      `parentCode: ${code} is a province and has no parent, got ${given}`,
    );
  }
  if (given !== null && given !== parentCode) {
    throw identityError(
      'REGION_PARENT_INVALID',
      `parentCode: the ${level} ${code} belongs under ${parentCode}, not ${given}`,
    );
  }
  return { level, parentCode };
}

export interface ParentRegion {
  code: string;
  level: RegionLevel;
  path: string;
}

export interface RegionPlacement extends RegionShape {
  path: string;
}

/** Places a region under its (loaded) parent: the parent must exist one level up. */
export function placeRegion(
  code: string,
  shape: RegionShape,
  parent: ParentRegion | null,
): RegionPlacement {
  if (shape.parentCode === null) return { ...shape, path: `/${code}/` };
  if (!parent) {
    throw identityError(
      'REGION_PARENT_INVALID',
      `parentCode: region ${shape.parentCode} does not exist; create it before ${code}`,
    );
  }
  if (LEVEL_ABOVE[shape.level] !== parent.level) {
    throw identityError(
      'REGION_PARENT_INVALID',
      `parentCode: ${parent.code} is a ${parent.level}; a ${shape.level} needs a ${LEVEL_ABOVE[shape.level]} as parent`,
    );
  }
  return { ...shape, path: `${parent.path}${code}/` };
}
