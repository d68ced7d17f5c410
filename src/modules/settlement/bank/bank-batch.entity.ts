import { Column, Entity } from 'typeorm';
import { Decimal, decimalColumn, idColumn, PrimaryId } from '../../../database/decimal';
import { BankResult, BatchFormat } from './domain/bank-results';

/**
 * `open` while any payment awaits the bank's answer, `closed` once every one has it,
 * `cancelled` when withdrawn before the bank answered any (its payments go in the next file).
 */
export const BANK_BATCH_STATUSES = ['open', 'closed', 'cancelled'] as const;
export type BankBatchStatus = (typeof BANK_BATCH_STATUSES)[number];

/** §S3.5 one payment instruction file handed to the bank, with the hash of its bytes. */
@Entity('settlement_bank_batches')
export class BankBatch {
  @PrimaryId()
  id!: string;

  /** The authority whose fund officer created it; only its officers see the batch. */
  @Column({ name: 'organisation_id', type: 'bigint', transformer: idColumn })
  organisationId!: string;

  @Column({ type: 'varchar' })
  format!: BatchFormat;

  @Column({ type: 'varchar' })
  status!: BankBatchStatus;

  @Column({ name: 'payment_count', type: 'int' })
  paymentCount!: number;

  @Column({
    name: 'total_amount',
    type: 'decimal',
    precision: 18,
    scale: 2,
    transformer: decimalColumn(2),
  })
  totalAmount!: Decimal;

  @Column({ name: 'file_sha256', type: 'varchar' })
  fileSha256!: string;

  @Column({ name: 'created_by', type: 'varchar' })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'closed_at', type: 'datetime', precision: 3, nullable: true })
  closedAt!: Date | null;

  @Column({ name: 'cancelled_at', type: 'datetime', precision: 3, nullable: true })
  cancelledAt!: Date | null;

  @Column({ name: 'cancelled_by', type: 'varchar', nullable: true })
  cancelledBy!: string | null;

  @Column({ name: 'cancel_reason', type: 'varchar', nullable: true })
  cancelReason!: string | null;
}

/** The exact bytes of a batch's instruction file, as first handed out (re-download). */
@Entity('settlement_bank_batch_files')
export class BankBatchFile {
  @PrimaryId()
  id!: string;

  @Column({ name: 'batch_id', type: 'bigint', transformer: idColumn })
  batchId!: string;

  @Column({ type: 'blob' })
  body!: Buffer;
}

/** One payment of a batch and what the bank answered for it. */
@Entity('settlement_bank_batch_items')
export class BankBatchItem {
  @PrimaryId()
  id!: string;

  @Column({ name: 'batch_id', type: 'bigint', transformer: idColumn })
  batchId!: string;

  @Column({ name: 'payment_id', type: 'bigint', transformer: idColumn })
  paymentId!: string;

  @Column({ name: 'pending_payment_id', type: 'bigint', nullable: true, transformer: idColumn })
  pendingPaymentId!: string | null;

  @Column({ type: 'decimal', precision: 18, scale: 2, transformer: decimalColumn(2) })
  amount!: Decimal;

  /** `cancelled`: the batch was withdrawn before the bank answered. */
  @Column({ type: 'varchar' })
  result!: BankResult | 'pending' | 'cancelled';

  @Column({ name: 'bank_reference', type: 'varchar', nullable: true })
  bankReference!: string | null;

  @Column({ name: 'paid_date', type: 'date', nullable: true })
  paidDate!: string | null;

  @Column({ name: 'failure_reason', type: 'varchar', nullable: true })
  failureReason!: string | null;

  @Column({ name: 'import_id', type: 'bigint', nullable: true, transformer: idColumn })
  importId!: string | null;

  @Column({ name: 'resolved_at', type: 'datetime', precision: 3, nullable: true })
  resolvedAt!: Date | null;
}
