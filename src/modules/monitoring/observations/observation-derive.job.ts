import { Injectable } from '@nestjs/common';
import { Clock } from '../../../common/clock';
import { JobHandler } from '../../../jobs/job-queue';
import { SYSTEM } from '../../audit/audit.service';
import { ObservationPartitions } from '../bulk/observation-partitions.service';
import { addMonths, previousPeriod } from './domain/partitions';
import { ObservationBatches } from './observation-batches.service';
import { ObservationDerivation } from './observation-derivation.service';

export const OBSERVATION_DERIVE = { queue: 'monitoring', name: 'derive-observations' } as const;

/** Months of partitions kept ahead of the current month (§N monthly partitions). */
export const PARTITION_MONTHS_AHEAD = 3;

/**
 * §M1 the periodic derivation: the current and the previous month (late acceptances and
 * listings of last month still arrive), partitions kept months ahead, and any committed batch
 * whose evaluation was never enqueued sent again. Every step is idempotent, so a doubled or
 * missed tick is harmless.
 */
@Injectable()
export class ObservationDeriveJob implements JobHandler {
  readonly queue = OBSERVATION_DERIVE.queue;
  readonly name = OBSERVATION_DERIVE.name;

  constructor(
    private readonly derivation: ObservationDerivation,
    private readonly partitions: ObservationPartitions,
    private readonly batches: ObservationBatches,
    private readonly clock: Clock,
  ) {}

  async handle(): Promise<void> {
    const current = ObservationDerivation.periodAt(this.clock.now());
    await this.partitions.ensureThrough(addMonths(current, PARTITION_MONTHS_AHEAD));
    await this.derivation.derive(SYSTEM, previousPeriod(current));
    await this.derivation.derive(SYSTEM, current);
    await this.batches.sweep();
  }
}
