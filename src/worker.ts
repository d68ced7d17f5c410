import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig } from './config/config';
import { JsonLogger } from './common/logging/json-logger';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.redisUrl) {
    throw new ConfigError([
      'REDIS_URL is required for the worker (embedded mode runs jobs in the API process)',
    ]);
  }
  const logger = new JsonLogger(config.logLevel);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger });
  app.enableShutdownHooks();
  logger.log({ msg: 'Jicai worker started', database: config.database.type }, 'worker');
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
