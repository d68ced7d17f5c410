import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository, SelectQueryBuilder } from 'typeorm';
import { Actor, isAuthority } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import {
  duplicateKeyError,
  registerUniqueConstraint,
} from '../../../common/errors/unique-constraints';
import { page, Page, skipTake } from '../../../common/pagination';
import { AppConfig } from '../../../config/config';
import { APP_CONFIG } from '../../../config/config.module';
import { Decimal } from '../../../database/decimal';
import { forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { CatalogDirectory } from '../../catalog/products/catalog-directory.service';
import { normaliseCode } from '../../catalog/products/domain/product-codes';
import { OrganisationDirectory } from '../../identity/organisations/organisation-directory.service';
import { IdentityScope } from '../../identity/scope/identity-scope.service';
import { chinaDate } from '../deliveries/domain/delivery-rules';
import { executionError } from '../execution.errors';
import { batchHash, checkBatchKey, checkUsageRow, isLate, UsageRow } from './domain/usage-rules';
import {
  LateUsageQuery,
  LateUsageRow,
  LateUsageView,
  UsageBatchRequest,
  UsageBatchView,
  UsageQuery,
  UsageRecordView,
} from './dto/usage.dto';
import { UsageBatch, UsageRecord, UsageRevision, UsageSource } from './usage.entity';

registerUniqueConstraint('uq_usage_batches__hospital_id__batch_key', {
  table: 'usage_batches',
  columns: ['hospital_id', 'batch_key'],
  code: 'EXECUTION.USAGE_BATCH_CONFLICT',
  message: 'This batch id is already taken by another upload of the hospital',
});

/** Rows per multi-row INSERT: 11 columns × 400 stays under every driver's parameter limit. */
const INSERT_CHUNK = 400;

/** A checked row with its product resolved. */
export interface ResolvedUsageRow {
  productId: string;
  date: string;
  purchasedQuantity: string;
  usedQuantity: string;
  stockQuantity: string;
}

export interface WriteCounts {
  created: number;
  corrected: number;
  late: number;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function batchRef(b: UsageBatch): { type: string; id: string } {
  return { type: 'usage_batch', id: b.id };
}

/**
 * §E3 usage and stock reporting (进销存). A hospital (a user, or its HIS through an API key with
 * `usage:write`) reports per product and day what it purchased, used and held in stock.
 *
 * - Batches are idempotent per (hospital, batch id): the same content again answers the first
 *   result, other content is a 409.
 * - A later batch may correct a day: last write wins, and the replaced figures are kept in
 *   usage_revisions with the batch that replaced them. Lateness belongs to the day's first
 *   report: a day reported on time and corrected later stays on time, a day first reported late
 *   stays late.
 * - A row for day D is late when first received after the end of D + USAGE_LATE_AFTER_DAYS in
 *   China time (T+1 by default).
 */
@Injectable()
export class UsageService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly scope: IdentityScope,
    private readonly catalog: CatalogDirectory,
    private readonly orgs: OrganisationDirectory,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(UsageRecord) private readonly records: Repository<UsageRecord>,
  ) {}

  /** Only a hospital reports its own usage; an API key of a supplier or authority cannot. */
  assertHospital(actor: Actor): void {
    if (actor.orgType !== 'hospital')
      throw executionError(
        'USAGE_HOSPITAL_ONLY',
        'Usage and stock are reported by hospitals for themselves; this organisation is not a hospital',
      );
  }

  async putBatch(actor: Actor, rawKey: string, body: UsageBatchRequest): Promise<UsageBatchView> {
    this.assertHospital(actor);
    const key = checkBatchKey(rawKey);
    const today = chinaDate(this.clock.now());
    const rows = body.rows.map((r, i) => checkUsageRow(r, `rows[${i}].`, today));
    const resolved = await this.resolve(rows);
    const hash = batchHash(rows);
    const attempt = () =>
      this.tx.run(async (m) => {
        const existing = await forUpdate(
          m
            .getRepository(UsageBatch)
            .createQueryBuilder('b')
            .where('b.hospitalId = :h AND b.batchKey = :k', { h: actor.orgId, k: key }),
        ).getOne();
        if (existing) {
          if (existing.contentHash !== hash)
            throw executionError(
              'USAGE_BATCH_CONFLICT',
              `batchId: batch ${key} was received on ${existing.receivedAt.toISOString()} with other content; send changed rows under a new batch id`,
              { field: 'batchId', receivedAt: existing.receivedAt.toISOString() },
            );
          return UsageBatchView.of(existing);
        }
        const now = this.clock.now();
        const batch = await this.openBatch(m, actor, key, 'api', hash, now);
        const counts = await this.writeRows(m, actor.orgId, batch.id, resolved, now);
        await this.closeBatch(m, batch, resolved.length, counts);
        await this.audit.record(m, actor, 'usage_batch.received', batchRef(batch), {
          after: { ...UsageBatchView.of(batch) },
        });
        return UsageBatchView.of(batch);
      });
    try {
      return await attempt();
    } catch (err) {
      // The same batch sent twice at once: the loser finds the winner's batch and compares.
      if (duplicateKeyError(err)?.code !== 'EXECUTION.USAGE_BATCH_CONFLICT') throw err;
      return attempt();
    }
  }

  /** Product codes → ids, one query; unknown codes and repeated (product, day) rows are refused. */
  private async resolve(rows: UsageRow[]): Promise<ResolvedUsageRow[]> {
    const products = await this.catalog.findByCodes(rows.map((r) => r.productCode));
    const seen = new Map<string, number>();
    return rows.map((r, i) => {
      const field = `rows[${i}].productCode`;
      const product = products.get(normaliseCode(r.productCode));
      if (!product)
        throw executionError(
          'PRODUCT_NOT_FOUND',
          `${field}: no product with code ${r.productCode}`,
          {
            field,
          },
        );
      const dayKey = `${product.id}@${r.date}`;
      const first = seen.get(dayKey);
      if (first !== undefined)
        throw executionError(
          'USAGE_ROW_REPEATED',
          `${field}: ${r.productCode} on ${r.date} is already reported in rows[${first}]; report a product and day once per batch`,
          { field },
        );
      seen.set(dayKey, i);
      return { ...r, productId: product.id };
    });
  }

  /** Inserts the batch row first, so the records can point at it; counts are filled at the end. */
  async openBatch(
    m: EntityManager,
    actor: Actor,
    key: string,
    source: UsageSource,
    hash: string | null,
    now: Date,
  ): Promise<UsageBatch> {
    return m.getRepository(UsageBatch).save(
      m.create(UsageBatch, {
        hospitalId: actor.orgId,
        batchKey: key,
        source,
        contentHash: hash,
        rowCount: 0,
        createdCount: 0,
        correctedCount: 0,
        lateCount: 0,
        receivedAt: now,
        createdBy: actor.id,
      }),
    );
  }

  async closeBatch(
    m: EntityManager,
    batch: UsageBatch,
    rowCount: number,
    counts: WriteCounts,
  ): Promise<void> {
    batch.rowCount = rowCount;
    batch.createdCount = counts.created;
    batch.correctedCount = counts.corrected;
    batch.lateCount = counts.late;
    await m.getRepository(UsageBatch).update(
      { id: batch.id },
      {
        rowCount,
        createdCount: counts.created,
        correctedCount: counts.corrected,
        lateCount: counts.late,
      },
    );
  }

  /**
   * Writes checked rows of one hospital inside the caller's transaction, in a constant number
   * of statements per chunk: one read of the days already reported, one multi-row insert of the
   * figures they replace, one multi-row upsert. The rows must not repeat a (product, day).
   */
  async writeRows(
    m: EntityManager,
    hospitalId: string,
    batchId: string,
    rows: ResolvedUsageRow[],
    now: Date,
  ): Promise<WriteCounts> {
    const counts: WriteCounts = { created: 0, corrected: 0, late: 0 };
    const lateAfterDays = this.config.usageLateAfterDays;
    for (const chunk of chunks(rows, INSERT_CHUNK)) {
      const productIds = [...new Set(chunk.map((r) => r.productId))];
      const dates = [...new Set(chunk.map((r) => r.date))];
      // Products × dates may read a few rows more than asked for; the key map picks the right ones.
      const existing = await forUpdate(
        m
          .getRepository(UsageRecord)
          .createQueryBuilder('u')
          .where('u.hospitalId = :h', { h: hospitalId })
          .andWhere('u.productId IN (:...p)', { p: productIds })
          .andWhere('u.usageDate IN (:...d)', { d: dates }),
      ).getMany();
      const byKey = new Map(existing.map((e) => [`${e.productId}@${e.usageDate}`, e]));
      const revisions: Array<Partial<UsageRevision>> = [];
      const values = chunk.map((r) => {
        const old = byKey.get(`${r.productId}@${r.date}`);
        if (old) {
          counts.corrected++;
          revisions.push({
            recordId: old.id,
            revision: old.revision,
            purchasedQuantity: old.purchasedQuantity,
            usedQuantity: old.usedQuantity,
            stockQuantity: old.stockQuantity,
            batchId: old.batchId,
            supersededByBatchId: batchId,
            supersededAt: now,
          });
        } else counts.created++;
        const late = old ? old.late : isLate(r.date, now, lateAfterDays);
        if (late) counts.late++;
        return {
          hospitalId,
          productId: r.productId,
          usageDate: r.date,
          purchasedQuantity: new Decimal(r.purchasedQuantity),
          usedQuantity: new Decimal(r.usedQuantity),
          stockQuantity: new Decimal(r.stockQuantity),
          batchId,
          revision: old ? old.revision + 1 : 1,
          firstReceivedAt: old ? old.firstReceivedAt : now,
          late,
          updatedAt: now,
        };
      });
      if (revisions.length)
        await m.createQueryBuilder().insert().into(UsageRevision).values(revisions).execute();
      await m
        .createQueryBuilder()
        .insert()
        .into(UsageRecord)
        .values(values)
        .orUpdate(
          [
            'purchased_quantity',
            'used_quantity',
            'stock_quantity',
            'batch_id',
            'revision',
            'updated_at',
          ],
          ['hospital_id', 'product_id', 'usage_date'],
        )
        // The generated ids of an upsert mean nothing here; skip reading them back.
        .updateEntity(false)
        .execute();
    }
    return counts;
  }

  async list(actor: Actor, query: UsageQuery): Promise<Page<UsageRecordView>> {
    const qb = this.records.createQueryBuilder('u');
    this.restrict(qb, actor);
    if (query.hospitalId) qb.andWhere('u.hospitalId = :hid', { hid: query.hospitalId });
    if (query.productId) qb.andWhere('u.productId = :pid', { pid: query.productId });
    this.window(query.from, query.to);
    if (query.from) qb.andWhere('u.usageDate >= :from', { from: query.from });
    if (query.to) qb.andWhere('u.usageDate <= :to', { to: query.to });
    if (query.late !== undefined) qb.andWhere('u.late = :late', { late: query.late ? 1 : 0 });
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    qb.orderBy('u.usageDate', direction)
      .addOrderBy('u.hospitalId', direction)
      .addOrderBy('u.productId', direction);
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    const products = await this.catalog.findByIds(rows.map((r) => r.productId));
    return page(
      rows.map((r) => UsageRecordView.of(r, products.get(r.productId))),
      total,
      query,
    );
  }

  /** §E3 late uploads per hospital over reported days [from, to], worst first. */
  async late(actor: Actor, query: LateUsageQuery): Promise<Page<LateUsageView>> {
    this.window(query.from, query.to);
    const lateFlag = 'u.late = 1';
    const base = () => {
      const qb = this.records
        .createQueryBuilder('u')
        .where('u.usageDate >= :from AND u.usageDate <= :to', { from: query.from, to: query.to });
      return this.restrict(qb, actor);
    };
    const countRow = await base()
      .andWhere(lateFlag)
      .select('COUNT(DISTINCT u.hospitalId)', 'n')
      .getRawOne<{ n: string | number }>();
    const direction = query.order === 'desc' ? 'ASC' : 'DESC';
    const { skip, take } = skipTake(query);
    const raw = await base()
      .groupBy('u.hospitalId')
      .having(`SUM(CASE WHEN ${lateFlag} THEN 1 ELSE 0 END) > 0`)
      .select('u.hospitalId', 'hospitalId')
      .addSelect('COUNT(*)', 'reportedRows')
      .addSelect(`SUM(CASE WHEN ${lateFlag} THEN 1 ELSE 0 END)`, 'lateRows')
      .addSelect(`COUNT(DISTINCT CASE WHEN ${lateFlag} THEN u.usageDate END)`, 'lateDays')
      .addSelect(`MAX(CASE WHEN ${lateFlag} THEN u.usageDate END)`, 'lastLateDate')
      .orderBy('lateRows', direction)
      .addOrderBy('u.hospitalId', 'ASC')
      .offset(skip)
      .limit(take)
      .getRawMany<Record<string, string | number>>();
    const rows: LateUsageRow[] = raw.map((r) => ({
      hospitalId: String(r.hospitalId),
      reportedRows: Number(r.reportedRows),
      lateRows: Number(r.lateRows),
      lateDays: Number(r.lateDays),
      lastLateDate: String(r.lastLateDate).slice(0, 10),
    }));
    const orgs = await this.orgs.findByIds(rows.map((r) => r.hospitalId));
    return page(
      rows.map((r) => LateUsageView.of(r, orgs.get(r.hospitalId))),
      Number(countRow?.n ?? 0),
      query,
    );
  }

  /** Hospitals (users and API keys) read their own rows; authorities their region's. */
  private restrict(
    qb: SelectQueryBuilder<UsageRecord>,
    actor: Actor,
  ): SelectQueryBuilder<UsageRecord> {
    if (isAuthority(actor))
      return this.scope.restrictByOrganisationColumn(qb, actor, 'u.hospitalId');
    return qb.andWhere('u.hospitalId = :scopeOrg', { scopeOrg: actor.orgId });
  }

  private window(from: string | undefined, to: string | undefined): void {
    if (from && to && from > to)
      throw executionError('WINDOW_INVALID', `from: ${from} is after to: ${to}`, {
        field: 'from',
      });
  }
}
