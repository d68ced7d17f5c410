import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Clock } from '../../../common/clock';
import { duplicateKeyError } from '../../../common/errors/unique-constraints';
import { TransactionRunner } from '../../../database/transaction-runner';
import { Chunk, DEFAULT_CHUNK_ROWS, planChunks } from '../observations/domain/chunks';
import { ObservationRow } from '../observations/domain/observation-rows';
import { ObservationBatches, OpenBatch } from '../observations/observation-batches.service';
import { BulkChunk, ObservationBatch } from '../observations/observation.entity';
import { insertObservations } from './observation-writer';

export interface BulkLoadResult {
  batchId: string;
  rows: number;
  inserted: number;
  chunks: number;
  /** Chunks found committed by an earlier run of the same load and skipped. */
  resumedChunks: number;
}

export interface BulkLoadOptions {
  chunkRows?: number;
  /** Called after every committed chunk. */
  onChunk?: (chunk: Chunk, done: number, total: number) => void;
}

/**
 * §M1 / §N bulk loads of millions of observations. A load is one batch (keyed by the caller's
 * batch key) of `total` rows produced by `rowsOf(chunk)` for any row range; each chunk is one
 * transaction holding its multi-row inserts and its `monitoring_bulk_chunks` mark, so a load
 * that stops half-way is started again with the same key and continues with the first chunk not
 * marked, never writing a row twice.
 */
@Injectable()
export class ObservationBulkLoader {
  constructor(
    @InjectRepository(BulkChunk) private readonly chunkMarks: Repository<BulkChunk>,
    private readonly tx: TransactionRunner,
    private readonly batches: ObservationBatches,
    private readonly clock: Clock,
  ) {}

  async load(
    spec: OpenBatch,
    total: number,
    rowsOf: (chunk: Chunk) => readonly ObservationRow[] | Promise<readonly ObservationRow[]>,
    options: BulkLoadOptions = {},
  ): Promise<BulkLoadResult> {
    const batch = await this.openOrResume(spec);
    const done = new Set(
      (
        await this.chunkMarks.find({ where: { batchId: batch.id }, select: { firstRow: true } })
      ).map((c) => c.firstRow),
    );
    const plan = planChunks(total, options.chunkRows ?? DEFAULT_CHUNK_ROWS, done);
    let written = 0;
    for (const chunk of plan) {
      const rows = await rowsOf(chunk);
      if (rows.length !== chunk.lastRow - chunk.firstRow + 1)
        throw new Error(
          `rows ${chunk.firstRow}–${chunk.lastRow}: ${rows.length} rows produced for the range`,
        );
      try {
        await this.tx.run(async (m) => {
          // The mark first: a concurrent run of the same load fails here, not after the rows.
          await m.getRepository(BulkChunk).insert({
            batchId: batch.id,
            firstRow: chunk.firstRow,
            lastRow: chunk.lastRow,
            insertedCount: 0,
            committedAt: this.clock.now(),
          });
          const inserted = await insertObservations(m, batch.id, rows, this.clock.now());
          await m
            .getRepository(BulkChunk)
            .update({ batchId: batch.id, firstRow: chunk.firstRow }, { insertedCount: inserted });
        });
      } catch (err) {
        // Another run committed this chunk meanwhile: it is done either way.
        if (!duplicateKeyError(err)) throw err;
      }
      written++;
      options.onChunk?.(chunk, written, plan.length);
    }
    const sums: Array<{ n: string | number | null }> = await this.chunkMarks.manager.query(
      'SELECT SUM(inserted_count) AS n FROM monitoring_bulk_chunks WHERE batch_id = ?',
      [batch.id],
    );
    const inserted = Number(sums[0]?.n ?? 0);
    await this.tx.run((m) => this.batches.commit(m, batch.id, total, inserted));
    await this.batches.committed(batch.id);
    return {
      batchId: batch.id,
      rows: total,
      inserted,
      chunks: plan.length + done.size,
      resumedChunks: done.size,
    };
  }

  private async openOrResume(spec: OpenBatch): Promise<ObservationBatch> {
    const existing = await this.batches.findByKey(spec.batchKey);
    if (existing) return existing;
    try {
      return await this.tx.run((m) => this.batches.open(m, spec));
    } catch (err) {
      if (!duplicateKeyError(err)) throw err;
      return (await this.batches.findByKey(spec.batchKey))!;
    }
  }
}
