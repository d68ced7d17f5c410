import { Column, Entity } from 'typeorm';
import { idColumn, PrimaryId } from '../../../database/decimal';

export const EVALUATION_KINDS = ['incremental', 'full'] as const;
export type EvaluationKind = (typeof EVALUATION_KINDS)[number];

/** `queued`: an analyst's scan waiting for its job. */
export const EVALUATION_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type EvaluationStatus = (typeof EVALUATION_STATUSES)[number];

/** §M8 one evaluation of the rules: an observation batch (incremental) or a period (full). */
@Entity('monitoring_evaluation_runs')
export class EvaluationRun {
  @PrimaryId()
  id!: string;

  /** `batch:<id>`, `monthly:<period>` or `full:<period>:<n>`: unique, so a duplicate is a no-op. */
  @Column({ name: 'run_key', type: 'varchar' })
  runKey!: string;

  @Column({ type: 'varchar' })
  kind!: EvaluationKind;

  /** Comma-separated `YYYY-MM` periods evaluated, ascending. */
  @Column({ type: 'varchar' })
  periods!: string;

  @Column({ name: 'batch_id', type: 'bigint', nullable: true, transformer: idColumn })
  batchId!: string | null;

  @Column({ type: 'varchar' })
  status!: EvaluationStatus;

  /** (period, generic/spec) keys evaluated. */
  @Column({ name: 'key_count', type: 'int' })
  keyCount!: number;

  @Column({ name: 'hit_count', type: 'int' })
  hitCount!: number;

  @Column({ name: 'new_alerts', type: 'int' })
  newAlerts!: number;

  @Column({ name: 'updated_alerts', type: 'int' })
  updatedAlerts!: number;

  /** Alerts of the evaluated keys that no longer fire. */
  @Column({ name: 'cleared_alerts', type: 'int' })
  clearedAlerts!: number;

  @Column({ type: 'varchar', nullable: true })
  message!: string | null;

  @Column({ name: 'requested_by', type: 'varchar', nullable: true })
  requestedBy!: string | null;

  @Column({ name: 'started_at', type: 'datetime', precision: 3 })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'datetime', precision: 3, nullable: true })
  finishedAt!: Date | null;
}
