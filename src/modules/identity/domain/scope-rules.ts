import type { Actor } from '../../../common/auth/actor';
import { isSupplierType, OrgType } from '../../../common/auth/roles';

/**
 * Data scope (DESIGN §1). An authority sees its organisation's region and everything below it
 * (`regionPath` null = the whole platform); a hospital or supplier sees only itself.
 */
export type ScopeActor = Pick<Actor, 'orgId' | 'orgType' | 'regionPath'>;

/** Whether `path` lies in the subtree rooted at `scopePath` (null scope = everything). */
export function pathWithin(scopePath: string | null, path: string | null): boolean {
  if (scopePath === null) return true;
  return path !== null && path.startsWith(scopePath);
}

export function isPlatformScope(actor: ScopeActor): boolean {
  return actor.orgType === 'authority' && actor.regionPath === null;
}

export interface ScopedOrganisation {
  id: string;
  type: OrgType;
  /** Path of the organisation's region, null when it has none. */
  regionPath: string | null;
}

export function canSeeOrganisation(actor: ScopeActor, org: ScopedOrganisation): boolean {
  if (actor.orgType !== 'authority') return org.id === actor.orgId;
  // Manufacturers and distributors sell province-wide: they are market participants every
  // authority deals with, not tenants of one region.
  if (isSupplierType(org.type)) return true;
  return pathWithin(actor.regionPath, org.regionPath);
}

/** Regions an actor may write to (create below, rename, put organisations in). */
export function canWriteRegion(actor: ScopeActor, regionPath: string): boolean {
  return actor.orgType === 'authority' && pathWithin(actor.regionPath, regionPath);
}

/** `/320000/320100/320102/` → `['320000', '320100', '320102']`. */
export function regionCodesOnPath(path: string | null): string[] {
  return path ? path.split('/').filter((c) => c !== '') : [];
}

export interface ScopedAlliance {
  leadRegionPath: string | null;
  memberOrganisationIds: string[];
  memberRegionCodes: string[];
}

/**
 * Authorities see alliances led from within their scope; a hospital sees the alliances it
 * belongs to, directly or through a member region containing it; suppliers see none.
 */
export function canSeeAlliance(actor: ScopeActor, alliance: ScopedAlliance): boolean {
  if (actor.orgType === 'authority') {
    return actor.regionPath === null || pathWithin(actor.regionPath, alliance.leadRegionPath);
  }
  if (actor.orgType !== 'hospital') return false;
  if (alliance.memberOrganisationIds.includes(actor.orgId)) return true;
  const own = regionCodesOnPath(actor.regionPath);
  return alliance.memberRegionCodes.some((c) => own.includes(c));
}
