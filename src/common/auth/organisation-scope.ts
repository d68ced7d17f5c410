import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { Actor } from './actor';

/**
 * Port filled by the identity context: restricts a query with an organisation-id column to the
 * organisations the actor may see (§1 data scope). Lets contexts below identity (audit) scope
 * their reads without depending on it.
 */
export abstract class OrganisationScope {
  abstract restrictByOrganisationColumn<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    actor: Actor,
    column: string,
  ): SelectQueryBuilder<T>;
}
