import { Column, Entity } from 'typeorm';
import { Decimal, decimalColumn, idColumn, PrimaryId } from '../../../database/decimal';
import { PaymentStandardRule } from './domain/payment-standards';

/** Award rules (§S5) and an officer's manual setting. */
export type StandardRule = PaymentStandardRule | 'manual';

export const STANDARD_STATUSES = ['current', 'superseded'] as const;
export type StandardStatus = (typeof STANDARD_STATUSES)[number];

/** §S5 a payment standard (支付标准) of a product in a pooling region, for a validity period. */
@Entity('payment_standards')
export class PaymentStandard {
  @PrimaryId()
  id!: string;

  @Column({ name: 'product_id', type: 'bigint', transformer: idColumn })
  productId!: string;

  @Column({ name: 'region_code', type: 'varchar' })
  regionCode!: string;

  /** Per smallest unit of the product, 6 decimals. */
  @Column({
    name: 'unit_price',
    type: 'decimal',
    precision: 18,
    scale: 6,
    transformer: decimalColumn(6),
  })
  unitPrice!: Decimal;

  @Column({ name: 'valid_from', type: 'date' })
  validFrom!: string;

  @Column({ name: 'valid_to', type: 'date', nullable: true })
  validTo!: string | null;

  @Column({ type: 'varchar' })
  rule!: StandardRule;

  @Column({ name: 'source_round_id', type: 'bigint', nullable: true, transformer: idColumn })
  sourceRoundId!: string | null;

  @Column({ name: 'source_lot_id', type: 'bigint', nullable: true, transformer: idColumn })
  sourceLotId!: string | null;

  @Column({ type: 'varchar' })
  explanation!: string;

  @Column({ type: 'varchar' })
  status!: StandardStatus;

  @Column({ name: 'current_key', type: 'varchar', nullable: true })
  currentKey!: string | null;

  @Column({ name: 'created_by', type: 'bigint', nullable: true, transformer: idColumn })
  createdBy!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}

/** That an awarded round's standards were set, once. */
@Entity('payment_standard_runs')
export class PaymentStandardRun {
  @PrimaryId()
  id!: string;

  @Column({ name: 'round_id', type: 'bigint', transformer: idColumn })
  roundId!: string;

  @Column({ type: 'int' })
  standards!: number;

  @Column({ name: 'skipped_json', type: 'text' })
  skippedJson!: string;

  @Column({ name: 'ran_by', type: 'bigint', nullable: true, transformer: idColumn })
  ranBy!: string | null;

  @Column({ name: 'ran_at', type: 'datetime', precision: 3 })
  ranAt!: Date;
}
