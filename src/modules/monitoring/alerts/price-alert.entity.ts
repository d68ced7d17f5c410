import { Column, Entity } from 'typeorm';
import { idColumn, PrimaryId } from '../../../database/decimal';
import type { Severity } from '../rules/domain/severity';

export const ALERT_STATUSES = ['open', 'acknowledged', 'in_case', 'resolved', 'dismissed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/**
 * §M4 a rule hit: one per rule × subject × period (`uq_monitoring_alerts__rule_code__subject_key__period`).
 * Evaluation runs write the evidence, severity, firing flag and run ids; the workflow writes
 * status, assignee and reason. Neither touches the other's columns.
 */
@Entity('monitoring_alerts')
export class PriceAlert {
  @PrimaryId()
  id!: string;

  @Column({ name: 'rule_code', type: 'varchar' })
  ruleCode!: string;

  /** Canonical subject, e.g. `product:12|region:320100`, `product:12|hospital:5`, `generic:…`. */
  @Column({ name: 'subject_key', type: 'varchar' })
  subjectKey!: string;

  /** `YYYY-MM`. */
  @Column({ type: 'varchar' })
  period!: string;

  @Column({ type: 'varchar' })
  severity!: Severity;

  @Column({ type: 'varchar' })
  status!: AlertStatus;

  @Column({ name: 'product_id', type: 'bigint', nullable: true, transformer: idColumn })
  productId!: string | null;

  @Column({ name: 'supplier_id', type: 'bigint', nullable: true, transformer: idColumn })
  supplierId!: string | null;

  @Column({ name: 'hospital_id', type: 'bigint', nullable: true, transformer: idColumn })
  hospitalId!: string | null;

  @Column({ name: 'region_code', type: 'varchar', nullable: true })
  regionCode!: string | null;

  @Column({ name: 'generic_key', type: 'varchar', nullable: true })
  genericKey!: string | null;

  @Column({ type: 'varchar', nullable: true })
  category!: string | null;

  /** Canonical JSON (sorted keys, decimals as strings): the numbers that fired the rule. */
  @Column({ type: 'text' })
  evidence!: string;

  /** False once a later evaluation of this key no longer fires; the evidence stays the last hit. */
  @Column({ type: 'boolean' })
  firing!: boolean;

  @Column({ name: 'assignee_id', type: 'bigint', nullable: true, transformer: idColumn })
  assigneeId!: string | null;

  @Column({ name: 'status_reason', type: 'varchar', nullable: true })
  statusReason!: string | null;

  @Column({ name: 'first_run_id', type: 'bigint', transformer: idColumn })
  firstRunId!: string;

  @Column({ name: 'last_run_id', type: 'bigint', transformer: idColumn })
  lastRunId!: string;

  @Column({ name: 'raised_at', type: 'datetime', precision: 3 })
  raisedAt!: Date;

  @Column({ name: 'last_evaluated_at', type: 'datetime', precision: 3 })
  lastEvaluatedAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;

  @Column({ type: 'int' })
  version!: number;
}
