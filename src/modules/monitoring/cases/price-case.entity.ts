import { Column, Entity, PrimaryColumn } from 'typeorm';
import { idColumn, PrimaryId } from '../../../database/decimal';
import { CaseOutcome, CaseStatus } from './domain/case-rules';

/** §M6 a price case (函询 → 约谈 → 成本调查 → outcome) against one supplier. */
@Entity('monitoring_price_cases')
export class PriceCase {
  @PrimaryId()
  id!: string;

  /** `PC2026-0001`. */
  @Column({ type: 'varchar' })
  code!: string;

  @Column({ type: 'int' })
  year!: number;

  @Column({ type: 'int' })
  seq!: number;

  @Column({ name: 'supplier_id', type: 'bigint', transformer: idColumn })
  supplierId!: string;

  @Column({ name: 'authority_id', type: 'bigint', transformer: idColumn })
  authorityId!: string;

  /** The opening authority's region (null: a platform-wide authority): the case's scope. */
  @Column({ name: 'region_code', type: 'varchar', nullable: true })
  regionCode!: string | null;

  @Column({ type: 'varchar' })
  title!: string;

  @Column({ type: 'varchar' })
  status!: CaseStatus;

  @Column({ type: 'varchar', nullable: true })
  outcome!: CaseOutcome | null;

  @Column({ name: 'opened_by', type: 'varchar' })
  openedBy!: string;

  @Column({ name: 'opened_at', type: 'datetime', precision: 3 })
  openedAt!: Date;

  @Column({ name: 'inquiry_sent_at', type: 'datetime', precision: 3, nullable: true })
  inquirySentAt!: Date | null;

  @Column({ name: 'reply_deadline', type: 'datetime', precision: 3, nullable: true })
  replyDeadline!: Date | null;

  @Column({ name: 'replied_at', type: 'datetime', precision: 3, nullable: true })
  repliedAt!: Date | null;

  @Column({ name: 'closed_at', type: 'datetime', precision: 3, nullable: true })
  closedAt!: Date | null;

  @Column({ name: 'credit_case_code', type: 'varchar', nullable: true })
  creditCaseCode!: string | null;

  @Column({ type: 'int' })
  version!: number;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

/** An alert a case was opened from; an alert belongs to at most one case. */
@Entity('monitoring_price_case_alerts')
export class PriceCaseAlert {
  @PrimaryId()
  id!: string;

  @Column({ name: 'case_id', type: 'bigint', transformer: idColumn })
  caseId!: string;

  @Column({ name: 'alert_id', type: 'bigint', transformer: idColumn })
  alertId!: string;
}

export const STEP_KINDS = [
  'opened',
  'inquiry_sent',
  'replied',
  'interview',
  'investigation',
  'outcome',
  // After a listing_suspended outcome: the case lets go of the listings it suspended.
  'suspension_lifted',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** One step of the enforcement record (执法全过程记录): timestamped, with its actor. */
@Entity('monitoring_price_case_steps')
export class PriceCaseStep {
  @PrimaryId()
  id!: string;

  @Column({ name: 'case_id', type: 'bigint', transformer: idColumn })
  caseId!: string;

  @Column({ type: 'varchar' })
  kind!: StepKind;

  @Column({ name: 'actor_id', type: 'varchar' })
  actorId!: string;

  @Column({ name: 'actor_name', type: 'varchar' })
  actorName!: string;

  @Column({ name: 'actor_org_id', type: 'bigint', nullable: true, transformer: idColumn })
  actorOrgId!: string | null;

  @Column({ type: 'datetime', precision: 3 })
  at!: Date;

  @Column({ type: 'text' })
  body!: string;

  /** Canonical JSON of the step's figures. */
  @Column({ type: 'text' })
  details!: string;
}

/** The last case number of a year: `PC<year>-<seq>` numbers are handed out under its lock. */
@Entity('monitoring_price_case_counters')
export class PriceCaseCounter {
  @PrimaryColumn({ type: 'int' })
  year!: number;

  @Column({ name: 'last_seq', type: 'int' })
  lastSeq!: number;
}
