import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { dialectOf, migrationColumns } from '../src/database/dialect';

/**
 * §S3.1 / §N statement membership by acceptance window instead of one copied row per line.
 *
 * A statement of hospital × supplier × period bills the pair's accepted delivery lines whose
 * `accepted_at` lies in the period's window (China time, [period_start, period_end)) and in the
 * statement's settlement scope, minus the lines with an exception, plus the lines carried onto
 * it. Acceptance time is server time, so a window is closed once its period has ended, and
 * generation becomes one `INSERT … SELECT … GROUP BY` (§N: ≤ 2 × that statement at 1 M lines;
 * copying a million rows into `settlement_statement_lines` with its unique key cost 7 × alone).
 *
 * - `settlement_statements` gains its window and the scope it was generated under (a later
 *   change of SETTLEMENT_SCOPE does not change what an existing statement bills).
 * - `settlement_line_exceptions`: one narrow row per line that is not simply billed on the
 *   statement of its window: disputed, struck (dispute upheld), carried (dispute resolved for
 *   the line, billed on a later statement of the pair), and, from the rows copied before this
 *   migration only, excluded (in a statement's window, never on it).
 * - `settlement_disputes.statement_line_id` now holds the delivery line's id: a statement line
 *   is named by its delivery line.
 * - `settlement_statement_lines` is converted into the above and dropped, so nothing can read a
 *   stale copy of membership.
 * - `delivery_lines` gets a per hospital × acceptance-time index that statement details and
 *   disputes look a pair's lines up by. Not (hospital, supplier, accepted_at): MariaDB then
 *   prefers a full scan of that index in GROUP BY order, with a row lookup per index entry,
 *   over the window's range and a sort, which made the month's GROUP BY five times slower.
 */
export class StatementMembershipByWindow1796500000000 implements MigrationInterface {
  name = 'StatementMembershipByWindow1796500000000';

  async up(qr: QueryRunner): Promise<void> {
    const c = migrationColumns(qr);
    await qr.addColumns('settlement_statements', [
      new TableColumn(c.timestamp('period_start', true)),
      new TableColumn(c.timestamp('period_end', true)),
      new TableColumn({ ...c.string('scope', 8), default: "'all'" }),
    ]);
    const periods = (await qr.query('SELECT DISTINCT period FROM settlement_statements')) as Array<{
      period: string;
    }>;
    for (const { period } of periods) {
      const w = window(period);
      await qr.query(
        'UPDATE settlement_statements SET period_start = ?, period_end = ? WHERE period = ?',
        [w.start, w.end, period],
      );
    }
    // Every row has its window now. TypeORM's changeColumn writes a DEFAULT MariaDB refuses for
    // DATETIME(3) NOT NULL, so MySQL gets the plain ALTER; SQLite rebuilds the table.
    if (dialectOf(qr) === 'mysql')
      await qr.query(`ALTER TABLE settlement_statements MODIFY period_start DATETIME(3) NOT NULL,
        MODIFY period_end DATETIME(3) NOT NULL`);
    else
      for (const name of ['period_start', 'period_end']) {
        const table = await qr.getTable('settlement_statements');
        const old = table!.findColumnByName(name)!;
        const required = old.clone();
        required.isNullable = false;
        await qr.changeColumn('settlement_statements', old, required);
      }

    await qr.createTable(
      new Table({
        name: 'settlement_line_exceptions',
        columns: [
          c.id(),
          c.ref('delivery_line_id'),
          // The statement whose window holds the line (null until that period is generated,
          // possible only for lines converted below).
          c.ref('statement_id', true),
          // A carried line's later statement, once a generation put it there.
          c.ref('carried_to_statement_id', true),
          c.ref('hospital_id'),
          c.ref('supplier_id'),
          c.decimal('amount', 18, 2),
          c.string('status', 10),
          c.timestamp('updated_at'),
        ],
        uniques: [
          {
            name: 'uq_settlement_line_exceptions__delivery_line_id',
            columnNames: ['delivery_line_id'],
          },
        ],
        indices: [
          index('settlement_line_exceptions', 'statement_id'),
          index('settlement_line_exceptions', 'carried_to_statement_id'),
          index('settlement_line_exceptions', 'status', 'hospital_id', 'supplier_id'),
        ],
      }),
    );
    await qr.createIndex(
      'delivery_lines',
      index('delivery_lines', 'hospital_id', 'accepted_at', 'supplier_id'),
    );

    const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
    const insert = `INSERT INTO settlement_line_exceptions (delivery_line_id, statement_id,
        carried_to_statement_id, hospital_id, supplier_id, amount, status, updated_at)`;
    // Disputed, struck, and carried lines not yet on a later statement: still on their own.
    await qr.query(
      `${insert} SELECT l.delivery_line_id, l.statement_id, NULL, l.hospital_id, l.supplier_id,
         l.amount, l.status, ? FROM settlement_statement_lines l
       WHERE l.status IN ('disputed', 'struck', 'carried')`,
      [now],
    );
    // Carried lines already billed on a later statement: the dispute names their own.
    await qr.query(
      `${insert} SELECT l.delivery_line_id, d.statement_id, l.statement_id, l.hospital_id,
         l.supplier_id, l.amount, 'carried', ? FROM settlement_statement_lines l
       INNER JOIN settlement_disputes d ON d.statement_line_id = l.id
       WHERE l.status = 'billed'`,
      [now],
    );
    // Lines the earlier rule billed outside their window (accepted in a month never generated,
    // or after their month's statement was closed): carried onto the statement that billed them.
    await qr.query(
      `${insert} SELECT l.delivery_line_id,
         (SELECT h.id FROM settlement_statements h WHERE h.hospital_id = l.hospital_id
            AND h.supplier_id = l.supplier_id AND h.period_start <= l.accepted_at
            AND h.period_end > l.accepted_at),
         l.statement_id, l.hospital_id, l.supplier_id, l.amount, 'carried', ?
       FROM settlement_statement_lines l
       INNER JOIN settlement_statements s ON s.id = l.statement_id
       WHERE l.status = 'billed'
         AND NOT EXISTS (SELECT 1 FROM settlement_disputes d WHERE d.statement_line_id = l.id)
         AND (l.accepted_at < s.period_start OR l.accepted_at >= s.period_end)`,
      [now],
    );
    // Lines in a statement's window the earlier rule did not put on it (outside the scope of the
    // time): they stay off it.
    await qr.query(
      `${insert} SELECT dl.id, s.id, NULL, dl.hospital_id, dl.supplier_id, dl.amount, 'excluded', ?
       FROM settlement_statements s
       INNER JOIN delivery_lines dl ON dl.hospital_id = s.hospital_id
         AND dl.supplier_id = s.supplier_id AND dl.decision = 'accepted'
         AND dl.accepted_at >= s.period_start AND dl.accepted_at < s.period_end
       WHERE NOT EXISTS (SELECT 1 FROM settlement_statement_lines l WHERE l.delivery_line_id = dl.id)`,
      [now],
    );
    // Statement line ids → delivery line ids, through values above every id so the unique key
    // never sees two disputes on one value half-way.
    await qr.query(
      `UPDATE settlement_disputes SET statement_line_id = ${OFFSET} + (SELECT l.delivery_line_id
         FROM settlement_statement_lines l WHERE l.id = settlement_disputes.statement_line_id)`,
    );
    await qr.query(
      `UPDATE settlement_disputes SET statement_line_id = statement_line_id - ${OFFSET}`,
    );
    await qr.dropTable('settlement_statement_lines');
  }

  async down(qr: QueryRunner): Promise<void> {
    const c = migrationColumns(qr);
    await qr.createTable(
      new Table({
        name: 'settlement_statement_lines',
        columns: [
          c.id(),
          c.ref('statement_id'),
          c.ref('delivery_line_id'),
          c.ref('delivery_id'),
          c.ref('hospital_id'),
          c.ref('supplier_id'),
          c.ref('product_id'),
          c.decimal('quantity', 18, 3),
          c.decimal('unit_price', 18, 6),
          c.decimal('amount', 18, 2),
          c.timestamp('accepted_at'),
          c.string('status', 16),
        ],
        uniques: [
          {
            name: 'uq_settlement_statement_lines__delivery_line_id',
            columnNames: ['delivery_line_id'],
          },
        ],
        indices: [
          index('settlement_statement_lines', 'statement_id', 'status'),
          index('settlement_statement_lines', 'status', 'hospital_id', 'supplier_id'),
        ],
      }),
    );
    const copy = `INSERT INTO settlement_statement_lines (statement_id, delivery_line_id,
        delivery_id, hospital_id, supplier_id, product_id, quantity, unit_price, amount,
        accepted_at, status)`;
    const columns = `dl.delivery_id, dl.hospital_id, dl.supplier_id, dl.product_id, dl.quantity,
        dl.unit_price, dl.amount, dl.accepted_at`;
    // Billed on the statement of their window.
    await qr.query(
      `${copy} SELECT s.id, dl.id, ${columns}, 'billed' FROM settlement_statements s
       INNER JOIN delivery_lines dl ON dl.hospital_id = s.hospital_id
         AND dl.supplier_id = s.supplier_id AND dl.decision = 'accepted'
         AND dl.accepted_at >= s.period_start AND dl.accepted_at < s.period_end
       WHERE (s.scope = 'all' OR EXISTS (SELECT 1 FROM purchase_order_lines pol
           WHERE pol.id = dl.order_line_id AND pol.agreement_id IS NOT NULL))
         AND NOT EXISTS (SELECT 1 FROM settlement_line_exceptions e WHERE e.delivery_line_id = dl.id)`,
    );
    // Exceptions: on the statement carrying them, else on their own with their status.
    await qr.query(
      `${copy} SELECT COALESCE(e.carried_to_statement_id, e.statement_id), dl.id, ${columns},
         CASE WHEN e.carried_to_statement_id IS NULL THEN e.status ELSE 'billed' END
       FROM settlement_line_exceptions e INNER JOIN delivery_lines dl ON dl.id = e.delivery_line_id
       WHERE e.status <> 'excluded'
         AND (e.carried_to_statement_id IS NOT NULL OR e.statement_id IS NOT NULL)`,
    );
    await qr.query(
      `UPDATE settlement_disputes SET statement_line_id = ${OFFSET} + (SELECT l.id
         FROM settlement_statement_lines l WHERE l.delivery_line_id = settlement_disputes.statement_line_id)`,
    );
    await qr.query(
      `UPDATE settlement_disputes SET statement_line_id = statement_line_id - ${OFFSET}`,
    );
    // MySQL dropped the index it made for the hospital_id foreign key when ours could serve it,
    // and refuses to drop ours until another one can.
    if (dialectOf(qr) === 'mysql')
      await qr.createIndex(
        'delivery_lines',
        new TableIndex({ name: 'fk_delivery_lines__hospital_id', columnNames: ['hospital_id'] }),
      );
    await qr.dropIndex(
      'delivery_lines',
      'ix_delivery_lines__hospital_id__accepted_at__supplier_id',
    );
    await qr.dropTable('settlement_line_exceptions');
    for (const name of ['scope', 'period_end', 'period_start'])
      await qr.dropColumn('settlement_statements', name);
  }
}

/** Above any id either table can reach before the conversion; below BIGINT's range. */
const OFFSET = '1000000000000000';

function index(table: string, ...columns: string[]): TableIndex {
  return new TableIndex({ name: `ix_${table}__${columns.join('__')}`, columnNames: columns });
}

/**
 * A period's window on China business dates (UTC+8) as UTC datetime text, the form both drivers
 * store: `2027-03` → [2027-02-28 16:00, 2027-03-31 16:00). Written out here rather than imported
 * so this migration keeps meaning what it meant when it ran.
 */
function window(period: string): { start: string; end: string } {
  const [y, m] = period.split('-').map(Number);
  const text = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
  return {
    start: text(Date.UTC(y, m - 1, 1) - 8 * 3600_000),
    end: text(Date.UTC(y, m, 1) - 8 * 3600_000),
  };
}
