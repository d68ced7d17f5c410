import type { Actor } from '../../../common/auth/actor';
import type { CellValue } from '../../imports/import-kind';
import {
  checkOrganisationBatch,
  OrganisationLookups,
  OrganisationRow,
  parseOrganisationRow,
} from './organisation-row';

const hospital: Record<string, CellValue> = {
  code: 'H320102-001',
  name: '南京市第一医院',
  type: 'hospital',
  hospitalKind: 'public_hospital',
  grade: '3A',
  isPublic: null,
  regionCode: '320102',
  creditCode: '12320100466002851X',
  contactName: '王敏',
  contactPhone: '025-52271000',
};

const supplier: Record<string, CellValue> = {
  code: 'M-0001',
  name: 'Acme Pharma',
  type: 'manufacturer',
  hospitalKind: null,
  grade: null,
  isPublic: null,
  regionCode: null,
  creditCode: null,
  contactName: null,
  contactPhone: null,
};

describe('parseOrganisationRow', () => {
  it('reads a hospital, deriving the public flag from its kind', () => {
    expect(parseOrganisationRow(hospital)).toEqual({
      ok: true,
      value: { ...hospital, isPublic: true },
    });
  });

  it('reads a supplier without region or hospital fields', () => {
    expect(parseOrganisationRow(supplier)).toEqual({ ok: true, value: supplier });
  });

  it.each<[string, Record<string, CellValue>, Partial<OrganisationRow>]>([
    ['a region code typed as a number', { regionCode: 320102 }, { regionCode: '320102' }],
    [
      'a public flag as a boolean cell',
      { hospitalKind: 'primary_care', isPublic: false },
      { isPublic: false },
    ],
    [
      'a public flag in Chinese',
      { hospitalKind: 'primary_care', isPublic: '是' },
      { isPublic: true },
    ],
    [
      'a public flag as YES',
      { hospitalKind: 'private_hospital', isPublic: 'YES' },
      { isPublic: true },
    ],
    ['a private hospital', { hospitalKind: 'private_hospital' }, { isPublic: false }],
  ])('accepts %s', (_label, overrides, expected) => {
    const parsed = parseOrganisationRow({ ...hospital, ...overrides });
    expect(parsed).toMatchObject({ ok: true, value: expected });
  });

  it.each<[string, Record<string, CellValue>, string | null, RegExp]>([
    ['a missing code', { code: null }, 'code', /is required/],
    ['a lower-case code', { code: 'h001' }, 'code', /upper-case/],
    ['a code starting with a dash', { code: '-H001' }, 'code', /upper-case/],
    ['a too short code', { code: 'H1' }, 'code', /3-32/],
    ['a missing name', { name: null }, 'name', /is required/],
    ['a name over 200 characters', { name: 'x'.repeat(201) }, 'name', /at most 200/],
    ['an unknown type', { type: 'pharmacy' }, 'type', /must be one of authority, hospital/],
    ['an unknown hospital kind', { hospitalKind: 'clinic' }, 'hospitalKind', /must be one of/],
    ['an unknown grade', { grade: '4A' }, 'grade', /must be one of 3A/],
    ['a public flag that is not yes/no', { isPublic: 'maybe' }, 'isPublic', /yes or no/],
    ['a 4-digit region code', { regionCode: '3201' }, 'regionCode', /6-digit/],
    ['a malformed credit code', { creditCode: '12320100466002851' }, 'creditCode', /18-character/],
    [
      'a credit code with a forbidden letter',
      { creditCode: '12320100466002851I' },
      'creditCode',
      /18-character/,
    ],
    ['letters in the phone number', { contactPhone: 'call me' }, 'contactPhone', /only digits/],
    [
      'a hospital without a kind',
      { hospitalKind: null },
      'hospitalKind',
      /required for a hospital/,
    ],
    ['a hospital without a grade', { grade: null }, 'grade', /required for a hospital/],
    ['a hospital without a region', { regionCode: null }, 'regionCode', /required for a hospital/],
    ['a number where text is expected', { name: 12.5 }, 'name', /must be text/],
  ])('refuses %s', (_label, overrides, column, message) => {
    const parsed = parseOrganisationRow({ ...hospital, ...overrides });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toContainEqual({ column, message: expect.stringMatching(message) });
  });

  it.each(['hospitalKind', 'grade', 'isPublic'])('refuses %s on a supplier', (field) => {
    const parsed = parseOrganisationRow({
      ...supplier,
      [field]: field === 'isPublic' ? 'yes' : hospital[field],
    });
    expect(parsed).toEqual({
      ok: false,
      problems: [{ column: field, message: expect.stringMatching(/only hospitals/) }],
    });
  });

  it('reports every problem of a row at once', () => {
    const parsed = parseOrganisationRow({ ...hospital, code: 'x', name: null, grade: '9Z' });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.map((p) => p.column)).toEqual(['code', 'name', 'grade']);
  });
});

describe('checkOrganisationBatch', () => {
  const regional: Pick<Actor, 'orgId' | 'orgType' | 'regionPath'> = {
    orgId: '1',
    orgType: 'authority',
    regionPath: '/320000/320100/',
  };
  const platform = { ...regional, regionPath: null };
  const lookups: OrganisationLookups = {
    existingCodes: new Set(['H-TAKEN']),
    existingCreditCodes: new Set(['91320100MA1MABCD0X']),
    regionPaths: new Map([
      ['320102', '/320000/320100/320102/'],
      ['330100', '/330000/330100/'],
    ]),
  };
  const row = (rowNumber: number, over: Partial<OrganisationRow>) => ({
    rowNumber,
    value: { ...(parseOrganisationRow(hospital) as { value: OrganisationRow }).value, ...over },
  });

  it('passes rows that clash with nothing', () => {
    const seen = new Map<string, unknown>();
    expect(
      checkOrganisationBatch(
        [row(2, {}), row(3, { code: 'H2', creditCode: null })],
        lookups,
        regional,
        seen,
      ).size,
    ).toBe(0);
    expect(seen.get('code:H2')).toBe(3);
  });

  it.each<[string, Partial<OrganisationRow>, typeof regional, string, RegExp]>([
    ['a code already in the database', { code: 'H-TAKEN' }, regional, 'code', /already exists/],
    [
      'a credit code already in the database',
      { creditCode: '91320100MA1MABCD0X' },
      regional,
      'creditCode',
      /already exists/,
    ],
    ['an unknown region', { regionCode: '320199' }, regional, 'regionCode', /does not exist/],
    [
      'a region outside the uploader’s scope',
      { regionCode: '330100' },
      regional,
      'regionCode',
      /outside your data scope/,
    ],
    [
      'an authority without region from a regional admin',
      { type: 'authority', hospitalKind: null, grade: null, isPublic: null, regionCode: null },
      regional,
      'regionCode',
      /required for an authority/,
    ],
  ])('refuses %s', (_label, over, actor, column, message) => {
    const problems = checkOrganisationBatch([row(7, over)], lookups, actor, new Map()).get(7);
    expect(problems).toContainEqual({ column, message: expect.stringMatching(message) });
  });

  it('lets a platform-wide admin use any region and create an authority without one', () => {
    const rows = [
      row(2, { regionCode: '330100' }),
      row(3, {
        code: 'A1',
        type: 'authority',
        hospitalKind: null,
        grade: null,
        isPublic: null,
        regionCode: null,
        creditCode: null,
      }),
    ];
    expect(checkOrganisationBatch(rows, lookups, platform, new Map()).size).toBe(0);
  });

  it('finds duplicates within the file, across batches', () => {
    const seen = new Map<string, unknown>();
    checkOrganisationBatch([row(2, {})], lookups, regional, seen);
    const found = checkOrganisationBatch([row(900, {})], lookups, regional, seen);
    expect(found.get(900)).toEqual([
      { column: 'code', message: 'H320102-001 is also in row 2' },
      { column: 'creditCode', message: '12320100466002851X is also in row 2' },
    ]);
  });
});
