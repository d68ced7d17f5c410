import { OrgType, Role } from './roles';

/**
 * Who is calling: a logged-in user or an API key, always acting for one organisation.
 * `regionPath` is the data scope of an authority (its region and everything below it;
 * null = the whole platform); hospitals and suppliers are scoped to `orgId`.
 */
export interface Actor {
  kind: 'user' | 'api_key';
  id: string;
  name: string;
  orgId: string;
  orgType: OrgType;
  roles: Role[];
  scopes: string[];
  regionCode: string | null;
  regionPath: string | null;
}

export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  return actor.roles.some((r) => roles.includes(r));
}

export function isAuthority(actor: Actor): boolean {
  return actor.orgType === 'authority';
}

/** Region scope check for authority actors: a region path inside the actor's subtree. */
export function regionInScope(actor: Actor, regionPath: string | null): boolean {
  if (!isAuthority(actor)) return false;
  if (actor.regionPath === null) return true;
  return regionPath !== null && regionPath.startsWith(actor.regionPath);
}
