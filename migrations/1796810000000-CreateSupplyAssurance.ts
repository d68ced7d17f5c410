import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { dialectOf, migrationColumns } from '../src/database/dialect';
import { fk, index, unique } from '../src/database/migration-keys';

/**
 * §K5 supply assurance: monthly supply reports of winners and distributors (with their history),
 * hospital shortage reports, supply alerts (one per rule × supplier × product × region × month),
 * backup-supplier activations with the agreements they replace and create, and supply failures.
 */
export class CreateSupplyAssurance1796810000000 implements MigrationInterface {
  name = 'CreateSupplyAssurance1796810000000';

  async up(qr: QueryRunner): Promise<void> {
    const c = migrationColumns(qr);
    await qr.createTable(
      new Table({
        name: 'supply_reports',
        columns: [
          c.id(),
          c.ref('supplier_id'),
          // manufacturer | distributor: what the supplier was when it reported
          c.string('supplier_type', 16),
          c.ref('product_id'),
          c.string('month', 7),
          c.decimal('stock_quantity', 18, 3),
          c.decimal('capacity_quantity', 18, 3, true),
          c.decimal('reserve_quantity', 18, 3, true),
          c.int('version'),
          // api | excel
          c.string('source', 8),
          c.string('reported_by', 40),
          c.timestamp('reported_at'),
        ],
        // A re-report replaces the figures (the old ones move to supply_report_revisions).
        uniques: [unique('supply_reports', 'supplier_id', 'product_id', 'month')],
        indices: [index('supply_reports', 'month', 'product_id')],
        foreignKeys: [
          fk('supply_reports', 'supplier_id', 'organisations'),
          fk('supply_reports', 'product_id', 'products'),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'supply_report_revisions',
        columns: [
          c.id(),
          c.ref('report_id'),
          c.int('version'),
          c.decimal('stock_quantity', 18, 3),
          c.decimal('capacity_quantity', 18, 3, true),
          c.decimal('reserve_quantity', 18, 3, true),
          c.string('source', 8),
          c.string('reported_by', 40),
          c.timestamp('reported_at'),
        ],
        uniques: [unique('supply_report_revisions', 'report_id', 'version')],
        foreignKeys: [fk('supply_report_revisions', 'report_id', 'supply_reports')],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'supply_shortages',
        columns: [
          c.id(),
          c.ref('hospital_id'),
          c.string('region_code', 6),
          c.ref('product_id'),
          c.ref('agreement_id'),
          c.ref('lot_id'),
          c.ref('supplier_id'),
          c.date('shortage_date'),
          c.string('note', 1000),
          c.string('reported_by', 40),
          c.timestamp('reported_at'),
        ],
        indices: [
          index('supply_shortages', 'shortage_date', 'supplier_id'),
          index('supply_shortages', 'hospital_id'),
        ],
        foreignKeys: [
          fk('supply_shortages', 'hospital_id', 'organisations'),
          fk('supply_shortages', 'product_id', 'products'),
          fk('supply_shortages', 'agreement_id', 'agreements'),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'supply_alerts',
        columns: [
          c.id(),
          // low_stock | low_fill_rate | delivery_delay | shortage_reported
          c.string('rule', 24),
          c.ref('supplier_id'),
          c.ref('product_id'),
          c.string('region_code', 6),
          c.string('month', 7),
          c.ref('lot_id', true),
          c.text('evidence', false),
          // open | acknowledged | resolved
          c.string('status', 16),
          c.timestamp('raised_at'),
          c.timestamp('evaluated_at'),
          c.string('acknowledged_by', 40, true),
          c.timestamp('acknowledged_at', true),
          c.string('resolved_by', 40, true),
          c.timestamp('resolved_at', true),
          c.string('resolution_note', 1000, true),
        ],
        // The periodic evaluation and the officers' runs may overlap: the key keeps one alert.
        // Column names are shortened in the key's name: MySQL allows 64 characters.
        uniques: [
          {
            name: 'uq_supply_alerts__rule__supplier__product__region__month',
            columnNames: ['rule', 'supplier_id', 'product_id', 'region_code', 'month'],
          },
        ],
        indices: [
          index('supply_alerts', 'month', 'status'),
          index('supply_alerts', 'supplier_id'),
          index('supply_alerts', 'region_code'),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'backup_activations',
        columns: [
          c.id(),
          c.ref('round_id'),
          c.ref('lot_id'),
          c.string('region_code', 6),
          c.ref('failing_bid_id'),
          c.ref('failing_supplier_id'),
          c.ref('backup_bid_id'),
          c.ref('backup_supplier_id'),
          c.ref('backup_product_id'),
          c.decimal('backup_pack_price', 18, 4),
          c.decimal('backup_unit_price', 18, 6),
          c.date('effective_from'),
          c.int('agreements_replaced'),
          c.string('reason', 1000),
          c.string('activated_by', 40),
          c.timestamp('activated_at'),
        ],
        // A bid takes over a region of a lot at most once; a failed backup is never picked again.
        uniques: [unique('backup_activations', 'lot_id', 'region_code', 'backup_bid_id')],
        indices: [index('backup_activations', 'region_code')],
        foreignKeys: [
          fk('backup_activations', 'lot_id', 'lots'),
          fk('backup_activations', 'backup_bid_id', 'bids'),
          fk('backup_activations', 'failing_bid_id', 'bids'),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'supply_failures',
        columns: [
          c.id(),
          c.string('code', 24),
          c.ref('supplier_id'),
          c.ref('lot_id'),
          c.ref('product_id'),
          c.string('region_code', 6),
          c.date('period_from'),
          c.date('period_to'),
          c.string('description', 2000),
          // JSON array of supply alert ids cited as evidence
          c.text('alert_ids', false),
          c.ref('activation_id', true),
          c.ref('credit_case_id', true),
          c.string('credit_case_code', 24, true),
          c.string('recorded_by', 40),
          c.timestamp('recorded_at'),
          c.string('escalated_by', 40, true),
          c.timestamp('escalated_at', true),
        ],
        uniques: [unique('supply_failures', 'code')],
        indices: [index('supply_failures', 'supplier_id'), index('supply_failures', 'region_code')],
        foreignKeys: [
          fk('supply_failures', 'supplier_id', 'organisations'),
          fk('supply_failures', 'lot_id', 'lots'),
          fk('supply_failures', 'product_id', 'products'),
        ],
      }),
    );

    // §P9 agreements replaced by a backup activation stay (status `replaced`, from a date); the
    // backup's agreements for the same hospitals and lot point at the activation that made them.
    await qr.addColumns('agreements', [
      new TableColumn(c.date('replaced_from', true)),
      new TableColumn(c.ref('replaced_by_activation_id', true)),
      new TableColumn(c.ref('activation_id', true)),
    ]);
    // One agreement per hospital and lot becomes one per hospital, lot and winning bid: after an
    // activation a hospital holds the replaced agreement and the backup's. The new key is made
    // before the old one is dropped, since MySQL needs an index led by lot_id for its foreign key.
    // MySQL keeps unique keys as indexes; SQLite made the original one a table constraint
    // (dropped first there: dropping it rebuilds the table).
    const mysql = dialectOf(qr) === 'mysql';
    if (!mysql) await qr.dropUniqueConstraint('agreements', 'uq_agreements__lot_id__hospital_id');
    await qr.createIndex(
      'agreements',
      new TableIndex({
        name: 'uq_agreements__lot_id__hospital_id__bid_id',
        columnNames: ['lot_id', 'hospital_id', 'bid_id'],
        isUnique: true,
      }),
    );
    if (mysql) await qr.dropIndex('agreements', 'uq_agreements__lot_id__hospital_id');
  }

  async down(qr: QueryRunner): Promise<void> {
    if (dialectOf(qr) === 'mysql')
      await qr.createIndex(
        'agreements',
        new TableIndex({
          name: 'uq_agreements__lot_id__hospital_id',
          columnNames: ['lot_id', 'hospital_id'],
          isUnique: true,
        }),
      );
    else
      await qr.createUniqueConstraint('agreements', unique('agreements', 'lot_id', 'hospital_id'));
    await qr.dropIndex('agreements', 'uq_agreements__lot_id__hospital_id__bid_id');
    await qr.dropColumns('agreements', [
      'replaced_from',
      'replaced_by_activation_id',
      'activation_id',
    ]);
    for (const table of [
      'supply_failures',
      'backup_activations',
      'supply_alerts',
      'supply_shortages',
      'supply_report_revisions',
      'supply_reports',
    ])
      await qr.dropTable(table);
  }
}
