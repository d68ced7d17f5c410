import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { migrationColumns } from '../src/database/dialect';
import { unique, index } from '../src/database/migration-keys';

type Columns = ReturnType<typeof migrationColumns>;

/** §S3.5 payment instruction files for the bank and the results the bank sends back. */
export class CreateBankBatches1796300000000 implements MigrationInterface {
  name = 'CreateBankBatches1796300000000';

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
      name: 'settlement_bank_batches',
      columns: [
        c.id(),
        c.ref('organisation_id'),
        c.string('format', 8),
        c.string('status', 16),
        c.int('payment_count'),
        c.decimal('total_amount', 18, 2),
        c.string('file_sha256', 64),
        c.string('created_by', 40),
        c.timestamp('created_at'),
        c.timestamp('closed_at', true),
      ],
      indices: [index('settlement_bank_batches', 'organisation_id', 'status')],
    }),
    new Table({
      name: 'settlement_bank_batch_items',
      columns: [
        c.id(),
        c.ref('batch_id'),
        c.ref('payment_id'),
        // The payment id while the bank's answer is awaited, NULL once it has one: the unique
        // index keeps a payment in at most one batch awaiting the bank (NULLs never clash).
        c.ref('pending_payment_id', true),
        c.decimal('amount', 18, 2),
        c.string('result', 16),
        c.string('bank_reference', 100, true),
        c.date('paid_date', true),
        c.string('failure_reason', 500, true),
        c.ref('import_id', true),
        c.timestamp('resolved_at', true),
      ],
      uniques: [
        unique('settlement_bank_batch_items', 'batch_id', 'payment_id'),
        unique('settlement_bank_batch_items', 'pending_payment_id'),
      ],
      indices: [index('settlement_bank_batch_items', 'payment_id')],
    }),
  ];
}
