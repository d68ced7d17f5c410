import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { migrationColumns } from '../src/database/dialect';
import { unique, index } from '../src/database/migration-keys';

type Columns = ReturnType<typeof migrationColumns>;

/** §S3 the direct settlement cycle: statements, their lines, disputes, reviews, payments. */
export class CreateStatements1796000000000 implements MigrationInterface {
  name = 'CreateStatements1796000000000';

  async up(qr: QueryRunner): Promise<void> {
    for (const table of tables(migrationColumns(qr))) await qr.createTable(table);
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const table of tables(migrationColumns(qr)).reverse()) await qr.dropTable(table.name);
  }
}

function tables(c: Columns): Table[] {
  return [
    new Table({
      name: 'settlement_statements',
      columns: [
        c.id(),
        c.ref('hospital_id'),
        c.ref('supplier_id'),
        c.string('period', 7),
        c.string('status', 16),
        c.decimal('amount', 18, 2),
        c.decimal('disputed_amount', 18, 2),
        c.int('line_count'),
        c.timestamp('generated_at'),
        c.timestamp('reconciliation_deadline'),
        c.timestamp('hospital_confirmed_at', true),
        c.string('hospital_confirmed_by', 40, true),
        c.timestamp('supplier_confirmed_at', true),
        c.string('supplier_confirmed_by', 40, true),
        c.timestamp('confirmed_at', true),
        c.int('review_cycle'),
        c.int('review_level'),
        c.timestamp('approved_at', true),
        c.timestamp('paid_at', true),
        c.timestamp('updated_at'),
      ],
      // Exactly one statement per hospital × supplier × period (§S3.1), also under concurrency.
      uniques: [unique('settlement_statements', 'hospital_id', 'supplier_id', 'period')],
      indices: [
        index('settlement_statements', 'period', 'status'),
        index('settlement_statements', 'status', 'reconciliation_deadline'),
        index('settlement_statements', 'supplier_id', 'period'),
      ],
    }),
    new Table({
      name: 'settlement_statement_lines',
      columns: [
        c.id(),
        c.ref('statement_id'),
        c.ref('delivery_line_id'),
        c.ref('delivery_id'),
        c.ref('hospital_id'),
        c.ref('supplier_id'),
        c.ref('product_id'),
        c.decimal('quantity', 18, 3),
        c.decimal('unit_price', 18, 6),
        c.decimal('amount', 18, 2),
        c.timestamp('accepted_at'),
        c.string('status', 16),
      ],
      // A delivery line is billed exactly once, whatever generation runs or repeats.
      uniques: [unique('settlement_statement_lines', 'delivery_line_id')],
      indices: [
        index('settlement_statement_lines', 'statement_id', 'status'),
        index('settlement_statement_lines', 'status', 'hospital_id', 'supplier_id'),
      ],
    }),
    new Table({
      name: 'settlement_disputes',
      columns: [
        c.id(),
        c.ref('statement_id'),
        c.ref('statement_line_id'),
        c.string('party', 10),
        c.string('reason', 500),
        c.decimal('amount', 18, 2),
        c.string('raised_by', 40),
        c.timestamp('raised_at'),
        c.string('status', 10),
        c.string('resolution_note', 500, true),
        c.string('resolved_by', 40, true),
        c.timestamp('resolved_at', true),
      ],
      uniques: [unique('settlement_disputes', 'statement_line_id')],
      indices: [
        index('settlement_disputes', 'statement_id'),
        index('settlement_disputes', 'status'),
      ],
    }),
    new Table({
      name: 'settlement_reviews',
      columns: [
        c.id(),
        c.ref('statement_id'),
        c.int('cycle'),
        c.int('level'),
        c.string('decision', 10),
        c.string('officer_id', 40),
        c.string('note', 500, true),
        c.timestamp('decided_at'),
      ],
      uniques: [
        unique('settlement_reviews', 'statement_id', 'cycle', 'level'),
        // The database's own guard of §S3.3: one officer, one level per review cycle.
        unique('settlement_reviews', 'statement_id', 'cycle', 'officer_id'),
      ],
    }),
    new Table({
      name: 'settlement_payments',
      columns: [
        c.id(),
        c.ref('statement_id'),
        c.string('idempotency_key', 100),
        c.decimal('amount', 18, 2),
        c.decimal('prepayment_offset', 18, 2),
        c.decimal('hospital_deducted', 18, 2),
        c.decimal('receivable', 18, 2),
        c.ref('journal_id'),
        c.string('bank_reference', 100, true),
        c.string('status', 12),
        c.timestamp('paid_at', true),
        c.string('created_by', 40),
        c.timestamp('created_at'),
      ],
      uniques: [unique('settlement_payments', 'statement_id')],
      indices: [index('settlement_payments', 'status')],
    }),
  ];
}
