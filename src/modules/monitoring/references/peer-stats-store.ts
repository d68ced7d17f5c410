import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Decimal, roundTo } from '../../../database/decimal';
import { sqlTimestamp } from '../alerts/alert-raising.service';
import type { ProductHistory, StatsRow } from '../evaluation/domain/evaluate-group';
import { chunk } from '../evaluation/observation-aggregates';

const COLUMNS = [
  'period',
  'subject_key',
  'product_id',
  'generic_key',
  'category',
  'basis',
  'peer_count',
  'observation_count',
  'median',
  'mad',
  'p10',
  'p25',
  'p75',
  'p90',
  'min_price',
  'max_price',
  'comparable_median',
  'quantity',
  'last_run_id',
  'computed_at',
];

/** §M2 stored peer statistics (`monitoring_peer_stats`), written by evaluation runs. */
@Injectable()
export class PeerStatsStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Replaces the statistics of the evaluated keys (period × generic keys) with `rows`, inside
   * the caller's transaction: a generic that lost its transactions loses its rows too.
   */
  async replace(
    manager: EntityManager,
    period: string,
    genericKeys: readonly string[],
    rows: readonly StatsRow[],
    runId: string,
    now: Date,
  ): Promise<void> {
    for (const keys of chunk(genericKeys, 500)) {
      await manager.query(
        `DELETE FROM monitoring_peer_stats WHERE period = ? AND generic_key IN (${keys.map(() => '?').join(',')})`,
        [period, ...keys],
      );
    }
    const at = sqlTimestamp(now);
    const p = (v: Decimal) => roundTo(v, 6);
    for (const slice of chunk(rows, 200)) {
      const values: unknown[] = [];
      for (const r of slice) {
        values.push(
          r.period,
          r.subjectKey,
          r.productId,
          r.genericKey,
          r.category,
          r.basis,
          r.stats.count,
          r.observationCount,
          p(r.stats.median),
          p(r.stats.mad),
          p(r.stats.p10),
          p(r.stats.p25),
          p(r.stats.p75),
          p(r.stats.p90),
          p(r.stats.min),
          p(r.stats.max),
          r.comparableMedian ? p(r.comparableMedian) : null,
          r.quantity ? roundTo(r.quantity, 3) : null,
          runId,
          at,
        );
      }
      const row = `(${COLUMNS.map(() => '?').join(',')})`;
      await manager.query(
        `INSERT INTO monitoring_peer_stats (${COLUMNS.join(', ')}) VALUES ${slice.map(() => row).join(', ')}`,
        values,
      );
    }
  }

  /**
   * Monthly medians and purchased quantities of the generics' products in [from, to]
   * (periods), as stored: the history the time-series rules (5, 9) look back on. The stored
   * median is the 6-decimal figure, so every run reads the very same history.
   */
  async history(
    from: string,
    to: string,
    genericKeys: readonly string[],
  ): Promise<Map<string, ProductHistory>> {
    const out = new Map<string, ProductHistory>();
    for (const keys of chunk(genericKeys, 500)) {
      const rows = await this.dataSource.query<
        Array<{
          period: string;
          product_id: string | number;
          median: string | number;
          quantity: string | number | null;
        }>
      >(
        `SELECT period, product_id, median, quantity FROM monitoring_peer_stats WHERE period >= ? AND period <= ? AND product_id IS NOT NULL AND generic_key IN (${keys.map(() => '?').join(',')}) ORDER BY period`,
        [from, to, ...keys],
      );
      for (const r of rows) {
        const productId = String(r.product_id);
        const h = out.get(productId) ?? { medians: [], quantities: [] };
        h.medians.push({ period: r.period, median: new Decimal(String(r.median)) });
        if (r.quantity !== null) {
          h.quantities.push({ period: r.period, quantity: new Decimal(String(r.quantity)) });
        }
        out.set(productId, h);
      }
    }
    return out;
  }
}
