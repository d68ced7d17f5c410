import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository, SelectQueryBuilder } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { registerUniqueConstraint } from '../../../common/errors/unique-constraints';
import { page, Page, skipTake } from '../../../common/pagination';
import { forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import {
  allianceMemberTarget,
  checkAllianceLead,
  checkHospitalMember,
} from '../domain/alliance-rules';
import { regionCodesOnPath } from '../domain/scope-rules';
import { identityError } from '../identity.errors';
import { Organisation } from '../organisations/organisation.entity';
import { Region } from '../regions/region.entity';
import { IdentityScope, isId } from '../scope/identity-scope.service';
import { containsPattern } from '../text';
import {
  AddAllianceMemberRequest,
  AllianceQuery,
  CreateAllianceRequest,
  UpdateAllianceRequest,
} from './dto/alliance.dto';
import { Alliance, AllianceMember } from './alliance.entity';

registerUniqueConstraint('uq_alliances__code', {
  table: 'alliances',
  columns: ['code'],
  code: 'IDENTITY.DUPLICATE_ALLIANCE_CODE',
  message: 'An alliance with this code already exists',
});
registerUniqueConstraint('uq_alliance_members__alliance_id__region_code', {
  table: 'alliance_members',
  columns: ['alliance_id', 'region_code'],
  code: 'IDENTITY.DUPLICATE_ALLIANCE_MEMBER',
  message: 'This region is already a member of the alliance',
});
registerUniqueConstraint('uq_alliance_members__alliance_id__organisation_id', {
  table: 'alliance_members',
  columns: ['alliance_id', 'organisation_id'],
  code: 'IDENTITY.DUPLICATE_ALLIANCE_MEMBER',
  message: 'This hospital is already a member of the alliance',
});

const SORT_COLUMNS = { code: 'a.code', name: 'a.name', createdAt: 'a.createdAt' } as const;

export interface AllianceWithLead {
  alliance: Alliance;
  lead: Organisation;
}

export interface MemberDetail {
  member: AllianceMember;
  region: Region | null;
  organisation: Organisation | null;
}

export interface AllianceDetail extends AllianceWithLead {
  members: MemberDetail[];
}

function allianceNotFound(id: string) {
  return identityError('ALLIANCE_NOT_FOUND', `Alliance ${id} not found`, { id });
}

@Injectable()
export class AlliancesService {
  constructor(
    @InjectRepository(Alliance) private readonly alliances: Repository<Alliance>,
    @InjectRepository(AllianceMember) private readonly members: Repository<AllianceMember>,
    @InjectRepository(Organisation) private readonly orgs: Repository<Organisation>,
    @InjectRepository(Region) private readonly regions: Repository<Region>,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly scope: IdentityScope,
  ) {}

  async list(actor: Actor, query: AllianceQuery): Promise<Page<AllianceWithLead>> {
    const qb = this.restrict(this.alliances.createQueryBuilder('a'), actor);
    if (query.q) {
      qb.andWhere("(a.name LIKE :q ESCAPE '!' OR a.code LIKE :q ESCAPE '!')", {
        q: containsPattern(query.q),
      });
    }
    if (query.leadOrgId) qb.andWhere('a.leadOrgId = :lead', { lead: query.leadOrgId });
    const { skip, take } = skipTake(query);
    const [items, total] = await qb
      .orderBy(SORT_COLUMNS[query.sort], query.order === 'desc' ? 'DESC' : 'ASC')
      .addOrderBy('a.id', 'ASC')
      .skip(skip)
      .take(take)
      .getManyAndCount();
    const leads = await this.orgsById(items.map((a) => a.leadOrgId));
    return page(
      items.map((alliance) => ({ alliance, lead: leads.get(alliance.leadOrgId)! })),
      total,
      query,
    );
  }

  async get(actor: Actor, id: string): Promise<AllianceDetail> {
    const alliance = await this.visible(actor, id);
    return this.detail(alliance);
  }

  async create(actor: Actor, body: CreateAllianceRequest): Promise<AllianceDetail> {
    const alliance = await this.tx.run(async (m) => {
      const lead = await this.scope.visibleOrganisation(actor, body.leadOrgId ?? actor.orgId, {
        manager: m,
      });
      checkAllianceLead(lead);
      const repo = m.getRepository(Alliance);
      if (await repo.existsBy({ code: body.code })) {
        throw identityError(
          'DUPLICATE_ALLIANCE_CODE',
          `code: alliance ${body.code} already exists`,
          {
            code: body.code,
          },
        );
      }
      const now = this.clock.now();
      const created = await repo.save(
        repo.create({
          code: body.code,
          name: body.name,
          leadOrgId: lead.id,
          description: body.description ?? null,
          createdAt: now,
          updatedAt: now,
        }),
      );
      await this.audit.record(
        m,
        actor,
        'alliance.created',
        { type: 'alliance', id: created.id },
        {
          after: {
            code: created.code,
            name: created.name,
            leadOrgId: created.leadOrgId,
            description: created.description,
          },
        },
      );
      return created;
    });
    return this.detail(alliance);
  }

  async update(actor: Actor, id: string, body: UpdateAllianceRequest): Promise<AllianceDetail> {
    const alliance = await this.tx.run(async (m) => {
      const current = await this.visible(actor, id, m);
      if (body.leadOrgId !== undefined && body.leadOrgId !== current.leadOrgId) {
        const lead = await this.scope.visibleOrganisation(actor, body.leadOrgId, { manager: m });
        checkAllianceLead(lead);
      }
      const before = {
        name: current.name,
        leadOrgId: current.leadOrgId,
        description: current.description,
      };
      const next: Alliance = {
        ...current,
        name: body.name ?? current.name,
        leadOrgId: body.leadOrgId ?? current.leadOrgId,
        description: body.description !== undefined ? body.description : current.description,
        updatedAt: this.clock.now(),
      };
      await m.getRepository(Alliance).save(next);
      await this.audit.record(
        m,
        actor,
        'alliance.updated',
        { type: 'alliance', id: current.id },
        {
          before,
          after: { name: next.name, leadOrgId: next.leadOrgId, description: next.description },
        },
      );
      return next;
    });
    return this.detail(alliance);
  }

  async addMember(
    actor: Actor,
    allianceId: string,
    body: AddAllianceMemberRequest,
  ): Promise<MemberDetail> {
    const target = allianceMemberTarget(body);
    return this.tx.run(async (m) => {
      const alliance = await this.visible(actor, allianceId, m);
      const repo = m.getRepository(AllianceMember);
      let region: Region | null = null;
      let organisation: Organisation | null = null;
      if (target.type === 'region') {
        region = await this.scope.assertRegionInScope(actor, target.regionCode, { manager: m });
        if (await repo.existsBy({ allianceId: alliance.id, regionCode: region.code })) {
          throw identityError(
            'DUPLICATE_ALLIANCE_MEMBER',
            `regionCode: ${region.code} is already a member of ${alliance.code}`,
            { regionCode: region.code },
          );
        }
      } else {
        organisation = await this.scope.visibleOrganisation(actor, target.organisationId, {
          manager: m,
        });
        checkHospitalMember(organisation);
        if (await repo.existsBy({ allianceId: alliance.id, organisationId: organisation.id })) {
          throw identityError(
            'DUPLICATE_ALLIANCE_MEMBER',
            `organisationId: ${organisation.code} is already a member of ${alliance.code}`,
            { organisationId: organisation.id },
          );
        }
      }
      const member = await repo.save(
        repo.create({
          allianceId: alliance.id,
          memberType: target.type,
          regionCode: region?.code ?? null,
          organisationId: organisation?.id ?? null,
          createdAt: this.clock.now(),
        }),
      );
      await this.audit.record(
        m,
        actor,
        'alliance.member_added',
        { type: 'alliance', id: alliance.id },
        {
          after: {
            memberId: member.id,
            type: member.memberType,
            regionCode: member.regionCode,
            organisationId: member.organisationId,
          },
        },
      );
      return { member, region, organisation };
    });
  }

  async removeMember(actor: Actor, allianceId: string, memberId: string): Promise<void> {
    await this.tx.run(async (m) => {
      const alliance = await this.visible(actor, allianceId, m);
      const member = isId(memberId)
        ? await m.getRepository(AllianceMember).findOneBy({ id: memberId, allianceId: alliance.id })
        : null;
      if (!member) {
        throw identityError(
          'ALLIANCE_MEMBER_NOT_FOUND',
          `Member ${memberId} of alliance ${alliance.code} not found`,
          { id: memberId },
        );
      }
      await m.getRepository(AllianceMember).delete({ id: member.id });
      await this.audit.record(
        m,
        actor,
        'alliance.member_removed',
        { type: 'alliance', id: alliance.id },
        {
          before: {
            memberId: member.id,
            type: member.memberType,
            regionCode: member.regionCode,
            organisationId: member.organisationId,
          },
        },
      );
    });
  }

  /** The alliance if the actor sees it (locked when inside a transaction), else 404. */
  private async visible(actor: Actor, id: string, manager?: EntityManager): Promise<Alliance> {
    if (!isId(id)) throw allianceNotFound(id);
    const repo = manager ? manager.getRepository(Alliance) : this.alliances;
    const qb = this.restrict(repo.createQueryBuilder('a'), actor).andWhere('a.id = :id', { id });
    const alliance = await (manager ? forUpdate(qb) : qb).getOne();
    if (!alliance) throw allianceNotFound(id);
    return alliance;
  }

  /**
   * Authorities see alliances led from inside their scope; a hospital those it belongs to,
   * directly or through a member region on its own region's path; suppliers none.
   */
  private restrict(qb: SelectQueryBuilder<Alliance>, actor: Actor): SelectQueryBuilder<Alliance> {
    if (actor.orgType === 'authority') {
      if (actor.regionPath === null) return qb;
      return qb
        .innerJoin(Organisation, 'lead', 'lead.id = a.leadOrgId')
        .innerJoin(Region, 'lead_region', 'lead_region.code = lead.regionCode')
        .andWhere('lead_region.path LIKE :leadScope', { leadScope: `${actor.regionPath}%` });
    }
    if (actor.orgType !== 'hospital') return qb.andWhere('1 = 0');
    const codes = regionCodesOnPath(actor.regionPath);
    const sub = qb
      .subQuery()
      .select('1')
      .from(AllianceMember, 'vm')
      .where('vm.allianceId = a.id')
      .andWhere(
        codes.length
          ? '(vm.organisationId = :memberOrg OR vm.regionCode IN (:...memberRegions))'
          : 'vm.organisationId = :memberOrg',
      )
      .getQuery();
    return qb.andWhere(`EXISTS ${sub}`, { memberOrg: actor.orgId, memberRegions: codes });
  }

  private async detail(alliance: Alliance): Promise<AllianceDetail> {
    const members = await this.members.find({
      where: { allianceId: alliance.id },
      order: { id: 'ASC' },
    });
    const orgs = await this.orgsById([
      alliance.leadOrgId,
      ...members.flatMap((mb) => (mb.organisationId ? [mb.organisationId] : [])),
    ]);
    const codes = members.flatMap((mb) => (mb.regionCode ? [mb.regionCode] : []));
    const regions = new Map(
      (codes.length ? await this.regions.findBy({ code: In(codes) }) : []).map((r) => [r.code, r]),
    );
    return {
      alliance,
      lead: orgs.get(alliance.leadOrgId)!,
      members: members.map((member) => ({
        member,
        region: member.regionCode ? (regions.get(member.regionCode) ?? null) : null,
        organisation: member.organisationId ? (orgs.get(member.organisationId) ?? null) : null,
      })),
    };
  }

  private async orgsById(ids: string[]): Promise<Map<string, Organisation>> {
    if (ids.length === 0) return new Map();
    const rows = await this.orgs.findBy({ id: In([...new Set(ids)]) });
    return new Map(rows.map((o) => [o.id, o]));
  }
}
