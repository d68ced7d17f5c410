import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Decimal, decimalColumn, idColumn, PrimaryId } from '../../../database/decimal';
import { JournalKind } from './domain/journal-rules';

/** §S1 a journal: balanced, append-only; a correction is a reversing journal, never an edit. */
@Entity('ledger_journals')
export class Journal {
  @PrimaryId()
  id!: string;

  /** `J<year>-<number>`: the number runs on across years, so it never repeats. */
  @Column({ type: 'varchar' })
  code!: string;

  @Column({ type: 'varchar' })
  kind!: JournalKind;

  @Column({ type: 'varchar' })
  memo!: string;

  @Column({ name: 'idempotency_key', type: 'varchar', nullable: true })
  idempotencyKey!: string | null;

  @Column({ name: 'reverses_journal_id', type: 'bigint', nullable: true, transformer: idColumn })
  reversesJournalId!: string | null;

  @Column({ name: 'posted_at', type: 'datetime', precision: 3 })
  postedAt!: Date;

  /** The user who posted it; null for the system (jobs, scheduled settlement). */
  @Column({ name: 'posted_by', type: 'bigint', nullable: true, transformer: idColumn })
  postedBy!: string | null;
}

@Entity('ledger_journal_lines')
export class JournalLine {
  @PrimaryId()
  id!: string;

  @Column({ name: 'journal_id', type: 'bigint', transformer: idColumn })
  journalId!: string;

  @Column({ name: 'line_no', type: 'int' })
  lineNo!: number;

  @Column({ name: 'account_id', type: 'bigint', transformer: idColumn })
  accountId!: string;

  @Column({ type: 'decimal', precision: 18, scale: 2, transformer: decimalColumn(2) })
  debit!: Decimal;

  @Column({ type: 'decimal', precision: 18, scale: 2, transformer: decimalColumn(2) })
  credit!: Decimal;
}

/**
 * The ledger's one sequence row. Locking it orders every posting (journal numbers without gaps
 * or repeats, idempotency keys checked against committed journals) and is the first lock a
 * posting takes, before the balances and the audit head.
 */
@Entity('ledger_head')
export class LedgerHead {
  @PrimaryColumn({ type: 'int' })
  id!: number;

  @Column({ name: 'last_journal_no', type: 'bigint', transformer: idColumn })
  lastJournalNo!: string;
}
