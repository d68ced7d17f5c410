import { Column, Entity } from 'typeorm';
import { idColumn, PrimaryId } from '../../../database/decimal';

export const RESULT_CAUSES = ['opening', 'rerun', 'revival'] as const;
export type ResultCause = (typeof RESULT_CAUSES)[number];

/**
 * §P7 a lot's result version with its full decision trace: the engine's inputs, parameters and
 * outputs, so a replay can reproduce it exactly.
 */
@Entity('lot_results')
export class LotResult {
  @PrimaryId()
  id!: string;

  @Column({ name: 'round_id', type: 'bigint', transformer: idColumn })
  roundId!: string;

  @Column({ name: 'lot_id', type: 'bigint', transformer: idColumn })
  lotId!: string;

  @Column({ type: 'int' })
  version!: number;

  @Column({ name: 'engine_version', type: 'varchar' })
  engineVersion!: string;

  @Column({ type: 'varchar' })
  cause!: ResultCause;

  @Column({ type: 'varchar', nullable: true })
  note!: string | null;

  @Column({ name: 'trace_json', type: 'text' })
  traceJson!: string;

  @Column({ name: 'trace_sha256', type: 'varchar' })
  traceSha256!: string;

  @Column({ name: 'created_by', type: 'varchar', nullable: true })
  createdBy!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}

export const OBJECTION_STATUSES = ['open', 'answered'] as const;
export type ObjectionStatus = (typeof OBJECTION_STATUSES)[number];

/** §P8 异议: a bidding supplier's objection to a lot's provisional result. */
@Entity('objections')
export class Objection {
  @PrimaryId()
  id!: string;

  @Column({ name: 'round_id', type: 'bigint', transformer: idColumn })
  roundId!: string;

  @Column({ name: 'lot_id', type: 'bigint', transformer: idColumn })
  lotId!: string;

  @Column({ name: 'supplier_id', type: 'bigint', transformer: idColumn })
  supplierId!: string;

  @Column({ type: 'varchar' })
  reason!: string;

  @Column({ type: 'varchar' })
  status!: ObjectionStatus;

  @Column({ type: 'varchar', nullable: true })
  answer!: string | null;

  @Column({ name: 'filed_by', type: 'varchar' })
  filedBy!: string;

  @Column({ name: 'answered_by', type: 'varchar', nullable: true })
  answeredBy!: string | null;

  @Column({ name: 'answered_at', type: 'datetime', precision: 3, nullable: true })
  answeredAt!: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
