/**
 * §M1 / §N bulk loads in chunks: each chunk is one transaction and one or more multi-row
 * inserts, keyed by (batch, first row), so a load that stops half-way continues where it left off
 * without writing a row twice.
 */

export interface Chunk {
  /** 0-based, inclusive. */
  firstRow: number;
  lastRow: number;
}

/**
 * Rows per multi-row INSERT statement. MySQL: bounded by `max_allowed_packet` (values are
 * escaped client-side, ~200 bytes a row, so 2,000 rows ≈ 400 kB, far below the 16 MB default).
 * SQLite: bounded by its 32,766 bound parameters (18 columns → at most 1,820 rows).
 */
export const ROWS_PER_STATEMENT = { mysql: 2000, sqlite: 1000 } as const;

/**
 * Rows per chunk (one transaction): large enough that the commit's fsync is amortised, small
 * enough that a restart repeats little work and undo logs stay small.
 */
export const DEFAULT_CHUNK_ROWS = 20_000;

/** The chunks of a load of `total` rows, skipping those already committed (by first row). */
export function planChunks(
  total: number,
  chunkRows: number,
  committed: ReadonlySet<number> = new Set(),
): Chunk[] {
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`bad row count ${total}`);
  if (!Number.isInteger(chunkRows) || chunkRows < 1) throw new RangeError(`bad chunk ${chunkRows}`);
  const out: Chunk[] = [];
  for (let first = 0; first < total; first += chunkRows) {
    if (committed.has(first)) continue;
    out.push({ firstRow: first, lastRow: Math.min(first + chunkRows, total) - 1 });
  }
  return out;
}

/** Splits `rows` into statement-sized slices. */
export function slices<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
