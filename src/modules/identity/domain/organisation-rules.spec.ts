import { DomainError } from '../../../common/errors/domain-error';
import {
  checkStatusChange,
  CREDIT_CODE_PATTERN,
  mergeTypedFields,
  ORGANISATION_CODE_PATTERN,
  organisationFields,
  TypedFields,
  TypedFieldsInput,
} from './organisation-rules';

function failure(fn: () => unknown): { code: string; message: string } | null {
  try {
    fn();
    return null;
  } catch (e) {
    return { code: (e as DomainError).code, message: (e as DomainError).message };
  }
}

describe('code patterns', () => {
  it.each([
    ['H-320102-001', true],
    ['ABC', true],
    ['AB', false],
    ['-ABC', false],
    ['abc', false],
    ['A'.repeat(32), true],
    ['A'.repeat(33), false],
    ['A B', false],
  ])('organisation code %p → %s', (code, ok) => {
    expect(ORGANISATION_CODE_PATTERN.test(code)).toBe(ok);
  });

  it.each([
    ['91320100MA1MABCD0Y', true],
    ['12100000400000624D', true],
    ['91320100MA1MABCD0', false],
    ['9132010AMA1MABCD0Y', false],
    ['91320100MA1MABCDOY', false],
    ['I1320100MA1MABCD0Y', false],
    ['91320100ma1mxxxx0y', false],
  ])('credit code %p → %s', (code, ok) => {
    expect(CREDIT_CODE_PATTERN.test(code)).toBe(ok);
  });
});

describe('organisationFields', () => {
  const scoped = { platformScope: false };
  const platform = { platformScope: true };

  it.each<[string, TypedFieldsInput, { platformScope: boolean }, TypedFields]>([
    [
      'public hospital defaults to public',
      { type: 'hospital', hospitalKind: 'public_hospital', grade: '3A', regionCode: '320102' },
      scoped,
      {
        type: 'hospital',
        hospitalKind: 'public_hospital',
        grade: '3A',
        isPublic: true,
        regionCode: '320102',
      },
    ],
    [
      'private hospital defaults to not public',
      { type: 'hospital', hospitalKind: 'private_hospital', grade: '2B', regionCode: '320102' },
      scoped,
      {
        type: 'hospital',
        hospitalKind: 'private_hospital',
        grade: '2B',
        isPublic: false,
        regionCode: '320102',
      },
    ],
    [
      'an explicit flag wins',
      {
        type: 'hospital',
        hospitalKind: 'primary_care',
        grade: 'none',
        isPublic: true,
        regionCode: '320102',
      },
      scoped,
      {
        type: 'hospital',
        hospitalKind: 'primary_care',
        grade: 'none',
        isPublic: true,
        regionCode: '320102',
      },
    ],
    [
      'scoped authority with a region',
      { type: 'authority', regionCode: '320100' },
      scoped,
      { type: 'authority', hospitalKind: null, grade: null, isPublic: null, regionCode: '320100' },
    ],
    [
      'platform admin may create a platform-wide authority',
      { type: 'authority' },
      platform,
      { type: 'authority', hospitalKind: null, grade: null, isPublic: null, regionCode: null },
    ],
    [
      'manufacturer without a region',
      { type: 'manufacturer', hospitalKind: null, grade: null, isPublic: null },
      scoped,
      { type: 'manufacturer', hospitalKind: null, grade: null, isPublic: null, regionCode: null },
    ],
  ])('%s', (_, input, opts, expected) => {
    expect(organisationFields(input, opts)).toEqual(expected);
  });

  it.each<[string, TypedFieldsInput, { platformScope: boolean }, string]>([
    [
      'hospital without kind',
      { type: 'hospital', grade: '3A', regionCode: '320102' },
      platform,
      'hospitalKind',
    ],
    [
      'hospital without grade',
      { type: 'hospital', hospitalKind: 'public_hospital', regionCode: '320102' },
      platform,
      'grade',
    ],
    [
      'hospital without region',
      { type: 'hospital', hospitalKind: 'public_hospital', grade: '3A' },
      platform,
      'regionCode',
    ],
    ['distributor with a grade', { type: 'distributor', grade: '3A' }, scoped, 'grade'],
    [
      'manufacturer with a kind',
      { type: 'manufacturer', hospitalKind: 'retail_pharmacy' },
      scoped,
      'hospitalKind',
    ],
    [
      'authority with a public flag',
      { type: 'authority', isPublic: false, regionCode: '320100' },
      scoped,
      'isPublic',
    ],
    [
      'scoped admin creating an authority without region',
      { type: 'authority' },
      scoped,
      'regionCode',
    ],
  ])('%s → ORGANISATION_FIELDS_INVALID naming %s', (_, input, opts, field) => {
    const f = failure(() => organisationFields(input, opts));
    expect(f?.code).toBe('IDENTITY.ORGANISATION_FIELDS_INVALID');
    expect(f?.message).toContain(field);
  });
});

describe('mergeTypedFields', () => {
  const hospital: TypedFields = {
    type: 'hospital',
    hospitalKind: 'private_hospital',
    grade: '2A',
    isPublic: false,
    regionCode: '320102',
  };
  it.each<[string, Parameters<typeof mergeTypedFields>[1], Partial<TypedFieldsInput>]>([
    [
      'nothing given keeps everything',
      {},
      { hospitalKind: 'private_hospital', isPublic: false, grade: '2A' },
    ],
    [
      'a new kind re-derives the flag',
      { hospitalKind: 'public_hospital' },
      { hospitalKind: 'public_hospital', isPublic: undefined },
    ],
    ['the same kind keeps the flag', { hospitalKind: 'private_hospital' }, { isPublic: false }],
    [
      'an explicit flag wins',
      { hospitalKind: 'public_hospital', isPublic: false },
      { isPublic: false },
    ],
    ['null clears a field', { grade: null }, { grade: null }],
    ['a region move', { regionCode: '320103' }, { regionCode: '320103' }],
  ])('%s', (_, patch, expected) => {
    expect(mergeTypedFields(hospital, patch)).toMatchObject({ type: 'hospital', ...expected });
  });

  it('a public hospital merged from a private one is public after the rules', () => {
    const merged = mergeTypedFields(hospital, { hospitalKind: 'public_hospital' });
    expect(organisationFields(merged, { platformScope: false }).isPublic).toBe(true);
  });
});

describe('checkStatusChange', () => {
  it.each([
    ['1', '1', 'inactive' as const, 'IDENTITY.CANNOT_DISABLE_SELF'],
    ['1', '1', 'active' as const, null],
    ['1', '1', undefined, null],
    ['1', '2', 'inactive' as const, null],
  ])('actor org %s deactivating %s (%s) → %s', (actorOrg, org, status, error) => {
    expect(failure(() => checkStatusChange(actorOrg, org, status))?.code ?? null).toBe(error);
  });
});
