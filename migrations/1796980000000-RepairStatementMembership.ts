import { MigrationInterface, QueryRunner } from 'typeorm';
import { Decimal } from '../src/database/decimal';

/**
 * §S3 repairs what 1796500000000 (statement membership by window) wrote, and what statement
 * generation made of it before this change.
 *
 * 1. That migration put disputed, struck and carried lines on the statement that held them in
 *    the copied model (where the dispute was raised), also when that statement is of another
 *    month than the line's acceptance window: lines accepted in a month never generated, or
 *    after their month's statement had closed, were billed on a later month's statement. The
 *    membership rule reads an exception's `statement_id` as the statement of the line's window,
 *    so such a line showed on no statement; and when its own month was generated afterwards, the
 *    window pass counted it in the new statement's totals, which the membership rule does not
 *    bill it on: a struck line billed, a disputed one billed while disputed, a carried one billed
 *    twice. Each such exception now points at the statement of its window, or at none while that
 *    month has no statement of the pair (generation adopts it then). Its dispute stays on the
 *    statement it was raised on, which counted it as disputed.
 * 2. A statement that counted such lines (its line count and amount exceed what the membership
 *    rule bills on it by exactly those lines):
 *    - not paid yet: the lines leave its totals. Both confirmations are withdrawn, as a dispute
 *      withdraws them; a confirmed or approved statement goes back to reconciliation with a new
 *      review cycle and a new deadline of 5 working days (the default), as a review rejection
 *      sends it back, since its parties and reviewers saw a wrong amount;
 *    - paid: its journal posted that amount, so the money for those lines went out with it. A
 *      line still waiting for its statement (carried, or under an open dispute) is placed on it,
 *      so that it is never billed a second time; a struck line or one already billed elsewhere
 *      was paid twice, which only a correcting journal can settle: it is left as it is.
 *    Any other difference between a statement's totals and its lines is not this defect and is
 *    left alone.
 *
 * Lines 1796500000000 marked `excluded` need no data change: generation now bills them, once,
 * as carried lines (statement-generation.service.ts).
 *
 * Reads first, then updates row by row by primary key: the rows concerned are few (lines
 * disputed before the conversion), and no range of rows is locked while the API runs.
 * Idempotent: a second run finds every exception on its window's statement and changes nothing.
 */
export class RepairStatementMembership1796980000000 implements MigrationInterface {
  name = 'RepairStatementMembership1796980000000';

  async up(qr: QueryRunner): Promise<void> {
    const now = new Date();
    const at = text(now);
    const misplaced = (await qr.query(
      `SELECT e.id AS id, e.statement_id AS placed, e.status AS status,
         e.carried_to_statement_id AS carried_to, ROUND(dl.amount * 100) AS cents,
         (SELECT w.id FROM settlement_statements w WHERE ${inWindow('w', 'dl')}) AS home
       FROM settlement_line_exceptions e
       INNER JOIN delivery_lines dl ON dl.id = e.delivery_line_id
       WHERE e.status <> 'excluded'
         AND (e.statement_id IS NULL OR NOT EXISTS (SELECT 1 FROM settlement_statements p
           WHERE p.id = e.statement_id AND ${inWindow('p', 'dl')}))
       ORDER BY e.id`,
    )) as Array<{
      id: Id;
      placed: Id | null;
      status: string;
      carried_to: Id | null;
      cents: Sum;
      home: Id | null;
    }>;
    const moved = new Map<string, Moved[]>();
    for (const row of misplaced) {
      const home = idOf(row.home);
      if (home === idOf(row.placed)) continue;
      await qr.query(
        'UPDATE settlement_line_exceptions SET statement_id = ?, updated_at = ? WHERE id = ?',
        [home, at, row.id],
      );
      if (home === null) continue;
      const line: Moved = {
        id: idOf(row.id)!,
        status: row.status,
        carriedTo: idOf(row.carried_to),
        cents: new Decimal(String(row.cents)),
      };
      moved.set(home, [...(moved.get(home) ?? []), line]);
    }
    for (const [statementId, lines] of moved) await this.settle(qr, statementId, lines, now);
  }

  /** Part 2 above for one statement that became the home of moved exceptions. */
  private async settle(qr: QueryRunner, id: string, lines: Moved[], now: Date): Promise<void> {
    const [s] = (await qr.query(
      'SELECT status, line_count, ROUND(amount * 100) AS cents FROM settlement_statements WHERE id = ?',
      [id],
    )) as Array<{ status: string; line_count: Sum; cents: Sum }>;
    const billed = await billedOn(qr, id);
    const storedCount = Number(s.line_count);
    const storedCents = new Decimal(String(s.cents));
    const extraCents = lines.reduce((sum, l) => sum.plus(l.cents), new Decimal(0));
    const counted =
      storedCount === billed.count + lines.length &&
      storedCents.equals(billed.cents.plus(extraCents));
    if (!counted) return;
    const at = text(now);
    if (s.status === 'paid') {
      for (const line of lines)
        if (line.carriedTo === null && (line.status === 'carried' || line.status === 'disputed'))
          await qr.query(
            `UPDATE settlement_line_exceptions SET carried_to_statement_id = ?, updated_at = ?
             WHERE id = ?`,
            [id, at, line.id],
          );
      return;
    }
    const amount = billed.cents.div(100).toFixed(2);
    await qr.query(
      `UPDATE settlement_statements SET amount = ?, line_count = ?, hospital_confirmed_at = NULL,
         hospital_confirmed_by = NULL, supplier_confirmed_at = NULL, supplier_confirmed_by = NULL,
         updated_at = ? WHERE id = ?`,
      [amount, billed.count, at, id],
    );
    if (s.status === 'confirmed' || s.status === 'approved')
      await qr.query(
        `UPDATE settlement_statements SET status = 'reconciling', confirmed_at = NULL,
           approved_at = NULL, review_cycle = review_cycle + 1, review_level = 0,
           reconciliation_deadline = ? WHERE id = ?`,
        [text(deadline(now, 5)), id],
      );
  }

  /**
   * Puts the exceptions this migration moved back where 1796500000000 put them: on the statement
   * their dispute was raised on (every exception it misplaced has a dispute; an exception
   * recorded since sits on its dispute's statement already). A line disputed since on the
   * statement it was carried onto keeps its window's statement, where it was recorded: its
   * dispute's statement is its `carried_to_statement_id`, which is never so for an exception
   * up() moved (a line carried after a dispute goes to a later statement than the dispute's,
   * and up() placed lines only on paid statements of their own window). Such a line whose
   * dispute was resolved for it has gone on to a later statement and can no longer be told
   * apart from a moved one: it goes back too. The statement totals up() corrected, the reviews
   * it reopened and the lines it placed on paid statements stay: restoring them would bill those
   * lines twice again, and the withdrawn confirmations were not kept.
   */
  async down(qr: QueryRunner): Promise<void> {
    const rows = (await qr.query(
      `SELECT e.id AS id, d.statement_id AS raised_on FROM settlement_line_exceptions e
       INNER JOIN settlement_disputes d ON d.statement_line_id = e.delivery_line_id
       WHERE (e.statement_id IS NULL OR e.statement_id <> d.statement_id)
         AND (e.carried_to_statement_id IS NULL OR e.carried_to_statement_id <> d.statement_id)
       ORDER BY e.id`,
    )) as Array<{ id: Id; raised_on: Id }>;
    const at = text(new Date());
    for (const row of rows)
      await qr.query(
        'UPDATE settlement_line_exceptions SET statement_id = ?, updated_at = ? WHERE id = ?',
        [row.raised_on, at, row.id],
      );
  }
}

/** Drivers answer ids and sums as numbers (SQLite) or strings (MySQL). */
type Id = string | number;
type Sum = string | number | null;

interface Moved {
  id: string;
  status: string;
  carriedTo: string | null;
  cents: Decimal;
}

const idOf = (v: Id | null) => (v === null ? null : String(v));

/**
 * Delivery line `dl` lies in statement `s`'s window: the pair, the period, the statement's
 * scope. Written out here rather than imported so this migration keeps meaning what it meant.
 */
function inWindow(s: string, dl: string): string {
  return `${s}.hospital_id = ${dl}.hospital_id AND ${s}.supplier_id = ${dl}.supplier_id
    AND ${s}.period_start <= ${dl}.accepted_at AND ${s}.period_end > ${dl}.accepted_at
    AND (${s}.scope = 'all' OR EXISTS (SELECT 1 FROM purchase_order_lines ${s}_pol
      WHERE ${s}_pol.id = ${dl}.order_line_id AND ${s}_pol.agreement_id IS NOT NULL))`;
}

/**
 * What the membership rule bills on a statement, in whole cents: its window's accepted lines
 * without an exception, plus the lines carried onto it.
 */
async function billedOn(qr: QueryRunner, id: string): Promise<{ count: number; cents: Decimal }> {
  const [own] = (await qr.query(
    `SELECT COUNT(*) AS n, SUM(ROUND(dl.amount * 100)) AS cents
     FROM settlement_statements s
     INNER JOIN delivery_lines dl ON ${inWindow('s', 'dl')} AND dl.decision = 'accepted'
     WHERE s.id = ? AND NOT EXISTS (SELECT 1 FROM settlement_line_exceptions x
       WHERE x.delivery_line_id = dl.id)`,
    [id],
  )) as Array<{ n: Sum; cents: Sum }>;
  const [carried] = (await qr.query(
    `SELECT COUNT(*) AS n, SUM(ROUND(dl.amount * 100)) AS cents
     FROM settlement_line_exceptions c INNER JOIN delivery_lines dl ON dl.id = c.delivery_line_id
     WHERE c.status = 'carried' AND c.carried_to_statement_id = ?`,
    [id],
  )) as Array<{ n: Sum; cents: Sum }>;
  return {
    count: Number(own.n ?? 0) + Number(carried.n ?? 0),
    cents: new Decimal(String(own.cents ?? 0)).plus(String(carried.cents ?? 0)),
  };
}

/** UTC datetime text, the form both drivers store. */
function text(at: Date): string {
  return at.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * The end (China midnight) of the `days`-th working day (Mon–Fri) after `from`'s China business
 * date: §S3.2's reconciliation deadline, written out for the same reason as inWindow.
 */
function deadline(from: Date, days: number): Date {
  const day = 24 * 3600_000;
  const china = 8 * 3600_000;
  let date = Math.floor((from.getTime() + china) / day) * day;
  for (let left = days; left > 0;) {
    date += day;
    const weekday = new Date(date).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left -= 1;
  }
  return new Date(date + day - china);
}
