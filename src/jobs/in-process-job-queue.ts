import { Injectable, Logger } from '@nestjs/common';
import { requestContext } from '../common/logging/request-context';
import { JobHandlerRegistry } from './handler-registry';
import { EnqueueOptions, JobPayload, JobQueue } from './job-queue';

const SEEN_FOR_MS = 24 * 3600 * 1000;

interface Pending {
  queue: string;
  enqueuedAt: number;
  running: boolean;
}

/**
 * Embedded mode: runs handlers in the API process, on a later tick (the caller has already
 * committed). A job id seen before is not run again for a day after it finished, like BullMQ's
 * deduplication by id while the job is kept. Failures are retried with a short back-off up to
 * `attempts`.
 */
@Injectable()
export class InProcessJobQueue extends JobQueue {
  private readonly logger = new Logger('jobs');
  /** Job ids seen, with when they finished (null while pending); kept a day, like BullMQ. */
  private readonly seen = new Map<string, number | null>();
  private lastSweep = 0;
  private readonly pending = new Map<string, Pending>();
  private readonly failed = new Map<string, number>();
  private waiters: Array<() => void> = [];

  constructor(private readonly registry: JobHandlerRegistry) {
    super();
  }

  async enqueue(
    queue: string,
    name: string,
    payload: JobPayload,
    options: EnqueueOptions,
  ): Promise<void> {
    const key = `${queue}:${options.jobId}`;
    this.forgetOld();
    if (this.seen.has(key)) return;
    const handler = this.registry.get(queue, name);
    if (!handler) throw new Error(`No handler for job ${queue}:${name}`);
    this.seen.set(key, null);
    this.pending.set(key, { queue, enqueuedAt: Date.now(), running: false });
    const attempts = options.attempts ?? 3;
    const run = async (attempt: number): Promise<void> => {
      const entry = this.pending.get(key);
      if (entry) entry.running = true;
      try {
        await requestContext.run({ requestId: `job:${options.jobId}` }, () =>
          handler.handle(payload),
        );
        this.finish(key);
      } catch (err) {
        if (attempt < attempts) {
          this.logger.warn({
            msg: 'job failed, retrying',
            queue,
            name,
            jobId: options.jobId,
            attempt,
          });
          setTimeout(() => void run(attempt + 1), 50 * 2 ** attempt);
          return;
        }
        this.logger.error(err instanceof Error ? err : String(err), 'jobs');
        this.failed.set(queue, (this.failed.get(queue) ?? 0) + 1);
        this.finish(key);
      }
    };
    setTimeout(() => void run(1), options.delayMs ?? 0);
  }

  private finish(key: string): void {
    this.seen.set(key, Date.now());
    this.pending.delete(key);
    if (this.pending.size === 0) {
      const waiters = this.waiters;
      this.waiters = [];
      waiters.forEach((w) => w());
    }
  }

  private forgetOld(now = Date.now()): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, finishedAt] of this.seen) {
      if (finishedAt !== null && now - finishedAt > SEEN_FOR_MS) this.seen.delete(key);
    }
  }

  async stats() {
    const now = Date.now();
    const out: Record<
      string,
      { waiting: number; active: number; failed: number; oldestWaitingMs: number | null }
    > = {};
    for (const q of this.registry.queues())
      out[q] = { waiting: 0, active: 0, failed: this.failed.get(q) ?? 0, oldestWaitingMs: null };
    for (const p of this.pending.values()) {
      const s = (out[p.queue] ??= { waiting: 0, active: 0, failed: 0, oldestWaitingMs: null });
      if (p.running) s.active++;
      else {
        s.waiting++;
        s.oldestWaitingMs = Math.max(s.oldestWaitingMs ?? 0, now - p.enqueuedAt);
      }
    }
    return out;
  }

  idle(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
