import { EntityManager } from 'typeorm';
import { dialectOf } from '../../../database/dialect';
import { billedOn } from '../statements/statement-membership';

/**
 * SQL fragments over `delivery_lines dl` for §S4, shared by the deadline list, the metrics and
 * the overdue check. A line is paid when the statement that bills it (the statement of its
 * acceptance window, or the later one it was carried onto after a dispute: see
 * statements/statement-membership.ts) has a payment that is `paid` (a bank reference was given)
 * by `:now`; an instructed payment has not reached the supplier yet. A line whose dispute was
 * upheld (`struck`) is owed by nobody and leaves every figure. Parameters: `:now`. The alias
 * `dl` needs the columns id, hospital_id, supplier_id, decision, accepted_at, order_line_id.
 */
export const PAID_LINE = `SELECT 1 FROM settlement_statements ps
  INNER JOIN settlement_payments pp ON pp.statement_id = ps.id
  WHERE ps.hospital_id = dl.hospital_id AND ps.supplier_id = dl.supplier_id
    AND pp.status = 'paid' AND pp.paid_at <= :now
    AND ${billedOn('ps', 'dl')}`;

export const STRUCK_LINE = `SELECT 1 FROM settlement_line_exceptions struck
  WHERE struck.delivery_line_id = dl.id AND struck.status = 'struck'`;

/** Lines in settlement's scope (SETTLEMENT_SCOPE=vbp: ordered under an agreement only). */
export function scopeJoin(scope: 'all' | 'vbp'): string {
  return scope === 'vbp'
    ? 'INNER JOIN purchase_order_lines pol ON pol.id = dl.order_line_id AND pol.agreement_id IS NOT NULL'
    : '';
}

/** A day number of an instant's China business date; differences are calendar days. */
export function chinaDayNumber(m: EntityManager, column: string): string {
  return dialectOf(m) === 'mysql'
    ? `TO_DAYS(DATE_ADD(${column}, INTERVAL 8 HOUR))`
    : `CAST(julianday(${column}, '+8 hours', 'start of day') AS INTEGER)`;
}

/** The China business date `days` after an instant's own, as `YYYY-MM-DD` (`:days` bound). */
export function chinaDatePlusDays(m: EntityManager, column: string): string {
  return dialectOf(m) === 'mysql'
    ? `DATE(DATE_ADD(DATE_ADD(${column}, INTERVAL 8 HOUR), INTERVAL :days DAY))`
    : `date(${column}, '+8 hours', '+' || :days || ' days')`;
}

/** Σ of a DECIMAL(18,2) expression in cents, exact on both dialects (SQLite sums floats). */
export function sumCents(expression: string): string {
  return `COALESCE(SUM(ROUND((${expression}) * 100)), 0)`;
}
