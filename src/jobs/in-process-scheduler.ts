import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { JobHandlerRegistry } from './handler-registry';
import { JobQueue } from './job-queue';

/**
 * Embedded mode: the periodic jobs run from timers in the API process. Each tick enqueues with
 * an id of its own period, so a slow handler is never started twice for the same tick.
 */
@Injectable()
export class InProcessScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly registry: JobHandlerRegistry,
    private readonly jobs: JobQueue,
  ) {}

  onApplicationBootstrap(): void {
    for (const s of this.registry.schedules()) {
      const timer = setInterval(() => {
        const tick = Math.floor(Date.now() / s.everyMs);
        void this.jobs.enqueue(s.queue, s.name, {}, { jobId: `${s.name}@${tick}`, attempts: 1 });
      }, s.everyMs);
      // A timer must not keep a finished process (or a test run) alive.
      timer.unref();
      this.timers.push(timer);
    }
  }

  onApplicationShutdown(): void {
    this.timers.forEach((t) => clearInterval(t));
  }
}
