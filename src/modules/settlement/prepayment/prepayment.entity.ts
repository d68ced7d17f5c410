import { Column, Entity } from 'typeorm';
import { Decimal, decimalColumn, idColumn, PrimaryId } from '../../../database/decimal';

export const PREPAYMENT_STATUSES = ['active', 'settled'] as const;
export type PrepaymentStatus = (typeof PREPAYMENT_STATUSES)[number];

const amount = (name: string, nullable = false) =>
  ({
    name,
    type: 'decimal',
    precision: 18,
    scale: 2,
    nullable,
    transformer: decimalColumn(2),
  }) as const;

/** §S2 what the fund advanced a hospital for one agreement year of a round. */
@Entity('prepayments')
export class Prepayment {
  @PrimaryId()
  id!: string;

  @Column({ name: 'round_id', type: 'bigint', transformer: idColumn })
  roundId!: string;

  @Column({ name: 'hospital_id', type: 'bigint', transformer: idColumn })
  hospitalId!: string;

  @Column({ name: 'agreement_year', type: 'int' })
  agreementYear!: number;

  @Column({ name: 'year_start', type: 'date' })
  yearStart!: string;

  @Column({ name: 'year_end', type: 'date' })
  yearEnd!: string;

  @Column({ name: 'fund_region_code', type: 'varchar' })
  fundRegionCode!: string;

  @Column(amount('annual_agreed_amount'))
  annualAgreedAmount!: Decimal;

  @Column({ type: 'decimal', precision: 7, scale: 6, transformer: decimalColumn(6) })
  share!: Decimal;

  @Column(amount('amount'))
  amount!: Decimal;

  @Column({ name: 'fund_account_id', type: 'bigint', transformer: idColumn })
  fundAccountId!: string;

  @Column({ name: 'prepayment_account_id', type: 'bigint', transformer: idColumn })
  prepaymentAccountId!: string;

  @Column({ name: 'journal_id', type: 'bigint', transformer: idColumn })
  journalId!: string;

  @Column({ type: 'varchar' })
  status!: PrepaymentStatus;

  @Column(amount('settled_remainder', true))
  settledRemainder!: Decimal | null;

  @Column({ name: 'settle_journal_id', type: 'bigint', nullable: true, transformer: idColumn })
  settleJournalId!: string | null;

  @Column({ name: 'settled_at', type: 'datetime', precision: 3, nullable: true })
  settledAt!: Date | null;

  @Column({ name: 'created_by', type: 'bigint', nullable: true, transformer: idColumn })
  createdBy!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}

/** The part of a prepayment one statement's payment took (§S2 offset, §S3.4). */
@Entity('prepayment_offsets')
export class PrepaymentOffset {
  @PrimaryId()
  id!: string;

  @Column({ name: 'prepayment_id', type: 'bigint', transformer: idColumn })
  prepaymentId!: string;

  @Column({ name: 'statement_id', type: 'bigint', transformer: idColumn })
  statementId!: string;

  /** The settlement month, YYYY-MM. */
  @Column({ type: 'varchar' })
  period!: string;

  /** 1-based period within the agreement year. */
  @Column({ name: 'period_no', type: 'int' })
  periodNo!: number;

  @Column(amount('statement_amount'))
  statementAmount!: Decimal;

  @Column(amount('offset_amount'))
  offsetAmount!: Decimal;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
