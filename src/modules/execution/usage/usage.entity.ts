import { Column, Entity } from 'typeorm';
import { Decimal, decimalColumn, idColumn, PrimaryId } from '../../../database/decimal';

export const USAGE_SOURCES = ['api', 'excel'] as const;
export type UsageSource = (typeof USAGE_SOURCES)[number];

const quantity = (name: string) =>
  ({
    name,
    type: 'decimal',
    precision: 18,
    scale: 3,
    transformer: decimalColumn(3),
  }) as const;

/**
 * §E3 one upload of usage rows: an API batch under its client-chosen id, or one Excel import.
 * The stored counts are the batch's answer, returned again when the same batch is sent again.
 */
@Entity('usage_batches')
export class UsageBatch {
  @PrimaryId()
  id!: string;

  @Column({ name: 'hospital_id', type: 'bigint', transformer: idColumn })
  hospitalId!: string;

  /** The client's batch id (`PUT …/usage-batches/:batchId`), or `import:<id>` for Excel. */
  @Column({ name: 'batch_key', type: 'varchar' })
  batchKey!: string;

  @Column({ type: 'varchar' })
  source!: UsageSource;

  /** SHA-256 of the batch's rows (API batches); the import's own file hash covers Excel. */
  @Column({ name: 'content_hash', type: 'varchar', nullable: true })
  contentHash!: string | null;

  @Column({ name: 'row_count', type: 'int' })
  rowCount!: number;

  /** Rows for a (product, day) the hospital had not reported before. */
  @Column({ name: 'created_count', type: 'int' })
  createdCount!: number;

  /** Rows that replaced an earlier report of their day (the old values go to usage_revisions). */
  @Column({ name: 'corrected_count', type: 'int' })
  correctedCount!: number;

  @Column({ name: 'late_count', type: 'int' })
  lateCount!: number;

  @Column({ name: 'received_at', type: 'datetime', precision: 3 })
  receivedAt!: Date;

  @Column({ name: 'created_by', type: 'varchar' })
  createdBy!: string;
}

/** §E3 the current figures of one hospital, product and day. */
@Entity('usage_records')
export class UsageRecord {
  @PrimaryId()
  id!: string;

  @Column({ name: 'hospital_id', type: 'bigint', transformer: idColumn })
  hospitalId!: string;

  @Column({ name: 'product_id', type: 'bigint', transformer: idColumn })
  productId!: string;

  @Column({ name: 'usage_date', type: 'date' })
  usageDate!: string;

  @Column(quantity('purchased_quantity'))
  purchasedQuantity!: Decimal;

  @Column(quantity('used_quantity'))
  usedQuantity!: Decimal;

  @Column(quantity('stock_quantity'))
  stockQuantity!: Decimal;

  /** The batch the current figures came from. */
  @Column({ name: 'batch_id', type: 'bigint', transformer: idColumn })
  batchId!: string;

  /** 1 for the first report of the day, +1 per correction. */
  @Column({ type: 'int' })
  revision!: number;

  /** When the day was first reported: lateness is decided by it and never changes. */
  @Column({ name: 'first_received_at', type: 'datetime', precision: 3 })
  firstReceivedAt!: Date;

  @Column({ type: 'boolean' })
  late!: boolean;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

/** Figures a correction replaced, kept so a day's reporting history can be traced. */
@Entity('usage_revisions')
export class UsageRevision {
  @PrimaryId()
  id!: string;

  @Column({ name: 'record_id', type: 'bigint', transformer: idColumn })
  recordId!: string;

  @Column({ type: 'int' })
  revision!: number;

  @Column(quantity('purchased_quantity'))
  purchasedQuantity!: Decimal;

  @Column(quantity('used_quantity'))
  usedQuantity!: Decimal;

  @Column(quantity('stock_quantity'))
  stockQuantity!: Decimal;

  @Column({ name: 'batch_id', type: 'bigint', transformer: idColumn })
  batchId!: string;

  @Column({ name: 'superseded_by_batch_id', type: 'bigint', transformer: idColumn })
  supersededByBatchId!: string;

  @Column({ name: 'superseded_at', type: 'datetime', precision: 3 })
  supersededAt!: Date;
}
