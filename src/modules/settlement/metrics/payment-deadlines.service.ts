import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, SelectQueryBuilder } from 'typeorm';
import { Actor, regionInScope } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { page, skipTake } from '../../../common/pagination';
import { AppConfig } from '../../../config/config';
import { APP_CONFIG } from '../../../config/config.module';
import { Decimal } from '../../../database/decimal';
import { CatalogDirectory } from '../../catalog/products/catalog-directory.service';
import { DeliveryLine } from '../../execution/deliveries/delivery.entity';
import { RegionTree } from '../../identity/regions/region-tree.service';
import { LineException } from '../statements/statement.entity';
import { carriedHere, inScopeOf } from '../statements/statement-membership';
import { StatementQueries } from '../statements/statement-queries.service';
import {
  deadlineWindows,
  DeadlineParameters,
  emptyTotals,
  groupMetrics,
  GroupTotals,
  paymentClock,
  periodWindows,
  SETTLEMENT_GROUPS,
  SettlementGroup,
} from './domain/settlement-metrics';
import {
  DeadlinePage,
  DeadlineQuery,
  DeadlineState,
  DeadlineView,
  MetricsQuery,
  MetricsView,
} from './dto/metrics.dto';
import { chinaDayNumber, PAID_LINE, scopeJoin, STRUCK_LINE, sumCents } from './line-clock-sql';
import { metricsError } from './metrics.errors';

/** A report spans at most three years of months: one grouped query, one CASE arm per month. */
const MAX_PERIODS = 36;

/** Drivers answer sums as numbers (SQLite) or decimal strings (MySQL). */
type Sum = string | number | null;
const cents = (v: Sum) => new Decimal(String(v ?? 0)).div(100).toFixed(2);
const count = (v: Sum) => Number(v ?? 0);

interface MetricRow {
  bucket: string;
  grp: SettlementGroup;
  line_count: Sum;
  accepted: Sum;
  settled: Sum;
  paid_lines: Sum;
  days_sum: Sum;
  on_time: Sum;
  overdue: Sum;
  overdue_lines: Sum;
  disputed: Sum;
}

/**
 * §S4 payment deadlines and metrics, read in the caller's scope (hospital / supplier: its own
 * lines; authority: hospitals in its region subtree). Both are set-based: the deadline states
 * are acceptance-time windows (domain deadlineWindows) compared in SQL, and the metrics are SQL
 * sums per month × group whose ratios the domain's groupMetrics computes, so the figures agree
 * with settlementMetrics line by line.
 */
@Injectable()
export class PaymentDeadlines {
  constructor(
    private readonly clock: Clock,
    private readonly statements: StatementQueries,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly regions: RegionTree,
    private readonly catalog: CatalogDirectory,
    @InjectRepository(DeliveryLine) private readonly lines: Repository<DeliveryLine>,
  ) {}

  get parameters(): DeadlineParameters {
    const { paymentDays, dueSoonDays } = this.config.paymentDeadlines;
    return { paymentDays, dueSoonDays };
  }

  /** Accepted lines in settlement's scope and the actor's, paid or not, struck ones excluded. */
  private acceptedLines(actor: Actor, now: Date): SelectQueryBuilder<DeliveryLine> {
    const qb = this.lines
      .createQueryBuilder('dl')
      .where("dl.decision = 'accepted'")
      .andWhere(`NOT EXISTS (${STRUCK_LINE})`)
      .setParameter('now', now);
    const join = scopeJoin(this.config.settlementCycle.scope);
    if (join)
      qb.innerJoin(
        'purchase_order_lines',
        'pol',
        'pol.id = dl.order_line_id AND pol.agreement_id IS NOT NULL',
      );
    this.statements.restrict(qb, actor, 'dl');
    return qb;
  }

  async deadlines(actor: Actor, query: DeadlineQuery): Promise<DeadlinePage> {
    const now = this.clock.now();
    const params = this.parameters;
    const w = deadlineWindows(now, params);
    const qb = this.acceptedLines(actor, now).andWhere(`NOT EXISTS (${PAID_LINE})`);
    const window: Record<DeadlineState, string> = {
      overdue: 'dl.acceptedAt < :overdueBefore',
      due_soon: 'dl.acceptedAt >= :overdueBefore AND dl.acceptedAt < :dueSoonBefore',
      pending: 'dl.acceptedAt >= :dueSoonBefore',
    };
    if (query.state)
      qb.andWhere(window[query.state], {
        overdueBefore: w.overdueBefore,
        dueSoonBefore: w.dueSoonBefore,
      });
    if (query.hospitalId) qb.andWhere('dl.hospitalId = :hid', { hid: query.hospitalId });
    if (query.supplierId) qb.andWhere('dl.supplierId = :sid', { sid: query.supplierId });
    const { skip, take } = skipTake(query);
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    const [rows, total] = await qb
      .orderBy('dl.acceptedAt', direction)
      .addOrderBy('dl.id', direction)
      .skip(skip)
      .take(take)
      .getManyAndCount();
    const byLine = await this.placements(rows.map((r) => r.id));
    const items = rows.map((dl): DeadlineView => {
      const clock = paymentClock({ acceptedAt: dl.acceptedAt!, paidAt: null }, now, params);
      const on = byLine.get(dl.id);
      return {
        deliveryLineId: dl.id,
        deliveryId: dl.deliveryId,
        hospitalId: dl.hospitalId,
        supplierId: dl.supplierId,
        productId: dl.productId,
        amount: dl.amount.toFixed(2),
        acceptedAt: dl.acceptedAt!.toISOString(),
        dueDate: clock.dueDate,
        state: clock.state as DeadlineState,
        daysLeft: clock.daysLeft,
        daysOverdue: clock.daysOverdue,
        statementId: on?.statementId ?? null,
        disputed: on?.disputed ?? false,
      };
    });
    return page(items, total, query);
  }

  /**
   * Where each line stands in settlement: the statement that bills it (its window's, the later
   * one a carried line went to) or shows it (disputed, struck, carried and waiting), and whether
   * a dispute on it is open. Lines on no statement yet are absent; an `excluded` line awaits
   * placement on a later statement (see StatementGeneration) and has none until then.
   */
  private async placements(
    ids: string[],
  ): Promise<Map<string, { statementId: string | null; disputed: boolean }>> {
    if (ids.length === 0) return new Map();
    const rows = await this.lines
      .createQueryBuilder('dl')
      .leftJoin(LineException, 'e', 'e.deliveryLineId = dl.id')
      .leftJoin('settlement_statements', 'hs', this.homeStatement('hs'))
      .select('dl.id', 'line_id')
      .addSelect('hs.id', 'home_id')
      .addSelect('e.status', 'status')
      .addSelect('e.statement_id', 'excepted_on')
      .addSelect('e.carried_to_statement_id', 'carried_to')
      .where('dl.id IN (:...ids)', { ids })
      .getRawMany<{
        line_id: string | number;
        home_id: string | number | null;
        status: string | null;
        excepted_on: string | number | null;
        carried_to: string | number | null;
      }>();
    const id = (v: string | number | null) => (v === null ? null : String(v));
    return new Map(
      rows.map((r) => {
        const statementId =
          r.status === null
            ? id(r.home_id)
            : r.status === 'excluded'
              ? null
              : (id(r.carried_to) ?? id(r.excepted_on));
        return [String(r.line_id), { statementId, disputed: r.status === 'disputed' }];
      }),
    );
  }

  /** Join condition: `s` is the statement whose window holds line `dl`. */
  private homeStatement(s: string): string {
    return `${s}.hospital_id = dl.hospital_id AND ${s}.supplier_id = dl.supplier_id
      AND ${s}.period_start <= dl.accepted_at AND ${s}.period_end > dl.accepted_at
      AND ${inScopeOf(s, 'dl')}`;
  }

  /**
   * §S4 figures per month of acceptance (China time) and group, for the region's hospitals.
   * One grouped query: each line's month is a CASE over the month boundaries, its timeliness
   * the difference of China day numbers of payment and acceptance.
   */
  async metrics(actor: Actor, query: MetricsQuery): Promise<MetricsView> {
    if (query.from > query.to)
      throw metricsError('METRICS_PERIOD_INVALID', `to: ${query.to} is before from ${query.from}`, {
        field: 'to',
      });
    const windows = periodWindows(query.from, query.to);
    if (windows.length > MAX_PERIODS)
      throw metricsError(
        'METRICS_PERIOD_INVALID',
        `to: at most ${MAX_PERIODS} months from ${query.from}, got ${windows.length}`,
        { field: 'to', max: MAX_PERIODS },
      );
    const now = this.clock.now();
    const params = this.parameters;
    const { overdueBefore } = deadlineWindows(now, params);
    const qb = this.acceptedLines(actor, now);
    const m = qb.connection.manager;
    if (query.regionCode) {
      const region = await this.regions.find(query.regionCode);
      if (!region || (actor.orgType === 'authority' && !regionInScope(actor, region.path)))
        throw metricsError('METRICS_REGION_NOT_FOUND', `Region ${query.regionCode} not found`, {
          field: 'regionCode',
          code: query.regionCode,
        });
      this.regions.restrictOrganisationColumn(qb, 'dl.hospitalId', region.path);
    }
    const arms = windows
      .map((w, i) => `WHEN dl.accepted_at < :periodEnd${i} THEN '${w.period}'`)
      .join(' ');
    windows.forEach((w, i) => qb.setParameter(`periodEnd${i}`, w.end));
    const paid = 'p.id IS NOT NULL';
    const days = `(${chinaDayNumber(m, 'p.paid_at')} - ${chinaDayNumber(m, 'dl.accepted_at')})`;
    const when = (cond: string, then: string) => `CASE WHEN ${cond} THEN ${then} ELSE 0 END`;
    const category = this.catalog.joinCategory(qb, 'dl.productId');
    const rows = await qb
      .leftJoin(LineException, 'e', 'e.deliveryLineId = dl.id')
      .leftJoin('settlement_statements', 'hs', this.homeStatement('hs'))
      // The paying statement: the window's when the line has no exception, the later one when
      // it was carried (statement-membership.ts carriedHere); a disputed, struck or excluded
      // line has none otherwise. An excluded line in scope is owed all the same: generation
      // bills it, as carried, on the pair's next statement.
      .leftJoin(
        'settlement_payments',
        'p',
        `p.statement_id = (CASE WHEN e.id IS NULL THEN hs.id WHEN ${carriedHere('e')} THEN e.carried_to_statement_id END)
          AND p.status = 'paid' AND p.paid_at <= :now`,
      )
      .andWhere('dl.acceptedAt >= :metricsFrom AND dl.acceptedAt < :metricsTo', {
        metricsFrom: windows[0].start,
        metricsTo: windows[windows.length - 1].end,
      })
      .select(`CASE ${arms} END`, 'bucket')
      .addSelect(category, 'grp')
      .addSelect('COUNT(*)', 'line_count')
      .addSelect(sumCents('dl.amount'), 'accepted')
      .addSelect(sumCents(when(paid, 'dl.amount')), 'settled')
      .addSelect(`SUM(${when(paid, '1')})`, 'paid_lines')
      .addSelect(`SUM(${when(paid, days)})`, 'days_sum')
      .addSelect(sumCents(when(`${paid} AND ${days} <= :paymentDays`, 'dl.amount')), 'on_time')
      .addSelect(
        sumCents(when(`p.id IS NULL AND dl.accepted_at < :overdueBefore`, 'dl.amount')),
        'overdue',
      )
      .addSelect(
        `SUM(${when('p.id IS NULL AND dl.accepted_at < :overdueBefore', '1')})`,
        'overdue_lines',
      )
      .addSelect(sumCents(when("e.status = 'disputed'", 'dl.amount')), 'disputed')
      .setParameters({ paymentDays: params.paymentDays, overdueBefore })
      .groupBy('bucket')
      .addGroupBy(category)
      .getRawMany<MetricRow>();
    const totals = new Map<string, GroupTotals>();
    for (const r of rows)
      totals.set(`${r.bucket}|${r.grp}`, {
        group: r.grp,
        lines: count(r.line_count),
        acceptedAmount: cents(r.accepted),
        settledAmount: cents(r.settled),
        paidLines: count(r.paid_lines),
        daysToPaymentSum: count(r.days_sum),
        onTimeAmount: cents(r.on_time),
        overdueAmount: cents(r.overdue),
        overdueLines: count(r.overdue_lines),
        disputedAmount: cents(r.disputed),
      });
    return {
      from: query.from,
      to: query.to,
      regionCode: query.regionCode ?? (actor.orgType === 'authority' ? actor.regionCode : null),
      asOf: now.toISOString(),
      periods: windows.map((w) => ({
        period: w.period,
        groups: SETTLEMENT_GROUPS.map((g) =>
          groupMetrics(totals.get(`${w.period}|${g}`) ?? emptyTotals(g)),
        ),
      })),
    };
  }
}
