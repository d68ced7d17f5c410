import { Column, Entity } from 'typeorm';
import { Decimal, decimalColumn, idColumn, PrimaryId } from '../../../database/decimal';

const dec = (name: string, precision: number, scale: number) =>
  ({ name, type: 'decimal', precision, scale, transformer: decimalColumn(scale) }) as const;

/** §S6 one hospital × lot × agreement year's surplus retention, with every input. */
@Entity('retention_results')
export class RetentionResultRow {
  @PrimaryId()
  id!: string;

  @Column({ name: 'round_id', type: 'bigint', transformer: idColumn })
  roundId!: string;

  @Column({ name: 'lot_id', type: 'bigint', transformer: idColumn })
  lotId!: string;

  @Column({ name: 'hospital_id', type: 'bigint', transformer: idColumn })
  hospitalId!: string;

  @Column({ name: 'agreement_year', type: 'int' })
  agreementYear!: number;

  @Column({ name: 'year_start', type: 'date' })
  yearStart!: string;

  @Column({ name: 'year_end', type: 'date' })
  yearEnd!: string;

  @Column(dec('agreed_quantity', 18, 3))
  agreedQuantity!: Decimal;

  @Column(dec('pre_vbp_unit_price', 18, 6))
  preVbpUnitPrice!: Decimal;

  @Column(dec('fund_payment_ratio', 7, 6))
  fundPaymentRatio!: Decimal;

  @Column(dec('insured_share', 7, 6))
  insuredShare!: Decimal;

  @Column(dec('completion_score', 5, 2))
  completionScore!: Decimal;

  @Column(dec('budget', 18, 2))
  budget!: Decimal;

  @Column(dec('fund_spending', 18, 2))
  fundSpending!: Decimal;

  @Column(dec('counted_spending', 18, 2))
  countedSpending!: Decimal;

  @Column(dec('surplus', 18, 2))
  surplus!: Decimal;

  @Column({ type: 'boolean' })
  completed!: boolean;

  @Column({ type: 'varchar' })
  grade!: string;

  @Column(dec('retained_share', 7, 6))
  retainedShare!: Decimal;

  @Column(dec('retained', 18, 2))
  retained!: Decimal;

  @Column({ name: 'inputs_json', type: 'text' })
  inputsJson!: string;

  @Column({ name: 'explanation_json', type: 'text' })
  explanationJson!: string;

  @Column({ name: 'computed_by', type: 'bigint', nullable: true, transformer: idColumn })
  computedBy!: string | null;

  @Column({ name: 'computed_at', type: 'datetime', precision: 3 })
  computedAt!: Date;
}
