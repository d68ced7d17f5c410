import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { JobHandlerRegistry } from './handler-registry';
import { EnqueueOptions, JobPayload, JobQueue } from './job-queue';

export function redisConnection(url: string): IORedis {
  // BullMQ requires maxRetriesPerRequest: null for blocking worker connections.
  return new IORedis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
}

/** BullMQ ids may not contain ':' nor be integers. */
export function bullJobId(jobId: string): string {
  const safe = jobId.replace(/:/g, '-');
  return /^\d+$/.test(safe) ? `j-${safe}` : safe;
}

/** Production mode: one BullMQ queue per context; only the worker process consumes them. */
@Injectable()
export class BullMqJobQueue extends JobQueue implements OnApplicationShutdown {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly connection: IORedis,
    private readonly prefix: string,
    private readonly registry: JobHandlerRegistry,
  ) {
    super();
  }

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.prefix });
      this.queues.set(name, q);
    }
    return q;
  }

  async enqueue(
    queue: string,
    name: string,
    payload: JobPayload,
    options: EnqueueOptions,
  ): Promise<void> {
    await this.queue(queue).add(name, payload, {
      jobId: bullJobId(options.jobId),
      delay: options.delayMs,
      attempts: options.attempts ?? 3,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 24 * 3600, count: 10000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  async stats() {
    // Report every queue a handler exists for, including ones this process never enqueued to.
    this.registry.queues().forEach((q) => this.queue(q));
    const out: Record<
      string,
      { waiting: number; active: number; failed: number; oldestWaitingMs: number | null }
    > = {};
    const now = Date.now();
    for (const [name, q] of this.queues) {
      const counts = await q.getJobCounts('waiting', 'active', 'failed', 'delayed');
      const [oldest] = await q.getJobs(['wait'], 0, 0, true);
      out[name] = {
        waiting: counts.waiting ?? 0,
        active: counts.active ?? 0,
        failed: counts.failed ?? 0,
        oldestWaitingMs: oldest ? now - oldest.timestamp : null,
      };
    }
    return out;
  }

  async idle(): Promise<void> {
    for (;;) {
      const stats = await this.stats();
      if (Object.values(stats).every((s) => s.waiting === 0 && s.active === 0)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
