import { Injectable } from '@nestjs/common';
import { JobHandler, JobPayload, JobSchedule } from './job-queue';

/** Modules register their handlers here at init; drivers look them up by queue and name. */
@Injectable()
export class JobHandlerRegistry {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly periodic = new Map<string, JobSchedule>();

  register<P extends JobPayload>(handler: JobHandler<P>): void {
    const key = `${handler.queue}:${handler.name}`;
    if (this.handlers.has(key)) throw new Error(`Job handler ${key} registered twice`);
    this.handlers.set(key, handler);
  }

  get(queue: string, name: string): JobHandler | undefined {
    return this.handlers.get(`${queue}:${name}`);
  }

  /** A periodic job; its handler must be registered too. */
  schedule(schedule: JobSchedule): void {
    const key = `${schedule.queue}:${schedule.name}`;
    if (this.periodic.has(key)) throw new Error(`Job schedule ${key} registered twice`);
    this.periodic.set(key, schedule);
  }

  schedules(): JobSchedule[] {
    return [...this.periodic.values()];
  }

  queues(): string[] {
    return [...new Set([...this.handlers.values()].map((h) => h.queue))];
  }
}
