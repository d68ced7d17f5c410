import { MigrationInterface, QueryRunner, Table, TableIndex, TableUnique } from 'typeorm';
import { migrationColumns } from '../src/database/dialect';

/** §S4 overdue payment alerts: at most one per accepted delivery line. */
export class CreateOverdueAlerts1796400000000 implements MigrationInterface {
  name = 'CreateOverdueAlerts1796400000000';

  async up(qr: QueryRunner): Promise<void> {
    const c = migrationColumns(qr);
    await qr.createTable(
      new Table({
        name: 'settlement_overdue_alerts',
        columns: [
          c.id(),
          c.ref('delivery_line_id'),
          c.ref('hospital_id'),
          c.ref('supplier_id'),
          c.ref('product_id'),
          c.decimal('amount', 18, 2),
          c.timestamp('accepted_at'),
          c.date('due_date'),
          c.timestamp('raised_at'),
          c.string('status', 16),
          c.string('acknowledged_by', 40, true),
          c.timestamp('acknowledged_at', true),
        ],
        // The overdue check runs periodically and may run twice at once: the key keeps one alert.
        uniques: [
          new TableUnique({
            name: 'uq_settlement_overdue_alerts__delivery_line_id',
            columnNames: ['delivery_line_id'],
          }),
        ],
        indices: [
          new TableIndex({
            name: 'ix_settlement_overdue_alerts__status__hospital_id',
            columnNames: ['status', 'hospital_id'],
          }),
          new TableIndex({
            name: 'ix_settlement_overdue_alerts__supplier_id',
            columnNames: ['supplier_id'],
          }),
        ],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('settlement_overdue_alerts');
  }
}
