import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Actor, isAuthority } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { registerUniqueConstraint } from '../../../common/errors/unique-constraints';
import { page, Page, skipTake } from '../../../common/pagination';
import { AppConfig } from '../../../config/config';
import { APP_CONFIG } from '../../../config/config.module';
import { Decimal } from '../../../database/decimal';
import { forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditActor, AuditService } from '../../audit/audit.service';
import { chinaDate } from '../../execution/deliveries/domain/delivery-rules';
import {
  BackupActivationService,
  SupplyPosition,
} from '../../procurement/awards/backup-activation.service';
import {
  checkMonth,
  deliveryDelay,
  lowFillRate,
  lowStock,
  monthWindow,
  nextAlertStatus,
  shortageReported,
  SupplyRule,
} from './domain/supply-rules';
import { EvaluationView, SupplyAlertQuery, SupplyAlertView } from './dto/supply.dto';
import { SupplyReportsService } from './supply-reports.service';
import { restrictByRegion } from './supply-scope';
import { SupplySignals } from './supply-signals.service';
import { SupplyAlert } from './supply.entities';
import { supplyError } from './supply.errors';

registerUniqueConstraint('uq_supply_alerts__rule__supplier__product__region__month', {
  table: 'supply_alerts',
  columns: ['rule', 'supplier_id', 'product_id', 'region_code', 'month'],
  code: 'SUPPLY.ALERT_EXISTS',
  message: 'Another evaluation raised the same supply alert at the same moment; run it again',
});

/** A breach found by an evaluation: the alert's key and its evidence. */
interface Breach {
  rule: SupplyRule;
  supplierId: string;
  productId: string;
  regionCode: string;
  lotId: string | null;
  evidence: Record<string, unknown>;
}

const HOUR_MS = 3600_000;
const isId = (v: string) => /^\d{1,18}$/.test(v);

/**
 * §K5 supply rules → supply alerts. An evaluation of a month gathers the figures (supply
 * reports, agreements in force, the month's orders and their deliveries, hospital shortages),
 * applies the pure rules and writes one alert per rule × supplier × product × region × month:
 * a new breach raises an alert; an open or acknowledged one gets the latest evidence; a resolved
 * one stays resolved for the month. The periodic job evaluates the current month.
 */
@Injectable()
export class SupplyAlertsService {
  private readonly logger = new Logger(SupplyAlertsService.name);

  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly reports: SupplyReportsService,
    private readonly signals: SupplySignals,
    private readonly awards: BackupActivationService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(SupplyAlert) private readonly alerts: Repository<SupplyAlert>,
  ) {}

  /** The current China month. */
  currentMonth(): string {
    return chinaDate(this.clock.now()).slice(0, 7);
  }

  async evaluate(actor: AuditActor, monthInput?: string): Promise<EvaluationView> {
    const month = monthInput === undefined ? this.currentMonth() : checkMonth(monthInput, 'month');
    if (month > this.currentMonth())
      throw supplyError('MONTH_INVALID', `month: ${month} is in the future`, { field: 'month' });
    const now = this.clock.now();
    const breaches = await this.breaches(month, now);
    const result = await this.tx.run(async (m) => {
      const existing = await forUpdate(
        m.getRepository(SupplyAlert).createQueryBuilder('a').where('a.month = :month', { month }),
      ).getMany();
      const byKey = new Map(existing.map((a) => [alertKey(a), a]));
      const fresh: Partial<SupplyAlert>[] = [];
      const refreshed: SupplyAlert[] = [];
      for (const b of breaches) {
        const old = byKey.get(alertKey(b));
        const evidence = JSON.stringify(b.evidence);
        if (!old)
          fresh.push({
            ...b,
            month,
            evidence,
            status: 'open',
            raisedAt: now,
            evaluatedAt: now,
            acknowledgedBy: null,
            acknowledgedAt: null,
            resolvedBy: null,
            resolvedAt: null,
            resolutionNote: null,
          });
        else if (old.status !== 'resolved' && old.evidence !== evidence) {
          old.evidence = evidence;
          old.evaluatedAt = now;
          old.lotId = old.lotId ?? b.lotId;
          refreshed.push(old);
        }
      }
      for (let i = 0; i < fresh.length; i += 200)
        await m.getRepository(SupplyAlert).insert(fresh.slice(i, i + 200));
      for (let i = 0; i < refreshed.length; i += 200)
        await m.getRepository(SupplyAlert).save(refreshed.slice(i, i + 200));
      const counts: Record<string, number> = {};
      for (const b of breaches) counts[b.rule] = (counts[b.rule] ?? 0) + 1;
      const view: EvaluationView = {
        month,
        evaluatedAt: now.toISOString(),
        raised: fresh.length,
        refreshed: refreshed.length,
        breaches: counts,
      };
      if (fresh.length + refreshed.length > 0 || actor !== 'system')
        await this.audit.record(
          m,
          actor,
          'supply.evaluated',
          { type: 'supply_month', id: month },
          { after: { ...view } },
        );
      return view;
    });
    if (result.raised > 0) this.logger.log(`Raised ${result.raised} supply alert(s) for ${month}`);
    return result;
  }

  /** Applies every rule to the month's figures. */
  private async breaches(month: string, now: Date): Promise<Breach[]> {
    const m = this.alerts.manager;
    const { from, to } = monthWindow(month);
    const positions = await this.awards.supplyPositions(m, from, to);
    const out: Breach[] = [];
    out.push(...(await this.stockBreaches(m, month, positions)));

    // Orders placed within the China month: [first day 00:00 +08:00, next month's first day).
    const start = new Date(Date.parse(`${from}T00:00:00Z`) - 8 * HOUR_MS);
    const end = new Date(Date.parse(`${to}T00:00:00Z`) + 16 * HOUR_MS);
    const lotOf = lotIndex(positions);
    const minimum = this.config.supply.fillRateMin;
    for (const s of await this.signals.deliveries(start, end, now)) {
      const key = { supplierId: s.supplierId, productId: s.productId, regionCode: s.regionCode };
      const lotId = lotOf.get(`${s.supplierId}:${s.productId}:${s.regionCode}`) ?? null;
      const fill = lowFillRate(s.orderedQuantity, s.acceptedQuantity, minimum);
      if (fill.breached)
        out.push({
          rule: 'low_fill_rate',
          ...key,
          lotId,
          evidence: {
            orderedQuantity: s.orderedQuantity.toFixed(3),
            acceptedQuantity: s.acceptedQuantity.toFixed(3),
            fillRate: fill.fillRate,
            minimum,
            basis: 'order lines placed in the month whose first delivery was due',
          },
        });
      if (deliveryDelay(s.lateOrders, s.overdueOrders).breached)
        out.push({
          rule: 'delivery_delay',
          ...key,
          lotId,
          evidence: {
            orders: s.orders,
            lateOrders: s.lateOrders,
            overdueUndelivered: s.overdueOrders,
            deliveryDelayHours: this.config.deliveryDelayHours,
          },
        });
    }

    const shortages = await this.reports.shortagesOfMonth(m, month);
    const grouped = new Map<string, typeof shortages>();
    for (const s of shortages) {
      const k = `${s.supplierId}:${s.productId}:${s.regionCode}`;
      grouped.set(k, [...(grouped.get(k) ?? []), s]);
    }
    for (const list of grouped.values()) {
      if (!shortageReported(list.length).breached) continue;
      const first = list[0];
      out.push({
        rule: 'shortage_reported',
        supplierId: first.supplierId,
        productId: first.productId,
        regionCode: first.regionCode,
        lotId: first.lotId,
        evidence: {
          reports: list.length,
          shortages: list.map((s) => ({
            id: s.id,
            hospitalId: s.hospitalId,
            shortageDate: s.shortageDate,
            note: s.note,
          })),
        },
      });
    }
    return out;
  }

  /**
   * Stock must cover N days of the agreed demand it serves: the supplier's agreements for the
   * product in force in the month, every region together (one stock serves them all). A breach
   * is raised in each region the supplier serves with the product, so each region's officers
   * see it where they can activate a backup.
   */
  private async stockBreaches(
    m: EntityManager,
    month: string,
    positions: SupplyPosition[],
  ): Promise<Breach[]> {
    const bySupplierProduct = new Map<string, SupplyPosition[]>();
    for (const p of positions) {
      const k = `${p.supplierId}:${p.productId}`;
      bySupplierProduct.set(k, [...(bySupplierProduct.get(k) ?? []), p]);
    }
    const stockDays = this.config.supply.stockDays;
    const out: Breach[] = [];
    for (const report of await this.reports.reportsOfMonth(m, month)) {
      const served = bySupplierProduct.get(`${report.supplierId}:${report.productId}`) ?? [];
      if (served.length === 0) continue;
      const agreedAnnual = Decimal.sum(0, ...served.map((p) => p.agreedQuantity));
      const outcome = lowStock({ stock: report.stockQuantity, agreedAnnual, stockDays });
      if (!outcome.breached) continue;
      for (const p of served)
        out.push({
          rule: 'low_stock',
          supplierId: report.supplierId,
          productId: report.productId,
          regionCode: p.regionCode,
          lotId: p.lotId,
          evidence: {
            reportId: report.id,
            reportVersion: report.version,
            stockQuantity: report.stockQuantity.toFixed(3),
            agreedAnnualQuantity: agreedAnnual.toFixed(3),
            regionAgreedAnnualQuantity: p.agreedQuantity.toFixed(3),
            dailyDemand: outcome.dailyDemand,
            stockDays,
            requiredStock: outcome.requiredStock,
            daysOfCover: outcome.daysOfCover,
          },
        });
    }
    return out;
  }

  async list(actor: Actor, query: SupplyAlertQuery): Promise<Page<SupplyAlertView>> {
    const qb = this.alerts.createQueryBuilder('a');
    this.restrict(qb, actor);
    if (query.rule) qb.andWhere('a.rule = :rule', { rule: query.rule });
    if (query.status) qb.andWhere('a.status = :status', { status: query.status });
    if (query.supplierId) qb.andWhere('a.supplierId = :sid', { sid: query.supplierId });
    if (query.productId) qb.andWhere('a.productId = :pid', { pid: query.productId });
    if (query.lotId) qb.andWhere('a.lotId = :lotId', { lotId: query.lotId });
    if (query.regionCode) qb.andWhere('a.regionCode = :region', { region: query.regionCode });
    if (query.month) qb.andWhere('a.month = :month', { month: query.month });
    const dir = query.order === 'desc' ? 'DESC' : 'ASC';
    qb.orderBy(query.sort === 'month' ? 'a.month' : 'a.raisedAt', dir).addOrderBy('a.id', dir);
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    return page(rows.map(SupplyAlertView.of), total, query);
  }

  async get(actor: Actor, id: string): Promise<SupplyAlertView> {
    return SupplyAlertView.of(await this.visible(this.alerts.manager, actor, id, false));
  }

  async acknowledge(actor: Actor, id: string): Promise<SupplyAlertView> {
    return this.transition(actor, id, 'acknowledge', null);
  }

  async resolve(actor: Actor, id: string, note: string): Promise<SupplyAlertView> {
    return this.transition(actor, id, 'resolve', note.trim());
  }

  private transition(
    actor: Actor,
    id: string,
    action: 'acknowledge' | 'resolve',
    note: string | null,
  ): Promise<SupplyAlertView> {
    return this.tx.run(async (m) => {
      const alert = await this.visible(m, actor, id, true);
      const before = alert.status;
      alert.status = nextAlertStatus(alert.status, action, alert.id);
      const now = this.clock.now();
      if (action === 'acknowledge') {
        alert.acknowledgedBy = actor.id;
        alert.acknowledgedAt = now;
      } else {
        alert.resolvedBy = actor.id;
        alert.resolvedAt = now;
        alert.resolutionNote = note;
      }
      await m.getRepository(SupplyAlert).save(alert);
      await this.audit.record(
        m,
        actor,
        `supply_alert.${action === 'acknowledge' ? 'acknowledged' : 'resolved'}`,
        { type: 'supply_alert', id: alert.id },
        { before: { status: before }, after: { status: alert.status, note } },
      );
      return SupplyAlertView.of(alert);
    });
  }

  /** Alerts by id the actor sees, all of them or 400 naming the first missing (failures). */
  async visibleIds(m: EntityManager, actor: Actor, ids: string[]): Promise<SupplyAlert[]> {
    const found: SupplyAlert[] = [];
    for (const [i, id] of ids.entries()) {
      const alert = await this.visible(m, actor, id, false).catch(() => null);
      if (!alert)
        throw supplyError('ALERTS_NOT_FOUND', `alertIds[${i}]: supply alert ${id} not found`, {
          field: `alertIds[${i}]`,
        });
      found.push(alert);
    }
    return found;
  }

  private async visible(
    m: EntityManager,
    actor: Actor,
    id: string,
    lock: boolean,
  ): Promise<SupplyAlert> {
    let alert: SupplyAlert | null = null;
    if (isId(id)) {
      const qb = m.getRepository(SupplyAlert).createQueryBuilder('a').where('a.id = :id', { id });
      this.restrict(qb, actor);
      alert = await (lock ? forUpdate(qb) : qb).getOne();
    }
    if (!alert) throw supplyError('ALERT_NOT_FOUND', `Supply alert ${id} not found`, { id });
    return alert;
  }

  /** Authorities see their regions' alerts; a supplier sees the alerts about itself. */
  private restrict(qb: Parameters<typeof restrictByRegion<SupplyAlert>>[0], actor: Actor): void {
    if (isAuthority(actor)) restrictByRegion(qb, actor, 'a.regionCode');
    else qb.andWhere('a.supplierId = :own', { own: actor.orgId });
  }
}

function alertKey(a: Pick<Breach, 'rule' | 'supplierId' | 'productId' | 'regionCode'>): string {
  return `${a.rule}:${a.supplierId}:${a.productId}:${a.regionCode}`;
}

/** supplier:product:region → the lot of its agreements (for the alert's lot). */
function lotIndex(positions: SupplyPosition[]): Map<string, string> {
  return new Map(positions.map((p) => [`${p.supplierId}:${p.productId}:${p.regionCode}`, p.lotId]));
}
