import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { forUpdate } from '../../../database/dialect';
import { canWriteRegion } from '../domain/scope-rules';
import { identityError } from '../identity.errors';
import { Alliance } from '../alliances/alliance.entity';
import { Organisation } from '../organisations/organisation.entity';
import { Region } from '../regions/region.entity';
import { restrictOrganisationColumnToSubtree, uniqueName } from './scope-sql';

/** Supplier types: visible to every authority (see canSeeOrganisation). */
const SUPPLIER_TYPES = ['manufacturer', 'distributor'];

export function isId(value: string): boolean {
  return /^\d{1,19}$/.test(value);
}

/**
 * The data scope of DESIGN §1 as SQL, for every context: which organisations (and so which
 * tenants' rows) an actor may see, and which regions it may write to. Out of scope is 404.
 * The rules themselves are in domain/scope-rules.ts; these queries must agree with them.
 */
@Injectable()
export class IdentityScope {
  constructor(
    @InjectRepository(Organisation) private readonly orgs: Repository<Organisation>,
    @InjectRepository(Region) private readonly regions: Repository<Region>,
  ) {}

  /**
   * The organisation if the actor may see it, else 404 ORGANISATION_NOT_FOUND. Inside a
   * transaction pass its manager; `lock` takes a row lock for a read-modify-write.
   */
  async visibleOrganisation(
    actor: Actor,
    orgId: string,
    opts: { manager?: EntityManager; lock?: boolean } = {},
  ): Promise<Organisation> {
    const repo = opts.manager ? opts.manager.getRepository(Organisation) : this.orgs;
    let org: Organisation | null = null;
    if (isId(orgId)) {
      const qb = repo.createQueryBuilder('o').where('o.id = :id', { id: orgId });
      this.restrictOrganisations(qb, actor, 'o');
      org = await (opts.lock ? forUpdate(qb) : qb).getOne();
    }
    if (!org) {
      throw identityError('ORGANISATION_NOT_FOUND', `Organisation ${orgId} not found`, {
        id: orgId,
      });
    }
    return org;
  }

  /**
   * Restricts a query in which `alias` is an Organisation to those the actor sees: its own
   * organisation for hospitals and suppliers; for a regional authority the organisations whose
   * region lies in its subtree, plus every supplier.
   */
  restrictOrganisations<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    actor: Actor,
    alias: string,
  ): SelectQueryBuilder<T> {
    if (actor.orgType !== 'authority') {
      const p = uniqueName('scopeOrg');
      return qb.andWhere(`${alias}.id = :${p}`, { [p]: actor.orgId });
    }
    if (actor.regionPath === null) return qb;
    const region = uniqueName(`${alias}_scope_region`);
    const types = uniqueName('scopeTypes');
    const prefix = uniqueName('scopePath');
    return qb
      .leftJoin(Region, region, `${region}.code = ${alias}.regionCode`)
      .andWhere(`(${alias}.type IN (:...${types}) OR ${region}.path LIKE :${prefix})`, {
        [types]: SUPPLIER_TYPES,
        [prefix]: `${actor.regionPath}%`,
      });
  }

  /**
   * The same restriction for any query with an organisation-id column (`alias.organisationId`,
   * `order.hospitalId` …), as an `IN (subquery)` so the caller's joins stay untouched.
   */
  restrictByOrganisationColumn<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    actor: Actor,
    column: string,
  ): SelectQueryBuilder<T> {
    if (actor.orgType !== 'authority') {
      const p = uniqueName('scopeOrg');
      return qb.andWhere(`${column} = :${p}`, { [p]: actor.orgId });
    }
    if (actor.regionPath === null) return qb;
    return restrictOrganisationColumnToSubtree(qb, column, actor.regionPath, SUPPLIER_TYPES);
  }

  /**
   * The ids of the organisations (of `type`, when given) the actor sees, by the rule of
   * restrictOrganisations, as SQL for `column IN (…)` in set-based statements, with the
   * parameters to bind.
   */
  organisationIdsQuery(
    actor: Actor,
    m: EntityManager,
    type?: string,
  ): { sql: string; params: ObjectLiteral } {
    const alias = uniqueName('scope_ids_org');
    const qb = m.getRepository(Organisation).createQueryBuilder(alias).select(`${alias}.id`);
    if (type !== undefined) {
      const p = uniqueName('scopeType');
      qb.where(`${alias}.type = :${p}`, { [p]: type });
    }
    this.restrictOrganisations(qb, actor, alias);
    return { sql: qb.getQuery(), params: qb.getParameters() };
  }

  /** A region the actor may write to (its own region or below it), else 404 REGION_NOT_FOUND. */
  async assertRegionInScope(
    actor: Actor,
    regionCode: string,
    opts: { manager?: EntityManager } = {},
  ): Promise<Region> {
    const repo = opts.manager ? opts.manager.getRepository(Region) : this.regions;
    const region = await repo.findOneBy({ code: regionCode });
    if (!region || !canWriteRegion(actor, region.path)) {
      throw identityError('REGION_NOT_FOUND', `Region ${regionCode} not found`, {
        code: regionCode,
      });
    }
    return region;
  }

  /** Which of `ids` are organisations the actor sees (the same rule as restrictOrganisations). */
  async visibleOrganisationIds(actor: Actor, ids: string[]): Promise<Set<string>> {
    const valid = [...new Set(ids)].filter(isId);
    const out = new Set<string>();
    for (let i = 0; i < valid.length; i += 1000) {
      const qb = this.orgs
        .createQueryBuilder('o')
        .select('o.id', 'id')
        .where('o.id IN (:...ids)', { ids: valid.slice(i, i + 1000) });
      this.restrictOrganisations(qb, actor, 'o');
      for (const row of await qb.getRawMany<{ id: string | number }>()) out.add(String(row.id));
    }
    return out;
  }

  /** An alliance is the actor's to use when its lead organisation is in the actor's scope. */
  async allianceInScope(actor: Actor, allianceId: string): Promise<boolean> {
    if (!isId(allianceId)) return false;
    const alliance = await this.orgs.manager.getRepository(Alliance).findOneBy({ id: allianceId });
    if (!alliance) return false;
    return (await this.visibleOrganisationIds(actor, [alliance.leadOrgId])).has(alliance.leadOrgId);
  }
}
