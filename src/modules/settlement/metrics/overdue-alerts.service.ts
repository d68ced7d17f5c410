import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { registerUniqueConstraint } from '../../../common/errors/unique-constraints';
import { page, Page, skipTake } from '../../../common/pagination';
import { AppConfig } from '../../../config/config';
import { APP_CONFIG } from '../../../config/config.module';
import { Decimal, roundTo, SCALE } from '../../../database/decimal';
import { exactSum, exactSumSql, forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { StatementQueries } from '../statements/statement-queries.service';
import { deadlineWindows } from './domain/settlement-metrics';
import { OverdueAlertQuery, OverdueAlertView } from './dto/metrics.dto';
import { OverdueAlertSummaryQuery, OverdueAlertSummaryView } from './dto/overdue-alert-summary.dto';
import { chinaDatePlusDays, PAID_LINE, scopeJoin, STRUCK_LINE } from './line-clock-sql';
import { metricsError } from './metrics.errors';
import { OverdueAlert, OverdueAlertStatus } from './overdue-alert.entity';

registerUniqueConstraint('uq_settlement_overdue_alerts__delivery_line_id', {
  table: 'settlement_overdue_alerts',
  columns: ['delivery_line_id'],
  code: 'SETTLEMENT.OVERDUE_ALERT_EXISTS',
  message: 'The overdue alert of this delivery line was raised at the same moment by another run',
});

function alertView(a: OverdueAlert): OverdueAlertView {
  return {
    id: a.id,
    deliveryLineId: a.deliveryLineId,
    hospitalId: a.hospitalId,
    supplierId: a.supplierId,
    productId: a.productId,
    amount: a.amount.toFixed(2),
    acceptedAt: a.acceptedAt.toISOString(),
    dueDate: a.dueDate,
    raisedAt: a.raisedAt.toISOString(),
    status: a.status,
    acknowledgedBy: a.acknowledgedBy,
    acknowledgedAt: a.acknowledgedAt ? a.acknowledgedAt.toISOString() : null,
    resolvedAt: a.resolvedAt ? a.resolvedAt.toISOString() : null,
    resolution: a.resolution,
  };
}

/** Alerts still calling for action: not resolved. */
const UNRESOLVED: OverdueAlertStatus[] = ['open', 'acknowledged'];

const isId = (v: string) => /^\d{1,18}$/.test(v);

/**
 * §S4 overdue alerts: the periodic check raises one alert per accepted line left unpaid past its
 * due date (an `INSERT … SELECT` of the lines without one, so a rerun or a missed tick is
 * harmless and the unique key holds it to one), and resolves the unresolved alerts whose line
 * has been paid since (or struck by an upheld dispute) — "paid" as line-clock-sql defines it; a
 * fund officer acknowledges open ones. Lists and counts show unresolved alerts unless resolved
 * ones are asked for.
 */
@Injectable()
export class OverdueAlerts {
  private readonly logger = new Logger(OverdueAlerts.name);

  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly statements: StatementQueries,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(OverdueAlert) private readonly alerts: Repository<OverdueAlert>,
  ) {}

  /** Raises the missing alerts and resolves the settled ones; answers how many were raised. */
  async check(): Promise<number> {
    return (await this.checkAll()).raised;
  }

  /** The overdue check: how many alerts it raised and how many it resolved. */
  async checkAll(): Promise<{ raised: number; resolved: number }> {
    const now = this.clock.now();
    const { paymentDays, dueSoonDays } = this.config.paymentDeadlines;
    const { overdueBefore } = deadlineWindows(now, { paymentDays, dueSoonDays });
    return this.tx.run(async (m) => {
      const before = await m.getRepository(OverdueAlert).count();
      await this.run(
        m,
        `INSERT INTO settlement_overdue_alerts (delivery_line_id, hospital_id, supplier_id,
            product_id, amount, accepted_at, due_date, raised_at, status)
          SELECT dl.id, dl.hospital_id, dl.supplier_id, dl.product_id, dl.amount, dl.accepted_at,
            ${chinaDatePlusDays(m, 'dl.accepted_at')}, :now, 'open'
          FROM delivery_lines dl ${scopeJoin(this.config.settlementCycle.scope)}
          WHERE dl.decision = 'accepted' AND dl.accepted_at < :overdueBefore
            AND NOT EXISTS (${PAID_LINE})
            AND NOT EXISTS (${STRUCK_LINE})
            AND NOT EXISTS (SELECT 1 FROM settlement_overdue_alerts a WHERE a.delivery_line_id = dl.id)`,
        { now, overdueBefore, days: paymentDays },
      );
      const raised = (await m.getRepository(OverdueAlert).count()) - before;
      if (raised > 0) this.logger.log(`Raised ${raised} overdue payment alert(s)`);
      let resolved = 0;
      for (const [resolution, line] of [
        ['paid', PAID_LINE],
        ['struck', STRUCK_LINE],
      ] as const) {
        // No lock: the update below repeats the status condition, so an acknowledgement
        // committed in between is resolved all the same, and a resolved alert stays resolved.
        const ids = (
          await m
            .getRepository(OverdueAlert)
            .createQueryBuilder('a')
            .select('a.id', 'id')
            .where('a.status IN (:...unresolved)', { unresolved: UNRESOLVED })
            .andWhere(
              `EXISTS (SELECT 1 FROM delivery_lines dl WHERE dl.id = a.delivery_line_id AND EXISTS (${line}))`,
              { now },
            )
            .getRawMany<{ id: string | number }>()
        ).map((r) => String(r.id));
        for (let i = 0; i < ids.length; i += 1000)
          await m
            .getRepository(OverdueAlert)
            .update(
              { id: In(ids.slice(i, i + 1000)), status: In(UNRESOLVED) },
              { status: 'resolved', resolvedAt: now, resolution },
            );
        resolved += ids.length;
      }
      if (resolved > 0) this.logger.log(`Resolved ${resolved} overdue payment alert(s)`);
      return { raised, resolved };
    });
  }

  /** How many alerts of each status the actor sees, and the unresolved amount. */
  async summary(actor: Actor, query: OverdueAlertSummaryQuery): Promise<OverdueAlertSummaryView> {
    const qb = this.alerts
      .createQueryBuilder('a')
      .select('a.status', 'status')
      .addSelect('COUNT(*)', 'alerts')
      .addSelect(exactSumSql(this.alerts.manager, 'a.amount', SCALE.amount), 'amount')
      .groupBy('a.status');
    this.statements.restrict(qb, actor, 'a');
    if (query.hospitalId) qb.andWhere('a.hospitalId = :hid', { hid: query.hospitalId });
    if (query.supplierId) qb.andWhere('a.supplierId = :sid', { sid: query.supplierId });
    const rows = await qb.getRawMany<{
      status: OverdueAlertStatus;
      alerts: string | number;
      amount: string | number | null;
    }>();
    const of = (status: OverdueAlertStatus) => rows.find((r) => r.status === status);
    const count = (status: OverdueAlertStatus) => Number(of(status)?.alerts ?? 0);
    const unresolvedAmount = UNRESOLVED.reduce(
      (sum, status) => sum.plus(exactSum(this.alerts.manager, of(status)?.amount, SCALE.amount)),
      new Decimal(0),
    );
    return {
      open: count('open'),
      acknowledged: count('acknowledged'),
      unresolved: count('open') + count('acknowledged'),
      resolved: count('resolved'),
      unresolvedAmount: roundTo(unresolvedAmount, SCALE.amount),
    };
  }

  async list(actor: Actor, query: OverdueAlertQuery): Promise<Page<OverdueAlertView>> {
    const qb = this.alerts.createQueryBuilder('a');
    this.statements.restrict(qb, actor, 'a');
    if (query.status) qb.andWhere('a.status = :status', { status: query.status });
    else qb.andWhere('a.status IN (:...unresolved)', { unresolved: UNRESOLVED });
    if (query.hospitalId) qb.andWhere('a.hospitalId = :hid', { hid: query.hospitalId });
    if (query.supplierId) qb.andWhere('a.supplierId = :sid', { sid: query.supplierId });
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb
      .orderBy('a.id', query.order === 'desc' ? 'DESC' : 'ASC')
      .skip(skip)
      .take(take)
      .getManyAndCount();
    return page(rows.map(alertView), total, query);
  }

  async acknowledge(actor: Actor, id: string): Promise<OverdueAlertView> {
    return this.tx.run(async (m) => {
      const alert = await this.visible(m, actor, id);
      if (alert.status === 'resolved')
        throw metricsError(
          'OVERDUE_ALERT_RESOLVED',
          `Overdue alert ${id} was resolved on ${alert.resolvedAt?.toISOString() ?? '?'}: its line is ${alert.resolution === 'struck' ? 'struck by an upheld dispute' : 'paid'}`,
          { id, resolution: alert.resolution },
        );
      if (alert.status !== 'open')
        throw metricsError(
          'OVERDUE_ALERT_ALREADY_ACKNOWLEDGED',
          `Overdue alert ${id} was already acknowledged`,
          { id, acknowledgedBy: alert.acknowledgedBy },
        );
      const now = this.clock.now();
      alert.status = 'acknowledged';
      alert.acknowledgedBy = actor.id;
      alert.acknowledgedAt = now;
      await m.getRepository(OverdueAlert).save(alert);
      await this.audit.record(
        m,
        actor,
        'overdue_alert.acknowledged',
        { type: 'overdue_alert', id: alert.id },
        { before: { status: 'open' }, after: { status: 'acknowledged' } },
      );
      return alertView(alert);
    });
  }

  private async visible(m: EntityManager, actor: Actor, id: string): Promise<OverdueAlert> {
    let found: OverdueAlert | null = null;
    if (isId(id)) {
      const qb = m.getRepository(OverdueAlert).createQueryBuilder('a').where('a.id = :id', { id });
      this.statements.restrict(qb, actor, 'a');
      found = await forUpdate(qb).getOne();
    }
    if (!found)
      throw metricsError('OVERDUE_ALERT_NOT_FOUND', `Overdue alert ${id} not found`, { id });
    return found;
  }

  private async run(m: EntityManager, sql: string, params: Record<string, unknown>): Promise<void> {
    const [query, values] = m.connection.driver.escapeQueryWithParameters(sql, params);
    await m.query(query, values);
  }
}
