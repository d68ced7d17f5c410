import { OrgType } from '../../../common/auth/roles';
import {
  canSeeAlliance,
  canSeeOrganisation,
  canWriteRegion,
  isPlatformScope,
  pathWithin,
  regionCodesOnPath,
  ScopeActor,
} from './scope-rules';

const CITY = '/320000/320100/';
const COUNTY = '/320000/320100/320102/';
const OTHER_PROVINCE = '/330000/330100/330102/';

const platform: ScopeActor = { orgId: '1', orgType: 'authority', regionPath: null };
const cityAuthority: ScopeActor = { orgId: '2', orgType: 'authority', regionPath: CITY };
const hospital: ScopeActor = { orgId: '3', orgType: 'hospital', regionPath: COUNTY };
const supplier: ScopeActor = { orgId: '4', orgType: 'manufacturer', regionPath: null };

describe('pathWithin', () => {
  it.each([
    [null, null, true],
    [null, COUNTY, true],
    [CITY, COUNTY, true],
    [CITY, CITY, true],
    [COUNTY, CITY, false],
    [CITY, OTHER_PROVINCE, false],
    [CITY, null, false],
    ['/320000/', '/3200001/', false],
  ])('scope %s contains %s → %s', (scope, path, expected) => {
    expect(pathWithin(scope, path)).toBe(expected);
  });
});

describe('canSeeOrganisation', () => {
  it.each<[string, ScopeActor, { id: string; type: OrgType; regionPath: string | null }, boolean]>([
    [
      'platform sees a hospital anywhere',
      platform,
      { id: '9', type: 'hospital', regionPath: OTHER_PROVINCE },
      true,
    ],
    [
      'platform sees a platform authority',
      platform,
      { id: '9', type: 'authority', regionPath: null },
      true,
    ],
    [
      'city sees a hospital in its county',
      cityAuthority,
      { id: '9', type: 'hospital', regionPath: COUNTY },
      true,
    ],
    ['city sees itself', cityAuthority, { id: '2', type: 'authority', regionPath: CITY }, true],
    [
      'city does not see another province',
      cityAuthority,
      { id: '9', type: 'hospital', regionPath: OTHER_PROVINCE },
      false,
    ],
    [
      'city does not see a platform authority',
      cityAuthority,
      { id: '9', type: 'authority', regionPath: null },
      false,
    ],
    [
      'city sees a manufacturer elsewhere',
      cityAuthority,
      { id: '9', type: 'manufacturer', regionPath: OTHER_PROVINCE },
      true,
    ],
    [
      'city sees a distributor without region',
      cityAuthority,
      { id: '9', type: 'distributor', regionPath: null },
      true,
    ],
    ['hospital sees itself', hospital, { id: '3', type: 'hospital', regionPath: COUNTY }, true],
    [
      'hospital does not see a neighbour',
      hospital,
      { id: '9', type: 'hospital', regionPath: COUNTY },
      false,
    ],
    [
      'hospital does not see a supplier',
      hospital,
      { id: '9', type: 'manufacturer', regionPath: null },
      false,
    ],
    ['supplier sees itself', supplier, { id: '4', type: 'manufacturer', regionPath: null }, true],
    [
      'supplier does not see another supplier',
      supplier,
      { id: '9', type: 'distributor', regionPath: null },
      false,
    ],
  ])('%s', (_, actor, org, expected) => {
    expect(canSeeOrganisation(actor, org)).toBe(expected);
  });
});

describe('canWriteRegion and isPlatformScope', () => {
  it.each([
    [platform, OTHER_PROVINCE, true],
    [cityAuthority, COUNTY, true],
    [cityAuthority, '/320000/', false],
    [hospital, COUNTY, false],
    [supplier, COUNTY, false],
  ])('%o writes %s → %s', (actor, path, expected) => {
    expect(canWriteRegion(actor, path)).toBe(expected);
  });

  it.each([
    [platform, true],
    [cityAuthority, false],
    [supplier, false],
  ])('%o platform scope → %s', (actor, expected) => {
    expect(isPlatformScope(actor)).toBe(expected);
  });
});

describe('regionCodesOnPath', () => {
  it.each([
    [COUNTY, ['320000', '320100', '320102']],
    ['/320000/', ['320000']],
    [null, []],
  ])('%s → %o', (path, codes) => {
    expect(regionCodesOnPath(path)).toEqual(codes);
  });
});

describe('canSeeAlliance', () => {
  const alliance = (over: Partial<Parameters<typeof canSeeAlliance>[1]> = {}) => ({
    leadRegionPath: CITY,
    memberOrganisationIds: [],
    memberRegionCodes: [],
    ...over,
  });
  it.each<[string, ScopeActor, ReturnType<typeof alliance>, boolean]>([
    ['platform sees all', platform, alliance({ leadRegionPath: OTHER_PROVINCE }), true],
    [
      'platform sees one led by a platform authority',
      platform,
      alliance({ leadRegionPath: null }),
      true,
    ],
    ['city sees one led from its city', cityAuthority, alliance(), true],
    ['city sees one led from below it', cityAuthority, alliance({ leadRegionPath: COUNTY }), true],
    [
      'city does not see one led from the province',
      cityAuthority,
      alliance({ leadRegionPath: '/320000/' }),
      false,
    ],
    [
      'city does not see one led by a platform authority',
      cityAuthority,
      alliance({ leadRegionPath: null }),
      false,
    ],
    [
      'hospital sees a direct membership',
      hospital,
      alliance({ memberOrganisationIds: ['3'] }),
      true,
    ],
    [
      'hospital sees its province as member',
      hospital,
      alliance({ memberRegionCodes: ['320000'] }),
      true,
    ],
    [
      'hospital sees its county as member',
      hospital,
      alliance({ memberRegionCodes: ['320102'] }),
      true,
    ],
    [
      'hospital does not see a sibling county',
      hospital,
      alliance({ memberRegionCodes: ['320103'] }),
      false,
    ],
    [
      'hospital does not see another hospital',
      hospital,
      alliance({ memberOrganisationIds: ['9'] }),
      false,
    ],
    ['supplier sees none', supplier, alliance({ memberOrganisationIds: ['4'] }), false],
  ])('%s', (_, actor, a, expected) => {
    expect(canSeeAlliance(actor, a)).toBe(expected);
  });
});
