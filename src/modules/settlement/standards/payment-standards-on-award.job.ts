import { Injectable } from '@nestjs/common';
import { JobHandler } from '../../../jobs/job-queue';
import { SYSTEM } from '../../audit/audit.service';
import { PaymentStandardsService } from './payment-standards.service';

/**
 * Enqueued by the round workflow after an award commits (job id `payment-standards:<round>`):
 * sets the round's §S5 standards. Idempotent — a run already recorded for the round is answered,
 * not repeated — so a duplicated or retried job is harmless.
 */
export const PAYMENT_STANDARDS_ON_AWARD = {
  queue: 'settlement',
  name: 'payment-standards-on-award',
} as const;

@Injectable()
export class PaymentStandardsOnAwardJob implements JobHandler<{ roundId: string }> {
  readonly queue = PAYMENT_STANDARDS_ON_AWARD.queue;
  readonly name = PAYMENT_STANDARDS_ON_AWARD.name;

  constructor(private readonly standards: PaymentStandardsService) {}

  async handle(payload: { roundId: string }): Promise<void> {
    await this.standards.setForRound(SYSTEM, payload.roundId);
  }
}
