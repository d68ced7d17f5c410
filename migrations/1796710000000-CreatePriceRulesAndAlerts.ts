import { MigrationInterface, QueryRunner, Table, TableIndex, TableUnique } from 'typeorm';
import { migrationColumns } from '../src/database/dialect';
import {
  DEFAULT_PARAMETERS,
  EMPTY_SCOPE,
  RULE_CODES,
} from '../src/modules/monitoring/rules/domain/rule-catalog';

type Columns = ReturnType<typeof migrationColumns>;

/**
 * `listing_multiple` as this migration seeded it when it landed. The catalogue's default has
 * moved since (1796910000000 moves the stored rule too); what an applied migration wrote must
 * not depend on today's default.
 */
const SEEDED_LISTING_MULTIPLE = { yellowAbove: '1', red1From: '2', red2From: '5', red3From: '10' };

function unique(table: string, ...columns: string[]): TableUnique {
  return new TableUnique({ name: `uq_${table}__${columns.join('__')}`, columnNames: columns });
}

function index(table: string, ...columns: string[]): TableIndex {
  return new TableIndex({ name: `ix_${table}__${columns.join('__')}`, columnNames: columns });
}

function tables(c: Columns): Table[] {
  const price = (name: string, nullable = true) => c.decimal(name, 18, 6, nullable);
  return [
    // §M3 rules as data: one row per rule, its current version; every version is kept below.
    new Table({
      name: 'monitoring_rules',
      columns: [
        c.id(),
        c.string('code', 32),
        c.bool('enabled', true),
        c.text('parameters', false),
        c.text('scope', false),
        c.text('severity_overrides', false),
        c.int('version'),
        c.string('updated_by', 40, true),
        c.timestamp('updated_at'),
      ],
      uniques: [unique('monitoring_rules', 'code')],
    }),
    new Table({
      name: 'monitoring_rule_versions',
      columns: [
        c.id(),
        c.string('rule_code', 32),
        c.int('version'),
        c.bool('enabled', true),
        c.text('parameters', false),
        c.text('scope', false),
        c.text('severity_overrides', false),
        c.string('changed_by', 40, true),
        c.timestamp('changed_at'),
      ],
      uniques: [unique('monitoring_rule_versions', 'rule_code', 'version')],
    }),
    // §M8 one evaluation: incremental (an observation batch) or full (a period).
    new Table({
      name: 'monitoring_evaluation_runs',
      columns: [
        c.id(),
        // `batch:<id>` for an incremental run, `monthly:<period>` for the scheduled scan,
        // `full:<period>:<n>` for an analyst's: a duplicated job finds its key taken.
        c.string('run_key', 100),
        c.string('kind', 12),
        c.string('periods', 400),
        c.ref('batch_id', true),
        c.string('status', 12),
        c.int('key_count', false, 0),
        c.int('hit_count', false, 0),
        c.int('new_alerts', false, 0),
        c.int('updated_alerts', false, 0),
        c.int('cleared_alerts', false, 0),
        c.string('message', 500, true),
        c.string('requested_by', 40, true),
        c.timestamp('started_at'),
        c.timestamp('finished_at', true),
      ],
      uniques: [unique('monitoring_evaluation_runs', 'run_key')],
      indices: [index('monitoring_evaluation_runs', 'started_at')],
    }),
    // §M2 peer statistics per period of a product or a generic/spec, refreshed by each run.
    new Table({
      name: 'monitoring_peer_stats',
      columns: [
        c.id(),
        c.string('period', 7),
        c.string('subject_key', 191),
        c.ref('product_id', true),
        c.string('generic_key', 191),
        c.string('category', 12, true),
        // `unit` (product rows: per smallest unit) or `comparable` (generic rows).
        c.string('basis', 12),
        c.int('peer_count'),
        c.int('observation_count'),
        price('median', false),
        price('mad', false),
        price('p10', false),
        price('p25', false),
        price('p75', false),
        price('p90', false),
        price('min_price', false),
        price('max_price', false),
        // Product rows: the median of the comparable prices, for rule 8's generic comparison.
        price('comparable_median'),
        c.decimal('quantity', 18, 3, true),
        c.ref('last_run_id', true),
        c.timestamp('computed_at'),
      ],
      uniques: [unique('monitoring_peer_stats', 'period', 'subject_key')],
      indices: [index('monitoring_peer_stats', 'generic_key', 'period')],
    }),
    // §M4 alerts: one per rule × subject × period; status and assignee belong to the workflow.
    new Table({
      name: 'monitoring_alerts',
      columns: [
        c.id(),
        c.string('rule_code', 32),
        c.string('subject_key', 191),
        c.string('period', 7),
        c.string('severity', 16),
        c.string('status', 16),
        c.ref('product_id', true),
        c.ref('supplier_id', true),
        c.ref('hospital_id', true),
        c.string('region_code', 12, true),
        c.string('generic_key', 191, true),
        c.string('category', 12, true),
        c.text('evidence', false),
        // False once a later evaluation of the alert's key no longer fires (the data changed);
        // the evidence stays the last that fired. The workflow decides what to do with it.
        c.bool('firing', true),
        c.ref('assignee_id', true),
        c.string('status_reason', 500, true),
        c.ref('first_run_id'),
        c.ref('last_run_id'),
        c.timestamp('raised_at'),
        c.timestamp('last_evaluated_at'),
        c.timestamp('updated_at'),
        c.int('version', false, 1),
      ],
      uniques: [unique('monitoring_alerts', 'rule_code', 'subject_key', 'period')],
      indices: [
        index('monitoring_alerts', 'status', 'period'),
        index('monitoring_alerts', 'product_id', 'period'),
        index('monitoring_alerts', 'supplier_id'),
        index('monitoring_alerts', 'hospital_id'),
        index('monitoring_alerts', 'generic_key', 'period'),
      ],
    }),
  ];
}

/**
 * §M2–§M4, §M8: the nine rules as data (seeded with their §M3 defaults, version 1), their
 * version history, evaluation runs, stored peer statistics and the alerts the rules raise.
 */
export class CreatePriceRulesAndAlerts1796710000000 implements MigrationInterface {
  name = 'CreatePriceRulesAndAlerts1796710000000';

  async up(qr: QueryRunner): Promise<void> {
    for (const table of tables(migrationColumns(qr))) await qr.createTable(table);
    // A UTC `YYYY-MM-DD HH:MM:SS.mmm` literal both drivers store as-is (SQLite binds no Dates).
    const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
    for (const code of RULE_CODES) {
      const parameters = JSON.stringify(
        code === 'listing_multiple' ? SEEDED_LISTING_MULTIPLE : DEFAULT_PARAMETERS[code],
      );
      const scope = JSON.stringify(EMPTY_SCOPE);
      await qr.query(
        'INSERT INTO monitoring_rules (code, enabled, parameters, scope, severity_overrides, version, updated_by, updated_at) VALUES (?, 1, ?, ?, ?, 1, NULL, ?)',
        [code, parameters, scope, '{}', now],
      );
      await qr.query(
        'INSERT INTO monitoring_rule_versions (rule_code, version, enabled, parameters, scope, severity_overrides, changed_by, changed_at) VALUES (?, 1, 1, ?, ?, ?, NULL, ?)',
        [code, parameters, scope, '{}', now],
      );
    }
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const table of tables(migrationColumns(qr)).reverse()) await qr.dropTable(table.name);
  }
}
