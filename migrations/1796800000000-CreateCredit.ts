import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { migrationColumns } from '../src/database/dialect';
import { index, unique } from '../src/database/migration-keys';
import {
  SEED_COMMITMENT_TEXT,
  SEED_SCHEMES,
} from '../src/modules/credit/ratings/domain/seed-schemes';

/**
 * §K1–§K4 credit evaluation: cases and their products, versioned rating schemes (seeded with the
 * 2020 and 2025 schemes), ratings with the sanctions their level carries, the listings a sanction
 * suspended, repair applications, and supplier-wide integrity commitments with their texts.
 */
export class CreateCredit1796800000000 implements MigrationInterface {
  name = 'CreateCredit1796800000000';

  async up(qr: QueryRunner): Promise<void> {
    const c = migrationColumns(qr);
    await qr.createTable(
      new Table({
        name: 'credit_schemes',
        columns: [
          c.id(),
          c.string('version', 16),
          c.string('name', 200),
          c.text('definition', false),
          c.timestamp('created_at'),
        ],
        uniques: [unique('credit_schemes', 'version')],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'credit_scheme_activations',
        columns: [
          c.id(),
          c.string('version', 16),
          c.string('activated_by', 40),
          c.timestamp('activated_at'),
        ],
        indices: [index('credit_scheme_activations', 'activated_at')],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'credit_cases',
        columns: [
          c.id(),
          c.string('code', 16),
          c.ref('supplier_id'),
          c.string('supplier_type', 16),
          c.string('behaviour', 40),
          c.decimal('amount', 18, 2, true),
          c.string('source_type', 32),
          c.string('source_ref', 200),
          c.date('source_date'),
          c.text('summary'),
          c.string('status', 16),
          c.ref('authority_id', true),
          c.string('region_path', 200, true),
          c.string('recorded_by', 40),
          c.timestamp('recorded_at'),
          c.timestamp('updated_at'),
        ],
        uniques: [unique('credit_cases', 'code')],
        indices: [
          index('credit_cases', 'supplier_id', 'status'),
          index('credit_cases', 'status', 'recorded_at'),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'credit_case_products',
        columns: [c.id(), c.ref('case_id'), c.ref('product_id')],
        uniques: [unique('credit_case_products', 'case_id', 'product_id')],
        indices: [index('credit_case_products', 'product_id')],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'credit_ratings',
        columns: [
          c.id(),
          c.ref('case_id'),
          c.ref('supplier_id'),
          c.string('scheme_version', 16),
          c.string('level', 32),
          c.string('initial_level', 32),
          c.text('reasons', false),
          c.text('sanctions', false),
          // none | involved | all: which of the supplier's products listing and bidding bars cover.
          c.string('product_scope', 16),
          c.bool('risk_notice'),
          c.int('distribution_bar_years', true),
          c.date('valid_from'),
          c.date('valid_to'),
          c.string('status', 16),
          c.string('rated_by', 40),
          c.timestamp('rated_at'),
          c.timestamp('ended_at', true),
          c.string('ended_reason', 32, true),
          c.timestamp('updated_at'),
        ],
        uniques: [unique('credit_ratings', 'case_id')],
        indices: [
          index('credit_ratings', 'supplier_id', 'status'),
          index('credit_ratings', 'status', 'valid_to'),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'credit_listing_holds',
        columns: [
          c.id(),
          c.ref('supplier_id'),
          c.ref('product_id'),
          c.ref('rating_id'),
          c.string('reason', 200),
          c.timestamp('created_at'),
        ],
        // One credit hold per product: overlapping sanctions hand the hold on, never stack it.
        uniques: [unique('credit_listing_holds', 'product_id')],
        indices: [index('credit_listing_holds', 'supplier_id')],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'credit_repairs',
        columns: [
          c.id(),
          c.ref('rating_id'),
          c.ref('supplier_id'),
          c.text('actions', false),
          c.string('status', 16),
          c.string('level_before', 32),
          c.string('level_after', 32, true),
          c.string('applied_by', 40),
          c.timestamp('applied_at'),
          c.string('decided_by', 40, true),
          c.timestamp('decided_at', true),
          c.text('decision_note'),
        ],
        indices: [
          index('credit_repairs', 'rating_id', 'status'),
          index('credit_repairs', 'supplier_id', 'status'),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'credit_commitment_texts',
        columns: [
          c.id(),
          c.string('version', 32),
          c.string('title', 200),
          c.text('body', false),
          c.string('sha256', 64),
          c.timestamp('published_at'),
        ],
        uniques: [unique('credit_commitment_texts', 'version')],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'credit_commitments',
        columns: [
          c.id(),
          c.ref('supplier_id'),
          c.string('text_version', 32),
          c.string('text_sha256', 64),
          c.string('signed_by', 40),
          c.timestamp('signed_at'),
        ],
        uniques: [unique('credit_commitments', 'supplier_id', 'text_version')],
      }),
    );

    // A UTC timestamp both drivers store as it is written (better-sqlite3 binds no Date).
    const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
    for (const scheme of SEED_SCHEMES)
      await qr.query(
        'INSERT INTO credit_schemes (version, name, definition, created_at) VALUES (?, ?, ?, ?)',
        [scheme.version, scheme.name, JSON.stringify(scheme), now],
      );
    await qr.query(
      'INSERT INTO credit_commitment_texts (version, title, body, sha256, published_at) VALUES (?, ?, ?, ?, ?)',
      [
        SEED_COMMITMENT_TEXT.version,
        SEED_COMMITMENT_TEXT.title,
        SEED_COMMITMENT_TEXT.body,
        SEED_COMMITMENT_TEXT.sha256,
        now,
      ],
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const table of [
      'credit_commitments',
      'credit_commitment_texts',
      'credit_repairs',
      'credit_listing_holds',
      'credit_ratings',
      'credit_case_products',
      'credit_cases',
      'credit_scheme_activations',
      'credit_schemes',
    ])
      await qr.dropTable(table);
  }
}
