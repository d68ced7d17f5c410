import { Injectable } from '@nestjs/common';
import { JobHandler, JobPayload } from './job-queue';

/** Modules register their handlers here at init; drivers look them up by queue and name. */
@Injectable()
export class JobHandlerRegistry {
  private readonly handlers = new Map<string, JobHandler>();

  register<P extends JobPayload>(handler: JobHandler<P>): void {
    const key = `${handler.queue}:${handler.name}`;
    if (this.handlers.has(key)) throw new Error(`Job handler ${key} registered twice`);
    this.handlers.set(key, handler);
  }

  get(queue: string, name: string): JobHandler | undefined {
    return this.handlers.get(`${queue}:${name}`);
  }

  queues(): string[] {
    return [...new Set([...this.handlers.values()].map((h) => h.queue))];
  }
}
