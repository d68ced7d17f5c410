import { MigrationInterface, QueryRunner, Table, TableUnique } from 'typeorm';
import { migrationColumns } from '../src/database/dialect';
import { fk, unique, index } from '../src/database/migration-keys';

type Columns = ReturnType<typeof migrationColumns>;

/**
 * §S2 prepayments and their offsets, §S5 payment standards with history, §S6 surplus retention
 * results with every input.
 */
export class CreateSettlementPolicies1796200000000 implements MigrationInterface {
  name = 'CreateSettlementPolicies1796200000000';

  async up(qr: QueryRunner): Promise<void> {
    const c = migrationColumns(qr);
    for (const table of tables(c)) await qr.createTable(table);
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const table of tables(migrationColumns(qr)).reverse()) await qr.dropTable(table.name);
  }
}

function tables(c: Columns): Table[] {
  return [
    new Table({
      name: 'prepayments',
      columns: [
        c.id(),
        c.ref('round_id'),
        c.ref('hospital_id'),
        c.int('agreement_year'),
        c.date('year_start'),
        c.date('year_end'),
        c.string('fund_region_code', 6),
        c.decimal('annual_agreed_amount', 18, 2),
        c.decimal('share', 7, 6),
        c.decimal('amount', 18, 2),
        c.ref('fund_account_id'),
        c.ref('prepayment_account_id'),
        c.ref('journal_id'),
        // active → settled (the year-end remainder collected back).
        c.string('status', 12),
        c.decimal('settled_remainder', 18, 2, true),
        c.ref('settle_journal_id', true),
        c.timestamp('settled_at', true),
        c.ref('created_by', true),
        c.timestamp('created_at'),
      ],
      // One prepayment per hospital, round and agreement year: a re-run finds it.
      uniques: [unique('prepayments', 'round_id', 'hospital_id', 'agreement_year')],
      indices: [index('prepayments', 'hospital_id', 'status')],
      foreignKeys: [
        fk('prepayments', 'round_id', 'rounds'),
        fk('prepayments', 'hospital_id', 'organisations'),
        fk('prepayments', 'journal_id', 'ledger_journals'),
      ],
    }),
    new Table({
      name: 'prepayment_offsets',
      columns: [
        c.id(),
        c.ref('prepayment_id'),
        // The statement whose payment took the offset (§S3.4); no foreign key, so this table
        // does not depend on the statements migration's order.
        c.ref('statement_id'),
        c.string('period', 7),
        c.int('period_no'),
        c.decimal('statement_amount', 18, 2),
        c.decimal('offset_amount', 18, 2),
        c.timestamp('created_at'),
      ],
      // A retried payment finds the offset its statement already took.
      uniques: [unique('prepayment_offsets', 'statement_id', 'prepayment_id')],
      indices: [index('prepayment_offsets', 'prepayment_id', 'period_no')],
      foreignKeys: [fk('prepayment_offsets', 'prepayment_id', 'prepayments')],
    }),
    new Table({
      name: 'payment_standards',
      columns: [
        c.id(),
        c.ref('product_id'),
        c.string('region_code', 6),
        c.decimal('unit_price', 18, 6),
        c.date('valid_from'),
        c.date('valid_to', true),
        c.string('rule', 32),
        c.ref('source_round_id', true),
        c.ref('source_lot_id', true),
        c.string('explanation', 1000),
        // current | superseded (replaced by a standard dated the same day).
        c.string('status', 12),
        // valid_from while current, NULL once superseded: at most one current standard per
        // product, region and start day (NULLs never collide in a unique index).
        c.string('current_key', 10, true),
        c.ref('created_by', true),
        c.timestamp('created_at'),
      ],
      uniques: [unique('payment_standards', 'product_id', 'region_code', 'current_key')],
      indices: [
        index('payment_standards', 'product_id', 'region_code', 'valid_from'),
        index('payment_standards', 'region_code', 'valid_from'),
        index('payment_standards', 'source_round_id'),
      ],
      foreignKeys: [fk('payment_standards', 'product_id', 'products')],
    }),
    new Table({
      name: 'payment_standard_runs',
      columns: [
        c.id(),
        c.ref('round_id'),
        c.int('standards'),
        // Products the award could not price (no previous standard or listing price), with why.
        c.text('skipped_json', false),
        c.ref('ran_by', true),
        c.timestamp('ran_at'),
      ],
      // Standards are set once per awarded round: the job and the endpoint meet here.
      uniques: [unique('payment_standard_runs', 'round_id')],
      foreignKeys: [fk('payment_standard_runs', 'round_id', 'rounds')],
    }),
    new Table({
      name: 'retention_results',
      columns: [
        c.id(),
        c.ref('round_id'),
        c.ref('lot_id'),
        c.ref('hospital_id'),
        c.int('agreement_year'),
        c.date('year_start'),
        c.date('year_end'),
        c.decimal('agreed_quantity', 18, 3),
        c.decimal('pre_vbp_unit_price', 18, 6),
        c.decimal('fund_payment_ratio', 7, 6),
        c.decimal('insured_share', 7, 6),
        c.decimal('completion_score', 5, 2),
        c.decimal('budget', 18, 2),
        c.decimal('fund_spending', 18, 2),
        c.decimal('counted_spending', 18, 2),
        c.decimal('surplus', 18, 2),
        c.bool('completed'),
        c.string('grade', 8),
        c.decimal('retained_share', 7, 6),
        c.decimal('retained', 18, 2),
        // Where each input came from (baseline prices, ratios, purchases), then the domain's
        // explanation lines: enough to recompute the figure by hand.
        c.text('inputs_json', false),
        c.text('explanation_json', false),
        c.ref('computed_by', true),
        c.timestamp('computed_at'),
      ],
      // MySQL names are at most 64 characters: the generated name would be 67.
      uniques: [
        new TableUnique({
          name: 'uq_retention_results__round__lot__hospital__year',
          columnNames: ['round_id', 'lot_id', 'hospital_id', 'agreement_year'],
        }),
      ],
      indices: [index('retention_results', 'hospital_id', 'agreement_year')],
      foreignKeys: [
        fk('retention_results', 'round_id', 'rounds'),
        fk('retention_results', 'hospital_id', 'organisations'),
      ],
    }),
  ];
}
