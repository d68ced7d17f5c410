import { Column, Entity } from 'typeorm';
import { idColumn, PrimaryId } from '../../../database/decimal';

export const REPAIR_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type RepairStatus = (typeof REPAIR_STATUSES)[number];

/** §K4 a supplier's application to repair a rating, with its corrective actions. */
@Entity('credit_repairs')
export class CreditRepair {
  @PrimaryId()
  id!: string;

  @Column({ name: 'rating_id', type: 'bigint', transformer: idColumn })
  ratingId!: string;

  @Column({ name: 'supplier_id', type: 'bigint', transformer: idColumn })
  supplierId!: string;

  /** JSON array of `{ kind, evidence }`. */
  @Column({ type: 'text' })
  actions!: string;

  @Column({ type: 'varchar' })
  status!: RepairStatus;

  @Column({ name: 'level_before', type: 'varchar' })
  levelBefore!: string;

  /** The level after approval; null when approval ended the rating or before a decision. */
  @Column({ name: 'level_after', type: 'varchar', nullable: true })
  levelAfter!: string | null;

  @Column({ name: 'applied_by', type: 'varchar' })
  appliedBy!: string;

  @Column({ name: 'applied_at', type: 'datetime', precision: 3 })
  appliedAt!: Date;

  @Column({ name: 'decided_by', type: 'varchar', nullable: true })
  decidedBy!: string | null;

  @Column({ name: 'decided_at', type: 'datetime', precision: 3, nullable: true })
  decidedAt!: Date | null;

  @Column({ name: 'decision_note', type: 'text', nullable: true })
  decisionNote!: string | null;
}
