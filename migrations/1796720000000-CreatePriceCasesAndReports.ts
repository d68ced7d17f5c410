import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { migrationColumns } from '../src/database/dialect';
import { index, unique } from '../src/database/migration-keys';

type Columns = ReturnType<typeof migrationColumns>;

/**
 * §M4 alert history, §M6 price cases (their alerts, their enforcement record, per-year code
 * counters) and §M7 monthly monitoring reports.
 */
export class CreatePriceCasesAndReports1796720000000 implements MigrationInterface {
  name = 'CreatePriceCasesAndReports1796720000000';

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
      name: 'monitoring_alert_events',
      columns: [
        c.id(),
        c.ref('alert_id'),
        c.string('action', 16),
        c.string('from_status', 16),
        c.string('to_status', 16),
        c.string('actor_id', 40),
        c.string('actor_name', 100),
        c.ref('assignee_id', true),
        c.ref('case_id', true),
        c.string('reason', 500, true),
        c.timestamp('at'),
      ],
      indices: [index('monitoring_alert_events', 'alert_id', 'at')],
    }),
    new Table({
      name: 'monitoring_price_cases',
      columns: [
        c.id(),
        c.string('code', 20),
        c.int('year'),
        c.int('seq'),
        c.ref('supplier_id'),
        // The authority whose analyst opened the case; its region is the case's scope.
        c.ref('authority_id'),
        c.string('region_code', 12, true),
        c.string('title', 200),
        c.string('status', 16),
        c.string('outcome', 24, true),
        c.string('opened_by', 40),
        c.timestamp('opened_at'),
        c.timestamp('inquiry_sent_at', true),
        c.timestamp('reply_deadline', true),
        c.timestamp('replied_at', true),
        c.timestamp('closed_at', true),
        c.string('credit_case_code', 40, true),
        c.int('version'),
        c.timestamp('updated_at'),
      ],
      uniques: [
        unique('monitoring_price_cases', 'code'),
        unique('monitoring_price_cases', 'year', 'seq'),
      ],
      indices: [
        index('monitoring_price_cases', 'status', 'reply_deadline'),
        index('monitoring_price_cases', 'supplier_id', 'status'),
      ],
    }),
    new Table({
      name: 'monitoring_price_case_alerts',
      columns: [c.id(), c.ref('case_id'), c.ref('alert_id')],
      // An alert belongs to at most one case, also when two analysts open cases at once.
      uniques: [unique('monitoring_price_case_alerts', 'alert_id')],
      indices: [index('monitoring_price_case_alerts', 'case_id')],
    }),
    new Table({
      name: 'monitoring_price_case_steps',
      columns: [
        c.id(),
        c.ref('case_id'),
        c.string('kind', 24),
        c.string('actor_id', 40),
        c.string('actor_name', 100),
        c.ref('actor_org_id', true),
        c.timestamp('at'),
        c.text('body'),
        // Canonical JSON of the step's figures (deadline, committed price, suspended listings …).
        c.text('details'),
      ],
      indices: [index('monitoring_price_case_steps', 'case_id', 'at')],
    }),
    new Table({
      name: 'monitoring_price_case_counters',
      columns: [{ name: 'year', type: 'int', isPrimary: true }, c.int('last_seq')],
    }),
    new Table({
      name: 'monitoring_reports',
      columns: [
        c.id(),
        c.string('period', 7),
        c.int('version'),
        c.string('trigger', 12),
        c.string('file_path', 255),
        c.string('sha256', 64),
        c.int('size_bytes'),
        c.text('summary'),
        c.string('generated_by', 40),
        c.timestamp('generated_at'),
      ],
      // The scheduled job writes version 1 of a period once; a rerun of the job finds it.
      uniques: [unique('monitoring_reports', 'period', 'version')],
    }),
  ];
}
