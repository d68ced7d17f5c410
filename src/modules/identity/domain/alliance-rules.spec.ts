import { DomainError } from '../../../common/errors/domain-error';
import {
  allianceMemberTarget,
  AllianceMemberInput,
  checkAllianceLead,
  checkHospitalMember,
  OrganisationFacts,
} from './alliance-rules';

function failure(fn: () => unknown): { code: string; message: string } | null {
  try {
    fn();
    return null;
  } catch (e) {
    return { code: (e as DomainError).code, message: (e as DomainError).message };
  }
}

describe('allianceMemberTarget', () => {
  it.each<[AllianceMemberInput, ReturnType<typeof allianceMemberTarget>]>([
    [
      { type: 'region', regionCode: '320100' },
      { type: 'region', regionCode: '320100' },
    ],
    [
      { type: 'hospital', organisationId: '7' },
      { type: 'hospital', organisationId: '7' },
    ],
  ])('%o', (input, target) => {
    expect(allianceMemberTarget(input)).toEqual(target);
  });

  it.each<[AllianceMemberInput, string]>([
    [{ type: 'region' }, 'regionCode'],
    [{ type: 'region', regionCode: '320100', organisationId: '7' }, 'organisationId'],
    [{ type: 'hospital' }, 'organisationId'],
    [{ type: 'hospital', organisationId: '7', regionCode: '320100' }, 'regionCode'],
  ])('%o names %s', (input, field) => {
    const f = failure(() => allianceMemberTarget(input));
    expect(f?.code).toBe('IDENTITY.ALLIANCE_MEMBER_INVALID');
    expect(f?.message).toContain(field);
  });
});

describe('organisation checks', () => {
  const org = (over: Partial<OrganisationFacts>): OrganisationFacts => ({
    id: '1',
    code: 'X-1',
    type: 'hospital',
    status: 'active',
    ...over,
  });

  it.each<[OrganisationFacts, string | null]>([
    [org({}), null],
    [org({ type: 'manufacturer' }), 'IDENTITY.ALLIANCE_MEMBER_INVALID'],
    [org({ type: 'authority' }), 'IDENTITY.ALLIANCE_MEMBER_INVALID'],
    [org({ status: 'inactive' }), 'IDENTITY.ORGANISATION_INACTIVE'],
  ])('hospital member %o → %s', (o, error) => {
    expect(failure(() => checkHospitalMember(o))?.code ?? null).toBe(error);
  });

  it.each<[OrganisationFacts, string | null]>([
    [org({ type: 'authority' }), null],
    [org({ type: 'hospital' }), 'IDENTITY.ALLIANCE_LEAD_INVALID'],
    [org({ type: 'distributor' }), 'IDENTITY.ALLIANCE_LEAD_INVALID'],
    [org({ type: 'authority', status: 'inactive' }), 'IDENTITY.ORGANISATION_INACTIVE'],
  ])('lead %o → %s', (o, error) => {
    expect(failure(() => checkAllianceLead(o))?.code ?? null).toBe(error);
  });
});
