import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { page, Page, skipTake } from '../../../common/pagination';
import { TransactionRunner } from '../../../database/transaction-runner';
import { JobQueue } from '../../../jobs/job-queue';
import { chinaDate } from '../../catalog/listing-prices/domain/listing-rules';
import { ListingReferences } from '../../catalog/listing-prices/listing-references.service';
import { ProductFamilies } from '../../catalog/products/product-families.service';
import { AwardReferences } from '../../procurement/awards/award-references.service';
import { AlertRaising, RaiseCounts } from '../alerts/alert-raising.service';
import { monitoringError } from '../monitoring.errors';
import { PeerStatsStore } from '../references/peer-stats-store';
import { RulesService } from '../rules/rules.service';
import { addMonths, isPeriod, periodBounds, periodRange } from '../rules/domain/periods';
import type { RuleConfig } from '../rules/domain/rule-catalog';
import { DEFAULT_PARAMETERS } from '../rules/domain/rule-catalog';
import { contractPrices, listingsInForce } from './domain/contracts';
import { evaluateGroup, GroupInput, ObservationAggregate, StatsRow } from './domain/evaluate-group';
import type { RuleHit } from '../rules/domain/rule-hit';
import { EvaluationQuery, EvaluationRunView } from './dto/evaluation.dto';
import { EvaluationRun, EvaluationKind } from './evaluation-run.entity';
import { EvaluationLocks } from './evaluation-locks';
import { chunks } from '../../../common/chunks';
import { GenericAggregates, ObservationAggregates } from './observation-aggregates';

export const EVALUATE_BATCH = { queue: 'monitoring', name: 'evaluate-batch' } as const;
export const EVALUATE_RUN = { queue: 'monitoring', name: 'evaluate-run' } as const;
export const MONTHLY_SCAN = { queue: 'monitoring', name: 'monthly-scan' } as const;

/** What one run evaluates: per period, the generic keys (null: every generic of the period). */
export type EvaluationPlan = Array<{ period: string; genericKeys: string[] | null }>;

/** A monthly scan still `running` after this long is taken to have died with its worker. */
const STALE_RUN_MS = 6 * 3600_000;

/** Aggregate rows handed to the rules at once: whole generics, about this many rows. */
const SLICE_ROWS = 20000;
/** Generic keys a keyed run reads and writes in one transaction. */
const KEY_SLICE = 200;

interface Totals extends RaiseCounts {
  keys: number;
}

/** The period's write count a scan's slices were read at; null once read inside the lock. */
interface ScanState {
  version: number | null;
}

/**
 * §M8 evaluation runs. The incremental path (an observation batch) is the full path restricted
 * to the (period, generic) keys of the batch's products, plus the later months whose look-back
 * windows include them: the same aggregates, the same pure `evaluateGroup`, the same upsert. So
 * both produce the same alerts for the same data. Runs that evaluate the same month at the same
 * time are serialised by the period's lock (`EvaluationLocks`).
 */
@Injectable()
export class EvaluationService {
  private readonly logger = new Logger('MonitoringEvaluation');

  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(EvaluationRun) private readonly runs: Repository<EvaluationRun>,
    private readonly tx: TransactionRunner,
    private readonly rules: RulesService,
    private readonly aggregates: ObservationAggregates,
    private readonly stats: PeerStatsStore,
    private readonly locks: EvaluationLocks,
    private readonly raising: AlertRaising,
    private readonly listings: ListingReferences,
    private readonly awards: AwardReferences,
    private readonly products: ProductFamilies,
    private readonly clock: Clock,
    private readonly jobs: JobQueue,
  ) {}

  /**
   * `monitoring:evaluate-batch`: evaluates what an observation batch touched. Run key
   * `batch:<id>`: a duplicated or retried job after success does nothing.
   */
  async evaluateBatch(batchId: string): Promise<EvaluationRun | null> {
    if (!/^\d{1,18}$/.test(batchId)) return null;
    const runKey = `batch:${batchId}`;
    const done = await this.runs.findOneBy({ runKey });
    if (done?.status === 'succeeded') return done;
    // From the primary: a replica that has not caught up with the batch's commit would say it
    // does not exist, and the batch would never be evaluated.
    const [batch] = await this.dataSource.query<Array<{ status: string } | undefined>>(
      'SELECT status FROM monitoring_observation_batches WHERE id = ?',
      [batchId],
    );
    if (!batch || batch.status === 'failed') return null;
    if (batch.status !== 'committed') {
      // Enqueued after commit, so this is a reordering; the job's retry finds it committed.
      throw new Error(`observation batch ${batchId} is not committed yet`);
    }
    const touched = await this.dataSource.query<
      Array<{ period: string; product_id: string | number }>
    >('SELECT DISTINCT period, product_id FROM monitoring_observations WHERE batch_id = ?', [
      batchId,
    ]);
    const configs = await this.rules.configs();
    const plan = await this.incrementalPlan(touched, configs);
    const run = done ?? (await this.createRun(runKey, 'incremental', plan, batchId, null));
    return this.execute(run, plan, configs);
  }

  /** An analyst's full scan of a period: recorded now, run by `monitoring:evaluate-run`. */
  async requestFull(actor: Actor, period: string): Promise<EvaluationRunView> {
    if (!isPeriod(period)) {
      throw monitoringError('EVALUATION_PERIOD_INVALID', 'period must be YYYY-MM', {
        field: 'period',
      });
    }
    const current = chinaDate(this.clock.now()).slice(0, 7);
    if (period > current) {
      throw monitoringError('EVALUATION_PERIOD_INVALID', `period ${period} has not begun`, {
        field: 'period',
      });
    }
    const key = `full:${period}:${this.clock.now().getTime()}:${randomBytes(4).toString('hex')}`;
    const run = await this.createRun(
      key,
      'full',
      [{ period, genericKeys: null }],
      null,
      actor.id,
      'queued',
    );
    await this.jobs.enqueue(
      EVALUATE_RUN.queue,
      EVALUATE_RUN.name,
      { runId: run.id },
      {
        jobId: `evaluate-run:${run.id}`,
      },
    );
    return view(run);
  }

  /** `monitoring:evaluate-run`: runs a requested full scan once. */
  async runRequested(runId: string): Promise<void> {
    if (!/^\d{1,18}$/.test(runId)) return;
    const run = await this.runs.findOneBy({ id: runId });
    if (!run || run.status === 'succeeded') return;
    const periods = run.periods.split(',');
    await this.execute(
      run,
      periods.map((period) => ({ period, genericKeys: null })),
      await this.rules.configs(),
    );
  }

  /**
   * The periodic monthly scan: the previous month (China date), once (`monthly:<period>`).
   * A tick while it runs or after it succeeded does nothing.
   */
  async monthlyScan(): Promise<EvaluationRun | null> {
    const period = addMonths(chinaDate(this.clock.now()).slice(0, 7), -1);
    const runKey = `monthly:${period}`;
    const existing = await this.runs.findOneBy({ runKey });
    if (existing?.status === 'succeeded') return existing;
    // A run still `running` long after it started died with its process: take it over.
    const stale =
      existing?.status === 'running' &&
      this.clock.now().getTime() - existing.startedAt.getTime() > STALE_RUN_MS;
    if (existing && existing.status !== 'failed' && !stale) return existing;
    const plan: EvaluationPlan = [{ period, genericKeys: null }];
    const run = existing ?? (await this.createRun(runKey, 'full', plan, null, null));
    return this.execute(run, plan, await this.rules.configs());
  }

  /**
   * A full scan of one period, now and in this process (the bench, the scheduled scan use the
   * same path through `execute`).
   */
  async scanNow(period: string, runKey: string): Promise<EvaluationRun> {
    const plan: EvaluationPlan = [{ period, genericKeys: null }];
    const run = await this.createRun(runKey, 'full', plan, null, null);
    return this.execute(run, plan, await this.rules.configs());
  }

  async list(query: EvaluationQuery): Promise<Page<EvaluationRunView>> {
    const qb = this.runs.createQueryBuilder('r');
    if (query.kind) qb.andWhere('r.kind = :kind', { kind: query.kind });
    if (query.status) qb.andWhere('r.status = :status', { status: query.status });
    if (query.batchId) qb.andWhere('r.batchId = :batchId', { batchId: query.batchId });
    if (query.period) {
      if (!isPeriod(query.period)) {
        throw monitoringError('EVALUATION_QUERY_INVALID', 'period must be YYYY-MM', {
          field: 'period',
        });
      }
      qb.andWhere('r.periods LIKE :p', { p: `%${query.period}%` });
    }
    const { skip, take } = skipTake(query);
    const direction = query.order === 'asc' ? 'ASC' : 'DESC';
    const [rows, total] = await qb
      .orderBy('r.startedAt', direction)
      .addOrderBy('r.id', direction)
      .skip(skip)
      .take(take)
      .getManyAndCount();
    return page(rows.map(view), total, query);
  }

  async get(id: string): Promise<EvaluationRunView> {
    const run = /^\d{1,18}$/.test(id) ? await this.runs.findOneBy({ id }) : null;
    if (!run) throw monitoringError('EVALUATION_NOT_FOUND', `Evaluation ${id} not found`, { id });
    return view(run);
  }

  /**
   * The keys a batch touched, and after each touched month the months whose look-back windows
   * contain it (abrupt change: the next month and the CUSUM window; quantity spike: its
   * window). Planned by product: in each month, every generic key the batch's products have rows
   * under — the key a product is evaluated with and any it left by a catalogue edit, whose
   * generic lost it — in the later months only where the product was observed.
   */
  private async incrementalPlan(
    touched: Array<{ period: string; product_id: string | number }>,
    configs: RuleConfig[],
  ): Promise<EvaluationPlan> {
    if (touched.length === 0) return [];
    const ahead = lookBack(configs);
    const productsIn = new Map<string, Set<string>>();
    for (const t of touched) {
      for (const p of periodRange(t.period, addMonths(t.period, ahead))) {
        const set = productsIn.get(p) ?? new Set<string>();
        set.add(String(t.product_id));
        productsIn.set(p, set);
      }
    }
    const plan: EvaluationPlan = [];
    for (const period of [...productsIn.keys()].sort()) {
      const { first, last } = periodBounds(period);
      const keys = new Set<string>();
      for (const ids of chunks([...(productsIn.get(period) ?? [])], 500)) {
        const rows = await this.dataSource.query<Array<{ generic_key: string }>>(
          `SELECT DISTINCT generic_key FROM monitoring_observations WHERE observed_on >= ? AND observed_on <= ? AND period = ? AND product_id IN (${ids.map(() => '?').join(',')})`,
          [first, last, period, ...ids],
        );
        for (const r of rows) keys.add(r.generic_key);
      }
      if (keys.size) plan.push({ period, genericKeys: [...keys].sort() });
    }
    return plan;
  }

  private async createRun(
    runKey: string,
    kind: EvaluationKind,
    plan: EvaluationPlan,
    batchId: string | null,
    requestedBy: string | null,
    status: 'queued' | 'running' = 'running',
  ): Promise<EvaluationRun> {
    const periods = plan.map((p) => p.period).join(',');
    try {
      return await this.runs.save(
        this.runs.create({
          runKey,
          kind,
          // A batch of many years' history: the column keeps the span, not every month.
          periods:
            periods.length > 400 ? `${plan[0].period}..${plan[plan.length - 1].period}` : periods,
          batchId,
          status,
          keyCount: 0,
          hitCount: 0,
          newAlerts: 0,
          updatedAlerts: 0,
          clearedAlerts: 0,
          message: null,
          requestedBy,
          startedAt: this.clock.now(),
          finishedAt: null,
        }),
      );
    } catch (error) {
      // A duplicated job raced this one to the run key: use the row it wrote.
      const existing = await this.runs.findOneBy({ runKey });
      if (existing) return existing;
      throw error;
    }
  }

  /** Runs a plan period by period (ascending: later months read earlier months' statistics). */
  private async execute(
    run: EvaluationRun,
    plan: EvaluationPlan,
    configs: RuleConfig[],
  ): Promise<EvaluationRun> {
    const totals: Totals = { keys: 0, hits: 0, created: 0, updated: 0, cleared: 0 };
    if (run.status !== 'running') {
      run.status = 'running';
      run.startedAt = this.clock.now();
      await this.runs.save(run);
    }
    try {
      for (const step of [...plan].sort((a, b) => a.period.localeCompare(b.period))) {
        await this.evaluatePeriod(run.id, step.period, step.genericKeys, configs, totals);
      }
      run.status = 'succeeded';
      run.message = null;
    } catch (error) {
      run.status = 'failed';
      run.message = String((error as Error).message ?? error).slice(0, 500);
      this.logger.error(`evaluation ${run.runKey} failed: ${run.message}`);
    }
    run.keyCount = totals.keys;
    run.hitCount = totals.hits;
    run.newAlerts = totals.created;
    run.updatedAlerts = totals.updated;
    run.clearedAlerts = totals.cleared;
    run.finishedAt = this.clock.now();
    await this.runs.save(run);
    if (run.status === 'failed') throw new Error(`evaluation ${run.runKey} failed: ${run.message}`);
    return run;
  }

  /**
   * One period of a plan. A full scan streams the month once, outside any transaction, and
   * writes it slice by slice; its groups are re-read inside the locked transaction only when
   * another run wrote the month since the scan read it. A keyed run (a batch's keys) reads its
   * slices inside the locked transaction. Keys without a product this month — the plan's, or
   * those every product left — still get their old statistics and alerts settled.
   */
  private async evaluatePeriod(
    runId: string,
    period: string,
    genericKeys: string[] | null,
    configs: RuleConfig[],
    totals: Totals,
  ): Promise<void> {
    await this.locks.ensure(period, this.clock.now());
    const settle = new Set<string>();
    if (genericKeys === null) {
      const seen = new Set<string>();
      const state: ScanState = { version: await this.locks.version(period) };
      let slice: GenericAggregates[] = [];
      let rows = 0;
      for await (const group of this.aggregates.byGeneric(period)) {
        seen.add(group.genericKey);
        for (const key of group.movedFrom) settle.add(key);
        slice.push(group);
        rows += group.aggregates.length;
        if (rows >= SLICE_ROWS) {
          await this.evaluateSlice(runId, period, slice, state, configs, totals);
          slice = [];
          rows = 0;
        }
      }
      if (slice.length) await this.evaluateSlice(runId, period, slice, state, configs, totals);
      for (const key of seen) settle.delete(key);
    } else {
      for (const key of genericKeys) settle.add(key);
    }
    const keyed: ScanState = { version: null };
    for (const keys of chunks([...settle].sort(), KEY_SLICE)) {
      const slice = keys.map((genericKey) => ({ genericKey, aggregates: [], movedFrom: [] }));
      await this.evaluateSlice(runId, period, slice, keyed, configs, totals);
    }
  }

  /**
   * Evaluates and writes one slice of whole generics in one transaction under the period's
   * lock. `state.version` is the period's write count the slice's groups were read at; null:
   * the groups are only the keys, to be read inside the transaction.
   */
  private async evaluateSlice(
    runId: string,
    period: string,
    slice: GenericAggregates[],
    state: ScanState,
    configs: RuleConfig[],
    totals: Totals,
  ): Promise<void> {
    const genericKeys = slice.map((g) => g.genericKey);
    // Read and computed before the transaction: the common case keeps the lock only to write.
    const early = state.version === null ? null : await this.evaluateGroups(period, slice, configs);
    const now = this.clock.now();
    const counts = await this.tx.run(async (manager) => {
      const version = await this.locks.lock(manager, period);
      let result = early;
      if (!result || version !== state.version) {
        const read = new Map(
          (await this.aggregates.read(manager, period, genericKeys)).map((g) => [g.genericKey, g]),
        );
        const fresh = genericKeys.map(
          (genericKey) => read.get(genericKey) ?? { genericKey, aggregates: [], movedFrom: [] },
        );
        result = await this.evaluateGroups(period, fresh, configs, manager);
        // Once stale, stale for the rest of the month: later slices are read again too.
        state.version = null;
      }
      await this.stats.replace(manager, period, genericKeys, result.stats, runId, now);
      const raised = await this.raising.raise(
        manager,
        period,
        genericKeys,
        result.hits,
        runId,
        now,
      );
      const next = await this.locks.written(manager, period, version, runId, now);
      if (state.version !== null) state.version = next;
      return raised;
    });
    totals.keys += genericKeys.length;
    totals.hits += counts.hits;
    totals.created += counts.created;
    totals.updated += counts.updated;
    totals.cleared += counts.cleared;
  }

  /**
   * The rules and statistics of whole generics: their references from the other contexts, the
   * products' stored history (through `manager` when inside the transaction) and the pure
   * `evaluateGroup`.
   */
  private async evaluateGroups(
    period: string,
    slice: GenericAggregates[],
    configs: RuleConfig[],
    manager?: EntityManager,
  ): Promise<{ hits: RuleHit[]; stats: StatsRow[] }> {
    const { first, last } = periodBounds(period);
    const productIds = [...new Set(slice.flatMap((g) => g.aggregates.map((a) => a.productId)))];
    const [listings, agreements, winners, products, history] = await Promise.all([
      this.listings.validDuring(productIds, first, last),
      this.awards.agreementsDuring(productIds, first, last),
      this.awards.winnersDuring(productIds, first, last),
      this.products.byIds(productIds),
      this.stats.history(
        manager ?? this.dataSource.manager,
        addMonths(period, -lookBack(configs)),
        addMonths(period, -1),
        productIds,
      ),
    ]);
    const manufacturers = new Map(products.map((p) => [p.id, p.manufacturerId]));
    const inForce = listingsInForce(listings, last);
    const hits: RuleHit[] = [];
    const stats: StatsRow[] = [];
    for (const g of slice) {
      const own = new Set(g.aggregates.map((a) => a.productId));
      const purchases = g.aggregates.filter(
        (a): a is ObservationAggregate & { hospitalId: string } =>
          a.hospitalId !== null && a.paidCount > 0,
      );
      const input: GroupInput = {
        period,
        genericKey: g.genericKey,
        aggregates: g.aggregates,
        history,
        contracts: contractPrices(
          purchases,
          agreements.filter((a) => own.has(a.productId)),
          listings.filter((l) => own.has(l.productId)),
        ),
        listings: inForce.filter((l) => own.has(l.productId)),
        winners: winners
          .filter((w) => own.has(w.productId))
          .map((w) => ({
            productId: w.productId,
            supplierId: w.supplierId,
            lotId: w.lotId,
            winningUnitPrice: w.unitPrice,
            suppliedRegions: w.suppliedRegions,
          })),
        manufacturers,
      };
      const result = evaluateGroup(input, configs);
      hits.push(...result.hits);
      stats.push(...result.stats);
    }
    return { hits, stats };
  }
}

/** Months the time-series rules look back (and so the months ahead a change reaches). */
export function lookBack(configs: RuleConfig[]): number {
  const abrupt = configs.find((c) => c.code === 'abrupt_change');
  const spike = configs.find((c) => c.code === 'quantity_spike');
  const window = abrupt
    ? (abrupt.parameters as typeof DEFAULT_PARAMETERS.abrupt_change).cusumWindowMonths
    : DEFAULT_PARAMETERS.abrupt_change.cusumWindowMonths;
  const months = spike
    ? (spike.parameters as typeof DEFAULT_PARAMETERS.quantity_spike).windowMonths
    : DEFAULT_PARAMETERS.quantity_spike.windowMonths;
  return Math.max(window - 1, months, 1);
}

export function view(run: EvaluationRun): EvaluationRunView {
  return {
    id: run.id,
    runKey: run.runKey,
    kind: run.kind,
    periods: run.periods ? run.periods.split(',') : [],
    batchId: run.batchId,
    status: run.status,
    keyCount: run.keyCount,
    hitCount: run.hitCount,
    newAlerts: run.newAlerts,
    updatedAlerts: run.updatedAlerts,
    clearedAlerts: run.clearedAlerts,
    message: run.message,
    requestedBy: run.requestedBy,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt ? run.finishedAt.toISOString() : null,
  };
}
