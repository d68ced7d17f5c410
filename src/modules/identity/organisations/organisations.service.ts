import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { registerUniqueConstraint } from '../../../common/errors/unique-constraints';
import { page, Page, skipTake } from '../../../common/pagination';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { IdentityActorResolver } from '../auth/actor-resolver.service';
import {
  checkStatusChange,
  mergeTypedFields,
  organisationFields,
} from '../domain/organisation-rules';
import { isPlatformScope } from '../domain/scope-rules';
import { identityError } from '../identity.errors';
import { Region } from '../regions/region.entity';
import { IdentityScope } from '../scope/identity-scope.service';
import { containsPattern, startsWithPattern } from '../text';
import {
  CreateOrganisationRequest,
  OrganisationQuery,
  UpdateOrganisationRequest,
} from './dto/organisation.dto';
import { Organisation } from './organisation.entity';

registerUniqueConstraint('uq_organisations__code', {
  table: 'organisations',
  columns: ['code'],
  code: 'IDENTITY.DUPLICATE_ORGANISATION_CODE',
  message: 'An organisation with this code already exists',
});
registerUniqueConstraint('uq_organisations__credit_code', {
  table: 'organisations',
  columns: ['credit_code'],
  code: 'IDENTITY.DUPLICATE_CREDIT_CODE',
  message: 'An organisation with this credit code already exists',
});

const SORT_COLUMNS = { code: 'o.code', name: 'o.name', createdAt: 'o.createdAt' } as const;

/** What the audit log keeps of an organisation (everything but timestamps). */
function auditState(o: Organisation) {
  return {
    code: o.code,
    name: o.name,
    type: o.type,
    hospitalKind: o.hospitalKind,
    grade: o.grade,
    isPublic: o.isPublic,
    regionCode: o.regionCode,
    creditCode: o.creditCode,
    contactName: o.contactName,
    contactPhone: o.contactPhone,
    status: o.status,
  };
}

@Injectable()
export class OrganisationsService {
  constructor(
    @InjectRepository(Organisation) private readonly orgs: Repository<Organisation>,
    @InjectRepository(Region) private readonly regions: Repository<Region>,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly scope: IdentityScope,
    private readonly resolver: IdentityActorResolver,
  ) {}

  async list(actor: Actor, query: OrganisationQuery): Promise<Page<Organisation>> {
    const qb = this.orgs.createQueryBuilder('o');
    this.scope.restrictOrganisations(qb, actor, 'o');
    if (query.type) qb.andWhere('o.type = :type', { type: query.type });
    if (query.hospitalKind) qb.andWhere('o.hospitalKind = :kind', { kind: query.hospitalKind });
    if (query.grade) qb.andWhere('o.grade = :grade', { grade: query.grade });
    if (query.isPublic !== undefined) qb.andWhere('o.isPublic = :pub', { pub: query.isPublic });
    if (query.status) qb.andWhere('o.status = :status', { status: query.status });
    if (query.q) {
      qb.andWhere("(o.name LIKE :q ESCAPE '!' OR o.code LIKE :q ESCAPE '!')", {
        q: containsPattern(query.q),
      });
    }
    if (query.regionCode) {
      const region = await this.regions.findOneBy({ code: query.regionCode });
      if (!region) return page([], 0, query);
      const sub = qb
        .subQuery()
        .select('fr.code')
        .from(Region, 'fr')
        .where("fr.path LIKE :subtree ESCAPE '!'")
        .getQuery();
      qb.andWhere(`o.regionCode IN ${sub}`, { subtree: startsWithPattern(region.path) });
    }
    const { skip, take } = skipTake(query);
    const [items, total] = await qb
      .orderBy(SORT_COLUMNS[query.sort], query.order === 'desc' ? 'DESC' : 'ASC')
      .addOrderBy('o.id', 'ASC')
      .skip(skip)
      .take(take)
      .getManyAndCount();
    return page(items, total, query);
  }

  get(actor: Actor, id: string): Promise<Organisation> {
    return this.scope.visibleOrganisation(actor, id);
  }

  async create(actor: Actor, body: CreateOrganisationRequest): Promise<Organisation> {
    const typed = organisationFields(
      {
        type: body.type,
        hospitalKind: body.hospitalKind,
        grade: body.grade,
        isPublic: body.isPublic,
        regionCode: body.regionCode,
      },
      { platformScope: isPlatformScope(actor) },
    );
    return this.tx.run(async (m) => {
      if (typed.regionCode) {
        await this.scope.assertRegionInScope(actor, typed.regionCode, { manager: m });
      }
      const repo = m.getRepository(Organisation);
      if (await repo.existsBy({ code: body.code })) {
        throw identityError(
          'DUPLICATE_ORGANISATION_CODE',
          `code: organisation ${body.code} already exists`,
          { code: body.code },
        );
      }
      if (body.creditCode) await this.assertCreditCodeFree(m, body.creditCode, null);
      const now = this.clock.now();
      const created = await repo.save(
        repo.create({
          code: body.code,
          name: body.name,
          ...typed,
          creditCode: body.creditCode ?? null,
          contactName: body.contactName ?? null,
          contactPhone: body.contactPhone ?? null,
          status: 'active',
          createdAt: now,
          updatedAt: now,
        }),
      );
      await this.audit.record(
        m,
        actor,
        'organisation.created',
        { type: 'organisation', id: created.id },
        { after: auditState(created) },
      );
      return created;
    });
  }

  async update(actor: Actor, id: string, body: UpdateOrganisationRequest): Promise<Organisation> {
    const org = await this.tx.run(async (m) => {
      const current = await this.scope.visibleOrganisation(actor, id, { manager: m, lock: true });
      checkStatusChange(actor.orgId, current.id, body.status);
      const typed = organisationFields(
        mergeTypedFields(current, {
          hospitalKind: body.hospitalKind,
          grade: body.grade,
          isPublic: body.isPublic,
          regionCode: body.regionCode,
        }),
        { platformScope: isPlatformScope(actor) },
      );
      if (typed.regionCode && typed.regionCode !== current.regionCode) {
        await this.scope.assertRegionInScope(actor, typed.regionCode, { manager: m });
      }
      if (body.creditCode && body.creditCode !== current.creditCode) {
        await this.assertCreditCodeFree(m, body.creditCode, current.id);
      }
      const before = auditState(current);
      const next: Organisation = {
        ...current,
        ...typed,
        name: body.name ?? current.name,
        creditCode: body.creditCode !== undefined ? body.creditCode : current.creditCode,
        contactName: body.contactName !== undefined ? body.contactName : current.contactName,
        contactPhone: body.contactPhone !== undefined ? body.contactPhone : current.contactPhone,
        status: body.status ?? current.status,
        updatedAt: this.clock.now(),
      };
      await m.getRepository(Organisation).save(next);
      await this.audit.record(
        m,
        actor,
        'organisation.updated',
        { type: 'organisation', id: current.id },
        { before, after: auditState(next) },
      );
      return next;
    });
    // Status and region feed into every cached actor of this organisation.
    this.resolver.forget();
    return org;
  }

  private async assertCreditCodeFree(
    m: EntityManager,
    creditCode: string,
    exceptId: string | null,
  ): Promise<void> {
    const holder = await m.getRepository(Organisation).findOneBy({ creditCode });
    if (holder && holder.id !== exceptId) {
      throw identityError(
        'DUPLICATE_CREDIT_CODE',
        `creditCode: ${creditCode} is already registered to another organisation`,
        { creditCode },
      );
    }
  }
}
