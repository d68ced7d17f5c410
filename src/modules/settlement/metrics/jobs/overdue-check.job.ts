import { Injectable } from '@nestjs/common';
import { JobHandler } from '../../../../jobs/job-queue';
import { OverdueAlerts } from '../overdue-alerts.service';

export const OVERDUE_CHECK = { queue: 'settlement', name: 'overdue-check' } as const;

/** §S4 the periodic job `settlement:overdue-check`: raises the alerts of newly overdue lines. */
@Injectable()
export class OverdueCheckJob implements JobHandler {
  readonly queue = OVERDUE_CHECK.queue;
  readonly name = OVERDUE_CHECK.name;

  constructor(private readonly alerts: OverdueAlerts) {}

  async handle(): Promise<void> {
    await this.alerts.check();
  }
}
