import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { requestContext } from '../common/logging/request-context';
import { JobHandlerRegistry } from './handler-registry';
import { JobPayload } from './job-queue';

/** Worker process only: one BullMQ worker per registered queue, dispatching by job name. */
@Injectable()
export class BullMqWorkerHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('worker');
  private readonly workers: Worker[] = [];

  constructor(
    private readonly registry: JobHandlerRegistry,
    private readonly redisUrl: string,
    private readonly prefix: string,
    private readonly connections: IORedis[] = [],
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.upsertSchedules();
    for (const queue of this.registry.queues()) {
      const connection = new IORedis(this.redisUrl, { maxRetriesPerRequest: null });
      this.connections.push(connection);
      const worker = new Worker(
        queue,
        async (job) => {
          const handler = this.registry.get(queue, job.name);
          if (!handler) throw new Error(`No handler for job ${queue}:${job.name}`);
          await requestContext.run({ requestId: `job:${job.id ?? job.name}` }, () =>
            handler.handle(job.data as JobPayload),
          );
        },
        { connection, prefix: this.prefix, concurrency: 2 },
      );
      worker.on('failed', (job, err) =>
        this.logger.warn({
          msg: 'job failed',
          queue,
          name: job?.name,
          jobId: job?.id,
          error: err.message,
        }),
      );
      worker.on('error', (err) => this.logger.error(err));
      this.workers.push(worker);
      this.logger.log({ msg: 'consuming', queue });
    }
  }

  /**
   * Repeatable jobs under stable scheduler ids: every worker upserts the same ones at start, so
   * scaling out or restarting never multiplies them.
   */
  private async upsertSchedules(): Promise<void> {
    const schedules = this.registry.schedules();
    if (schedules.length === 0) return;
    const connection = new IORedis(this.redisUrl, { maxRetriesPerRequest: null });
    try {
      for (const s of schedules) {
        const queue = new Queue(s.queue, { connection, prefix: this.prefix });
        await queue.upsertJobScheduler(
          `${s.queue}-${s.name}`,
          { every: s.everyMs },
          { name: s.name, data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
        );
        await queue.close();
      }
    } finally {
      await connection.quit().catch(() => undefined);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all(this.connections.map((c) => c.quit().catch(() => undefined)));
  }
}
