import { MigrationInterface, QueryRunner, Table, TableCheck } from 'typeorm';
import { migrationColumns } from '../src/database/dialect';
import { fk, unique, index } from '../src/database/migration-keys';

type Columns = ReturnType<typeof migrationColumns>;

/** §S1 the double-entry ledger: accounts, cached balances, journals and their lines. */
export class CreateLedger1795900000000 implements MigrationInterface {
  name = 'CreateLedger1795900000000';

  async up(qr: QueryRunner): Promise<void> {
    const c = migrationColumns(qr);
    for (const table of tables(c)) await qr.createTable(table);
    await qr.query('INSERT INTO ledger_head (id, last_journal_no) VALUES (1, 0)');
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const table of tables(migrationColumns(qr)).reverse()) await qr.dropTable(table.name);
  }
}

function tables(c: Columns): Table[] {
  return [
    new Table({
      name: 'ledger_accounts',
      columns: [
        c.id(),
        c.string('code', 64),
        c.string('type', 24),
        c.string('normal_side', 6),
        c.ref('owner_id', true),
        // The pooling region of a fund account.
        c.string('region_code', 6, true),
        c.string('name', 200),
        c.timestamp('created_at'),
      ],
      // One account per purpose: the code is derived from the type and its owner.
      uniques: [unique('ledger_accounts', 'code')],
      indices: [
        index('ledger_accounts', 'owner_id'),
        index('ledger_accounts', 'type', 'region_code'),
      ],
      foreignKeys: [fk('ledger_accounts', 'owner_id', 'organisations')],
    }),
    new Table({
      name: 'ledger_balances',
      columns: [
        { ...c.ref('account_id'), isPrimary: true },
        c.decimal('debit_total', 18, 2),
        c.decimal('credit_total', 18, 2),
        c.timestamp('updated_at'),
      ],
      foreignKeys: [fk('ledger_balances', 'account_id', 'ledger_accounts')],
    }),
    new Table({
      name: 'ledger_journals',
      columns: [
        c.id(),
        c.string('code', 32),
        c.string('kind', 16),
        c.string('memo', 500),
        c.string('idempotency_key', 160, true),
        c.ref('reverses_journal_id', true),
        c.timestamp('posted_at'),
        c.ref('posted_by', true),
      ],
      uniques: [
        unique('ledger_journals', 'code'),
        // A retry with the same key finds the first journal instead of posting a second.
        unique('ledger_journals', 'idempotency_key'),
        // A journal is reversed at most once.
        unique('ledger_journals', 'reverses_journal_id'),
      ],
      indices: [index('ledger_journals', 'posted_at'), index('ledger_journals', 'kind')],
      foreignKeys: [
        fk('ledger_journals', 'reverses_journal_id', 'ledger_journals'),
        fk('ledger_journals', 'posted_by', 'users'),
      ],
    }),
    new Table({
      name: 'ledger_journal_lines',
      columns: [
        c.id(),
        c.ref('journal_id'),
        c.int('line_no'),
        c.ref('account_id'),
        c.decimal('debit', 18, 2),
        c.decimal('credit', 18, 2),
      ],
      uniques: [unique('ledger_journal_lines', 'journal_id', 'line_no')],
      // An account's entries in posting order, and the per-account sums of the ledger check.
      indices: [index('ledger_journal_lines', 'account_id', 'journal_id')],
      checks: [
        new TableCheck({
          name: 'ck_ledger_journal_lines__one_side',
          expression: '(debit > 0 AND credit = 0) OR (debit = 0 AND credit > 0)',
        }),
      ],
      foreignKeys: [
        fk('ledger_journal_lines', 'journal_id', 'ledger_journals'),
        fk('ledger_journal_lines', 'account_id', 'ledger_accounts'),
      ],
    }),
    new Table({
      name: 'ledger_head',
      columns: [{ ...c.int('id'), isPrimary: true }, c.ref('last_journal_no')],
    }),
  ];
}
