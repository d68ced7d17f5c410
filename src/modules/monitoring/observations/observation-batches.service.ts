import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { Clock } from '../../../common/clock';
import { TransactionRunner } from '../../../database/transaction-runner';
import { JobHandlerRegistry } from '../../../jobs/handler-registry';
import { JobHandler, JobQueue } from '../../../jobs/job-queue';
import { ObservationBatch, ObservationBatchKind, ObservationSource } from './observation.entity';

/** §M8 the contract with the rules: one evaluation per committed observation batch. */
export const EVALUATE_BATCH = { queue: 'monitoring', name: 'evaluate-batch' } as const;

/**
 * Enqueues the evaluation of a batch whose commit happened inside someone else's transaction
 * (an Excel import's): it retries until the batch is seen committed.
 */
export const DISPATCH_BATCH = { queue: 'monitoring', name: 'dispatch-batch' } as const;

export function evaluateJobId(batchId: string): string {
  return `evaluate-batch:${batchId}`;
}

/** Thrown by the dispatch job while the batch is not (yet) seen committed: the queue retries. */
class BatchNotCommitted extends Error {}

export interface OpenBatch {
  kind: ObservationBatchKind;
  source: ObservationSource | null;
  batchKey: string;
  period?: string | null;
  organisationId?: string | null;
  importFileId?: string | null;
  contentHash?: string | null;
  createdBy: string;
}

/**
 * §M1 the loads of observations: opening and committing a batch row, and telling the rules
 * (§M8) a batch is there. Also the read side the rules may use (`periodsOfBatch`,
 * `productsOfBatch`).
 */
@Injectable()
export class ObservationBatches implements JobHandler<{ batchId: string }> {
  readonly queue = DISPATCH_BATCH.queue;
  readonly name = DISPATCH_BATCH.name;
  private readonly logger = new Logger('monitoring');

  constructor(
    @InjectRepository(ObservationBatch) private readonly batches: Repository<ObservationBatch>,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly jobs: JobQueue,
    private readonly handlers: JobHandlerRegistry,
  ) {}

  /** Inserts the batch row (status `loading`) inside the caller's transaction. */
  open(m: EntityManager, spec: OpenBatch): Promise<ObservationBatch> {
    const repo = m.getRepository(ObservationBatch);
    return repo.save(
      repo.create({
        kind: spec.kind,
        source: spec.source,
        batchKey: spec.batchKey,
        period: spec.period ?? null,
        organisationId: spec.organisationId ?? null,
        importFileId: spec.importFileId ?? null,
        contentHash: spec.contentHash ?? null,
        status: 'loading',
        rowCount: 0,
        insertedCount: 0,
        message: null,
        createdBy: spec.createdBy,
        createdAt: this.clock.now(),
        committedAt: null,
        evaluationEnqueuedAt: null,
      }),
    );
  }

  /** Marks the batch committed with its counts, inside the caller's transaction. */
  async commit(
    m: EntityManager,
    batchId: string,
    rowCount: number,
    insertedCount: number,
    message: string | null = null,
  ): Promise<void> {
    await m
      .getRepository(ObservationBatch)
      .update(
        { id: batchId },
        { status: 'committed', rowCount, insertedCount, message, committedAt: this.clock.now() },
      );
  }

  async findByKey(batchKey: string, m?: EntityManager): Promise<ObservationBatch | null> {
    return (m ? m.getRepository(ObservationBatch) : this.batches).findOneBy({ batchKey });
  }

  /**
   * After commit: enqueues the rules' evaluation of the batch under its deterministic job id and
   * notes that it did. Until the rules register their handler nothing is enqueued (an unknown
   * job would fail in-process and wait forever on BullMQ); the periodic sweep catches up.
   */
  async committed(batchId: string): Promise<boolean> {
    if (!this.handlers.get(EVALUATE_BATCH.queue, EVALUATE_BATCH.name)) return false;
    await this.jobs.enqueue(
      EVALUATE_BATCH.queue,
      EVALUATE_BATCH.name,
      { batchId },
      { jobId: evaluateJobId(batchId) },
    );
    await this.batches.update(
      { id: batchId, evaluationEnqueuedAt: IsNull() },
      { evaluationEnqueuedAt: this.clock.now() },
    );
    return true;
  }

  /** Enqueued from inside an import's transaction: runs once that transaction has committed. */
  async dispatchLater(batchId: string): Promise<void> {
    await this.jobs.enqueue(
      DISPATCH_BATCH.queue,
      DISPATCH_BATCH.name,
      { batchId },
      { jobId: `dispatch-batch:${batchId}`, attempts: 8 },
    );
  }

  async handle(payload: { batchId: string }): Promise<void> {
    // Through the runner: on SQLite it queues behind the import's still-open transaction.
    const batch = await this.tx.run((m) =>
      m.getRepository(ObservationBatch).findOneBy({ id: String(payload.batchId) }),
    );
    if (!batch || batch.status !== 'committed')
      throw new BatchNotCommitted(`observation batch ${payload.batchId} is not committed (yet)`);
    if (batch.evaluationEnqueuedAt === null) await this.committed(batch.id);
  }

  /** Committed batches whose evaluation was never enqueued (a crash, or no rules yet). */
  async sweep(limit = 500): Promise<number> {
    if (!this.handlers.get(EVALUATE_BATCH.queue, EVALUATE_BATCH.name)) return 0;
    const due = await this.batches.find({
      where: { status: 'committed', evaluationEnqueuedAt: IsNull() },
      order: { id: 'ASC' },
      take: limit,
    });
    for (const b of due) await this.committed(b.id);
    if (due.length)
      this.logger.log({ msg: 'observation batches sent to evaluation', n: due.length });
    return due.length;
  }

  /** The periods (YYYY-MM) a batch has observations in. */
  async periodsOfBatch(batchId: string): Promise<string[]> {
    const rows: Array<{ period: string }> = await this.batches.manager.query(
      'SELECT DISTINCT period FROM monitoring_observations WHERE batch_id = ? ORDER BY period',
      [batchId],
    );
    return rows.map((r) => r.period);
  }

  /** The products a batch has observations of. */
  async productsOfBatch(batchId: string): Promise<string[]> {
    const rows: Array<{ product_id: string | number }> = await this.batches.manager.query(
      'SELECT DISTINCT product_id FROM monitoring_observations WHERE batch_id = ? ORDER BY product_id',
      [batchId],
    );
    return rows.map((r) => String(r.product_id));
  }
}
