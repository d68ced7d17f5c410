import {
  MigrationInterface,
  QueryRunner,
  Table,
  TableForeignKey,
  TableIndex,
  TableUnique,
} from 'typeorm';
import { migrationColumns } from '../src/database/dialect';

export class CreateImports1795500000000 implements MigrationInterface {
  name = 'CreateImports1795500000000';

  async up(qr: QueryRunner): Promise<void> {
    const c = migrationColumns(qr);
    await qr.createTable(
      new Table({
        name: 'import_files',
        columns: [
          c.id(),
          c.string('kind', 64),
          c.int('version'),
          // '' rather than NULL for context-free kinds: NULLs never clash in a unique key.
          c.string('context_id', 64),
          c.string('sha256', 64),
          c.string('original_name', 255),
          // BIGINT: the upload limit is configurable beyond 2 GB.
          c.ref('size_bytes'),
          c.string('storage_path', 255),
          c.string('status', 24),
          c.int('rows_total', false, 0),
          c.int('rows_written', false, 0),
          c.int('error_count', false, 0),
          c.bool('error_file_available'),
          c.text('message'),
          c.text('problems_json'),
          c.string('uploaded_by_kind', 16),
          c.string('uploaded_by', 32),
          c.string('uploaded_by_name', 128),
          c.text('actor_json', false),
          c.ref('organisation_id'),
          c.string('region_path', 64, true),
          c.string('executed_by', 200, true),
          c.string('run_token', 32, true),
          c.timestamp('created_at'),
          c.timestamp('started_at', true),
          c.timestamp('finished_at', true),
        ],
        uniques: [
          new TableUnique({
            name: 'uq_import_files__kind__context_id__sha256',
            columnNames: ['kind', 'context_id', 'sha256'],
          }),
        ],
        indices: [
          new TableIndex({
            name: 'ix_import_files__organisation_id',
            columnNames: ['organisation_id'],
          }),
          new TableIndex({ name: 'ix_import_files__status', columnNames: ['status'] }),
          new TableIndex({ name: 'ix_import_files__region_path', columnNames: ['region_path'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_import_files__organisation_id',
            columnNames: ['organisation_id'],
            referencedTableName: 'organisations',
            referencedColumnNames: ['id'],
          }),
        ],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('import_files');
  }
}
