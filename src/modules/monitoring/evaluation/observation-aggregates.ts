import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Decimal } from '../../../database/decimal';
import { dialectOf } from '../../../database/dialect';
import { periodBounds } from '../rules/domain/periods';
import type { ObservationAggregate } from './domain/evaluate-group';

/** Prices actually paid: what peer statistics and most rules look at. */
const TRANSACTION = "('purchase','delivery','sentinel')";
/** Purchases and deliveries: prices held against the contract (rule 1). */
const PAID = "('purchase','delivery')";

/**
 * The scan's one pass over a period's observations: a GROUP BY (generic, product, region,
 * hospital) with conditional aggregates for every rule, ordered by generic so whole generics
 * can be handed on in slices. The `observed_on` range lets MySQL prune to the month's
 * partition; `period` is what the rows are keyed by.
 */
function aggregateSql(genericCount: number): string {
  const filter =
    genericCount > 0 ? ` AND generic_key IN (${new Array(genericCount).fill('?').join(',')})` : '';
  return `SELECT generic_key AS g, product_id AS p, MAX(category) AS c, region_code AS r,
  hospital_id AS h, MIN(supplier_id) AS s,
  SUM(CASE WHEN source IN ${TRANSACTION} THEN 1 ELSE 0 END) AS tn,
  SUM(CASE WHEN source IN ${TRANSACTION} THEN unit_price END) AS tu,
  SUM(CASE WHEN source IN ${TRANSACTION} THEN COALESCE(comparable_price, unit_price) END) AS tc,
  MAX(CASE WHEN source IN ${PAID} THEN unit_price END) AS pm,
  SUM(CASE WHEN source IN ${PAID} THEN 1 ELSE 0 END) AS pn,
  SUM(CASE WHEN source = 'purchase' THEN quantity END) AS q,
  MIN(CASE WHEN source = 'external' AND reference_kind = 'other_region' THEN unit_price END) AS xo,
  MIN(CASE WHEN source = 'external' AND reference_kind = 'national_monitoring' THEN unit_price END) AS xn
FROM monitoring_observations
WHERE observed_on >= ? AND observed_on <= ? AND period = ?${filter}
GROUP BY generic_key, product_id, region_code, hospital_id
ORDER BY generic_key`;
}

interface RawAggregate {
  g: string;
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
  xo: string | number | null;
  xn: string | number | null;
}

/** MySQL returns DECIMAL sums as strings, SQLite as numbers: both become exact Decimals. */
const dec = (v: string | number | null): Decimal | null =>
  v === null || v === undefined ? null : new Decimal(String(v));
const id = (v: string | number | null): string | null =>
  v === null || v === undefined ? null : String(v);

function toAggregate(row: RawAggregate): ObservationAggregate {
  return {
    genericKey: row.g,
    productId: String(row.p),
    category: row.c,
    regionCode: row.r,
    hospitalId: id(row.h),
    supplierId: id(row.s),
    transactionCount: Number(row.tn),
    transactionUnitSum: dec(row.tu),
    transactionComparableSum: dec(row.tc),
    maxPaidUnitPrice: dec(row.pm),
    paidCount: Number(row.pn),
    purchasedQuantity: dec(row.q),
    otherRegionPrice: dec(row.xo),
    nationalMonitoringPrice: dec(row.xn),
  };
}

/** One generic/spec's aggregates. */
export interface GenericAggregates {
  genericKey: string;
  aggregates: ObservationAggregate[];
}

@Injectable()
export class ObservationAggregates {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Streams a period's aggregates one generic/spec at a time, in generic-key order; `generics`
   * restricts them (an incremental run), null means every generic (a full scan). On MySQL the
   * rows are streamed from the server, so memory holds one slice, not the month.
   */
  async *byGeneric(period: string, generics: string[] | null): AsyncGenerator<GenericAggregates> {
    const { first, last } = periodBounds(period);
    const chunks = generics === null ? [null] : chunk([...generics].sort(), 500);
    for (const keys of chunks) {
      const sql = aggregateSql(keys ? keys.length : 0);
      const params = [first, last, period, ...(keys ?? [])];
      let current: GenericAggregates | null = null;
      for await (const row of this.rows(sql, params)) {
        const a = toAggregate(row);
        if (!current || current.genericKey !== a.genericKey) {
          if (current) yield current;
          current = { genericKey: a.genericKey, aggregates: [] };
        }
        current.aggregates.push(a);
      }
      if (current) yield current;
    }
  }

  private async *rows(sql: string, params: unknown[]): AsyncGenerator<RawAggregate> {
    if (dialectOf(this.dataSource) !== 'mysql') {
      // Embedded installs are small; better-sqlite3 returns the rows at once.
      const rows = await this.dataSource.query<RawAggregate[]>(sql, params);
      yield* rows;
      return;
    }
    const runner = this.dataSource.createQueryRunner('slave');
    try {
      const stream = await runner.stream(sql, params);
      for await (const row of stream as AsyncIterable<RawAggregate>) yield row;
    } finally {
      await runner.release();
    }
  }
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
