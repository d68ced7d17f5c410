import { Injectable } from '@nestjs/common';
import { JobHandler } from '../../../jobs/job-queue';
import { MonitoringReports } from './monitoring-reports.service';

export const MONTHLY_REPORT = { queue: 'monitoring', name: 'monthly-report' } as const;

/**
 * §M7 the periodic job `monitoring:monthly-report`: writes last month's report when it does not
 * exist yet, after that month's full scan — run first when it has not run, waited for (the
 * next tick) when another process is running it. The period is the job's key: version 1 of a
 * period is written once, whatever the number of ticks or workers.
 */
@Injectable()
export class MonthlyReportJob implements JobHandler {
  readonly queue = MONTHLY_REPORT.queue;
  readonly name = MONTHLY_REPORT.name;

  constructor(private readonly reports: MonitoringReports) {}

  async handle(): Promise<void> {
    await this.reports.generateScheduled();
  }
}
