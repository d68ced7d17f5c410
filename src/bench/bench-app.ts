import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { configureHttp } from '../bootstrap';
import { JsonLogger } from '../common/logging/json-logger';
import { AppConfig, loadConfig } from '../config/config';
import { TransactionRunner } from '../database/transaction-runner';
import { WorkerModule } from '../worker.module';
import { Dataset, loadDataset } from './dataset';
import { planDataset } from './domain/dataset-plan';
import { BenchScale } from './domain/scale';
import { callJson } from './http-client';

/** The real API on an ephemeral 127.0.0.1 port, with the worker when REDIS_URL is set. */
export interface BenchApp {
  baseUrl: string;
  config: AppConfig;
  dataSource: DataSource;
  dataset: Dataset;
  /** Bearer token of the dataset's admin. */
  token: string;
  /** Bearer token of the dataset's pricing analyst. */
  analystToken: string;
  /** Scratch directory of this run (the SQLite file and uploads live here too). */
  workDir: string;
  close(): Promise<void>;
}

/**
 * Room for the province-scale import workbooks: 200,000 drug rows are some 15 MB, 1,000,000
 * external reference rows some 36 MB.
 */
const BENCH_UPLOAD_MAX_BYTES = 512 * 1024 * 1024;

/** Removes the run's BullMQ keys: its queue prefix is its own. */
async function dropQueueKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new IORedis(redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    // A run leaves a few hundred keys at most: the bounds are far beyond that.
    const deadline = Date.now() + 30_000;
    for (let round = 0; round < 10_000 && Date.now() < deadline; round++) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    redis.disconnect();
  }
}

/**
 * Boots the API the way src/main.ts does (same module, same HTTP configuration) in a fresh
 * scratch directory, loads the dataset and logs in. Embedded mode gets a fresh SQLite file;
 * with DATABASE_URL / REDIS_URL the run writes uniquely prefixed rows to that database and
 * uses a queue prefix of its own, consumed by a worker context started in this process.
 */
export async function startBenchApp(
  scale: BenchScale,
  prefix: string,
  progress: (message: string) => void,
): Promise<BenchApp> {
  const workDir = mkdtempSync(join(tmpdir(), 'jicai-bench-'));
  const closers: (() => Promise<void>)[] = [];
  // Interrupted runs still remove their scratch directory; Nest's own hooks close the app.
  const onSignal = () => rmSync(workDir, { recursive: true, force: true });
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    closers.length = 0;
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    const config = loadConfig({
      DATA_DIR: workDir,
      JWT_SECRET: randomBytes(48).toString('base64url'),
      BOOTSTRAP_ADMIN_PASSWORD: `${randomBytes(18).toString('base64url')}7k`,
      QUEUE_PREFIX: `jicai-bench-${prefix.toLowerCase()}`,
      LOG_LEVEL: 'warn',
      // The largest workbook a scenario uploads: the 1 M-row observation file at province scale.
      IMPORT_MAX_ROWS: String(Math.max(scale.importRows, scale.observationImportRows)),
      UPLOAD_MAX_BYTES: String(BENCH_UPLOAD_MAX_BYTES),
    });
    // Request logs are info lines: at warn the app's own log stays readable on stderr.
    const logger = new JsonLogger('warn', process.stderr);
    const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
      logger,
      bodyParser: false,
    });
    configureHttp(app);
    await app.listen(0, '127.0.0.1');
    closers.push(() => app.close());
    const { port } = app.getHttpServer().address() as AddressInfo;
    const baseUrl = `http://127.0.0.1:${port}`;

    if (config.redisUrl) {
      const worker: INestApplicationContext = await NestFactory.createApplicationContext(
        WorkerModule.forRoot(config),
        { logger },
      );
      closers.push(() => worker.close());
      const redisUrl = config.redisUrl;
      closers.unshift(() => dropQueueKeys(redisUrl, config.queuePrefix));
    }
    const database =
      config.database.type === 'sqlite'
        ? `SQLite ${config.database.path}`
        : `MySQL ${config.database.host}:${config.database.port}/${config.database.database}`;
    progress(
      `API on ${baseUrl} (${database}; jobs ${config.redisUrl ? 'BullMQ with an in-process worker' : 'in-process'})`,
    );

    const started = Date.now();
    const dataset = await loadDataset(
      app.get(TransactionRunner),
      planDataset(prefix, scale),
      progress,
    );
    progress(`dataset ${prefix} loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const login = (credentials: { username: string; password: string }) =>
      callJson<{ accessToken: string }>(baseUrl, {
        method: 'POST',
        path: '/api/v1/auth/login',
        json: credentials,
      }).then((r) => r.accessToken);
    const token = await login(dataset.admin);
    const analystToken = await login(dataset.analyst);
    return {
      baseUrl,
      config,
      dataSource: app.get(DataSource),
      dataset,
      token,
      analystToken,
      workDir,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
