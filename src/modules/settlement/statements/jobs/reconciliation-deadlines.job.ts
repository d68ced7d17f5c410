import { Injectable } from '@nestjs/common';
import { JobHandler } from '../../../../jobs/job-queue';
import { StatementCycle } from '../statement-cycle.service';

export const RECONCILIATION_DEADLINES = {
  queue: 'settlement',
  name: 'reconciliation-deadlines',
} as const;

/** §S3.2 the periodic job that deems silent parties to have confirmed at the deadline. */
@Injectable()
export class ReconciliationDeadlinesJob implements JobHandler {
  readonly queue = RECONCILIATION_DEADLINES.queue;
  readonly name = RECONCILIATION_DEADLINES.name;

  constructor(private readonly cycle: StatementCycle) {}

  async handle(): Promise<void> {
    await this.cycle.deemDue();
  }
}
