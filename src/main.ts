import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { configureHttp } from './bootstrap';
import { ConfigError, loadConfig } from './config/config';
import { JsonLogger } from './common/logging/json-logger';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = new JsonLogger(config.logLevel);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger,
    bodyParser: false,
  });
  if (config.nodeEnv === 'production') app.set('trust proxy', 1);
  configureHttp(app);
  await app.listen(config.port);
  logger.log(
    {
      msg: 'Jicai API listening',
      url: `http://localhost:${config.port}`,
      docs: `http://localhost:${config.port}/docs`,
      database: config.database.type,
      jobs: config.redisUrl ? 'bullmq' : 'in-process',
    },
    'main',
  );
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
  } else {
    console.error(err);
  }
  process.exit(1);
});
