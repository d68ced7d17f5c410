import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { XLSX_CONTENT_TYPE } from '../../modules/imports/excel/template-writer';
import { RUNNABLE_STATUSES, ImportStatus } from '../../modules/imports/import-file.entity';
import type { BenchApp } from '../bench-app';
import { formatNumber, result, BenchResult } from '../domain/report';
import { perSecond } from '../domain/stats';
import { fillTemplate, RowSource, timeStreamParse } from '../excel/workbook-tasks';
import { bearer, callJson, download, uploadFile } from '../http-client';
import type { BenchContext } from '../scenario';

/**
 * The §N Excel import measurement shared by the import scenarios: a workbook of generated rows
 * filled into the service's own template, exceljs's streaming reader alone reading the same
 * file (the reference), then the upload followed until committed while the peak RSS of this
 * process is sampled.
 */

const POLL_MS = 250;
const RSS_SAMPLE_MS = 100;
const MB = 1024 * 1024;
/** §N: peak RSS below 300 MB for a 1 M-row file. */
const RSS_BOUND_MB = 300;
/** §N: an import at 60 % or more of exceljs's streaming read rate. */
const RATE_RATIO = 0.6;

export interface ImportRecord {
  id: string;
  status: ImportStatus;
  rowsTotal: number;
  rowsWritten: number;
  message: string | null;
  executedBy: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  problems?: { row: number; column: string | null; message: string }[];
}

export interface WorkbookImport {
  /** The scenario the results belong to. */
  scenario: string;
  /** Data rows of the workbook. */
  rows: number;
  /** The kind's rows: its name is the import kind, of the template and of the upload. */
  source: RowSource;
  /** Bearer token of the uploader (a role the kind allows). */
  token: string;
  /** Where the rate target is stated, shown with it. */
  targetSource: string;
  /**
   * Checks what a committed import wrote, after the RSS sampling; throws when it is wrong.
   * Its details join the rate result's.
   */
  verify(record: ImportRecord): Promise<Record<string, number | string>>;
}

/** The peak resident set size of this process (API, worker and bench) while it runs. */
function rssSampler() {
  const baselineBytes = process.memoryUsage.rss();
  let peakBytes = baselineBytes;
  const timer = setInterval(() => {
    peakBytes = Math.max(peakBytes, process.memoryUsage.rss());
  }, RSS_SAMPLE_MS);
  return {
    baselineBytes,
    stop(): number {
      clearInterval(timer);
      return Math.max(peakBytes, process.memoryUsage.rss());
    },
  };
}

async function untilFinished(
  baseUrl: string,
  headers: Record<string, string>,
  id: string,
  timeoutMs: number,
): Promise<ImportRecord> {
  const deadline = performance.now() + timeoutMs;
  const maxPolls = Math.ceil(timeoutMs / POLL_MS) + 1;
  for (let poll = 0; poll < maxPolls && performance.now() < deadline; poll++) {
    const record = await callJson<ImportRecord>(baseUrl, {
      path: `/api/v1/imports/${id}`,
      headers,
    });
    if (!RUNNABLE_STATUSES.includes(record.status)) return record;
    await sleep(POLL_MS);
  }
  throw new Error(`import ${id} did not finish within ${Math.round(timeoutMs / 1000)} s`);
}

/** Runs the measurement; two results: the rate against the reference, and the peak RSS. */
export async function measureWorkbookImport(
  ctx: BenchContext,
  app: BenchApp,
  spec: WorkbookImport,
): Promise<BenchResult[]> {
  const { rows, scenario } = spec;
  const kind = spec.source.kind;
  const headers = bearer(spec.token);

  const template = await download(app.baseUrl, `/api/v1/imports/templates/${kind}`, headers);
  const file = join(app.workDir, `${kind}-${ctx.prefix}.xlsx`);
  const workbookLimitMs = 60_000 + rows * 2;
  ctx.progress(`writing a ${kind} workbook of ${formatNumber(rows)} rows into the template`);
  await fillTemplate(
    { template, path: file, rows, source: spec.source },
    workbookLimitMs,
    ctx.progress,
  );
  const { size } = await stat(file);
  ctx.progress(`  ${formatNumber(size / MB)} MB`);

  ctx.progress('reference: exceljs stream-parsing the same file');
  const reference = await timeStreamParse(file, workbookLimitMs);
  const referenceRate = perSecond(rows, reference.elapsedMs);
  ctx.progress(
    `  ${formatNumber(referenceRate)} rows/s (${formatNumber(reference.elapsedMs / 1000)} s)`,
  );

  ctx.progress(`upload through POST /api/v1/imports/${kind} until committed`);
  const timeoutMs = 120_000 + rows * 5;
  const rss = rssSampler();
  const started = performance.now();
  let record: ImportRecord;
  let uploadMs: number;
  let peakRssBytes: number;
  try {
    const created = await uploadFile<ImportRecord>(
      app.baseUrl,
      `/api/v1/imports/${kind}`,
      headers,
      { path: file, field: 'file', contentType: XLSX_CONTENT_TYPE },
      202,
      timeoutMs,
    );
    uploadMs = performance.now() - started;
    record = await untilFinished(app.baseUrl, headers, created.id, timeoutMs);
  } finally {
    peakRssBytes = rss.stop();
  }
  const elapsedMs = performance.now() - started;
  if (record.status !== 'committed' || record.rowsWritten !== rows)
    throw new Error(
      `import ${record.id} ended ${record.status} with ${record.rowsWritten} of ${rows} rows written: ${record.message ?? ''} ${JSON.stringify((record.problems ?? []).slice(0, 5))}`,
    );
  const rate = perSecond(rows, elapsedMs);
  const peakMb = peakRssBytes / MB;
  ctx.progress(
    `  ${formatNumber(rate)} rows/s (${formatNumber(elapsedMs / 1000)} s), peak RSS ${formatNumber(peakMb)} MB`,
  );
  const verified = await spec.verify(record);

  const processingMs =
    record.startedAt && record.finishedAt
      ? Date.parse(record.finishedAt) - Date.parse(record.startedAt)
      : NaN;
  return [
    result({
      scenario,
      measure: `${kind} import, ${formatNumber(rows)} rows`,
      measured: { value: rate, unit: 'rows/s', note: `${formatNumber(elapsedMs / 1000)} s` },
      reference: {
        value: referenceRate,
        unit: 'rows/s',
        note: `${formatNumber(reference.elapsedMs / 1000)} s`,
        label: 'exceljs stream read',
      },
      target: { on: 'ratio', op: '>=', value: RATE_RATIO, source: spec.targetSource },
      details: {
        rows,
        fileBytes: size,
        importMs: elapsedMs,
        uploadMs,
        processingMs,
        referenceMs: reference.elapsedMs,
        referenceRowsRead: reference.rows,
        executedBy: record.executedBy ?? '',
        ...verified,
      },
    }),
    result({
      scenario,
      measure: 'peak RSS during the import',
      measured: {
        value: peakMb,
        unit: 'MB',
        note: `${formatNumber(rows)} rows; ${formatNumber(rss.baselineBytes / MB)} MB before the upload`,
      },
      reference: { value: RSS_BOUND_MB, unit: 'MB', label: '§N bound' },
      target: { on: 'measured', op: '<', value: RSS_BOUND_MB, source: '§N, for a 1 M-row file' },
      details: {
        peakRssBytes,
        baselineRssBytes: rss.baselineBytes,
        sampleEveryMs: RSS_SAMPLE_MS,
        process: app.config.redisUrl
          ? 'API, worker and bench in one process'
          : 'API and bench in one process',
      },
    }),
  ];
}
