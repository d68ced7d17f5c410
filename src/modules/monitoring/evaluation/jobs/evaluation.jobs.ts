import { Injectable } from '@nestjs/common';
import { JobHandler } from '../../../../jobs/job-queue';
import {
  EVALUATE_BATCH,
  EVALUATE_RUN,
  EvaluationService,
  MONTHLY_SCAN,
} from '../evaluation.service';

/** `monitoring:evaluate-batch` `{ batchId }`, enqueued by the observation loaders after commit. */
@Injectable()
export class EvaluateBatchJob implements JobHandler<{ batchId: string }> {
  readonly queue = EVALUATE_BATCH.queue;
  readonly name = EVALUATE_BATCH.name;

  constructor(private readonly evaluations: EvaluationService) {}

  async handle(payload: { batchId: string }): Promise<void> {
    await this.evaluations.evaluateBatch(String(payload.batchId));
  }
}

/** `monitoring:evaluate-run` `{ runId }`: an analyst's full scan. */
@Injectable()
export class EvaluateRunJob implements JobHandler<{ runId: string }> {
  readonly queue = EVALUATE_RUN.queue;
  readonly name = EVALUATE_RUN.name;

  constructor(private readonly evaluations: EvaluationService) {}

  async handle(payload: { runId: string }): Promise<void> {
    await this.evaluations.runRequested(String(payload.runId));
  }
}

/** Periodic `monitoring:monthly-scan`: the previous month's full scan, once per month. */
@Injectable()
export class MonthlyScanJob implements JobHandler {
  readonly queue = MONTHLY_SCAN.queue;
  readonly name = MONTHLY_SCAN.name;

  constructor(private readonly evaluations: EvaluationService) {}

  async handle(): Promise<void> {
    await this.evaluations.monthlyScan();
  }
}
