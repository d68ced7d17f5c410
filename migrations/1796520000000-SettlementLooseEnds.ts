import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { dialectOf, migrationColumns } from '../src/database/dialect';

/**
 * §S3.5 bank batches keep the exact bytes of their instruction file (re-download) and can be
 * cancelled before the bank answers; §S4 overdue alerts are resolved when their line is paid.
 */
export class SettlementLooseEnds1796520000000 implements MigrationInterface {
  name = 'SettlementLooseEnds1796520000000';

  async up(qr: QueryRunner): Promise<void> {
    const c = migrationColumns(qr);
    await qr.addColumns('settlement_bank_batches', [
      new TableColumn(c.timestamp('cancelled_at', true)),
      new TableColumn(c.string('cancelled_by', 40, true)),
      new TableColumn(c.string('cancel_reason', 500, true)),
    ]);
    // The file apart from the batch row, so listing batches never reads the bytes.
    await qr.createTable(
      new Table({
        name: 'settlement_bank_batch_files',
        columns: [
          c.id(),
          c.ref('batch_id'),
          {
            name: 'body',
            // LONGBLOB: a province's monthly file can pass BLOB's 64 KB.
            type: dialectOf(qr) === 'mysql' ? 'longblob' : 'blob',
            isNullable: false,
          },
        ],
        uniques: [{ name: 'uq_settlement_bank_batch_files__batch_id', columnNames: ['batch_id'] }],
        foreignKeys: [
          {
            name: 'fk_settlement_bank_batch_files__batch_id',
            columnNames: ['batch_id'],
            referencedTableName: 'settlement_bank_batches',
            referencedColumnNames: ['id'],
          },
        ],
      }),
    );
    await qr.createIndex(
      'settlement_bank_batches',
      new TableIndex({
        name: 'ix_settlement_bank_batches__organisation_id__created_at',
        columnNames: ['organisation_id', 'created_at'],
      }),
    );
    await qr.addColumns('settlement_overdue_alerts', [
      new TableColumn(c.timestamp('resolved_at', true)),
      new TableColumn(c.string('resolution', 16, true)),
    ]);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn('settlement_overdue_alerts', 'resolution');
    await qr.dropColumn('settlement_overdue_alerts', 'resolved_at');
    await qr.dropIndex(
      'settlement_bank_batches',
      'ix_settlement_bank_batches__organisation_id__created_at',
    );
    await qr.dropTable('settlement_bank_batch_files');
    await qr.dropColumn('settlement_bank_batches', 'cancel_reason');
    await qr.dropColumn('settlement_bank_batches', 'cancelled_by');
    await qr.dropColumn('settlement_bank_batches', 'cancelled_at');
  }
}
