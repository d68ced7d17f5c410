import { Column, Entity } from 'typeorm';
import { PrimaryId } from '../../../database/decimal';

/** §M3 a rule as data: whether it runs, its parameters, scope and severity overrides (JSON). */
@Entity('monitoring_rules')
export class MonitoringRule {
  @PrimaryId()
  id!: string;

  @Column({ type: 'varchar' })
  code!: string;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ type: 'text' })
  parameters!: string;

  @Column({ type: 'text' })
  scope!: string;

  @Column({ name: 'severity_overrides', type: 'text' })
  severityOverrides!: string;

  /** 1 when seeded; each change adds one and writes a MonitoringRuleVersion. */
  @Column({ type: 'int' })
  version!: number;

  /** User id of the last change; null for the seeded defaults. */
  @Column({ name: 'updated_by', type: 'varchar', nullable: true })
  updatedBy!: string | null;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

/** Every version a rule has had, the seeded one included: the rule's change history. */
@Entity('monitoring_rule_versions')
export class MonitoringRuleVersion {
  @PrimaryId()
  id!: string;

  @Column({ name: 'rule_code', type: 'varchar' })
  ruleCode!: string;

  @Column({ type: 'int' })
  version!: number;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ type: 'text' })
  parameters!: string;

  @Column({ type: 'text' })
  scope!: string;

  @Column({ name: 'severity_overrides', type: 'text' })
  severityOverrides!: string;

  @Column({ name: 'changed_by', type: 'varchar', nullable: true })
  changedBy!: string | null;

  @Column({ name: 'changed_at', type: 'datetime', precision: 3 })
  changedAt!: Date;
}
