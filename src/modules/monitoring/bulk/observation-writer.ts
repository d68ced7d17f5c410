import { EntityManager, QueryRunner } from 'typeorm';
import { Dialect, dialectOf } from '../../../database/dialect';
import { ROWS_PER_STATEMENT, slices } from '../observations/domain/chunks';
import { ObservationRow } from '../observations/domain/observation-rows';

const COLUMNS = [
  'source',
  'source_ref',
  'batch_id',
  'product_id',
  'generic_key',
  'category',
  'category_path',
  'region_code',
  'hospital_id',
  'supplier_id',
  'unit_price',
  'comparable_price',
  'quantity',
  'observed_on',
  'period',
  'reference_kind',
  'created_at',
] as const;

const PLACEHOLDERS = `(${COLUMNS.map(() => '?').join(', ')})`;

/**
 * Multi-row insert of observations that skips rows already present under the derivation key
 * `(source, source_ref, observed_on)` — the idempotence every loader relies on. MySQL: `INSERT
 * IGNORE` (every value is validated and bounded before it gets here, so IGNORE only ever skips
 * duplicates); SQLite: `ON CONFLICT DO NOTHING`. Returns the rows actually inserted.
 */
export async function insertObservations(
  m: EntityManager,
  batchId: string | null,
  rows: readonly ObservationRow[],
  now: Date,
): Promise<number> {
  if (rows.length === 0) return 0;
  const dialect = dialectOf(m);
  const own = m.queryRunner ? null : m.connection.createQueryRunner();
  const qr: QueryRunner = m.queryRunner ?? own!;
  try {
    // SQLite stores datetimes as UTC text the way TypeORM writes them; MySQL takes the Date.
    const createdAt = dialect === 'mysql' ? now : now.toISOString().replace('T', ' ').slice(0, 23);
    let inserted = 0;
    for (const slice of slices(rows, ROWS_PER_STATEMENT[dialect])) {
      const values: unknown[] = [];
      for (const r of slice)
        values.push(
          r.source,
          r.sourceRef,
          batchId,
          r.productId,
          r.genericKey,
          r.category,
          r.categoryPath,
          r.regionCode,
          r.hospitalId,
          r.supplierId,
          r.unitPrice,
          r.comparablePrice,
          r.quantity,
          r.observedOn,
          r.period,
          r.referenceKind,
          createdAt,
        );
      const result = await qr.query(statement(dialect, slice.length), values, true);
      inserted += result.affected ?? 0;
    }
    return inserted;
  } finally {
    if (own) await own.release();
  }
}

function statement(dialect: Dialect, count: number): string {
  const tuples = new Array<string>(count).fill(PLACEHOLDERS).join(', ');
  return dialect === 'mysql'
    ? `INSERT IGNORE INTO monitoring_observations (${COLUMNS.join(', ')}) VALUES ${tuples}`
    : `INSERT INTO monitoring_observations (${COLUMNS.join(', ')}) VALUES ${tuples} ON CONFLICT DO NOTHING`;
}
