import { Column, Entity } from 'typeorm';
import { Decimal, decimalColumn, idColumn, PrimaryId } from '../../../database/decimal';
import { Party, StatementStatus } from './domain/statement-rules';

/** §S3.1 a statement (结算单): one per hospital × supplier × period (`YYYY-MM`). */
@Entity('settlement_statements')
export class Statement {
  @PrimaryId()
  id!: string;

  @Column({ name: 'hospital_id', type: 'bigint', transformer: idColumn })
  hospitalId!: string;

  @Column({ name: 'supplier_id', type: 'bigint', transformer: idColumn })
  supplierId!: string;

  @Column({ type: 'varchar' })
  period!: string;

  /** The period's window on China business dates: the statement bills lines accepted in it. */
  @Column({ name: 'period_start', type: 'datetime', precision: 3 })
  periodStart!: Date;

  @Column({ name: 'period_end', type: 'datetime', precision: 3 })
  periodEnd!: Date;

  /** SETTLEMENT_SCOPE when it was generated: which of the window's lines it bills. */
  @Column({ type: 'varchar' })
  scope!: 'all' | 'vbp';

  @Column({ type: 'varchar' })
  status!: StatementStatus;

  /** Σ amounts of its billed lines; disputed lines leave it. */
  @Column({ type: 'decimal', precision: 18, scale: 2, transformer: decimalColumn(2) })
  amount!: Decimal;

  @Column({
    name: 'disputed_amount',
    type: 'decimal',
    precision: 18,
    scale: 2,
    transformer: decimalColumn(2),
  })
  disputedAmount!: Decimal;

  @Column({ name: 'line_count', type: 'int' })
  lineCount!: number;

  @Column({ name: 'generated_at', type: 'datetime', precision: 3 })
  generatedAt!: Date;

  @Column({ name: 'reconciliation_deadline', type: 'datetime', precision: 3 })
  reconciliationDeadline!: Date;

  @Column({ name: 'hospital_confirmed_at', type: 'datetime', precision: 3, nullable: true })
  hospitalConfirmedAt!: Date | null;

  /** A user id, or `deemed` when silence counted as confirmation at the deadline. */
  @Column({ name: 'hospital_confirmed_by', type: 'varchar', nullable: true })
  hospitalConfirmedBy!: string | null;

  @Column({ name: 'supplier_confirmed_at', type: 'datetime', precision: 3, nullable: true })
  supplierConfirmedAt!: Date | null;

  @Column({ name: 'supplier_confirmed_by', type: 'varchar', nullable: true })
  supplierConfirmedBy!: string | null;

  @Column({ name: 'confirmed_at', type: 'datetime', precision: 3, nullable: true })
  confirmedAt!: Date | null;

  /** Incremented when a review rejection sends the statement back to reconciliation. */
  @Column({ name: 'review_cycle', type: 'int' })
  reviewCycle!: number;

  @Column({ name: 'review_level', type: 'int' })
  reviewLevel!: number;

  @Column({ name: 'approved_at', type: 'datetime', precision: 3, nullable: true })
  approvedAt!: Date | null;

  @Column({ name: 'paid_at', type: 'datetime', precision: 3, nullable: true })
  paidAt!: Date | null;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

export const LINE_STATUSES = ['billed', 'disputed', 'struck', 'carried'] as const;
/**
 * How a line shows on a statement. billed: counts in the statement; disputed: left the total,
 * dispute open; struck: the dispute was upheld against the line, never paid; carried: the
 * dispute was resolved for the line (or its statement did not bill it, outside the scope it was
 * generated under, and it was placed later), which is billed on the pair's next generated
 * statement (where it shows as billed, and may be disputed like any billed line: it then shows
 * there as disputed or struck, and on its own window's statement still as carried).
 */
export type LineStatus = (typeof LINE_STATUSES)[number];

export const EXCEPTION_STATUSES = ['disputed', 'struck', 'carried', 'excluded'] as const;
/**
 * `excluded`: in a statement's window, never on it, outside the settlement scope it was
 * generated under. From lines copied before membership was by window (migration 1796500000000),
 * and from statements generated under `vbp` once SETTLEMENT_SCOPE is `all` (generation records
 * them and widens the statement's scope). Such a line awaits placement: generation bills it
 * once, as `carried`, on the pair's first open statement whose scope covers it
 * (statement-generation.service.ts).
 */
export type ExceptionStatus = (typeof EXCEPTION_STATUSES)[number];

/**
 * A delivery line that is not simply billed on the statement of its window (§S3.2): a statement
 * bills its pair's accepted lines accepted in its period, minus the lines excepted on it, plus
 * the lines carried onto it. One row per delivery line at most (unique key), so a line is
 * disputed once and billed once.
 */
@Entity('settlement_line_exceptions')
export class LineException {
  @PrimaryId()
  id!: string;

  @Column({ name: 'delivery_line_id', type: 'bigint', transformer: idColumn })
  deliveryLineId!: string;

  /** The statement whose window holds the line; null while that month has none for the pair. */
  @Column({ name: 'statement_id', type: 'bigint', nullable: true, transformer: idColumn })
  statementId!: string | null;

  /**
   * A carried line's later statement, once a generation placed it there. It bills the line
   * while the status is `carried`. A line disputed there keeps pointing at it while disputed
   * and once struck; a dispute resolved for it sends it on to the pair's next statement.
   */
  @Column({
    name: 'carried_to_statement_id',
    type: 'bigint',
    nullable: true,
    transformer: idColumn,
  })
  carriedToStatementId!: string | null;

  @Column({ name: 'hospital_id', type: 'bigint', transformer: idColumn })
  hospitalId!: string;

  @Column({ name: 'supplier_id', type: 'bigint', transformer: idColumn })
  supplierId!: string;

  /** The delivery line's amount, so totals move without reading execution's table. */
  @Column({ type: 'decimal', precision: 18, scale: 2, transformer: decimalColumn(2) })
  amount!: Decimal;

  @Column({ type: 'varchar' })
  status!: ExceptionStatus;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

export type DisputeStatus = 'open' | 'accepted' | 'rejected';

/** §S3.2 a party's dispute of one line; a line is disputed at most once. */
@Entity('settlement_disputes')
export class Dispute {
  @PrimaryId()
  id!: string;

  @Column({ name: 'statement_id', type: 'bigint', transformer: idColumn })
  statementId!: string;

  /** The disputed statement line, named by its delivery line's id. */
  @Column({ name: 'statement_line_id', type: 'bigint', transformer: idColumn })
  statementLineId!: string;

  @Column({ type: 'varchar' })
  party!: Party;

  @Column({ type: 'varchar' })
  reason!: string;

  @Column({ type: 'decimal', precision: 18, scale: 2, transformer: decimalColumn(2) })
  amount!: Decimal;

  @Column({ name: 'raised_by', type: 'varchar' })
  raisedBy!: string;

  @Column({ name: 'raised_at', type: 'datetime', precision: 3 })
  raisedAt!: Date;

  @Column({ type: 'varchar' })
  status!: DisputeStatus;

  @Column({ name: 'resolution_note', type: 'varchar', nullable: true })
  resolutionNote!: string | null;

  @Column({ name: 'resolved_by', type: 'varchar', nullable: true })
  resolvedBy!: string | null;

  @Column({ name: 'resolved_at', type: 'datetime', precision: 3, nullable: true })
  resolvedAt!: Date | null;
}

/** §S3.3 one review decision; a rejection ends the cycle. */
@Entity('settlement_reviews')
export class Review {
  @PrimaryId()
  id!: string;

  @Column({ name: 'statement_id', type: 'bigint', transformer: idColumn })
  statementId!: string;

  @Column({ type: 'int' })
  cycle!: number;

  @Column({ type: 'int' })
  level!: number;

  @Column({ type: 'varchar' })
  decision!: 'approved' | 'rejected';

  @Column({ name: 'officer_id', type: 'varchar' })
  officerId!: string;

  @Column({ type: 'varchar', nullable: true })
  note!: string | null;

  @Column({ name: 'decided_at', type: 'datetime', precision: 3 })
  decidedAt!: Date;
}
