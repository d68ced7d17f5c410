import { Injectable } from '@nestjs/common';
import { JobHandler } from '../../../jobs/job-queue';
import { RoundWorkflow } from './round-workflow.service';

export const ROUND_TIMER = { queue: 'procurement', name: 'round-timer' } as const;

/** §P1 timed transitions: the periodic job that closes demand and bidding and opens rounds. */
@Injectable()
export class RoundTimerJob implements JobHandler {
  readonly queue = ROUND_TIMER.queue;
  readonly name = ROUND_TIMER.name;

  constructor(private readonly workflow: RoundWorkflow) {}

  async handle(): Promise<void> {
    await this.workflow.runDue();
  }
}
