import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import IORedis from 'ioredis';
import { AppConfig } from '../config/config';
import { BullMqJobQueue, redisConnection } from './bullmq-job-queue';
import { BullMqWorkerHost } from './bullmq-worker-host';
import { JobHandlerRegistry } from './handler-registry';
import { InProcessJobQueue } from './in-process-job-queue';
import { InProcessScheduler } from './in-process-scheduler';
import { JobQueue, PROCESS_ROLE, ProcessRole } from './job-queue';

export const REDIS = Symbol('REDIS');

/**
 * With REDIS_URL: BullMQ queues, consumed only by the worker process. Without: the in-process
 * driver runs the same handlers inside the API process.
 */
@Global()
@Module({})
export class JobsModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: IORedis | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }

  static forRoot(config: AppConfig, role: ProcessRole): DynamicModule {
    const providers: DynamicModule['providers'] = [
      JobHandlerRegistry,
      { provide: PROCESS_ROLE, useValue: role },
      {
        provide: REDIS,
        useFactory: () => (config.redisUrl ? redisConnection(config.redisUrl) : null),
      },
      {
        provide: JobQueue,
        inject: [JobHandlerRegistry, REDIS],
        useFactory: (registry: JobHandlerRegistry, redis: IORedis | null) =>
          redis
            ? new BullMqJobQueue(redis, config.queuePrefix, registry)
            : new InProcessJobQueue(registry),
      },
    ];
    if (role === 'api' && !config.redisUrl) providers.push(InProcessScheduler);
    if (role === 'worker') {
      if (!config.redisUrl) {
        throw new Error(
          'The worker needs REDIS_URL; in embedded mode the API process runs jobs itself',
        );
      }
      const url = config.redisUrl;
      providers.push({
        provide: BullMqWorkerHost,
        inject: [JobHandlerRegistry],
        useFactory: (registry: JobHandlerRegistry) =>
          new BullMqWorkerHost(registry, url, config.queuePrefix),
      });
    }
    return {
      module: JobsModule,
      providers,
      exports: [JobQueue, JobHandlerRegistry, PROCESS_ROLE, REDIS],
    };
  }
}
