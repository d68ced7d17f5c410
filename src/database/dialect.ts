import {
  DataSource,
  EntityManager,
  QueryRunner,
  SelectQueryBuilder,
  TableColumnOptions,
} from 'typeorm';
import { Decimal } from './decimal';

export type Dialect = 'mysql' | 'sqlite';

export function dialectOf(source: DataSource | EntityManager | QueryRunner): Dialect {
  const type = 'connection' in source ? source.connection.options.type : source.options.type;
  return type === 'mysql' || type === 'mariadb' ? 'mysql' : 'sqlite';
}

/**
 * Column builders for hand-written migrations: one schema, two dialects. The differences are
 * kept here and nowhere else.
 */
export function migrationColumns(qr: QueryRunner) {
  const mysql = dialectOf(qr) === 'mysql';
  const idType = mysql ? 'bigint' : 'integer';
  return {
    id: (): TableColumnOptions => ({
      name: 'id',
      type: idType,
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment',
      ...(mysql ? { unsigned: true } : {}),
    }),
    ref: (name: string, nullable = false): TableColumnOptions => ({
      name,
      type: idType,
      isNullable: nullable,
      ...(mysql ? { unsigned: true } : {}),
    }),
    string: (name: string, length: number, nullable = false): TableColumnOptions => ({
      name,
      type: 'varchar',
      length: String(length),
      isNullable: nullable,
    }),
    text: (name: string, nullable = true): TableColumnOptions => ({
      name,
      type: mysql ? 'longtext' : 'text',
      isNullable: nullable,
    }),
    decimal: (
      name: string,
      precision: number,
      scale: number,
      nullable = false,
    ): TableColumnOptions => ({
      name,
      type: 'decimal',
      precision,
      scale,
      isNullable: nullable,
    }),
    int: (name: string, nullable = false, defaultValue?: number): TableColumnOptions => ({
      name,
      type: 'int',
      isNullable: nullable,
      ...(defaultValue !== undefined ? { default: defaultValue } : {}),
    }),
    bool: (name: string, defaultValue = false): TableColumnOptions => ({
      name,
      type: mysql ? 'tinyint' : 'boolean',
      isNullable: false,
      default: defaultValue ? 1 : 0,
    }),
    /** UTC timestamp with milliseconds. */
    timestamp: (name: string, nullable = false): TableColumnOptions => ({
      name,
      type: 'datetime',
      precision: mysql ? 3 : undefined,
      isNullable: nullable,
    }),
    /** Business date, `YYYY-MM-DD`. */
    date: (name: string, nullable = false): TableColumnOptions => ({
      name,
      type: mysql ? 'date' : 'varchar',
      length: mysql ? undefined : '10',
      isNullable: nullable,
    }),
  };
}

/**
 * Row lock for read-modify-write inside a transaction. MySQL needs `FOR UPDATE`; SQLite
 * serialises writers (see TransactionRunner), so the lock is a no-op there.
 */
export function forUpdate<T extends object>(qb: SelectQueryBuilder<T>): SelectQueryBuilder<T> {
  return dialectOf(qb.connection) === 'mysql' ? qb.setLock('pessimistic_write') : qb;
}

/**
 * Exact SQL sum of a DECIMAL column with `scale` places. MySQL sums DECIMALs exactly; SQLite
 * holds them as doubles, whose plain SUM can drift by a binary fraction, so there the values are
 * summed as whole units of the last place (exact integers). Read the result with `exactSum`.
 */
export function exactSumSql(
  source: DataSource | EntityManager,
  column: string,
  scale: number,
): string {
  return dialectOf(source) === 'mysql'
    ? `COALESCE(SUM(${column}), 0)`
    : `COALESCE(SUM(CAST(ROUND(${column} * ${10 ** scale}) AS INTEGER)), 0)`;
}

/** SQLite splits each product at this power of ten, so that no partial sum can overflow. */
const PRODUCT_SPLIT = 1_000_000_000;

/**
 * Exact SQL Σ(a × b) of two DECIMAL expressions with `aScale` and `bScale` places (a price times
 * a quantity). MySQL multiplies and sums DECIMALs exactly. On SQLite each factor is taken as whole
 * units of its last place, so each product is an exact 64-bit integer with `aScale + bScale`
 * places. A plain SUM of those would stop at 2^63 units (with 6 + 3 places, about 9.2 billion
 * yuan: one province's month can pass it) with an integer-overflow error, so each product is
 * split into its quotient and remainder by 10^9 and the two parts are summed apart; both sums stay
 * far below 2^63 for any realistic row count. The column comes back as text, `quotient:remainder`,
 * and `exactSum(source, raw, aScale + bScale)` joins the parts. The one bound left is per row: a
 * single a × b must stay below 2^63 units (one line under 9.2 billion yuan at 6 + 3 places).
 */
export function exactProductSumSql(
  source: DataSource | EntityManager,
  a: string,
  aScale: number,
  b: string,
  bScale: number,
): string {
  if (dialectOf(source) === 'mysql') return `COALESCE(SUM(${a} * ${b}), 0)`;
  const units = (expr: string, scale: number) => `CAST(ROUND(${expr} * ${10 ** scale}) AS INTEGER)`;
  const product = `(${units(a, aScale)} * ${units(b, bScale)})`;
  const part = (op: '/' | '%') =>
    `CAST(COALESCE(SUM(${product} ${op} ${PRODUCT_SPLIT}), 0) AS TEXT)`;
  return `${part('/')} || ':' || ${part('%')}`;
}

/** The value of an `exactSumSql` or `exactProductSumSql` column. */
export function exactSum(
  source: DataSource | EntityManager,
  raw: string | number | null | undefined,
  scale: number,
): Decimal {
  if (dialectOf(source) === 'mysql') return new Decimal(raw ?? 0);
  const text = String(raw ?? 0);
  const split = text.indexOf(':');
  const units =
    split < 0
      ? new Decimal(text)
      : new Decimal(text.slice(0, split)).times(PRODUCT_SPLIT).plus(text.slice(split + 1));
  return units.div(10 ** scale);
}
