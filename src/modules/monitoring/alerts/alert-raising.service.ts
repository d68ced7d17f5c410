import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { dialectOf } from '../../../database/dialect';
import { canonicalJson, RuleHit } from '../rules/domain/rule-hit';
import { chunks } from '../../../common/chunks';

export interface RaiseCounts {
  hits: number;
  created: number;
  updated: number;
  cleared: number;
}

interface ExistingAlert {
  id: string | number;
  rule_code: string;
  subject_key: string;
  severity: string;
  evidence: string;
  firing: number | boolean | string;
  generic_key: string | null;
}

/** `YYYY-MM-DD HH:MM:SS.mmm` UTC: what both drivers store in a DATETIME(3) column. */
export function sqlTimestamp(at: Date): string {
  return at.toISOString().replace('T', ' ').replace('Z', '');
}

const SELECTED = 'id, rule_code, subject_key, severity, evidence, firing, generic_key';

const COLUMNS = [
  'rule_code',
  'subject_key',
  'period',
  'severity',
  'status',
  'product_id',
  'supplier_id',
  'hospital_id',
  'region_code',
  'generic_key',
  'category',
  'evidence',
  'firing',
  'first_run_id',
  'last_run_id',
  'raised_at',
  'last_evaluated_at',
  'updated_at',
  'version',
];

/**
 * Columns a re-run refreshes. Never status, assignee, reason or version: the workflow's. The
 * generic key moves with a product whose catalogue entry was edited (its alerts follow it).
 */
const REFRESHED = [
  'severity',
  'evidence',
  'firing',
  'supplier_id',
  'region_code',
  'generic_key',
  'category',
  'last_run_id',
  'last_evaluated_at',
  'updated_at',
];

/**
 * §M4 raising: upserts the hits of evaluated keys — one alert per rule × subject × period
 * (the unique key), so a re-run updates evidence and severity and never duplicates — and marks
 * the keys' alerts that no longer fire. All writes are multi-row statements.
 */
@Injectable()
export class AlertRaising {
  /**
   * `period` and `genericKeys` name the evaluated keys: every alert of them is either among
   * `hits` (raised or refreshed) or no longer firing. Runs inside the caller's transaction.
   */
  async raise(
    manager: EntityManager,
    period: string,
    genericKeys: readonly string[],
    hits: readonly RuleHit[],
    runId: string,
    now: Date,
  ): Promise<RaiseCounts> {
    const counts: RaiseCounts = { hits: hits.length, created: 0, updated: 0, cleared: 0 };
    if (genericKeys.length === 0) return counts;
    const existing = new Map<string, ExistingAlert>();
    for (const keys of chunks(genericKeys, 500)) {
      const rows = await manager.query<ExistingAlert[]>(
        `SELECT ${SELECTED} FROM monitoring_alerts WHERE period = ? AND generic_key IN (${keys.map(() => '?').join(',')})`,
        [period, ...keys],
      );
      for (const r of rows) existing.set(`${r.rule_code}\u0000${r.subject_key}`, r);
    }
    // A product's alerts raised under the generic key it had before a catalogue edit.
    const elsewhere = await this.movedAlerts(manager, period, hits, existing);
    const at = sqlTimestamp(now);
    const upserts: RuleHit[] = [];
    const untouched: string[] = [];
    for (const h of hits) {
      const key = `${h.ruleCode}\u0000${h.subjectKey}`;
      const seen = existing.get(key) ?? elsewhere.get(key);
      existing.delete(key);
      if (!seen) {
        counts.created++;
        upserts.push(h);
      } else if (
        seen.severity !== h.severity ||
        seen.evidence !== canonicalJson(h.evidence) ||
        seen.generic_key !== h.genericKey ||
        !isTrue(seen.firing)
      ) {
        counts.updated++;
        upserts.push(h);
      } else {
        untouched.push(String(seen.id));
      }
    }
    for (const rows of chunks(upserts, 200)) await this.upsert(manager, rows, runId, at);
    // Still firing, same evidence: only the run that last saw them moves.
    for (const ids of chunks(untouched, 500)) {
      await manager.query(
        `UPDATE monitoring_alerts SET last_run_id = ?, last_evaluated_at = ? WHERE id IN (${ids.map(() => '?').join(',')})`,
        [runId, at, ...ids],
      );
    }
    const stale = [...existing.values()].filter((a) => isTrue(a.firing)).map((a) => String(a.id));
    const seenOnly = [...existing.values()]
      .filter((a) => !isTrue(a.firing))
      .map((a) => String(a.id));
    counts.cleared = stale.length;
    for (const ids of chunks(stale, 500)) {
      await manager.query(
        `UPDATE monitoring_alerts SET firing = 0, last_run_id = ?, last_evaluated_at = ?, updated_at = ? WHERE id IN (${ids.map(() => '?').join(',')})`,
        [runId, at, at, ...ids],
      );
    }
    for (const ids of chunks(seenOnly, 500)) {
      await manager.query(
        `UPDATE monitoring_alerts SET last_run_id = ?, last_evaluated_at = ? WHERE id IN (${ids.map(() => '?').join(',')})`,
        [runId, at, ...ids],
      );
    }
    return counts;
  }

  /** Alerts of the hits' products in the period not among `existing` (another generic key). */
  private async movedAlerts(
    manager: EntityManager,
    period: string,
    hits: readonly RuleHit[],
    existing: ReadonlyMap<string, ExistingAlert>,
  ): Promise<Map<string, ExistingAlert>> {
    const out = new Map<string, ExistingAlert>();
    const products = [
      ...new Set(
        hits
          .filter(
            (h) => h.productId !== null && !existing.has(`${h.ruleCode}\u0000${h.subjectKey}`),
          )
          .map((h) => h.productId as string),
      ),
    ];
    for (const ids of chunks(products, 500)) {
      const rows = await manager.query<ExistingAlert[]>(
        `SELECT ${SELECTED} FROM monitoring_alerts WHERE period = ? AND product_id IN (${ids.map(() => '?').join(',')})`,
        [period, ...ids],
      );
      for (const r of rows) {
        const key = `${r.rule_code}\u0000${r.subject_key}`;
        if (!existing.has(key)) out.set(key, r);
      }
    }
    return out;
  }

  private async upsert(
    manager: EntityManager,
    hits: readonly RuleHit[],
    runId: string,
    at: string,
  ): Promise<void> {
    const values: unknown[] = [];
    for (const h of hits) {
      values.push(
        h.ruleCode,
        h.subjectKey,
        h.period,
        h.severity,
        'open',
        h.productId,
        h.supplierId,
        h.hospitalId,
        h.regionCode,
        h.genericKey,
        h.category,
        canonicalJson(h.evidence),
        1,
        runId,
        runId,
        at,
        at,
        at,
        1,
      );
    }
    const row = `(${COLUMNS.map(() => '?').join(',')})`;
    const insert = `INSERT INTO monitoring_alerts (${COLUMNS.join(', ')}) VALUES ${hits.map(() => row).join(', ')}`;
    // A concurrent run may have created the alert since it was read: the key turns the insert
    // into an update of the evaluation's columns only.
    const sql =
      dialectOf(manager) === 'mysql'
        ? `${insert} ON DUPLICATE KEY UPDATE ${REFRESHED.map((c) => `${c} = VALUES(${c})`).join(', ')}`
        : `${insert} ON CONFLICT (rule_code, subject_key, period) DO UPDATE SET ${REFRESHED.map((c) => `${c} = excluded.${c}`).join(', ')}`;
    await manager.query(sql, values);
  }
}

function isTrue(v: number | boolean | string): boolean {
  return v === true || v === 1 || v === '1';
}
