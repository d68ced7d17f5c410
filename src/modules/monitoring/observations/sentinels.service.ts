import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { page, Page, skipTake } from '../../../common/pagination';
import { forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { IdentityScope } from '../../identity/scope/identity-scope.service';
import { monitoringError } from '../monitoring.errors';
import { DesignateSentinelRequest, SentinelQuery, SentinelView } from './dto/observation.dto';
import { Sentinel } from './observation.entity';

/**
 * §M1 sentinel organisations (价格监测哨点): hospitals and retail pharmacies a pricing analyst
 * designates to report the prices they pay or charge. Only a designated organisation's sentinel
 * reports are accepted. A designation is ended, never deleted, so who reported when stays known.
 */
@Injectable()
export class SentinelsService {
  constructor(
    @InjectRepository(Sentinel) private readonly sentinels: Repository<Sentinel>,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly scope: IdentityScope,
    private readonly audit: AuditService,
  ) {}

  async designate(
    actor: Actor,
    orgId: string,
    body: DesignateSentinelRequest,
  ): Promise<SentinelView> {
    return this.tx.run(async (m) => {
      const org = await this.scope.visibleOrganisation(actor, orgId, { manager: m });
      if (org.type !== 'hospital' || !org.regionCode)
        throw monitoringError(
          'SENTINEL_ORGANISATION_INVALID',
          `organisationId: ${org.code} is a ${org.type}; sentinels are hospitals and retail pharmacies with a region`,
          { field: 'organisationId' },
        );
      const repo = m.getRepository(Sentinel);
      const existing = await forUpdate(
        repo.createQueryBuilder('s').where('s.organisationId = :id', { id: org.id }),
      ).getOne();
      const now = this.clock.now();
      const before = existing ? SentinelView.of(existing) : null;
      const row = existing ?? repo.create({ organisationId: org.id });
      Object.assign(row, {
        active: true,
        note: body.note ?? existing?.note ?? null,
        designatedBy: actor.id,
        designatedAt: existing?.active ? existing.designatedAt : now,
        undesignatedBy: null,
        undesignatedAt: null,
      });
      const saved = await repo.save(row);
      await this.audit.record(
        m,
        actor,
        'monitoring_sentinel.designated',
        { type: 'organisation', id: org.id },
        { before, after: SentinelView.of(saved) },
      );
      return SentinelView.of(saved);
    });
  }

  async undesignate(actor: Actor, orgId: string): Promise<SentinelView> {
    return this.tx.run(async (m) => {
      const org = await this.scope.visibleOrganisation(actor, orgId, { manager: m });
      const repo = m.getRepository(Sentinel);
      const existing = await forUpdate(
        repo.createQueryBuilder('s').where('s.organisationId = :id', { id: org.id }),
      ).getOne();
      if (!existing || !existing.active)
        throw monitoringError(
          'SENTINEL_NOT_FOUND',
          `Organisation ${org.code} is not a designated sentinel`,
          { organisationId: org.id },
        );
      const before = SentinelView.of(existing);
      existing.active = false;
      existing.undesignatedBy = actor.id;
      existing.undesignatedAt = this.clock.now();
      const saved = await repo.save(existing);
      await this.audit.record(
        m,
        actor,
        'monitoring_sentinel.undesignated',
        { type: 'organisation', id: org.id },
        { before, after: SentinelView.of(saved) },
      );
      return SentinelView.of(saved);
    });
  }

  /** Designations of organisations the actor sees (its region's, for an authority). */
  async list(actor: Actor, query: SentinelQuery): Promise<Page<SentinelView>> {
    const qb = this.sentinels.createQueryBuilder('s');
    this.scope.restrictByOrganisationColumn(qb, actor, 's.organisationId');
    if (query.active) qb.andWhere('s.active = :active', { active: query.active === 'true' });
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb
      .orderBy('s.id', query.order === 'desc' ? 'DESC' : 'ASC')
      .skip(skip)
      .take(take)
      .getManyAndCount();
    return page(rows.map(SentinelView.of), total, query);
  }
}
