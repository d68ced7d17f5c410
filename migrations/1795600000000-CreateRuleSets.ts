import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableUnique } from 'typeorm';
import { migrationColumns } from '../src/database/dialect';

export class CreateRuleSets1795600000000 implements MigrationInterface {
  name = 'CreateRuleSets1795600000000';

  async up(qr: QueryRunner): Promise<void> {
    const c = migrationColumns(qr);
    await qr.createTable(
      new Table({
        name: 'rule_sets',
        columns: [
          c.id(),
          c.string('name', 64),
          c.int('version'),
          c.string('description', 500, true),
          // A preset name, or `<name>@<version>` of the rule set this one was derived from.
          c.string('based_on', 80),
          c.text('parameters_json', false),
          c.string('parameters_sha256', 64),
          // Null for the presets the system seeds.
          c.ref('created_by', true),
          c.timestamp('created_at'),
        ],
        // Also the lookup path for "latest version of a name".
        uniques: [
          new TableUnique({
            name: 'uq_rule_sets__name__version',
            columnNames: ['name', 'version'],
          }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_rule_sets__created_by',
            columnNames: ['created_by'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
          }),
        ],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('rule_sets');
  }
}
