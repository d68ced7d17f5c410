import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { CreditCase } from './credit-case.entity';

/**
 * Who sees a credit case, and so its rating and repairs: an authority, the cases recorded by
 * authorities in its region subtree (a platform-wide authority, every case); a supplier, the
 * cases against itself; nobody else. `alias` is a CreditCase in the query.
 */
export function restrictCases<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  actor: Actor,
  alias: string,
): SelectQueryBuilder<T> {
  if (actor.orgType === 'authority') {
    if (actor.regionPath === null) return qb;
    return qb.andWhere(`${alias}.regionPath LIKE :creditScopePath`, {
      // Region paths are digits and slashes: nothing in them is a LIKE wildcard.
      creditScopePath: `${actor.regionPath}%`,
    });
  }
  if (actor.orgType === 'manufacturer' || actor.orgType === 'distributor')
    return qb.andWhere(`${alias}.supplierId = :creditScopeOrg`, { creditScopeOrg: actor.orgId });
  return qb.andWhere('1 = 0');
}

export function caseVisible(actor: Actor, c: CreditCase): boolean {
  if (actor.orgType === 'authority')
    return (
      actor.regionPath === null ||
      (c.regionPath !== null && c.regionPath.startsWith(actor.regionPath))
    );
  if (actor.orgType === 'manufacturer' || actor.orgType === 'distributor')
    return c.supplierId === actor.orgId;
  return false;
}
