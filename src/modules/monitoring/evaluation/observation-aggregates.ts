import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { chunks } from '../../../common/chunks';
import { Decimal } from '../../../database/decimal';
import { dialectOf, exactSum, exactSumSql } from '../../../database/dialect';
import { periodBounds } from '../rules/domain/periods';
import type { ObservationAggregate } from './domain/evaluate-group';
import { mergeAggregates } from './domain/merge-aggregates';

/** Prices actually paid: what peer statistics and most rules look at. */
const TRANSACTION = "('purchase','delivery','sentinel')";
/** Purchases and deliveries: prices held against the contract (rule 1). */
const PAID = "('purchase','delivery')";

/**
 * Which of a period's groups to read: all, or the whole month of some products (by the
 * (period, product) index), keeping only those evaluated under `keys` when given.
 */
type Selection =
  | { kind: 'all' }
  | { kind: 'products'; productIds: readonly string[]; keys: readonly string[] | null };

const MONTH = 'observed_on >= ? AND observed_on <= ? AND period = ?';

/**
 * The scan's one pass over a period's observations: a GROUP BY (generic, product, region,
 * hospital) with conditional aggregates for every rule. The `observed_on` range lets MySQL prune
 * to the month's partition; `period` is what the rows are keyed by.
 *
 * Observations carry the generic key their product had when they were written, so a product
 * whose catalogue entry was edited mid-month has rows under two keys. Each product is evaluated
 * under one key per month — `g`, the key of its latest observation (latest date, then highest
 * id, compared between its (key, region, hospital) groups) — so its statistics and alerts are
 * one subject, and the incremental run and the full scan group it alike.
 *
 * Price and quantity sums are exact (`exactSumSql`: SQLite would add doubles); the nullable
 * sums are told apart from zero by their counts.
 */
function aggregateSql(source: DataSource | EntityManager, selection: Selection): string {
  const sum = (expr: string, scale: number) => exactSumSql(source, expr, scale);
  let filter = '';
  let outer = '';
  if (selection.kind === 'products') {
    filter = ` AND product_id IN (${selection.productIds.map(() => '?').join(',')})`;
    if (selection.keys) outer = ` WHERE g IN (${selection.keys.map(() => '?').join(',')})`;
  }
  return `SELECT g, k, p, c, r, h, s, tn, tu, tc, pm, pn, q, qn, xo, xn FROM (
SELECT a.*, FIRST_VALUE(a.k) OVER (PARTITION BY a.p ORDER BY a.lo DESC, a.li DESC) AS g FROM (
SELECT generic_key AS k, product_id AS p, MAX(category) AS c, region_code AS r,
  hospital_id AS h, MIN(supplier_id) AS s,
  SUM(CASE WHEN source IN ${TRANSACTION} THEN 1 ELSE 0 END) AS tn,
  ${sum(`CASE WHEN source IN ${TRANSACTION} THEN unit_price END`, 6)} AS tu,
  ${sum(`CASE WHEN source IN ${TRANSACTION} THEN COALESCE(comparable_price, unit_price) END`, 6)} AS tc,
  MAX(CASE WHEN source IN ${PAID} THEN unit_price END) AS pm,
  SUM(CASE WHEN source IN ${PAID} THEN 1 ELSE 0 END) AS pn,
  ${sum("CASE WHEN source = 'purchase' THEN quantity END", 3)} AS q,
  SUM(CASE WHEN source = 'purchase' AND quantity IS NOT NULL THEN 1 ELSE 0 END) AS qn,
  MIN(CASE WHEN source = 'external' AND reference_kind = 'other_region' THEN unit_price END) AS xo,
  MIN(CASE WHEN source = 'external' AND reference_kind = 'national_monitoring' THEN unit_price END) AS xn,
  MAX(observed_on) AS lo, MAX(id) AS li
FROM monitoring_observations
WHERE ${MONTH}${filter}
GROUP BY generic_key, product_id, region_code, hospital_id
) a
) f${outer}
ORDER BY g, p, r, h`;
}

function aggregateParams(period: string, selection: Selection): unknown[] {
  const { first, last } = periodBounds(period);
  if (selection.kind === 'all') return [first, last, period];
  return [first, last, period, ...selection.productIds, ...(selection.keys ?? [])];
}

interface RawAggregate {
  g: string;
  k: string;
  p: string | number;
  c: string | null;
  r: string;
  h: string | number | null;
  s: string | number | null;
  tn: string | number;
  tu: string | number | null;
  tc: string | number | null;
  pm: string | number | null;
  pn: string | number;
  q: string | number | null;
  qn: string | number;
  xo: string | number | null;
  xn: string | number | null;
}

/** MySQL returns DECIMALs as strings, SQLite as numbers: both become exact Decimals. */
const dec = (v: string | number | null): Decimal | null =>
  v === null || v === undefined ? null : new Decimal(String(v));
const id = (v: string | number | null): string | null =>
  v === null || v === undefined ? null : String(v);

/** One generic/spec's aggregates. */
export interface GenericAggregates {
  genericKey: string;
  aggregates: ObservationAggregate[];
  /** Other keys its products' rows carry this month (products whose catalogue entry changed). */
  movedFrom: string[];
}

/**
 * Folds the ordered rows into whole generics: rows of one (product, region, hospital) under
 * several keys become one aggregate.
 */
class GroupBuilder {
  private current: GenericAggregates | null = null;
  private last: { key: string; aggregate: ObservationAggregate } | null = null;

  constructor(private readonly source: DataSource | EntityManager) {}

  /** Adds a row; answers the generic it completes, if the row starts another. */
  add(row: RawAggregate): GenericAggregates | null {
    const a = this.toAggregate(row);
    let done: GenericAggregates | null = null;
    if (!this.current || this.current.genericKey !== a.genericKey) {
      done = this.current;
      this.current = { genericKey: a.genericKey, aggregates: [], movedFrom: [] };
      this.last = null;
    }
    const group = this.current;
    if (row.k !== row.g && !group.movedFrom.includes(row.k)) group.movedFrom.push(row.k);
    const key = `${a.productId}|${a.regionCode}|${a.hospitalId ?? ''}`;
    if (this.last && this.last.key === key) {
      const merged = mergeAggregates(this.last.aggregate, a);
      group.aggregates[group.aggregates.length - 1] = merged;
      this.last = { key, aggregate: merged };
    } else {
      group.aggregates.push(a);
      this.last = { key, aggregate: a };
    }
    return done;
  }

  /** The last generic, once every row is in. */
  finish(): GenericAggregates | null {
    const done = this.current;
    this.current = null;
    this.last = null;
    return done;
  }

  private toAggregate(row: RawAggregate): ObservationAggregate {
    const transactions = Number(row.tn);
    const sum = (v: string | number | null, scale: number, count: number) =>
      count > 0 ? exactSum(this.source, v, scale) : null;
    return {
      genericKey: row.g,
      productId: String(row.p),
      category: row.c,
      regionCode: row.r,
      hospitalId: id(row.h),
      supplierId: id(row.s),
      transactionCount: transactions,
      transactionUnitSum: sum(row.tu, 6, transactions),
      transactionComparableSum: sum(row.tc, 6, transactions),
      maxPaidUnitPrice: dec(row.pm),
      paidCount: Number(row.pn),
      purchasedQuantity: sum(row.q, 3, Number(row.qn)),
      otherRegionPrice: dec(row.xo),
      nationalMonitoringPrice: dec(row.xn),
    };
  }
}

@Injectable()
export class ObservationAggregates {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Streams a period's aggregates one generic/spec at a time, in generic-key order: the full
   * scan's one pass. On MySQL the rows are streamed from the primary, so memory holds one slice,
   * not the month, and the scan never reads a replica that lags behind the batches it is to
   * evaluate.
   */
  async *byGeneric(period: string): AsyncGenerator<GenericAggregates> {
    const selection: Selection = { kind: 'all' };
    const builder = new GroupBuilder(this.dataSource);
    const sql = aggregateSql(this.dataSource, selection);
    for await (const row of this.rows(sql, aggregateParams(period, selection))) {
      const done = builder.add(row);
      if (done) yield done;
    }
    const last = builder.finish();
    if (last) yield last;
  }

  /**
   * The generics `keys` of a period, whole, through `source`: inside the caller's transaction
   * (on MySQL the primary, after the caller's locks), or the data source for a one-off read.
   * Keys without a product this month are left out.
   */
  async read(
    source: EntityManager,
    period: string,
    keys: readonly string[],
  ): Promise<GenericAggregates[]> {
    if (keys.length === 0) return [];
    const { first, last } = periodBounds(period);
    const products = new Set<string>();
    for (const slice of chunks(keys, 500)) {
      const rows = await source.query<Array<{ product_id: string | number }>>(
        `SELECT DISTINCT product_id FROM monitoring_observations WHERE ${MONTH} AND generic_key IN (${slice.map(() => '?').join(',')})`,
        [first, last, period, ...slice],
      );
      for (const r of rows) products.add(String(r.product_id));
    }
    // A generic's products may fall into two chunks: its parts are joined by key.
    const groups = new Map<string, GenericAggregates>();
    for (const productIds of chunks([...products], 1000)) {
      const selection: Selection = { kind: 'products', productIds, keys };
      const rows = await source.query<RawAggregate[]>(
        aggregateSql(source, selection),
        aggregateParams(period, selection),
      );
      for (const g of collect(source, rows)) {
        const seen = groups.get(g.genericKey);
        if (!seen) groups.set(g.genericKey, g);
        else {
          seen.aggregates.push(...g.aggregates);
          for (const k of g.movedFrom) if (!seen.movedFrom.includes(k)) seen.movedFrom.push(k);
        }
      }
    }
    return [...groups.values()];
  }

  /** One product's month, under the key it is evaluated with (null: no observation). */
  async ofProduct(period: string, productId: string): Promise<GenericAggregates | null> {
    const selection: Selection = { kind: 'products', productIds: [productId], keys: null };
    const rows = await this.dataSource.query<RawAggregate[]>(
      aggregateSql(this.dataSource, selection),
      aggregateParams(period, selection),
    );
    return collect(this.dataSource, rows)[0] ?? null;
  }

  private async *rows(sql: string, params: unknown[]): AsyncGenerator<RawAggregate> {
    if (dialectOf(this.dataSource) !== 'mysql') {
      // Embedded installs are small; better-sqlite3 returns the rows at once.
      const rows = await this.dataSource.query<RawAggregate[]>(sql, params);
      yield* rows;
      return;
    }
    const runner = this.dataSource.createQueryRunner('master');
    try {
      const stream = await runner.stream(sql, params);
      for await (const row of stream as AsyncIterable<RawAggregate>) yield row;
    } finally {
      await runner.release();
    }
  }
}

function collect(source: DataSource | EntityManager, rows: RawAggregate[]): GenericAggregates[] {
  const builder = new GroupBuilder(source);
  const out: GenericAggregates[] = [];
  for (const row of rows) {
    const done = builder.add(row);
    if (done) out.push(done);
  }
  const last = builder.finish();
  if (last) out.push(last);
  return out;
}
