import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { migrationColumns } from '../src/database/dialect';

export class CreateAuditLog1795300000000 implements MigrationInterface {
  name = 'CreateAuditLog1795300000000';

  async up(qr: QueryRunner): Promise<void> {
    const c = migrationColumns(qr);
    await qr.createTable(
      new Table({
        name: 'audit_log',
        columns: [
          // Not auto-increment: the id is the chain position, taken from audit_head under lock.
          { ...c.ref('id'), isPrimary: true },
          c.timestamp('occurred_at'),
          c.string('actor_kind', 16),
          c.string('actor_id', 32),
          c.string('actor_name', 128),
          c.ref('org_id', true),
          c.string('action', 100),
          c.string('entity_type', 60),
          c.string('entity_id', 64),
          c.text('before_json'),
          c.text('after_json'),
          c.string('request_id', 128, true),
          c.string('prev_hash', 64),
          c.string('hash', 64),
        ],
      }),
    );
    await qr.createIndices('audit_log', [
      new TableIndex({
        name: 'ix_audit_log__entity_type__entity_id',
        columnNames: ['entity_type', 'entity_id'],
      }),
      new TableIndex({ name: 'ix_audit_log__action', columnNames: ['action'] }),
      new TableIndex({ name: 'ix_audit_log__occurred_at', columnNames: ['occurred_at'] }),
      new TableIndex({ name: 'ix_audit_log__actor_id', columnNames: ['actor_kind', 'actor_id'] }),
    ]);
    await qr.createTable(
      new Table({
        name: 'audit_head',
        columns: [{ ...c.int('id'), isPrimary: true }, c.ref('last_id'), c.string('last_hash', 64)],
      }),
    );
    await qr.query(
      `INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '${'0'.repeat(64)}')`,
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('audit_head');
    await qr.dropTable('audit_log');
  }
}
