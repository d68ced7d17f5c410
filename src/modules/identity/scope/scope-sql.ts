import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { Organisation } from '../organisations/organisation.entity';
import { Region } from '../regions/region.entity';

let sequence = 0;

/**
 * A parameter or alias name unique per process, so a restriction can be applied more than once
 * to one query (and by IdentityScope and RegionTree alike).
 */
export function uniqueName(name: string): string {
  sequence = (sequence + 1) % 1_000_000_000;
  return `${name}_${sequence}`;
}

/**
 * Restricts `qb` to rows whose organisation-id `column` (`line.hospitalId` …) names an
 * organisation whose region lies in the subtree of the region with path `path`, or whose type is
 * one of `anywhereTypes` (organisations seen wherever they are registered), as an
 * `IN (subquery)` so the caller's joins stay untouched.
 */
export function restrictOrganisationColumnToSubtree<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  column: string,
  path: string,
  anywhereTypes: readonly string[] = [],
): SelectQueryBuilder<T> {
  const org = uniqueName('scope_org');
  const region = uniqueName('scope_region');
  const prefix = uniqueName('scopePath');
  const types = uniqueName('scopeTypes');
  const inSubtree = `${region}.path LIKE :${prefix}`;
  const sub = qb
    .subQuery()
    .select(`${org}.id`)
    .from(Organisation, org)
    .leftJoin(Region, region, `${region}.code = ${org}.regionCode`)
    .where(anywhereTypes.length > 0 ? `(${org}.type IN (:...${types}) OR ${inSubtree})` : inSubtree)
    .getQuery();
  return qb.andWhere(`${column} IN ${sub}`, {
    [prefix]: `${path}%`,
    ...(anywhereTypes.length > 0 ? { [types]: [...anywhereTypes] } : {}),
  });
}
