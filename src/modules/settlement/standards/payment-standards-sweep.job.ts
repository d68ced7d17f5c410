import { Injectable } from '@nestjs/common';
import { JobHandler } from '../../../jobs/job-queue';
import { PaymentStandardsService } from './payment-standards.service';

export const PAYMENT_STANDARDS_SWEEP = {
  queue: 'settlement',
  name: 'payment-standards-sweep',
} as const;

/**
 * §S5 the periodic job `settlement:payment-standards-sweep` (PAYMENT_STANDARDS_SWEEP_SECONDS):
 * sets the standards of awarded rounds the on-award job never set (lost between the award's
 * commit and its enqueue, or failed for good). Finds its own work, so a missed or doubled tick
 * is harmless.
 */
@Injectable()
export class PaymentStandardsSweepJob implements JobHandler {
  readonly queue = PAYMENT_STANDARDS_SWEEP.queue;
  readonly name = PAYMENT_STANDARDS_SWEEP.name;

  constructor(private readonly standards: PaymentStandardsService) {}

  async handle(): Promise<void> {
    await this.standards.sweep();
  }
}
