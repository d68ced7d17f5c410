import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Decimal, roundTo } from '../../../database/decimal';
import { dialectOf } from '../../../database/dialect';
import { sqlTimestamp } from '../alerts/alert-raising.service';
import type { ProductHistory, StatsRow } from '../evaluation/domain/evaluate-group';
import { chunks } from '../../../common/chunks';

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
  /**
   * Replaces the statistics of the evaluated keys (period × generic keys) with `rows`, inside
   * the caller's transaction: a generic that lost its transactions loses its rows too. A row is
   * written over its subject's row of the period whatever key that row had: a product that a
   * catalogue edit moved to another generic key is one subject, stored under its new key.
   */
  async replace(
    manager: EntityManager,
    period: string,
    genericKeys: readonly string[],
    rows: readonly StatsRow[],
    runId: string,
    now: Date,
  ): Promise<void> {
    for (const keys of chunks(genericKeys, 500)) {
      await manager.query(
        `DELETE FROM monitoring_peer_stats WHERE period = ? AND generic_key IN (${keys.map(() => '?').join(',')})`,
        [period, ...keys],
      );
    }
    const at = sqlTimestamp(now);
    const p = (v: Decimal) => roundTo(v, 6);
    const refreshed = COLUMNS.filter((c) => c !== 'period' && c !== 'subject_key');
    const onConflict =
      dialectOf(manager) === 'mysql'
        ? `ON DUPLICATE KEY UPDATE ${refreshed.map((c) => `${c} = VALUES(${c})`).join(', ')}`
        : `ON CONFLICT (period, subject_key) DO UPDATE SET ${refreshed.map((c) => `${c} = excluded.${c}`).join(', ')}`;
    for (const slice of chunks(rows, 200)) {
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
        `INSERT INTO monitoring_peer_stats (${COLUMNS.join(', ')}) VALUES ${slice.map(() => row).join(', ')} ${onConflict}`,
        values,
      );
    }
  }

  /**
   * Monthly medians and purchased quantities of the products in [from, to] (periods), as stored:
   * the history the time-series rules (5, 9) look back on. The stored median is the 6-decimal
   * figure, so every run reads the very same history. By product, whatever generic key a month
   * stored it under. `source`: the caller's transaction, when it holds the period's lock.
   */
  async history(
    source: EntityManager,
    from: string,
    to: string,
    productIds: readonly string[],
  ): Promise<Map<string, ProductHistory>> {
    const out = new Map<string, ProductHistory>();
    for (const ids of chunks(productIds, 500)) {
      const rows = await source.query<
        Array<{
          period: string;
          product_id: string | number;
          median: string | number;
          quantity: string | number | null;
        }>
      >(
        `SELECT period, product_id, median, quantity FROM monitoring_peer_stats WHERE period >= ? AND period <= ? AND subject_key IN (${ids.map(() => '?').join(',')}) ORDER BY period`,
        [from, to, ...ids.map((id) => `product:${id}`)],
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
