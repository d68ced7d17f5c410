import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { once } from 'node:events';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { AppModule } from '../../app.module';
import { JsonLogger } from '../../common/logging/json-logger';
import { loadConfig } from '../../config/config';
import { dialectOf } from '../../database/dialect';
import { TransactionRunner } from '../../database/transaction-runner';
import { Product } from '../../modules/catalog/products/product.entity';
import { Organisation } from '../../modules/identity/organisations/organisation.entity';
import { ObservationBulkLoader } from '../../modules/monitoring/bulk/observation-bulk-loader.service';
import { ROWS_PER_STATEMENT, slices } from '../../modules/monitoring/observations/domain/chunks';
import {
  genericKey,
  ObservationRow,
} from '../../modules/monitoring/observations/domain/observation-rows';
import { addMonths } from '../../modules/monitoring/observations/domain/partitions';
import { loadDataset } from '../dataset';
import { DATASET_DRUG_TAG, planDataset } from '../domain/dataset-plan';
import { formatNumber, result, BenchResult } from '../domain/report';
import type { BenchContext, Scenario } from '../scenario';

const NAME = 'observations';
/** §N: 10 M observations on MySQL at province scale; SQLite (embedded) holds a tenth. */
const ROWS = {
  mysql: { small: 1_000_000, province: 10_000_000 },
  sqlite: { small: 100_000, province: 1_000_000 },
} as const;
const TARGET_RATIO = 0.5;

/** The twelve months the generated observations fall in. */
export const OBSERVATION_BENCH_FIRST_PERIOD = '2025-01';
export const OBSERVATION_BENCH_MONTHS = 12;

/** What the generator draws on: the dataset's hospitals (with regions) and products. */
export interface ObservationWorld {
  prefix: string;
  hospitals: ReadonlyArray<{ id: string; regionCode: string }>;
  products: ReadonlyArray<{
    id: string;
    genericKey: string;
    categoryPath: string | null;
    manufacturerId: string;
  }>;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/**
 * Row `i` of the bench's observations, deterministic: purchases spread over twelve months,
 * every hospital and product, a product's prices within ±10 % of its own level (integer
 * micro-units, so no float touches a price). Exported so other scenarios (the monitoring scan)
 * generate or recognise the same data.
 */
export function observationBenchRow(i: number, world: ObservationWorld): ObservationRow {
  const product = world.products[(i * 31) % world.products.length];
  const hospital = world.hospitals[Math.floor(i / 12) % world.hospitals.length];
  const period = addMonths(OBSERVATION_BENCH_FIRST_PERIOD, i % OBSERVATION_BENCH_MONTHS);
  const observedOn = `${period}-${pad(1 + ((i * 7) % 28), 2)}`;
  const productIndex = (i * 31) % world.products.length;
  const baseMicros = 1_000_000 + (productIndex % 50) * 370_000;
  const micros = Math.floor((baseMicros * (100 + (((i * 13) % 21) - 10))) / 100);
  return {
    source: 'purchase',
    sourceRef: `bench:${world.prefix}:${i}`,
    productId: product.id,
    genericKey: product.genericKey,
    category: 'drug',
    categoryPath: product.categoryPath,
    regionCode: hospital.regionCode,
    hospitalId: hospital.id,
    supplierId: product.manufacturerId,
    unitPrice: `${Math.floor(micros / 1_000_000)}.${pad(micros % 1_000_000, 6)}`,
    comparablePrice: null,
    quantity: `${1 + (i % 500)}.000`,
    observedOn,
    period,
    referenceKind: null,
  };
}

const CSV_COLUMNS =
  'source, source_ref, batch_id, product_id, generic_key, category, category_path, region_code, hospital_id, supplier_id, unit_price, comparable_price, quantity, observed_on, period, reference_kind, created_at';

function csvLine(r: ObservationRow, createdAt: string): string {
  const v = (x: string | null) => (x === null ? '\\N' : x.replace(/[\t\n\\]/g, ' '));
  return (
    [
      r.source,
      r.sourceRef,
      null,
      r.productId,
      r.genericKey,
      r.category,
      r.categoryPath,
      r.regionCode,
      r.hospitalId,
      r.supplierId,
      r.unitPrice,
      r.comparablePrice,
      r.quantity,
      r.observedOn,
      r.period,
      r.referenceKind,
      createdAt,
    ]
      .map(v)
      .join('\t') + '\n'
  );
}

/**
 * §N "bulk observation load: ≥ 50 % of LOAD DATA / multi-row INSERT speed of the same rows".
 * Loads N generated observations through ObservationBulkLoader (chunked, one transaction per
 * chunk, restartable) into `monitoring_observations`, then the same rows as a tab-separated file
 * with `LOAD DATA LOCAL INFILE` into a scratch copy of the table (same columns, indexes and
 * partitions), and compares rows per second. SQLite has no LOAD DATA: its reference is one
 * transaction of plain multi-row INSERTs. The loaded observations stay for later scans.
 */
export const observationsScenario: Scenario = {
  name: NAME,
  description:
    'bulk-load 10 M observations (1 M at small) through the chunked loader vs LOAD DATA LOCAL INFILE',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const workDir = mkdtempSync(join(tmpdir(), 'jicai-bench-observations-'));
    const scratch = `bench_${ctx.prefix.toLowerCase()}_obs`;
    let app: INestApplicationContext | null = null;
    let ds: DataSource | null = null;
    try {
      const config = loadConfig({
        DATA_DIR: workDir,
        JWT_SECRET: randomBytes(48).toString('base64url'),
        BOOTSTRAP_ADMIN_PASSWORD: `${randomBytes(18).toString('base64url')}7k`,
        QUEUE_PREFIX: `jicai-bench-${ctx.prefix.toLowerCase()}-observations`,
        LOG_LEVEL: 'warn',
        ROUND_TIMER_SECONDS: String(7 * 24 * 3600),
        OBSERVATION_DERIVE_SECONDS: String(7 * 24 * 3600),
      });
      app = await NestFactory.createApplicationContext(AppModule.forRoot(config), {
        logger: new JsonLogger('warn', process.stderr),
      });
      const source = app.get(DataSource);
      ds = source;
      const mysql = dialectOf(source) === 'mysql';
      const total = ROWS[mysql ? 'mysql' : 'sqlite'][ctx.scale.name];

      const world = await observationWorld(source, app.get(TransactionRunner), ctx);
      const rowsOf = (first: number, last: number) => {
        const out: ObservationRow[] = new Array<ObservationRow>(last - first + 1);
        for (let i = first; i <= last; i++) out[i - first] = observationBenchRow(i, world);
        return out;
      };

      // Measured: the service's bulk path.
      const loader = app.get(ObservationBulkLoader);
      const started = performance.now();
      const loaded = await loader.load(
        {
          kind: 'bulk',
          source: 'purchase',
          batchKey: `bulk:bench-${ctx.prefix}`,
          createdBy: 'bench',
        },
        total,
        (c) => rowsOf(c.firstRow, c.lastRow),
        {
          onChunk: (_c, done, of) => {
            if (done % 25 === 0 || done === of)
              ctx.progress(
                `bulk loader: ${formatNumber(Math.min(done * 20_000, total))} / ${formatNumber(total)} rows`,
              );
          },
        },
      );
      const loadMs = performance.now() - started;
      if (loaded.inserted !== total)
        throw new Error(`bulk loader inserted ${loaded.inserted} of ${total} rows`);

      // Reference: the machine's own limit for the same rows into an identical empty table.
      let referenceMs: number;
      let referenceLabel: string;
      const createdAt = new Date().toISOString().replace('T', ' ').slice(0, 23);
      if (mysql) {
        await source.query(`CREATE TABLE ${scratch} LIKE monitoring_observations`);
        const file = join(workDir, 'observations.tsv');
        const out = createWriteStream(file);
        for (let first = 0; first < total; first += 50_000) {
          const rows = rowsOf(first, Math.min(first + 50_000, total) - 1);
          const ok = out.write(rows.map((r) => csvLine(r, createdAt)).join(''));
          if (!ok) await once(out, 'drain');
        }
        out.end();
        await once(out, 'finish');
        ctx.progress(
          `reference file written; LOAD DATA LOCAL INFILE of ${formatNumber(total)} rows`,
        );
        const conn = await createConnection({
          uri: config.database.type === 'mysql' ? config.database.url : '',
          flags: ['+LOCAL_FILES'],
          infileStreamFactory: () => createReadStream(file),
        });
        try {
          const t0 = performance.now();
          await conn.query(
            `LOAD DATA LOCAL INFILE 'observations.tsv' INTO TABLE ${scratch} CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' LINES TERMINATED BY '\\n' (${CSV_COLUMNS})`,
          );
          referenceMs = performance.now() - t0;
          referenceLabel = 'LOAD DATA LOCAL INFILE of the same rows';
        } finally {
          await conn.end();
        }
        rmSync(file, { force: true });
      } else {
        const [ddl] = await source.query<Array<{ sql: string }>>(
          `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'monitoring_observations'`,
        );
        await source.query(ddl.sql.replace(/"?monitoring_observations"?/, `"${scratch}"`));
        const indexes = await source.query<Array<{ sql: string }>>(
          `SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'monitoring_observations' AND sql IS NOT NULL`,
        );
        for (const ix of indexes)
          await source.query(
            ix.sql
              .replace(/INDEX "?([a-z_]+)"?/, (_m, n: string) => `INDEX "${n}_${scratch}"`)
              .replace(/ON "?monitoring_observations"?/, `ON "${scratch}"`),
          );
        const columns = CSV_COLUMNS;
        const t0 = performance.now();
        await source.transaction(async (m) => {
          for (let first = 0; first < total; first += 50_000) {
            const rows = rowsOf(first, Math.min(first + 50_000, total) - 1);
            for (const slice of slices(rows, ROWS_PER_STATEMENT.sqlite)) {
              const values: unknown[] = [];
              for (const r of slice)
                values.push(
                  r.source,
                  r.sourceRef,
                  null,
                  r.productId,
                  r.genericKey,
                  r.category,
                  r.categoryPath,
                  r.regionCode,
                  r.hospitalId,
                  r.supplierId,
                  r.unitPrice,
                  r.comparablePrice,
                  r.quantity,
                  r.observedOn,
                  r.period,
                  r.referenceKind,
                  createdAt,
                );
              const tuple = `(${new Array(17).fill('?').join(', ')})`;
              await m.query(
                `INSERT INTO "${scratch}" (${columns}) VALUES ${new Array(slice.length).fill(tuple).join(', ')}`,
                values,
              );
            }
          }
        });
        referenceMs = performance.now() - t0;
        referenceLabel = 'one transaction of plain multi-row INSERTs (SQLite has no LOAD DATA)';
      }
      const [{ n }] = await source.query<Array<{ n: string | number }>>(
        `SELECT COUNT(*) AS n FROM ${scratch}`,
      );
      if (Number(n) !== total) throw new Error(`reference loaded ${String(n)} of ${total} rows`);

      const measured = total / (loadMs / 1000);
      const reference = total / (referenceMs / 1000);
      ctx.progress(
        `bulk loader ${formatNumber(measured)} rows/s, reference ${formatNumber(reference)} rows/s`,
      );
      return [
        result({
          scenario: NAME,
          measure: `bulk observation load: ${formatNumber(total)} rows`,
          measured: {
            value: measured,
            unit: 'rows/s',
            note: `${formatNumber(loadMs / 1000)} s, ${loaded.chunks} chunks`,
          },
          reference: { value: reference, unit: 'rows/s', label: referenceLabel },
          target: {
            on: 'ratio',
            op: '>=',
            value: TARGET_RATIO,
            source: '§N, bulk observation load',
          },
          details: {
            rows: total,
            batchId: loaded.batchId,
            loadMs: Math.round(loadMs),
            referenceMs: Math.round(referenceMs),
            hospitals: world.hospitals.length,
            products: world.products.length,
            database: config.database.type,
          },
        }),
      ];
    } finally {
      if (ds?.isInitialized)
        await ds.query(`DROP TABLE IF EXISTS ${scratch}`).catch(() => undefined);
      if (app) await app.close();
      rmSync(workDir, { recursive: true, force: true });
    }
  },
};

/**
 * The hospitals (with regions) and drugs the observation scenarios draw on. The run's dataset is
 * loaded unless an earlier scenario of the same run (or the shared bench app) already loaded
 * it: organisation codes are unique, so a second load of the same prefix would fail.
 */
export async function observationWorld(
  source: DataSource,
  tx: TransactionRunner,
  ctx: BenchContext,
): Promise<ObservationWorld> {
  const hospitalsOf = () =>
    source
      .getRepository(Organisation)
      .createQueryBuilder('o')
      .where('o.code LIKE :p AND o.type = :t', { p: `${ctx.prefix}-%`, t: 'hospital' })
      .orderBy('o.code')
      .getMany();
  let organisations = await hospitalsOf();
  if (organisations.length === 0) {
    await loadDataset(
      tx,
      planDataset(ctx.prefix, {
        hospitals: ctx.scale.hospitals,
        manufacturers: ctx.scale.manufacturers,
        distributors: 0,
        drugs: ctx.scale.drugs,
        consumables: 0,
      }),
      ctx.progress,
    );
    organisations = await hospitalsOf();
  } else {
    ctx.progress(`dataset of run ${ctx.prefix} already loaded: ${organisations.length} hospitals`);
  }
  const hospitals = organisations
    .filter((o) => o.regionCode)
    .map((o) => ({ id: o.id, regionCode: o.regionCode as string }));
  const products = (
    await source
      .getRepository(Product)
      .createQueryBuilder('p')
      // The dataset's own drugs, not those an earlier import scenario of the run wrote.
      .where('p.code LIKE :p', { p: `X${ctx.prefix}${DATASET_DRUG_TAG}%` })
      .orderBy('p.code')
      .getMany()
  ).map((p) => ({
    id: p.id,
    genericKey: genericKey(p),
    categoryPath: p.categoryPath,
    manufacturerId: p.manufacturerId,
  }));
  if (hospitals.length === 0 || products.length === 0)
    throw new Error(`dataset has ${hospitals.length} hospitals, ${products.length} products`);
  return { prefix: ctx.prefix, hospitals, products };
}
