import type { OrgType } from '../../../common/auth/roles';
import { identityError } from '../identity.errors';
import type { AllianceMemberType } from '../alliances/alliance.entity';
import type { OrgStatus } from '../organisations/organisation.entity';

export type AllianceMemberTarget =
  { type: 'region'; regionCode: string } | { type: 'hospital'; organisationId: string };

export interface AllianceMemberInput {
  type: AllianceMemberType;
  regionCode?: string;
  organisationId?: string;
}

function memberInvalid(field: string, message: string): never {
  throw identityError('ALLIANCE_MEMBER_INVALID', `${field}: ${message}`, { field });
}

/** A member is a region (by code) or a hospital (by id), never both. */
export function allianceMemberTarget(input: AllianceMemberInput): AllianceMemberTarget {
  if (input.type === 'region') {
    if (input.organisationId !== undefined)
      memberInvalid('organisationId', 'not allowed for a region member');
    if (!input.regionCode) memberInvalid('regionCode', 'is required for a region member');
    return { type: 'region', regionCode: input.regionCode };
  }
  if (input.regionCode !== undefined)
    memberInvalid('regionCode', 'not allowed for a hospital member');
  if (!input.organisationId) memberInvalid('organisationId', 'is required for a hospital member');
  return { type: 'hospital', organisationId: input.organisationId };
}

export interface OrganisationFacts {
  id: string;
  code: string;
  type: OrgType;
  status: OrgStatus;
}

export function checkHospitalMember(org: OrganisationFacts): void {
  if (org.type !== 'hospital') {
    memberInvalid('organisationId', `${org.code} is a ${org.type}, not a hospital`);
  }
  if (org.status !== 'active') {
    throw identityError('ORGANISATION_INACTIVE', `organisationId: ${org.code} is inactive`);
  }
}

/** An alliance is led by an active authority (医保局 or procurement office). */
export function checkAllianceLead(org: OrganisationFacts): void {
  if (org.type !== 'authority') {
    throw identityError(
      'ALLIANCE_LEAD_INVALID',
      `leadOrgId: ${org.code} is a ${org.type}; an alliance is led by an authority`,
    );
  }
  if (org.status !== 'active') {
    throw identityError('ORGANISATION_INACTIVE', `leadOrgId: ${org.code} is inactive`);
  }
}
