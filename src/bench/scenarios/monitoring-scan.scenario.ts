import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../../app.module';
import { JsonLogger } from '../../common/logging/json-logger';
import { loadConfig } from '../../config/config';
import { dialectOf } from '../../database/dialect';
import { TransactionRunner } from '../../database/transaction-runner';
import { insertObservations } from '../../modules/monitoring/bulk/observation-writer';
import { EvaluationService } from '../../modules/monitoring/evaluation/evaluation.service';
import { ObservationRow } from '../../modules/monitoring/observations/domain/observation-rows';
import { periodBounds } from '../../modules/monitoring/rules/domain/periods';
import { formatNumber, result, BenchResult } from '../domain/report';
import type { BenchContext, Scenario } from '../scenario';
import {
  OBSERVATION_BENCH_FIRST_PERIOD,
  observationBenchRow,
  observationWorld,
} from './observations.scenario';

const NAME = 'monitoring-scan';
/** §N: 10 M observations at province scale on MySQL; 1 M at small. SQLite holds a tenth. */
const ROWS = {
  mysql: { small: 1_000_000, province: 10_000_000 },
  sqlite: { small: 100_000, province: 1_000_000 },
} as const;
const TARGET_RATIO = 3;
/** Rows per committed insert transaction while generating. */
const ROWS_PER_TRANSACTION = 20_000;

/**
 * The reference: one SQL pass computing every product's median unit price of the month over the
 * same rows. MariaDB has `MEDIAN() OVER`; SQLite has neither it nor PERCENTILE_CONT, so the
 * middle row(s) are picked with ROW_NUMBER / COUNT windows.
 */
function medianSql(mysql: boolean): string {
  const where = 'observed_on >= ? AND observed_on <= ? AND period = ?';
  return mysql
    ? `SELECT DISTINCT product_id, MEDIAN(unit_price) OVER (PARTITION BY product_id) AS median FROM monitoring_observations WHERE ${where}`
    : `SELECT product_id, AVG(unit_price) AS median FROM (SELECT product_id, unit_price, ROW_NUMBER() OVER (PARTITION BY product_id ORDER BY unit_price) AS rn, COUNT(*) OVER (PARTITION BY product_id) AS n FROM monitoring_observations WHERE ${where}) ranked WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY product_id`;
}

/**
 * §N "full monitoring scan of 10 M observations ≤ 3 × one SQL pass that computes the
 * per-product monthly median over the same rows". Generates the month's observations with the
 * observations scenario's generator (every row in one month, written with multi-row inserts,
 * no batch: nothing triggers an incremental run; rows an earlier run left in the month are
 * reused), then times the full scan of that month (the
 * real EvaluationService path: SQL aggregate, rules, statistics and alert upserts) against the
 * median query.
 */
export const monitoringScanScenario: Scenario = {
  name: NAME,
  description:
    'full monthly monitoring scan of 10 M observations (1 M at small) vs one SQL per-product median pass',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const workDir = mkdtempSync(join(tmpdir(), 'jicai-bench-monitoring-'));
    let app: INestApplicationContext | null = null;
    try {
      const config = loadConfig({
        DATA_DIR: workDir,
        JWT_SECRET: randomBytes(48).toString('base64url'),
        BOOTSTRAP_ADMIN_PASSWORD: `${randomBytes(18).toString('base64url')}7k`,
        QUEUE_PREFIX: `jicai-bench-${ctx.prefix.toLowerCase()}-monitoring`,
        LOG_LEVEL: 'warn',
        ROUND_TIMER_SECONDS: String(7 * 24 * 3600),
        OBSERVATION_DERIVE_SECONDS: String(7 * 24 * 3600),
        MONITORING_SCAN_SECONDS: String(7 * 24 * 3600),
      });
      app = await NestFactory.createApplicationContext(AppModule.forRoot(config), {
        logger: new JsonLogger('warn', process.stderr),
      });
      const source = app.get(DataSource);
      const mysql = dialectOf(source) === 'mysql';
      const total = ROWS[mysql ? 'mysql' : 'sqlite'][ctx.scale.name];
      const tx = app.get(TransactionRunner);
      const world = await observationWorld(source, tx, ctx);
      // One month for the whole scan: the generator's first month, day kept.
      const period = OBSERVATION_BENCH_FIRST_PERIOD;
      const rowAt = (i: number): ObservationRow => {
        const row = observationBenchRow(i, world);
        return {
          ...row,
          sourceRef: `scan:${ctx.prefix}:${i}`,
          observedOn: `${period}${row.observedOn.slice(7)}`,
          period,
        };
      };
      // Rows an earlier run generated in the month are scanned again rather than doubled:
      // generating 10 M rows takes longer than the scan being measured.
      const [{ earlier }] = await source.query<Array<{ earlier: string | number }>>(
        "SELECT COUNT(*) AS earlier FROM monitoring_observations WHERE period = ? AND source_ref LIKE 'scan:%'",
        [period],
      );
      if (Number(earlier) >= total) {
        ctx.progress(
          `monitoring-scan: ${formatNumber(Number(earlier))} rows of an earlier run already in ${period}; not generating more`,
        );
      } else {
        const now = new Date();
        for (let first = 0; first < total; first += ROWS_PER_TRANSACTION) {
          const last = Math.min(first + ROWS_PER_TRANSACTION, total);
          const rows: ObservationRow[] = [];
          for (let i = first; i < last; i++) rows.push(rowAt(i));
          await tx.run((m) => insertObservations(m, null, rows, now));
          if ((first / ROWS_PER_TRANSACTION) % 10 === 0) {
            ctx.progress(`monitoring-scan: ${formatNumber(last)} / ${formatNumber(total)} rows`);
          }
        }
      }
      const { first, last } = periodBounds(period);
      const [{ n }] = await source.query<Array<{ n: string | number }>>(
        'SELECT COUNT(*) AS n FROM monitoring_observations WHERE observed_on >= ? AND observed_on <= ? AND period = ?',
        [first, last, period],
      );
      const rowsScanned = Number(n);

      // Reference first (warms the same pages the scan reads), then the measured scan.
      const refStart = performance.now();
      const medians = await source.query<unknown[]>(medianSql(mysql), [first, last, period]);
      const referenceMs = performance.now() - refStart;
      const evaluations = app.get(EvaluationService);
      const scanStart = performance.now();
      const run = await evaluations.scanNow(period, `bench:${ctx.prefix}:${period}`);
      const scanMs = performance.now() - scanStart;
      ctx.progress(
        `monitoring-scan: scan ${formatNumber(scanMs / 1000)} s, median pass ${formatNumber(referenceMs / 1000)} s`,
      );
      return [
        result({
          scenario: NAME,
          measure: `full monthly scan: ${formatNumber(rowsScanned)} observations`,
          measured: {
            value: scanMs / 1000,
            unit: 's',
            note: `${run.keyCount} generics, ${run.hitCount} hits, ${run.newAlerts} new alerts`,
          },
          reference: {
            value: referenceMs / 1000,
            unit: 's',
            label: `one SQL per-product median pass (${medians.length} products)`,
          },
          target: { on: 'ratio', op: '<=', value: TARGET_RATIO, source: '§N, monitoring scan' },
          details: {
            rows: rowsScanned,
            period,
            runId: run.id,
            scanMs: Math.round(scanMs),
            referenceMs: Math.round(referenceMs),
            hits: run.hitCount,
            newAlerts: run.newAlerts,
            updatedAlerts: run.updatedAlerts,
            generics: run.keyCount,
            database: config.database.type,
          },
        }),
      ];
    } finally {
      if (app) await app.close();
      rmSync(workDir, { recursive: true, force: true });
    }
  },
};
