import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { Actor, isAuthority } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { page, Page, skipTake } from '../../../common/pagination';
import { AppConfig } from '../../../config/config';
import { APP_CONFIG } from '../../../config/config.module';
import { Decimal, roundTo, SCALE } from '../../../database/decimal';
import { dialectOf } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService, SYSTEM } from '../../audit/audit.service';
import { IdentityScope } from '../../identity/scope/identity-scope.service';
import { chinaDate } from '../deliveries/domain/delivery-rules';
import { executionError } from '../execution.errors';
import {
  genericProductsSql,
  quantityFromSum,
  sumQuantitySql,
} from '../usage/usage-purchase-history';
import { CompletionSnapshot } from './completion-snapshot.entity';
import {
  agreementProgress,
  CheckMonth,
  checkMonth,
  GenericPurchase,
  representativeQuantity,
  substitutionShare,
} from './domain/completion';
import { CompletionCheckView, CompletionQuery, CompletionView } from './dto/completion.dto';

/** Agreements per chunk: one aggregate query and one multi-row upsert each. */
const CHUNK = 500;
const HOUR_MS = 3600_000;

interface AgreementRow {
  id: string;
  roundId: string;
  lotId: string;
  hospitalId: string;
  supplierId: string;
  productId: string;
  agreed: string | number;
  startDate: string;
  endDate: string;
  repStrength: string | number;
  repStrengthUnit: string;
}

interface PurchaseRow {
  agreementId: string | number;
  productId: string | number;
  packSize: number | string | null;
  strength: string | number | null;
  strengthUnit: string | null;
  packs: string | number;
  lines: string | number;
}

/** The China business date of a UTC timestamp column, in SQL. */
function chinaDateSql(m: EntityManager, column: string): string {
  return dialectOf(m) === 'mysql'
    ? `DATE(DATE_ADD(${column}, INTERVAL 8 HOUR))`
    : `date(${column}, '+8 hours')`;
}

/** A DATE column read back as YYYY-MM-DD (MySQL returns a Date, SQLite the stored text). */
function dateText(value: unknown): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value).slice(0, 10);
}

/**
 * §E4 completion of agreed volumes, snapshotted per agreement and month.
 *
 * Purchases are the hospital's **accepted delivery lines** (§E2): the acceptance is the
 * authoritative record that goods arrived and are billed, whereas §E3 usage rows are the
 * hospital's own declaration (they feed §P3 history and monitoring, not completion). A line
 * counts for an agreement when its hospital and product are the agreement's and it was accepted
 * (China date) within the term and by the month's check date. Packs × pack size are converted
 * to smallest units of the lot's representative spec by strength.
 *
 * Substitution share per hospital × lot: every accepted line of the lot's generic (products named
 * like the lot's admitted products) within the same window, split into the lot's winning products
 * (any of its agreements' products) and non-winning substitutes.
 */
@Injectable()
export class CompletionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly scope: IdentityScope,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(CompletionSnapshot)
    private readonly snapshots: Repository<CompletionSnapshot>,
  ) {}

  /** POST …/completion/check: (re)computes every agreement in force during `month`. */
  async check(actor: Actor, month: string): Promise<CompletionCheckView> {
    const period = this.period(month);
    const result = await this.run(period, false);
    await this.tx.run((m) =>
      this.audit.record(
        m,
        actor,
        'completion.checked',
        { type: 'completion_month', id: month },
        {
          after: { ...result },
        },
      ),
    );
    return result;
  }

  /**
   * The periodic job: snapshots the last finished month for agreements that have none yet, so a
   * repeated or doubled tick writes nothing twice.
   */
  async snapshotMissing(month: string): Promise<CompletionCheckView> {
    const result = await this.run(this.period(month), true);
    if (result.agreements > 0)
      await this.tx.run((m) =>
        this.audit.record(
          m,
          SYSTEM,
          'completion.checked',
          { type: 'completion_month', id: month },
          {
            after: { ...result },
          },
        ),
      );
    return result;
  }

  private period(month: string): CheckMonth {
    try {
      return checkMonth(month, chinaDate(this.clock.now()));
    } catch (err) {
      throw executionError('MONTH_INVALID', (err as Error).message, { field: 'month' });
    }
  }

  private async run(period: CheckMonth, missingOnly: boolean): Promise<CompletionCheckView> {
    let afterId = '0';
    let agreements = 0;
    let behind = 0;
    for (;;) {
      const chunk = await this.agreementsOf(period, missingOnly, afterId);
      if (chunk.length === 0) break;
      afterId = chunk[chunk.length - 1].id;
      const rows = await this.compute(period, chunk);
      await this.tx.run((m) =>
        m
          .createQueryBuilder()
          .insert()
          .into(CompletionSnapshot)
          .values(rows)
          .orUpdate(
            [
              'as_of',
              'agreed_quantity',
              'purchased_quantity',
              'completion_rate',
              'expected_progress',
              'gap',
              'behind',
              'winning_quantity',
              'non_winning_quantity',
              'non_winning_share',
              'unconverted_lines',
              'computed_at',
            ],
            ['agreement_id', 'month'],
          )
          .updateEntity(false)
          .execute(),
      );
      agreements += rows.length;
      behind += rows.filter((r) => r.behind).length;
      if (chunk.length < CHUNK) break;
    }
    return { month: period.month, asOf: period.asOf, agreements, behind };
  }

  /** Agreements in force at some point of the month and begun by its check date, by id. */
  private agreementsOf(
    period: CheckMonth,
    missingOnly: boolean,
    afterId: string,
  ): Promise<AgreementRow[]> {
    const qb = this.dataSource
      .createQueryBuilder()
      .from('agreements', 'a')
      .innerJoin('lots', 'l', 'l.id = a.lot_id')
      .select('a.id', 'id')
      .addSelect('a.round_id', 'roundId')
      .addSelect('a.lot_id', 'lotId')
      .addSelect('a.hospital_id', 'hospitalId')
      .addSelect('a.supplier_id', 'supplierId')
      .addSelect('a.product_id', 'productId')
      .addSelect('a.agreed_quantity', 'agreed')
      .addSelect('a.start_date', 'startDate')
      .addSelect('a.end_date', 'endDate')
      .addSelect('l.rep_strength', 'repStrength')
      .addSelect('l.rep_strength_unit', 'repStrengthUnit')
      .where('a.start_date <= :asOf AND a.end_date >= :firstDay', period)
      .andWhere('a.id > :afterId', { afterId })
      .orderBy('a.id', 'ASC')
      .limit(CHUNK);
    if (missingOnly)
      qb.andWhere(
        'NOT EXISTS (SELECT 1 FROM completion_snapshots s WHERE s.agreement_id = a.id AND s.month = :month)',
        { month: period.month },
      );
    return qb.getRawMany<AgreementRow>().then((rows) =>
      rows.map((r) => ({
        ...r,
        id: String(r.id),
        roundId: String(r.roundId),
        lotId: String(r.lotId),
        hospitalId: String(r.hospitalId),
        supplierId: String(r.supplierId),
        productId: String(r.productId),
        startDate: dateText(r.startDate),
        endDate: dateText(r.endDate),
      })),
    );
  }

  private async compute(
    period: CheckMonth,
    chunk: AgreementRow[],
  ): Promise<Array<Partial<CompletionSnapshot>>> {
    const m = this.dataSource.manager;
    const ids = chunk.map((a) => a.id);
    const accepted = chinaDateSql(m, 'dl.accepted_at');
    // The end of the check date in China time bounds the scan by the acceptance-time index.
    const until = new Date(Date.parse(`${period.asOf}T00:00:00Z`) + 16 * HOUR_MS);
    const purchases = await m
      .createQueryBuilder()
      .from('agreements', 'a')
      .innerJoin(
        'delivery_lines',
        'dl',
        "dl.hospital_id = a.hospital_id AND dl.decision = 'accepted'",
      )
      .innerJoin('products', 'p', 'p.id = dl.product_id')
      .select('a.id', 'agreementId')
      .addSelect('dl.product_id', 'productId')
      .addSelect('p.pack_size', 'packSize')
      .addSelect('p.strength', 'strength')
      .addSelect('p.strength_unit', 'strengthUnit')
      .addSelect(sumQuantitySql(m, 'dl.quantity'), 'packs')
      .addSelect('COUNT(*)', 'lines')
      .where('a.id IN (:...ids)', { ids })
      .andWhere('dl.accepted_at < :until', { until })
      .andWhere(`${accepted} >= a.start_date AND ${accepted} <= a.end_date`)
      .andWhere(`${accepted} <= :asOf`, { asOf: period.asOf })
      .andWhere(`dl.product_id IN (${genericProductsSql('a.lot_id')})`)
      .groupBy('a.id')
      .addGroupBy('dl.product_id')
      .addGroupBy('p.pack_size')
      .addGroupBy('p.strength')
      .addGroupBy('p.strength_unit')
      .getRawMany<PurchaseRow>();
    const lotIds = [...new Set(chunk.map((a) => a.lotId))];
    const winners = await m
      .createQueryBuilder()
      .from('agreements', 'w')
      .select('DISTINCT w.lot_id', 'lotId')
      .addSelect('w.product_id', 'productId')
      .where('w.lot_id IN (:...lotIds)', { lotIds })
      .getRawMany<{ lotId: string | number; productId: string | number }>();
    const winning = new Set(winners.map((w) => `${String(w.lotId)}:${String(w.productId)}`));
    const byAgreement = new Map<string, PurchaseRow[]>();
    for (const p of purchases) {
      const key = String(p.agreementId);
      byAgreement.set(key, [...(byAgreement.get(key) ?? []), p]);
    }
    const threshold = this.config.completion.behindThreshold;
    const now = this.clock.now();
    return chunk.map((a) => {
      let purchased = new Decimal(0);
      let unconverted = 0;
      const generic: GenericPurchase[] = [];
      for (const p of byAgreement.get(a.id) ?? []) {
        const units = quantityFromSum(m, p.packs).times(p.packSize ?? 0);
        const converted =
          p.strength === null || p.strengthUnit === null || p.packSize === null
            ? null
            : representativeQuantity(
                roundTo(units, SCALE.quantity),
                { strength: String(p.strength), strengthUnit: p.strengthUnit },
                { strength: String(a.repStrength), strengthUnit: a.repStrengthUnit },
              );
        if (converted === null) {
          unconverted += Number(p.lines);
          continue;
        }
        if (String(p.productId) === a.productId) purchased = purchased.plus(converted);
        generic.push({
          quantity: converted,
          winning: winning.has(`${a.lotId}:${String(p.productId)}`),
        });
      }
      const progress = agreementProgress(
        {
          agreedQuantity: roundTo(String(a.agreed), SCALE.quantity),
          purchasedQuantity: roundTo(purchased, SCALE.quantity),
          startDate: a.startDate,
          endDate: a.endDate,
        },
        period.asOf,
        { behindThreshold: threshold },
      );
      const share = substitutionShare(generic);
      const dec = (v: string | null) => (v === null ? null : new Decimal(v));
      return {
        agreementId: a.id,
        month: period.month,
        asOf: period.asOf,
        roundId: a.roundId,
        lotId: a.lotId,
        hospitalId: a.hospitalId,
        supplierId: a.supplierId,
        productId: a.productId,
        agreedQuantity: new Decimal(String(a.agreed)),
        purchasedQuantity: new Decimal(progress.purchasedQuantity),
        completionRate: dec(progress.completionRate),
        expectedProgress: new Decimal(progress.expectedProgress),
        gap: dec(progress.gap),
        behind: progress.behindSchedule,
        winningQuantity: new Decimal(share.winningQuantity),
        nonWinningQuantity: new Decimal(share.nonWinningQuantity),
        nonWinningShare: dec(share.nonWinningShare),
        unconvertedLines: unconverted,
        computedAt: now,
      };
    });
  }

  async list(actor: Actor, query: CompletionQuery): Promise<Page<CompletionView>> {
    const qb = this.snapshots.createQueryBuilder('s');
    if (isAuthority(actor)) this.scope.restrictByOrganisationColumn(qb, actor, 's.hospitalId');
    else if (actor.orgType === 'hospital')
      qb.andWhere('s.hospitalId = :scopeOrg', { scopeOrg: actor.orgId });
    else qb.andWhere('s.supplierId = :scopeOrg', { scopeOrg: actor.orgId });
    if (query.roundId) qb.andWhere('s.roundId = :roundId', { roundId: query.roundId });
    if (query.lotId) qb.andWhere('s.lotId = :lotId', { lotId: query.lotId });
    if (query.hospitalId) qb.andWhere('s.hospitalId = :hid', { hid: query.hospitalId });
    if (query.supplierId) qb.andWhere('s.supplierId = :sid', { sid: query.supplierId });
    if (query.month) qb.andWhere('s.month = :month', { month: query.month });
    if (query.behind !== undefined)
      qb.andWhere('s.behind = :behind', { behind: query.behind ? 1 : 0 });
    const direction = query.order === 'asc' ? 'ASC' : 'DESC';
    qb.orderBy('s.month', direction).addOrderBy('s.agreementId', 'ASC');
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    return page(
      rows.map((r) => CompletionView.of(r)),
      total,
      query,
    );
  }
}
