import {
  MigrationInterface,
  QueryRunner,
  Table,
  TableForeignKey,
  TableIndex,
  TableUnique,
} from 'typeorm';
import { dialectOf, migrationColumns } from '../src/database/dialect';
import {
  initialPartitions,
  partitionClauses,
} from '../src/modules/monitoring/observations/domain/partitions';

type Columns = ReturnType<typeof migrationColumns>;

function unique(table: string, ...columns: string[]): TableUnique {
  return new TableUnique({ name: `uq_${table}__${columns.join('__')}`, columnNames: columns });
}

function index(table: string, ...columns: string[]): TableIndex {
  return new TableIndex({ name: `ix_${table}__${columns.join('__')}`, columnNames: columns });
}

function fk(table: string, column: string, target: string): TableForeignKey {
  return new TableForeignKey({
    name: `fk_${table}__${column}`,
    columnNames: [column],
    referencedTableName: target,
    referencedColumnNames: ['id'],
  });
}

/**
 * §M1 observations (append-only, monthly partitions on MySQL/MariaDB), the loads that wrote them,
 * the committed chunks of restartable bulk loads, and the designated sentinel organisations.
 */
export class CreateObservations1796700000000 implements MigrationInterface {
  name = 'CreateObservations1796700000000';

  async up(qr: QueryRunner): Promise<void> {
    const c = migrationColumns(qr);
    const mysql = dialectOf(qr) === 'mysql';
    for (const table of tables(c, mysql)) await qr.createTable(table);
    if (mysql) {
      // MySQL requires the partition column in every unique key, hence the (id, observed_on)
      // primary key and observed_on in the derivation key. Partitioned InnoDB tables take no
      // foreign keys, so the observation table has none (its writers validate the ids).
      await qr.query(
        `ALTER TABLE monitoring_observations PARTITION BY RANGE COLUMNS(observed_on) (\n  ${partitionClauses(initialPartitions())}\n)`,
      );
    }
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const table of tables(migrationColumns(qr), dialectOf(qr) === 'mysql').reverse()) {
      await qr.dropTable(table.name);
    }
  }
}

function tables(c: Columns, mysql: boolean): Table[] {
  return [
    new Table({
      name: 'monitoring_observation_batches',
      columns: [
        c.id(),
        // derivation | import | api | bulk
        c.string('kind', 16),
        // The one source a load carries; null for a derivation run (several sources).
        c.string('source', 12, true),
        // derive:<period>:<run ms> | import:<fileId> | api:<orgId>:<client batch id> | bulk:<key>
        c.string('batch_key', 160),
        c.string('period', 7, true),
        c.ref('organisation_id', true),
        c.ref('import_file_id', true),
        // SHA-256 of an API batch's canonical rows: a re-send with other rows is a conflict.
        c.string('content_hash', 64, true),
        // loading | committed | failed
        c.string('status', 12),
        c.int('row_count', false, 0),
        c.int('inserted_count', false, 0),
        c.string('message', 500, true),
        c.string('created_by', 40),
        c.timestamp('created_at'),
        c.timestamp('committed_at', true),
        // When the evaluation job (§M8) was enqueued for the committed batch; null = still due.
        c.timestamp('evaluation_enqueued_at', true),
      ],
      uniques: [unique('monitoring_observation_batches', 'batch_key')],
      indices: [
        index('monitoring_observation_batches', 'kind', 'created_at'),
        index('monitoring_observation_batches', 'organisation_id', 'created_at'),
        // MySQL caps identifiers at 64 characters: the last column is abbreviated.
        new TableIndex({
          name: 'ix_monitoring_observation_batches__status__evaluation',
          columnNames: ['status', 'evaluation_enqueued_at'],
        }),
      ],
      foreignKeys: [fk('monitoring_observation_batches', 'organisation_id', 'organisations')],
    }),
    new Table({
      name: 'monitoring_observations',
      columns: [
        c.id(),
        c.string('source', 12),
        c.string('source_ref', 100),
        c.ref('batch_id', true),
        c.ref('product_id'),
        c.string('generic_key', 191),
        c.string('category', 12),
        c.string('category_path', 191, true),
        c.string('region_code', 12),
        c.ref('hospital_id', true),
        c.ref('supplier_id', true),
        c.decimal('unit_price', 18, 6),
        c.decimal('comparable_price', 18, 6, true),
        c.decimal('quantity', 18, 3, true),
        // MySQL: part of the primary key, which the monthly partitioning needs.
        { ...c.date('observed_on'), isPrimary: mysql },
        c.string('period', 7),
        c.string('reference_kind', 24, true),
        c.timestamp('created_at'),
      ],
      uniques: [unique('monitoring_observations', 'source', 'source_ref', 'observed_on')],
      indices: [
        index('monitoring_observations', 'period', 'product_id'),
        index('monitoring_observations', 'generic_key', 'period'),
        index('monitoring_observations', 'batch_id'),
        index('monitoring_observations', 'region_code', 'period'),
        index('monitoring_observations', 'hospital_id', 'period'),
        index('monitoring_observations', 'supplier_id', 'period'),
      ],
    }),
    new Table({
      name: 'monitoring_bulk_chunks',
      columns: [
        c.id(),
        c.ref('batch_id'),
        // 0-based row range [first_row, last_row] of the load: a restarted load skips it.
        c.int('first_row'),
        c.int('last_row'),
        c.int('inserted_count'),
        c.timestamp('committed_at'),
      ],
      uniques: [unique('monitoring_bulk_chunks', 'batch_id', 'first_row')],
      foreignKeys: [fk('monitoring_bulk_chunks', 'batch_id', 'monitoring_observation_batches')],
    }),
    new Table({
      name: 'monitoring_sentinels',
      columns: [
        c.id(),
        c.ref('organisation_id'),
        c.bool('active', true),
        c.string('note', 500, true),
        c.string('designated_by', 40),
        c.timestamp('designated_at'),
        c.string('undesignated_by', 40, true),
        c.timestamp('undesignated_at', true),
      ],
      uniques: [unique('monitoring_sentinels', 'organisation_id')],
      foreignKeys: [fk('monitoring_sentinels', 'organisation_id', 'organisations')],
    }),
  ];
}
