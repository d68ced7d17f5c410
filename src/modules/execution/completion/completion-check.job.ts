import { Injectable } from '@nestjs/common';
import { Clock } from '../../../common/clock';
import { JobHandler } from '../../../jobs/job-queue';
import { chinaDate } from '../deliveries/domain/delivery-rules';
import { CompletionService } from './completion.service';
import { previousMonth } from './domain/completion';

export const COMPLETION_CHECK = { queue: 'execution', name: 'completion-check' } as const;

/**
 * §E4 the monthly check: on every tick, snapshots the last finished month (China time) for the
 * agreements that have no snapshot of it yet; once done, a tick writes nothing.
 */
@Injectable()
export class CompletionCheckJob implements JobHandler {
  readonly queue = COMPLETION_CHECK.queue;
  readonly name = COMPLETION_CHECK.name;

  constructor(
    private readonly completion: CompletionService,
    private readonly clock: Clock,
  ) {}

  async handle(): Promise<void> {
    await this.completion.snapshotMissing(previousMonth(chinaDate(this.clock.now())));
  }
}
