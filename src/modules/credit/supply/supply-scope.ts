import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { Actor, isAuthority } from '../../../common/auth/actor';
import { Region } from '../../identity/regions/region.entity';

/**
 * Narrows a query to the rows of regions inside an authority's scope (its region and below,
 * DESIGN §1) by a region-code column; a platform-wide authority sees every region.
 */
export function restrictByRegion<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  actor: Actor,
  column: string,
): SelectQueryBuilder<T> {
  if (!isAuthority(actor)) throw new Error('region scope applies to authority actors only');
  if (actor.regionPath === null) return qb;
  const sub = qb
    .subQuery()
    .select('sr.code')
    .from(Region, 'sr')
    .where('sr.path LIKE :supplyScopePath')
    .getQuery();
  return qb.andWhere(`${column} IN ${sub}`, { supplyScopePath: `${actor.regionPath}%` });
}
