import { Column, Entity } from 'typeorm';
import { Decimal, decimalColumn, idColumn, PrimaryId } from '../../../database/decimal';

export type PaymentStatus = 'instructed' | 'paid' | 'failed';

/** §S3.4 the one payment of a statement, with the figures its journal posted. */
@Entity('settlement_payments')
export class Payment {
  @PrimaryId()
  id!: string;

  @Column({ name: 'statement_id', type: 'bigint', transformer: idColumn })
  statementId!: string;

  @Column({ name: 'idempotency_key', type: 'varchar' })
  idempotencyKey!: string;

  @Column({ type: 'decimal', precision: 18, scale: 2, transformer: decimalColumn(2) })
  amount!: Decimal;

  @Column({
    name: 'prepayment_offset',
    type: 'decimal',
    precision: 18,
    scale: 2,
    transformer: decimalColumn(2),
  })
  prepaymentOffset!: Decimal;

  @Column({
    name: 'hospital_deducted',
    type: 'decimal',
    precision: 18,
    scale: 2,
    transformer: decimalColumn(2),
  })
  hospitalDeducted!: Decimal;

  @Column({ type: 'decimal', precision: 18, scale: 2, transformer: decimalColumn(2) })
  receivable!: Decimal;

  @Column({ name: 'journal_id', type: 'bigint', transformer: idColumn })
  journalId!: string;

  @Column({ name: 'bank_reference', type: 'varchar', nullable: true })
  bankReference!: string | null;

  @Column({ type: 'varchar' })
  status!: PaymentStatus;

  @Column({ name: 'paid_at', type: 'datetime', precision: 3, nullable: true })
  paidAt!: Date | null;

  @Column({ name: 'created_by', type: 'varchar' })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
