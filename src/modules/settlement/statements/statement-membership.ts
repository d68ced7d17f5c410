import { EntityManager } from 'typeorm';
import { dialectOf } from '../../../database/dialect';

/**
 * §S3.1 which accepted delivery lines a statement bills, as SQL fragments shared by generation,
 * statement details, disputes and the §S4 payment clock.
 *
 * Membership rule: a statement of hospital × supplier × period bills the pair's accepted
 * delivery lines whose `accepted_at` lies in the period's window [period_start, period_end)
 * (China business dates) and in the statement's scope, except the lines with a row in
 * `settlement_line_exceptions` of any status (disputed, struck, carried away, excluded), plus
 * the lines carried onto it (`carried_to_statement_id`, status carried). Acceptance time is
 * server time, set when the hospital accepts, and generation refuses a period that has not
 * ended, so a window's set of lines is closed before its statements exist. A line belongs to the
 * statement of its own acceptance month only: a month that is never generated bills nothing,
 * and its lines stay in the §S4 deadline list (without a statement) until it is.
 *
 * So a line is billed by exactly one statement (its window's, or the one it was carried onto)
 * or by none. An exception row's `statement_id` is always the statement of the line's window
 * (null while that month has no statement of the pair): that is where the line shows as
 * disputed, struck, or carried onward; the dispute itself stays on the statement it was raised
 * on. A line disputed on the statement it was carried onto stays there as disputed (its row
 * keeps `carried_to_statement_id`, no longer `carried`), so that statement no longer bills it.
 * The one other disputed or struck row with a `carried_to_statement_id` is a line the repair of
 * paid statements (migration 1796980000000) placed on the paid statement of its window, whose
 * journal paid it, while its dispute stays on the statement it was raised on: that paid
 * statement bills it, whatever the dispute decides (see carriedHere).
 *
 * A statement keeps the scope it was generated under until generation under a wider
 * SETTLEMENT_SCOPE records the lines of its window it did not bill as `excluded` and widens it
 * (statement-generation.service.ts): what it bills is the same before and after.
 *
 * Lines are read from execution's `delivery_lines` under the contract documented on
 * AcceptedLines; the scope check reads `purchase_order_lines.agreement_id` the same way.
 */

/** Delivery line `dl` falls in statement `s`'s settlement scope (its `scope` column). */
export function inScopeOf(s: string, dl: string): string {
  return `(${s}.scope = 'all' OR EXISTS (SELECT 1 FROM purchase_order_lines ${dl}_pol
    WHERE ${dl}_pol.id = ${dl}.order_line_id AND ${dl}_pol.agreement_id IS NOT NULL))`;
}

/** Accepted delivery line `dl` lies in statement `s`'s window: its pair, period and scope. */
export function inWindowOf(s: string, dl: string): string {
  return `${dl}.hospital_id = ${s}.hospital_id AND ${dl}.supplier_id = ${s}.supplier_id
    AND ${dl}.decision = 'accepted' AND ${dl}.accepted_at >= ${s}.period_start
    AND ${dl}.accepted_at < ${s}.period_end AND ${inScopeOf(s, dl)}`;
}

/** Line `dl` has no exception: it is billed on the statement of its window, if any. */
export function unexcepted(dl: string): string {
  return `NOT EXISTS (SELECT 1 FROM settlement_line_exceptions ${dl}_x
    WHERE ${dl}_x.delivery_line_id = ${dl}.id)`;
}

/**
 * Exception row `e` has its `carried_to_statement_id` bill its line: it is carried there, or it
 * is disputed or struck by a dispute raised on another statement (a line the repair placed on
 * a paid statement). A dispute raised on the carrying statement itself takes the line out of it.
 */
export function carriedHere(e: string): string {
  return `(${e}.carried_to_statement_id IS NOT NULL AND (${e}.status = 'carried'
    OR (${e}.status IN ('disputed', 'struck') AND NOT EXISTS (SELECT 1 FROM settlement_disputes ${e}_d
      WHERE ${e}_d.statement_line_id = ${e}.delivery_line_id
        AND ${e}_d.statement_id = ${e}.carried_to_statement_id))))`;
}

/** Line `dl` is billed on statement `s`: in its window without exception, or carried onto it. */
export function billedOn(s: string, dl: string): string {
  return `((${inWindowOf(s, dl)} AND ${unexcepted(dl)})
    OR EXISTS (SELECT 1 FROM settlement_line_exceptions ${dl}_c WHERE ${dl}_c.delivery_line_id = ${dl}.id
      AND ${dl}_c.carried_to_statement_id = ${s}.id AND ${carriedHere(`${dl}_c`)}))`;
}

/**
 * Σ of DECIMAL(18,2) amounts in SQL. SQLite keeps DECIMAL as REAL, whose plain SUM can drift by
 * a binary fraction; summing whole cents is exact there. MySQL sums DECIMAL exactly.
 */
export function sumAmounts(m: EntityManager, column: string): string {
  return dialectOf(m) === 'mysql'
    ? `COALESCE(SUM(${column}), 0)`
    : `COALESCE(ROUND(SUM(ROUND(${column} * 100))) / 100.0, 0)`;
}
