import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { migrationColumns } from '../src/database/dialect';
import { fk, index } from '../src/database/migration-keys';

const TABLE = 'listing_price_suspensions';

/**
 * §C2 listing suspensions by source. A listing carried one suspension source, so a second
 * source was lost: a credit sanction (§K3) did not record itself on a listing a price case had
 * suspended, and the first to lift reinstated a listing the other still held. Each source now
 * has its own row, lifted only by that source; the listing's status and suspension fields stay
 * in place as the summary the code keeps in line (suspended while a row is in force, showing the
 * oldest).
 *
 * Up turns every suspended listing into rows: a credit suspension whose reason is its product's
 * credit hold → that rating; a price case suspension whose reason names an existing case →
 * that case; anything else (set by hand, whatever source it claimed) → manual, the only source
 * the reinstate endpoint lifts. Then every listing of a held product that has not ended gets its
 * credit hold, so the listings the old model let slip are suspended. Down drops the rows; the
 * summary columns it leaves are what the old model reads.
 */
export class ListingSuspensionsBySource1796950000000 implements MigrationInterface {
  name = 'ListingSuspensionsBySource1796950000000';

  async up(qr: QueryRunner): Promise<void> {
    const c = migrationColumns(qr);
    await qr.createTable(
      new Table({
        name: TABLE,
        columns: [
          c.id(),
          c.ref('listing_price_id'),
          c.string('source', 32),
          c.string('reference', 64, true),
          c.string('reason', 500),
          c.string('created_by', 40),
          c.timestamp('created_at'),
          c.string('lifted_by', 40, true),
          c.timestamp('lifted_at', true),
        ],
        indices: [
          index(TABLE, 'listing_price_id', 'lifted_at'),
          index(TABLE, 'source', 'reference'),
        ],
        foreignKeys: [fk(TABLE, 'listing_price_id', 'listing_prices')],
      }),
    );

    // A UTC timestamp both drivers store as it is written (better-sqlite3 binds no Date).
    const instant = new Date();
    const now = instant.toISOString().replace('T', ' ').replace('Z', '');
    // The business date in China (UTC+8), as the code compares listing end dates.
    const today = new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const insert = `INSERT INTO ${TABLE} (listing_price_id, source, reference, reason, created_by, created_at)`;
    const since = 'COALESCE(l.suspended_at, l.updated_at)';

    await qr.query(
      `${insert}
       SELECT l.id, 'credit_sanction', CAST(h.rating_id AS CHAR), l.suspension_reason, 'system', ${since}
       FROM listing_prices l
       JOIN credit_listing_holds h
         ON h.product_id = l.product_id AND h.reason = l.suspension_reason
       WHERE l.status = 'suspended' AND l.suspension_source = 'credit_sanction'`,
    );
    // The outcome wrote `price case <code>: <note>`; 'price case ' is 11 characters.
    await qr.query(
      `${insert}
       SELECT l.id, 'price_case', c.code, l.suspension_reason, 'system', ${since}
       FROM listing_prices l
       JOIN monitoring_price_cases c
         ON c.code = SUBSTR(l.suspension_reason, 12, INSTR(l.suspension_reason, ':') - 12)
       WHERE l.status = 'suspended' AND l.suspension_source = 'price_case'
         AND l.suspension_reason LIKE 'price case %:%'`,
    );
    await qr.query(
      `${insert}
       SELECT l.id, 'manual', NULL, COALESCE(l.suspension_reason, ''), 'system', ${since}
       FROM listing_prices l
       WHERE l.status = 'suspended'
         AND NOT EXISTS (SELECT 1 FROM ${TABLE} s WHERE s.listing_price_id = l.id)`,
    );
    await qr.query(
      `UPDATE listing_prices SET suspension_source = 'manual'
       WHERE status = 'suspended' AND COALESCE(suspension_source, '') <> 'manual'
         AND id IN (SELECT s.listing_price_id FROM ${TABLE} s WHERE s.source = 'manual')`,
    );

    // The listings a credit hold missed: created under it, or suspended by another source.
    await qr.query(
      `${insert}
       SELECT l.id, 'credit_sanction', CAST(h.rating_id AS CHAR), h.reason, 'system', ?
       FROM listing_prices l
       JOIN credit_listing_holds h ON h.product_id = l.product_id
       WHERE (l.valid_to IS NULL OR l.valid_to >= ?)
         AND NOT EXISTS (
           SELECT 1 FROM ${TABLE} s
           WHERE s.listing_price_id = l.id AND s.source = 'credit_sanction'
             AND s.reference = CAST(h.rating_id AS CHAR) AND s.lifted_at IS NULL
         )`,
      [now, today],
    );
    await qr.query(
      `UPDATE listing_prices
       SET status = 'suspended',
           suspended_at = ?,
           suspension_source = 'credit_sanction',
           suspension_reason = (
             SELECT s.reason FROM ${TABLE} s
             WHERE s.listing_price_id = listing_prices.id AND s.lifted_at IS NULL
             ORDER BY s.id LIMIT 1
           ),
           updated_at = ?
       WHERE status = 'active'
         AND id IN (SELECT s.listing_price_id FROM ${TABLE} s WHERE s.lifted_at IS NULL)`,
      [now, now],
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable(TABLE);
  }
}
