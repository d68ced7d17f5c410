import { Column, Entity } from 'typeorm';
import { Decimal, decimalColumn, idColumn, PrimaryId } from '../../../database/decimal';

export const DEMAND_STATUSES = ['reported', 'confirmed', 'returned'] as const;
export type DemandStatus = (typeof DEMAND_STATUSES)[number];

/** §P3 报量: one hospital's declared annual demand for one lot. */
@Entity('demand_reports')
export class DemandReport {
  @PrimaryId()
  id!: string;

  @Column({ name: 'round_id', type: 'bigint', transformer: idColumn })
  roundId!: string;

  @Column({ name: 'lot_id', type: 'bigint', transformer: idColumn })
  lotId!: string;

  @Column({ name: 'hospital_id', type: 'bigint', transformer: idColumn })
  hospitalId!: string;

  @Column({ type: 'decimal', precision: 18, scale: 3, transformer: decimalColumn(3) })
  quantity!: Decimal;

  @Column({ name: 'brand_product_id', type: 'bigint', nullable: true, transformer: idColumn })
  brandProductId!: string | null;

  @Column({
    name: 'history_quantity',
    type: 'decimal',
    precision: 18,
    scale: 3,
    nullable: true,
    transformer: decimalColumn(3),
  })
  historyQuantity!: Decimal | null;

  @Column({ type: 'varchar', nullable: true })
  reason!: string | null;

  @Column({ type: 'varchar' })
  status!: DemandStatus;

  @Column({ name: 'review_note', type: 'varchar', nullable: true })
  reviewNote!: string | null;

  @Column({ name: 'reported_by_org_id', type: 'bigint', transformer: idColumn })
  reportedByOrgId!: string;

  @Column({ name: 'reported_by', type: 'varchar' })
  reportedBy!: string;

  @Column({ name: 'reviewed_by', type: 'varchar', nullable: true })
  reviewedBy!: string | null;

  @Column({ name: 'reviewed_at', type: 'datetime', precision: 3, nullable: true })
  reviewedAt!: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
