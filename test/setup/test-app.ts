import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureHttp } from '../../src/bootstrap';
import { JsonLogger } from '../../src/common/logging/json-logger';
import { AppConfig, loadConfig } from '../../src/config/config';
import { JobQueue } from '../../src/jobs/job-queue';
import { WorkerModule } from '../../src/worker.module';

export const ADMIN_USERNAME = 'admin';
export const ADMIN_PASSWORD = 'Jicai-admin-2026';

export interface TestApp {
  app: INestApplication;
  /** The worker process's context when REDIS_URL is set (it alone consumes jobs), else null. */
  worker: INestApplicationContext | null;
  config: AppConfig;
  dataSource: DataSource;
  http(): ReturnType<typeof request>;
  /** Bearer token of the bootstrap admin. */
  adminToken: string;
  /** Waits until no background job is queued or running. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Unique suffix for codes and names, so tests never collide on a shared MySQL database. */
export function uniq(length = 8): string {
  return randomBytes(8).toString('hex').toUpperCase().slice(0, length);
}

/**
 * Starts the real AppModule over HTTP. Embedded mode by default (a fresh SQLite file per call);
 * with DATABASE_URL / REDIS_URL set, MySQL and BullMQ with a separate worker context.
 */
export interface StartOptions {
  /** Providers to replace in the API and worker (a movable Clock …). */
  providers?: Array<{ provide: unknown; useValue: unknown }>;
}

function withOverrides(builder: TestingModuleBuilder, opts: StartOptions): TestingModuleBuilder {
  for (const p of opts.providers ?? [])
    builder.overrideProvider(p.provide as never).useValue(p.useValue);
  return builder;
}

export async function startApp(
  env: Record<string, string> = {},
  opts: StartOptions = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'jicai-e2e-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    BOOTSTRAP_ADMIN_USERNAME: ADMIN_USERNAME,
    BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    QUEUE_PREFIX: `jicai-test-${uniq(10)}`,
    LOG_LEVEL: 'error',
    // Tests move the clock and run the round timer themselves; a background tick in between
    // would race them.
    ROUND_TIMER_SECONDS: '86400',
    ...env,
  });
  const logger = new JsonLogger('error');
  const moduleRef = await withOverrides(
    Test.createTestingModule({ imports: [AppModule.forRoot(config)] }),
    opts,
  ).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    logger,
    bodyParser: false,
  });
  configureHttp(app);
  await app.init();
  let worker: INestApplicationContext | null = null;
  if (config.redisUrl) {
    const workerRef = await withOverrides(
      Test.createTestingModule({ imports: [WorkerModule.forRoot(config)] }),
      opts,
    ).compile();
    workerRef.useLogger(logger);
    worker = await workerRef.init();
  }
  const http = () => request(app.getHttpServer());
  const login = await http()
    .post('/api/v1/auth/login')
    .send({ username: ADMIN_USERNAME, password: ADMIN_PASSWORD });
  if (login.status !== 200)
    throw new Error(`admin login failed: ${login.status} ${JSON.stringify(login.body)}`);
  const jobs = app.get(JobQueue);
  return {
    app,
    worker,
    config,
    dataSource: app.get(DataSource),
    http,
    adminToken: (login.body as { accessToken: string }).accessToken,
    idle: () => jobs.idle(),
    close: async () => {
      await jobs.idle();
      await app.close();
      if (worker) await worker.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function bearer(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}

/** Collects a binary response body (supertest buffers only text by default). */
export function binary(res: unknown, cb: (err: Error | null, body: Buffer) => void): void {
  const stream = res as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
  stream.on('error', (err: Error) => cb(err, Buffer.alloc(0)));
}
