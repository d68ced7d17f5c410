import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';
import { Actor, isAuthority } from '../../../common/auth/actor';
import { isSupplierType } from '../../../common/auth/roles';
import { Clock } from '../../../common/clock';
import { page, Page, skipTake } from '../../../common/pagination';
import { forUpdate } from '../../../database/dialect';
import { OrganisationDirectory } from '../../identity/organisations/organisation-directory.service';
import { Region } from '../../identity/regions/region.entity';
import { parseEvidence } from '../alerts/alert-workflow-queries.service';
import { PriceAlert } from '../alerts/price-alert.entity';
import { monitoringError } from '../monitoring.errors';
import { allowedCaseActions, isReplyOverdue } from './domain/case-rules';
import { CaseDetailView, CaseQuery, CaseView } from './dto/price-case.dto';
import { PriceCase, PriceCaseAlert, PriceCaseStep } from './price-case.entity';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Reading price cases (§M6). An authority sees the cases opened in its region subtree; the
 * supplier a case is against sees it (with its alerts and full record) once the inquiry letter
 * has been sent — a case still being prepared is internal. Anyone else: 404.
 */
@Injectable()
export class PriceCaseQueries {
  constructor(
    private readonly clock: Clock,
    @Inject(OrganisationDirectory) private readonly orgs: OrganisationDirectory,
    @InjectRepository(PriceCase) private readonly cases: Repository<PriceCase>,
    @InjectRepository(PriceCaseStep) private readonly steps: Repository<PriceCaseStep>,
    @InjectRepository(PriceCaseAlert) private readonly links: Repository<PriceCaseAlert>,
  ) {}

  restrict<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, actor: Actor, alias: string) {
    if (isSupplierType(actor.orgType))
      return qb
        .andWhere(`${alias}.supplierId = :caseScopeOrg`, { caseScopeOrg: actor.orgId })
        .andWhere(`${alias}.status <> 'open'`);
    if (!isAuthority(actor)) return qb.andWhere('1 = 0');
    if (actor.regionPath === null) return qb;
    const sub = qb
      .subQuery()
      .select('case_region.code')
      .from(Region, 'case_region')
      .where('case_region.path LIKE :caseScopePath')
      .getQuery();
    return qb.andWhere(`${alias}.regionCode IN ${sub}`, { caseScopePath: `${actor.regionPath}%` });
  }

  async visible(actor: Actor, code: string, m?: EntityManager, lock = false): Promise<PriceCase> {
    const repo = m ? m.getRepository(PriceCase) : this.cases;
    const qb = repo.createQueryBuilder('c').where('c.code = :code', { code });
    this.restrict(qb, actor, 'c');
    const found = await (lock ? forUpdate(qb) : qb).getOne();
    if (!found) throw monitoringError('CASE_NOT_FOUND', `Price case ${code} not found`, { code });
    return found;
  }

  async list(actor: Actor, query: CaseQuery): Promise<Page<CaseView>> {
    const qb = this.cases.createQueryBuilder('c');
    this.restrict(qb, actor, 'c');
    if (query.status) qb.andWhere('c.status = :status', { status: query.status });
    if (query.outcome) qb.andWhere('c.outcome = :outcome', { outcome: query.outcome });
    if (query.supplierId) qb.andWhere('c.supplierId = :sid', { sid: query.supplierId });
    if (query.overdue === true)
      qb.andWhere("c.status = 'inquiry_sent' AND c.replyDeadline < :now", {
        now: this.clock.now(),
      });
    if (query.overdue === false)
      qb.andWhere("NOT (c.status = 'inquiry_sent' AND c.replyDeadline < :now)", {
        now: this.clock.now(),
      });
    const dir = query.order === 'desc' ? 'DESC' : 'ASC';
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb
      .orderBy(`c.${query.sort}`, dir)
      .addOrderBy('c.id', dir)
      .skip(skip)
      .take(take)
      .getManyAndCount();
    const names = await this.orgs.findByIds(rows.map((r) => r.supplierId));
    return page(
      rows.map((c) => this.view(c, names.get(c.supplierId)?.name ?? null)),
      total,
      query,
    );
  }

  /** The full enforcement record: the case, its alerts with evidence, every step. */
  async detail(actor: Actor, code: string): Promise<CaseDetailView> {
    const c = await this.visible(actor, code);
    const [steps, links, names] = await Promise.all([
      this.steps.find({ where: { caseId: c.id }, order: { id: 'ASC' } }),
      this.links.find({ where: { caseId: c.id }, order: { alertId: 'ASC' } }),
      this.orgs.findByIds([c.supplierId]),
    ]);
    const alerts = links.length
      ? await this.cases.manager
          .getRepository(PriceAlert)
          .find({ where: { id: In(links.map((l) => l.alertId)) }, order: { id: 'ASC' } })
      : [];
    return {
      ...this.view(c, names.get(c.supplierId)?.name ?? null),
      alerts: alerts.map((a) => ({
        id: a.id,
        ruleCode: a.ruleCode,
        period: a.period,
        severity: a.severity,
        status: a.status,
        productId: a.productId,
        regionCode: a.regionCode,
        evidence: parseEvidence(a.evidence),
      })),
      steps: steps.map((s) => ({
        kind: s.kind,
        actorId: s.actorId,
        actorName: s.actorName,
        actorOrgId: s.actorOrgId,
        at: s.at.toISOString(),
        body: s.body,
        details: parseEvidence(s.details),
      })),
      allowedActions: allowedCaseActions(c.status),
    };
  }

  async alertIdsOf(m: EntityManager, caseId: string): Promise<string[]> {
    const rows = await m.getRepository(PriceCaseAlert).find({ where: { caseId } });
    return rows.map((r) => r.alertId);
  }

  view(c: PriceCase, supplierName: string | null): CaseView {
    return {
      code: c.code,
      supplierId: c.supplierId,
      supplierName,
      authorityId: c.authorityId,
      regionCode: c.regionCode,
      title: c.title,
      status: c.status,
      outcome: c.outcome,
      openedBy: c.openedBy,
      openedAt: c.openedAt.toISOString(),
      inquirySentAt: iso(c.inquirySentAt),
      replyDeadline: iso(c.replyDeadline),
      repliedAt: iso(c.repliedAt),
      closedAt: iso(c.closedAt),
      replyOverdue: isReplyOverdue(c.status, c.replyDeadline, this.clock.now()),
      creditCaseCode: c.creditCaseCode,
      version: c.version,
    };
  }
}
