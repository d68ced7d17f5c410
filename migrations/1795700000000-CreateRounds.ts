import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { migrationColumns } from '../src/database/dialect';
import { fk, unique, index } from '../src/database/migration-keys';

type Columns = ReturnType<typeof migrationColumns>;

/** §P1–§P9: rounds, lots, demand, sealed bids, results, objections, supply regions, agreements. */
export class CreateRounds1795700000000 implements MigrationInterface {
  name = 'CreateRounds1795700000000';

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
      name: 'rounds',
      columns: [
        c.id(),
        // Human reference, R<year>-<sequence>.
        c.string('code', 32),
        c.string('name', 200),
        c.string('level', 16),
        c.string('category', 16),
        c.ref('organiser_id'),
        c.string('status', 24),
        c.ref('rule_set_id'),
        // Set when bidding opens: the digest of the parameters the round is bound to.
        c.string('rule_set_sha256', 64, true),
        c.timestamp('rule_set_frozen_at', true),
        c.string('scope_type', 16),
        c.ref('alliance_id', true),
        c.string('region_code', 6, true),
        c.timestamp('demand_opens_at'),
        c.timestamp('demand_closes_at'),
        c.timestamp('bidding_opens_at'),
        c.timestamp('bidding_closes_at'),
        c.timestamp('opening_at'),
        c.int('publicity_days'),
        c.date('contract_start'),
        c.decimal('demand_reason_threshold', 6, 4),
        c.timestamp('opened_at', true),
        c.timestamp('published_at', true),
        c.timestamp('awarded_at', true),
        c.string('cancel_reason', 500, true),
        c.ref('created_by', true),
        c.timestamp('created_at'),
        c.timestamp('updated_at'),
      ],
      uniques: [unique('rounds', 'code')],
      // The timer looks for rounds due for a timed transition by state.
      indices: [index('rounds', 'status')],
      foreignKeys: [
        fk('rounds', 'organiser_id', 'organisations'),
        fk('rounds', 'rule_set_id', 'rule_sets'),
        fk('rounds', 'alliance_id', 'alliances'),
      ],
    }),
    new Table({
      name: 'round_participants',
      columns: [
        c.id(),
        c.ref('round_id'),
        c.ref('hospital_id'),
        // mandatory (public hospitals in scope, hand-picked lists) | opt_in
        c.string('participation', 16),
        c.string('region_code', 6),
        // 统一报量: the lead hospital of a county reports for the county's participants.
        c.bool('county_lead'),
        c.timestamp('created_at'),
      ],
      uniques: [unique('round_participants', 'round_id', 'hospital_id')],
      indices: [index('round_participants', 'hospital_id')],
      foreignKeys: [
        fk('round_participants', 'round_id', 'rounds'),
        fk('round_participants', 'hospital_id', 'organisations'),
      ],
    }),
    new Table({
      name: 'lots',
      columns: [
        c.id(),
        c.ref('round_id'),
        c.string('code', 32),
        c.string('name', 200),
        c.string('dosage_form_class', 32),
        c.decimal('rep_strength', 18, 6),
        c.string('rep_strength_unit', 16),
        c.string('rep_dosage_form', 32),
        c.int('rep_pack_size'),
        c.decimal('max_valid_unit_price', 18, 6),
        // Lot-level overrides of rule-set parameters (§P2), JSON; null = none.
        c.text('overrides_json'),
        c.timestamp('created_at'),
        c.timestamp('updated_at'),
      ],
      uniques: [unique('lots', 'round_id', 'code')],
      foreignKeys: [fk('lots', 'round_id', 'rounds')],
    }),
    new Table({
      name: 'lot_specs',
      columns: [c.id(), c.ref('lot_id'), c.ref('product_id'), c.timestamp('created_at')],
      uniques: [unique('lot_specs', 'lot_id', 'product_id')],
      indices: [index('lot_specs', 'product_id')],
      foreignKeys: [fk('lot_specs', 'lot_id', 'lots'), fk('lot_specs', 'product_id', 'products')],
    }),
    new Table({
      name: 'round_commitments',
      columns: [
        c.id(),
        c.ref('round_id'),
        c.ref('supplier_id'),
        c.string('signed_by', 32),
        c.string('signed_by_name', 128),
        c.timestamp('signed_at'),
      ],
      uniques: [unique('round_commitments', 'round_id', 'supplier_id')],
      foreignKeys: [
        fk('round_commitments', 'round_id', 'rounds'),
        fk('round_commitments', 'supplier_id', 'organisations'),
      ],
    }),
    new Table({
      name: 'demand_reports',
      columns: [
        c.id(),
        c.ref('round_id'),
        c.ref('lot_id'),
        c.ref('hospital_id'),
        c.decimal('quantity', 18, 3),
        c.ref('brand_product_id', true),
        // The 12-month purchase history shown when the report was made; null = none known.
        c.decimal('history_quantity', 18, 3, true),
        c.string('reason', 500, true),
        // reported | confirmed | returned
        c.string('status', 16),
        c.string('review_note', 500, true),
        // The organisation that reported: the hospital itself or its county lead.
        c.ref('reported_by_org_id'),
        c.string('reported_by', 32),
        c.string('reviewed_by', 32, true),
        c.timestamp('reviewed_at', true),
        c.timestamp('created_at'),
        c.timestamp('updated_at'),
      ],
      uniques: [unique('demand_reports', 'lot_id', 'hospital_id')],
      indices: [index('demand_reports', 'round_id', 'hospital_id')],
      foreignKeys: [
        fk('demand_reports', 'round_id', 'rounds'),
        fk('demand_reports', 'lot_id', 'lots'),
        fk('demand_reports', 'hospital_id', 'organisations'),
        fk('demand_reports', 'brand_product_id', 'products'),
      ],
    }),
    new Table({
      name: 'bids',
      columns: [
        c.id(),
        c.string('code', 48),
        c.ref('round_id'),
        c.ref('lot_id'),
        c.ref('supplier_id'),
        c.ref('product_id'),
        // active | withdrawn
        c.string('status', 16),
        c.int('current_version'),
        c.timestamp('final_submitted_at'),
        c.decimal('capacity', 18, 3),
        c.text('preferred_regions_json', false),
        // Plain prices exist only after opening; before it they live sealed in bid_versions.
        c.decimal('pack_price', 18, 4, true),
        c.string('excluded_reason', 500, true),
        c.string('excluded_by', 32, true),
        c.timestamp('excluded_at', true),
        // §P6.4 revival answer: accepted | declined; null = not asked or not answered.
        c.string('revival_answer', 16, true),
        c.timestamp('revival_answered_at', true),
        c.timestamp('created_at'),
        c.timestamp('updated_at'),
      ],
      uniques: [unique('bids', 'code'), unique('bids', 'lot_id', 'supplier_id', 'product_id')],
      indices: [index('bids', 'round_id', 'supplier_id'), index('bids', 'lot_id', 'status')],
      foreignKeys: [
        fk('bids', 'round_id', 'rounds'),
        fk('bids', 'lot_id', 'lots'),
        fk('bids', 'supplier_id', 'organisations'),
        fk('bids', 'product_id', 'products'),
      ],
    }),
    new Table({
      name: 'bid_versions',
      columns: [
        c.id(),
        c.ref('bid_id'),
        c.int('version'),
        // submitted | amended | withdrawn
        c.string('action', 16),
        // AES-256-GCM of the price and receipt nonce under the round's key; null for a withdrawal.
        c.text('sealed'),
        c.decimal('capacity', 18, 3),
        c.text('preferred_regions_json', false),
        c.string('digest', 64, true),
        c.string('submitted_by', 32),
        c.timestamp('submitted_at'),
      ],
      uniques: [unique('bid_versions', 'bid_id', 'version')],
      foreignKeys: [fk('bid_versions', 'bid_id', 'bids')],
    }),
    new Table({
      name: 'lot_results',
      columns: [
        c.id(),
        c.ref('round_id'),
        c.ref('lot_id'),
        c.int('version'),
        c.string('engine_version', 16),
        // opening | rerun | revival
        c.string('cause', 16),
        c.string('note', 500, true),
        c.text('trace_json', false),
        c.string('trace_sha256', 64),
        c.string('created_by', 32, true),
        c.timestamp('created_at'),
      ],
      uniques: [unique('lot_results', 'lot_id', 'version')],
      indices: [index('lot_results', 'round_id')],
      foreignKeys: [fk('lot_results', 'round_id', 'rounds'), fk('lot_results', 'lot_id', 'lots')],
    }),
    new Table({
      name: 'objections',
      columns: [
        c.id(),
        c.ref('round_id'),
        c.ref('lot_id'),
        c.ref('supplier_id'),
        c.string('reason', 1000),
        // open | answered
        c.string('status', 16),
        c.string('answer', 1000, true),
        c.string('filed_by', 32),
        c.string('answered_by', 32, true),
        c.timestamp('answered_at', true),
        c.timestamp('created_at'),
      ],
      indices: [index('objections', 'round_id', 'status')],
      foreignKeys: [
        fk('objections', 'round_id', 'rounds'),
        fk('objections', 'lot_id', 'lots'),
        fk('objections', 'supplier_id', 'organisations'),
      ],
    }),
    new Table({
      name: 'lot_supply_regions',
      columns: [
        c.id(),
        c.ref('round_id'),
        c.ref('lot_id'),
        c.string('region_code', 6),
        c.ref('bid_id'),
        // primary | backup
        c.string('duty', 16),
        // Rank order among the region's backups; 0 for the primary.
        c.int('position'),
      ],
      uniques: [unique('lot_supply_regions', 'lot_id', 'region_code', 'bid_id')],
      foreignKeys: [
        fk('lot_supply_regions', 'round_id', 'rounds'),
        fk('lot_supply_regions', 'lot_id', 'lots'),
        fk('lot_supply_regions', 'bid_id', 'bids'),
      ],
    }),
    new Table({
      name: 'agreements',
      columns: [
        c.id(),
        c.string('code', 48),
        c.ref('round_id'),
        c.ref('lot_id'),
        c.ref('hospital_id'),
        c.ref('supplier_id'),
        c.ref('product_id'),
        c.ref('bid_id'),
        c.decimal('declared_quantity', 18, 3),
        c.decimal('agreed_quantity', 18, 3),
        c.decimal('pack_price', 18, 4),
        c.decimal('unit_price', 18, 6),
        c.bool('brand_specified'),
        c.date('start_date'),
        c.date('end_date'),
        c.string('status', 16),
        c.timestamp('created_at'),
      ],
      uniques: [unique('agreements', 'code'), unique('agreements', 'lot_id', 'hospital_id')],
      indices: [
        index('agreements', 'round_id', 'hospital_id'),
        index('agreements', 'supplier_id'),
        index('agreements', 'hospital_id', 'product_id'),
      ],
      foreignKeys: [
        fk('agreements', 'round_id', 'rounds'),
        fk('agreements', 'lot_id', 'lots'),
        fk('agreements', 'hospital_id', 'organisations'),
        fk('agreements', 'supplier_id', 'organisations'),
        fk('agreements', 'product_id', 'products'),
        fk('agreements', 'bid_id', 'bids'),
      ],
    }),
  ];
}
