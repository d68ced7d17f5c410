import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';
import { Actor, isAuthority } from '../../../common/auth/actor';
import { page, Page, skipTake } from '../../../common/pagination';
import { forUpdate } from '../../../database/dialect';
import { Region } from '../../identity/regions/region.entity';
import { PriceCase, PriceCaseAlert } from '../cases/price-case.entity';
import { monitoringError } from '../monitoring.errors';
import { SEVERITIES } from '../rules/domain/severity';
import { AlertEvent } from './alert-workflow.entity';
import { allowedActions } from './domain/alert-workflow';
import {
  AlertDetailView,
  AlertEventView,
  AlertFilter,
  AlertQuery,
  AlertSummaryView,
  AlertView,
  CountView,
} from './dto/alert-workflow.dto';
import { PriceAlert } from './price-alert.entity';

const isId = (v: string) => /^\d{1,18}$/.test(v);

export function alertView(a: PriceAlert): AlertView {
  return {
    id: a.id,
    ruleCode: a.ruleCode,
    subjectKey: a.subjectKey,
    period: a.period,
    severity: a.severity,
    status: a.status,
    firing: Boolean(a.firing),
    productId: a.productId,
    supplierId: a.supplierId,
    hospitalId: a.hospitalId,
    regionCode: a.regionCode,
    genericKey: a.genericKey,
    assigneeId: a.assigneeId,
    statusReason: a.statusReason,
    raisedAt: a.raisedAt.toISOString(),
    lastEvaluatedAt: a.lastEvaluatedAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
    version: a.version,
  };
}

export function eventView(e: AlertEvent): AlertEventView {
  return {
    id: e.id,
    action: e.action,
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
    actorId: e.actorId,
    actorName: e.actorName,
    assigneeId: e.assigneeId,
    caseId: e.caseId,
    reason: e.reason,
    at: e.at.toISOString(),
  };
}

export function parseEvidence(evidence: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(evidence);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : { value: parsed };
  } catch {
    // Evidence is written as canonical JSON; anything else is shown as it is stored.
    return { raw: evidence };
  }
}

/** Severity order for sorting in SQL (the vocabulary's own order, mildest first). */
const SEVERITY_RANK = `CASE a.severity ${SEVERITIES.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ')} ELSE -1 END`;

/**
 * Reading alerts in the caller's scope (§1, §M4): an authority sees the alerts whose region lies
 * in its subtree; a platform-wide authority also those without a region (or `national`).
 * Hospitals and suppliers read no alerts here; a supplier sees the alerts of a case against it
 * in the case record.
 */
@Injectable()
export class AlertWorkflowQueries {
  constructor(
    @InjectRepository(PriceAlert) private readonly alerts: Repository<PriceAlert>,
    @InjectRepository(AlertEvent) private readonly events: Repository<AlertEvent>,
  ) {}

  restrict<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, actor: Actor, alias: string) {
    if (!isAuthority(actor)) return qb.andWhere('1 = 0');
    if (actor.regionPath === null) return qb;
    const sub = qb
      .subQuery()
      .select('scope_region.code')
      .from(Region, 'scope_region')
      .where('scope_region.path LIKE :alertScopePath')
      .getQuery();
    return qb.andWhere(`${alias}.regionCode IN ${sub}`, {
      alertScopePath: `${actor.regionPath}%`,
    });
  }

  /** The alert if the actor may see it, else 404; `lock` for a read-modify-write. */
  async visible(actor: Actor, id: string, m?: EntityManager, lock = false): Promise<PriceAlert> {
    const repo = m ? m.getRepository(PriceAlert) : this.alerts;
    let found: PriceAlert | null = null;
    if (isId(id)) {
      const qb = repo.createQueryBuilder('a').where('a.id = :id', { id });
      this.restrict(qb, actor, 'a');
      found = await (lock ? forUpdate(qb) : qb).getOne();
    }
    if (!found) throw monitoringError('ALERT_NOT_FOUND', `Alert ${id} not found`, { id });
    return found;
  }

  private async filtered(actor: Actor, f: AlertFilter): Promise<SelectQueryBuilder<PriceAlert>> {
    const qb = this.alerts.createQueryBuilder('a');
    this.restrict(qb, actor, 'a');
    if (f.rule) qb.andWhere('a.ruleCode = :rule', { rule: f.rule });
    if (f.severity) qb.andWhere('a.severity = :severity', { severity: f.severity });
    if (f.status) qb.andWhere('a.status = :status', { status: f.status });
    if (f.productId) qb.andWhere('a.productId = :productId', { productId: f.productId });
    if (f.supplierId) qb.andWhere('a.supplierId = :supplierId', { supplierId: f.supplierId });
    if (f.assigneeId === 'none') qb.andWhere('a.assigneeId IS NULL');
    else if (f.assigneeId) qb.andWhere('a.assigneeId = :assigneeId', { assigneeId: f.assigneeId });
    if (f.periodFrom) qb.andWhere('a.period >= :periodFrom', { periodFrom: f.periodFrom });
    if (f.periodTo) qb.andWhere('a.period <= :periodTo', { periodTo: f.periodTo });
    if (f.periodFrom && f.periodTo && f.periodFrom > f.periodTo)
      throw monitoringError('ALERT_QUERY_INVALID', 'periodTo: must not be before periodFrom', {
        field: 'periodTo',
      });
    if (f.regionCode === 'national') qb.andWhere("a.regionCode = 'national'");
    else if (f.regionCode) {
      const region = await this.alerts.manager
        .getRepository(Region)
        .findOneBy({ code: f.regionCode });
      const sub = qb
        .subQuery()
        .select('filter_region.code')
        .from(Region, 'filter_region')
        .where('filter_region.path LIKE :filterRegionPath')
        .getQuery();
      // An unknown region matches nothing (an empty list, not an error: it is only a filter).
      qb.andWhere(`a.regionCode IN ${sub}`, {
        filterRegionPath: region ? `${region.path}%` : '//',
      });
    }
    return qb;
  }

  async list(actor: Actor, query: AlertQuery): Promise<Page<AlertView>> {
    const qb = await this.filtered(actor, query);
    const dir = query.order === 'desc' ? 'DESC' : 'ASC';
    if (query.sort === 'severity') qb.orderBy(SEVERITY_RANK, dir);
    else qb.orderBy(`a.${query.sort}`, dir);
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.addOrderBy('a.id', dir).skip(skip).take(take).getManyAndCount();
    return page(rows.map(alertView), total, query);
  }

  /** Counts for the UI, under the same filters as the list: one GROUP BY per dimension. */
  async summary(actor: Actor, filter: AlertFilter): Promise<AlertSummaryView> {
    const count = async (column: string): Promise<CountView[]> => {
      const rows = await (
        await this.filtered(actor, filter)
      )
        .select(`a.${column}`, 'key')
        .addSelect('COUNT(*)', 'count')
        .groupBy(`a.${column}`)
        .orderBy('count', 'DESC')
        .addOrderBy('key', 'ASC')
        .getRawMany<{ key: string | null; count: string | number }>();
      return rows.map((r) => ({ key: r.key ?? 'none', count: Number(r.count) }));
    };
    const byStatus = await count('status');
    return {
      total: byStatus.reduce((s, c) => s + c.count, 0),
      byRule: await count('ruleCode'),
      bySeverity: await count('severity'),
      byStatus,
      byRegion: await count('regionCode'),
    };
  }

  async detail(actor: Actor, id: string): Promise<AlertDetailView> {
    const a = await this.visible(actor, id);
    const events = await this.events.find({ where: { alertId: a.id }, order: { id: 'ASC' } });
    const link = await this.alerts.manager
      .getRepository(PriceCaseAlert)
      .findOneBy({ alertId: a.id });
    const kase = link
      ? await this.alerts.manager.getRepository(PriceCase).findOneBy({ id: link.caseId })
      : null;
    return {
      ...alertView(a),
      evidence: parseEvidence(a.evidence),
      events: events.map(eventView),
      caseCode: kase?.code ?? null,
      allowedActions: allowedActions(a.status),
    };
  }

  /** Alerts by id, for a case record (no scope: the case's own scope was checked). */
  async byIds(ids: string[]): Promise<PriceAlert[]> {
    if (ids.length === 0) return [];
    return this.alerts.find({ where: { id: In(ids) }, order: { id: 'ASC' } });
  }
}
