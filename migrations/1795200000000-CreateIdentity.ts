import {
  MigrationInterface,
  QueryRunner,
  Table,
  TableForeignKey,
  TableIndex,
  TableUnique,
} from 'typeorm';
import { migrationColumns } from '../src/database/dialect';

export class CreateIdentity1795200000000 implements MigrationInterface {
  name = 'CreateIdentity1795200000000';

  async up(qr: QueryRunner): Promise<void> {
    const c = migrationColumns(qr);
    await qr.createTable(
      new Table({
        name: 'regions',
        columns: [
          c.id(),
          c.string('code', 6),
          c.string('name', 100),
          c.string('level', 16),
          c.string('parent_code', 6, true),
          // '/320000/320100/' — subtree queries are a prefix match on the path.
          c.string('path', 64),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        uniques: [new TableUnique({ name: 'uq_regions__code', columnNames: ['code'] })],
        indices: [
          new TableIndex({ name: 'ix_regions__parent_code', columnNames: ['parent_code'] }),
          new TableIndex({ name: 'ix_regions__path', columnNames: ['path'] }),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'organisations',
        columns: [
          c.id(),
          c.string('code', 32),
          c.string('name', 200),
          c.string('type', 16),
          c.string('hospital_kind', 32, true),
          c.string('grade', 16, true),
          { ...c.bool('is_public'), isNullable: true, default: null },
          c.string('region_code', 6, true),
          c.string('credit_code', 18, true),
          c.string('contact_name', 100, true),
          c.string('contact_phone', 32, true),
          c.string('status', 16),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        uniques: [
          new TableUnique({ name: 'uq_organisations__code', columnNames: ['code'] }),
          new TableUnique({ name: 'uq_organisations__credit_code', columnNames: ['credit_code'] }),
        ],
        indices: [
          new TableIndex({ name: 'ix_organisations__type', columnNames: ['type'] }),
          new TableIndex({ name: 'ix_organisations__region_code', columnNames: ['region_code'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_organisations__region_code',
            columnNames: ['region_code'],
            referencedTableName: 'regions',
            referencedColumnNames: ['code'],
          }),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'alliances',
        columns: [
          c.id(),
          c.string('code', 32),
          c.string('name', 200),
          c.ref('lead_org_id'),
          c.string('description', 500, true),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        uniques: [new TableUnique({ name: 'uq_alliances__code', columnNames: ['code'] })],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_alliances__lead_org_id',
            columnNames: ['lead_org_id'],
            referencedTableName: 'organisations',
            referencedColumnNames: ['id'],
          }),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'alliance_members',
        columns: [
          c.id(),
          c.ref('alliance_id'),
          c.string('member_type', 16),
          c.string('region_code', 6, true),
          c.ref('organisation_id', true),
          c.timestamp('created_at'),
        ],
        uniques: [
          new TableUnique({
            name: 'uq_alliance_members__alliance_id__region_code',
            columnNames: ['alliance_id', 'region_code'],
          }),
          new TableUnique({
            name: 'uq_alliance_members__alliance_id__organisation_id',
            columnNames: ['alliance_id', 'organisation_id'],
          }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_alliance_members__alliance_id',
            columnNames: ['alliance_id'],
            referencedTableName: 'alliances',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
          new TableForeignKey({
            name: 'fk_alliance_members__region_code',
            columnNames: ['region_code'],
            referencedTableName: 'regions',
            referencedColumnNames: ['code'],
          }),
          new TableForeignKey({
            name: 'fk_alliance_members__organisation_id',
            columnNames: ['organisation_id'],
            referencedTableName: 'organisations',
            referencedColumnNames: ['id'],
          }),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'users',
        columns: [
          c.id(),
          c.string('username', 64),
          c.string('display_name', 100),
          c.ref('organisation_id'),
          // Comma-separated role values; a user holds few roles and they are read with the user.
          c.string('roles', 200),
          c.string('password_hash', 255),
          c.string('status', 16),
          c.timestamp('password_changed_at'),
          c.timestamp('last_login_at', true),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        uniques: [new TableUnique({ name: 'uq_users__username', columnNames: ['username'] })],
        indices: [
          new TableIndex({ name: 'ix_users__organisation_id', columnNames: ['organisation_id'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_users__organisation_id',
            columnNames: ['organisation_id'],
            referencedTableName: 'organisations',
            referencedColumnNames: ['id'],
          }),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'api_keys',
        columns: [
          c.id(),
          c.ref('organisation_id'),
          c.string('name', 100),
          // The visible part of the key, to find the row; the rest is only stored hashed.
          c.string('prefix', 16),
          c.string('key_hash', 64),
          c.string('scopes', 500),
          c.ref('created_by'),
          c.timestamp('expires_at', true),
          c.timestamp('last_used_at', true),
          c.timestamp('revoked_at', true),
          c.timestamp('created_at'),
        ],
        uniques: [new TableUnique({ name: 'uq_api_keys__prefix', columnNames: ['prefix'] })],
        indices: [
          new TableIndex({
            name: 'ix_api_keys__organisation_id',
            columnNames: ['organisation_id'],
          }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_api_keys__organisation_id',
            columnNames: ['organisation_id'],
            referencedTableName: 'organisations',
            referencedColumnNames: ['id'],
          }),
        ],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const t of [
      'api_keys',
      'users',
      'alliance_members',
      'alliances',
      'organisations',
      'regions',
    ]) {
      await qr.dropTable(t);
    }
  }
}
