import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { migrationColumns } from '../src/database/dialect';
import { fk, unique, index } from '../src/database/migration-keys';

type Columns = ReturnType<typeof migrationColumns>;

/** §E3 usage and stock reports (进销存) and §E4 monthly completion snapshots. */
export class CreateUsage1796100000000 implements MigrationInterface {
  name = 'CreateUsage1796100000000';

  async up(qr: QueryRunner): Promise<void> {
    const c = migrationColumns(qr);
    for (const table of tables(c)) await qr.createTable(table);
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const table of tables(migrationColumns(qr)).reverse()) await qr.dropTable(table.name);
  }
}

function tables(c: Columns): Table[] {
  return [
    new Table({
      name: 'usage_batches',
      columns: [
        c.id(),
        c.ref('hospital_id'),
        // The client's batch id, or import:<id> for an Excel upload.
        c.string('batch_key', 72),
        // api | excel
        c.string('source', 8),
        c.string('content_hash', 64, true),
        c.int('row_count'),
        c.int('created_count'),
        c.int('corrected_count'),
        c.int('late_count'),
        c.timestamp('received_at'),
        c.string('created_by', 32),
      ],
      uniques: [unique('usage_batches', 'hospital_id', 'batch_key')],
      foreignKeys: [fk('usage_batches', 'hospital_id', 'organisations')],
    }),
    new Table({
      name: 'usage_records',
      columns: [
        c.id(),
        c.ref('hospital_id'),
        c.ref('product_id'),
        c.date('usage_date'),
        // Smallest units (片, 粒, 支 …) of the product.
        c.decimal('purchased_quantity', 18, 3),
        c.decimal('used_quantity', 18, 3),
        c.decimal('stock_quantity', 18, 3),
        c.ref('batch_id'),
        c.int('revision'),
        c.timestamp('first_received_at'),
        c.bool('late'),
        c.timestamp('updated_at'),
      ],
      uniques: [unique('usage_records', 'hospital_id', 'product_id', 'usage_date')],
      indices: [
        // Lists and the late report read a hospital's days; §P3 history a hospital's year.
        index('usage_records', 'hospital_id', 'usage_date'),
        index('usage_records', 'usage_date', 'late'),
        index('usage_records', 'product_id', 'usage_date'),
      ],
      foreignKeys: [
        fk('usage_records', 'hospital_id', 'organisations'),
        fk('usage_records', 'product_id', 'products'),
        fk('usage_records', 'batch_id', 'usage_batches'),
      ],
    }),
    new Table({
      name: 'usage_revisions',
      columns: [
        c.id(),
        c.ref('record_id'),
        c.int('revision'),
        c.decimal('purchased_quantity', 18, 3),
        c.decimal('used_quantity', 18, 3),
        c.decimal('stock_quantity', 18, 3),
        c.ref('batch_id'),
        c.ref('superseded_by_batch_id'),
        c.timestamp('superseded_at'),
      ],
      uniques: [unique('usage_revisions', 'record_id', 'revision')],
      foreignKeys: [
        fk('usage_revisions', 'record_id', 'usage_records'),
        fk('usage_revisions', 'batch_id', 'usage_batches'),
        fk('usage_revisions', 'superseded_by_batch_id', 'usage_batches'),
      ],
    }),
    new Table({
      name: 'completion_snapshots',
      columns: [
        c.id(),
        c.ref('agreement_id'),
        // YYYY-MM
        c.string('month', 7),
        c.date('as_of'),
        c.ref('round_id'),
        c.ref('lot_id'),
        c.ref('hospital_id'),
        c.ref('supplier_id'),
        c.ref('product_id'),
        // Smallest units of the lot's representative spec.
        c.decimal('agreed_quantity', 18, 3),
        c.decimal('purchased_quantity', 18, 3),
        // Fractions at 4 decimals; null when the agreed quantity is 0.
        c.decimal('completion_rate', 12, 4, true),
        c.decimal('expected_progress', 12, 4),
        c.decimal('gap', 12, 4, true),
        c.bool('behind'),
        // The hospital's purchases of the lot's generic: winning vs non-winning products.
        c.decimal('winning_quantity', 18, 3),
        c.decimal('non_winning_quantity', 18, 3),
        c.decimal('non_winning_share', 12, 4, true),
        c.int('unconverted_lines'),
        c.timestamp('computed_at'),
      ],
      uniques: [unique('completion_snapshots', 'agreement_id', 'month')],
      indices: [
        index('completion_snapshots', 'month', 'behind'),
        index('completion_snapshots', 'round_id', 'month'),
        index('completion_snapshots', 'hospital_id', 'month'),
        index('completion_snapshots', 'supplier_id', 'month'),
      ],
      foreignKeys: [
        fk('completion_snapshots', 'agreement_id', 'agreements'),
        fk('completion_snapshots', 'hospital_id', 'organisations'),
        fk('completion_snapshots', 'supplier_id', 'organisations'),
      ],
    }),
  ];
}
