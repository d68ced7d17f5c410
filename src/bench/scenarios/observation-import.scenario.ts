import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchApp } from '../bench-app';
import { EvaluationRun } from '../../modules/monitoring/evaluation/evaluation-run.entity';
import {
  Observation,
  ObservationBatch,
} from '../../modules/monitoring/observations/observation.entity';
import {
  EXTERNAL_REFERENCE_PERIOD,
  externalReferenceCapacity,
} from '../domain/external-references';
import { formatNumber, BenchResult } from '../domain/report';
import type { BenchContext, Scenario } from '../scenario';
import { ImportRecord, measureWorkbookImport } from './workbook-import';

const NAME = 'observation-import';
const KIND = 'monitoring.external';
const POLL_MS = 500;

/**
 * What the import wrote: its observation batch, committed with every row, and that many
 * observations under it.
 */
async function checkObservations(
  app: BenchApp,
  record: ImportRecord,
  rows: number,
): Promise<ObservationBatch> {
  const batch = await app.dataSource
    .getRepository(ObservationBatch)
    .findOneBy({ importFileId: record.id });
  if (!batch) throw new Error(`import ${record.id} has no observation batch`);
  if (batch.status !== 'committed' || batch.rowCount !== rows || batch.insertedCount !== rows)
    throw new Error(
      `observation batch ${batch.id} of import ${record.id} is ${batch.status} with ${batch.rowCount} rows, ${batch.insertedCount} inserted; expected ${rows}`,
    );
  const stored = await app.dataSource
    .getRepository(Observation)
    .createQueryBuilder('o')
    .where('o.batchId = :id AND o.source = :source', { id: batch.id, source: 'external' })
    .getCount();
  if (stored !== rows)
    throw new Error(`observation batch ${batch.id} holds ${stored} observations, not ${rows}`);
  return batch;
}

/**
 * The rules' evaluation of the batch, enqueued once the import committed. Waited for (not
 * measured) so that it does not run under the next scenario's measurement; a run that does not
 * show up in time is reported, not fatal.
 */
async function evaluationOf(
  app: BenchApp,
  batchId: string,
  timeoutMs: number,
): Promise<{ status: string; ms: number }> {
  const started = performance.now();
  const maxPolls = Math.ceil(timeoutMs / POLL_MS) + 1;
  for (let poll = 0; poll < maxPolls && performance.now() - started < timeoutMs; poll++) {
    const run = await app.dataSource
      .getRepository(EvaluationRun)
      .findOneBy({ runKey: `batch:${batchId}` });
    if (run && (run.status === 'succeeded' || run.status === 'failed'))
      return { status: run.status, ms: performance.now() - started };
    await sleep(POLL_MS);
  }
  return { status: 'not finished', ms: performance.now() - started };
}

/**
 * §N Excel import of observation rows: a `monitoring.external` workbook of external reference
 * prices of the dataset's products (1 M rows at province scale, the §N file; 100,000 at small),
 * filled into the service's template and uploaded by a pricing analyst, followed until
 * committed, against exceljs's streaming reader alone reading the same file; peak RSS sampled
 * meanwhile (scenarios/workbook-import.ts).
 */
export const observationImportScenario: Scenario = {
  name: NAME,
  description: `${KIND} workbook (external reference prices) import vs exceljs stream-parsing the same file; peak RSS`,
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const app = await ctx.app();
    const rows = ctx.scale.observationImportRows;
    const productCodes = app.dataset.productCodes;
    const capacity = externalReferenceCapacity(productCodes.length);
    if (rows > capacity)
      throw new Error(
        `${productCodes.length} products allow ${capacity} distinct references, not ${rows}`,
      );
    return measureWorkbookImport(ctx, app, {
      scenario: NAME,
      rows,
      source: { kind: KIND, productCodes },
      token: app.analystToken,
      targetSource: '§N, usage/observation import',
      async verify(record) {
        const batch = await checkObservations(app, record, rows);
        ctx.progress(
          `  batch ${batch.id}: ${formatNumber(rows)} external observations of ${EXTERNAL_REFERENCE_PERIOD}; waiting for its evaluation`,
        );
        const evaluation = await evaluationOf(app, batch.id, 120_000 + rows / 5);
        ctx.progress(
          `  evaluation ${evaluation.status} after ${formatNumber(evaluation.ms / 1000)} s`,
        );
        return {
          batchId: batch.id,
          observations: rows,
          evaluation: evaluation.status,
          evaluationWaitMs: evaluation.ms,
        };
      },
    });
  },
};
