import { Column, Entity } from 'typeorm';
import { Decimal, decimalColumn, idColumn, PrimaryId } from '../../../database/decimal';

const quantity = (name: string) =>
  ({ name, type: 'decimal', precision: 18, scale: 3, transformer: decimalColumn(3) }) as const;
const rate = (name: string, nullable: boolean) =>
  ({
    name,
    type: 'decimal',
    precision: 12,
    scale: 4,
    nullable,
    transformer: decimalColumn(4),
  }) as const;

/**
 * §E4 an agreement's completion at the end of a month (or so far, for the running month), with
 * the substitution share of its hospital × lot. One row per agreement and month.
 */
@Entity('completion_snapshots')
export class CompletionSnapshot {
  @PrimaryId()
  id!: string;

  @Column({ name: 'agreement_id', type: 'bigint', transformer: idColumn })
  agreementId!: string;

  /** YYYY-MM */
  @Column({ type: 'varchar' })
  month!: string;

  @Column({ name: 'as_of', type: 'date' })
  asOf!: string;

  @Column({ name: 'round_id', type: 'bigint', transformer: idColumn })
  roundId!: string;

  @Column({ name: 'lot_id', type: 'bigint', transformer: idColumn })
  lotId!: string;

  @Column({ name: 'hospital_id', type: 'bigint', transformer: idColumn })
  hospitalId!: string;

  @Column({ name: 'supplier_id', type: 'bigint', transformer: idColumn })
  supplierId!: string;

  @Column({ name: 'product_id', type: 'bigint', transformer: idColumn })
  productId!: string;

  @Column(quantity('agreed_quantity'))
  agreedQuantity!: Decimal;

  @Column(quantity('purchased_quantity'))
  purchasedQuantity!: Decimal;

  @Column(rate('completion_rate', true))
  completionRate!: Decimal | null;

  @Column(rate('expected_progress', false))
  expectedProgress!: Decimal;

  @Column(rate('gap', true))
  gap!: Decimal | null;

  @Column({ type: 'boolean' })
  behind!: boolean;

  @Column(quantity('winning_quantity'))
  winningQuantity!: Decimal;

  @Column(quantity('non_winning_quantity'))
  nonWinningQuantity!: Decimal;

  @Column(rate('non_winning_share', true))
  nonWinningShare!: Decimal | null;

  /** Accepted delivery lines of products whose strength cannot be converted (not counted). */
  @Column({ name: 'unconverted_lines', type: 'int' })
  unconvertedLines!: number;

  @Column({ name: 'computed_at', type: 'datetime', precision: 3 })
  computedAt!: Date;
}
