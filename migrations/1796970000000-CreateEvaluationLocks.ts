import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { migrationColumns } from '../src/database/dialect';
import { unique } from '../src/database/migration-keys';

const TABLE = 'monitoring_evaluation_locks';

/**
 * §M8 one row per evaluated period. Every transaction that writes a period's peer statistics and
 * alerts first locks the period's row (FOR UPDATE on MySQL; SQLite serialises writers), so an
 * incremental run and a full scan of the same month never interleave their writes; `version`
 * counts those writes, which tells a scan that read the month before another run wrote it that
 * its reading may be stale.
 */
export class CreateEvaluationLocks1796970000000 implements MigrationInterface {
  name = 'CreateEvaluationLocks1796970000000';

  async up(qr: QueryRunner): Promise<void> {
    const c = migrationColumns(qr);
    await qr.createTable(
      new Table({
        name: TABLE,
        columns: [
          c.id(),
          c.string('period', 7),
          c.int('version', false, 0),
          c.ref('last_run_id', true),
          c.timestamp('updated_at'),
        ],
        uniques: [unique(TABLE, 'period')],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable(TABLE);
  }
}
