import { Injectable } from '@nestjs/common';
import { JobHandler } from '../../../jobs/job-queue';
import { SYSTEM } from '../../audit/audit.service';
import { SupplyAlertsService } from './supply-alerts.service';

export const SUPPLY_EVALUATION = { queue: 'credit', name: 'supply-evaluation' } as const;

/**
 * §K5 the periodic job `credit:supply-evaluation`: applies the supply rules to the current month.
 * Alerts are keyed per rule × supplier × product × region × month, so a doubled or missed tick
 * raises nothing twice.
 */
@Injectable()
export class SupplyEvaluationJob implements JobHandler {
  readonly queue = SUPPLY_EVALUATION.queue;
  readonly name = SUPPLY_EVALUATION.name;

  constructor(private readonly alerts: SupplyAlertsService) {}

  async handle(): Promise<void> {
    await this.alerts.evaluate(SYSTEM);
  }
}
