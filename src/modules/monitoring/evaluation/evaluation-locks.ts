import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { dialectOf } from '../../../database/dialect';
import { sqlTimestamp } from '../alerts/alert-raising.service';

/**
 * §M8 serialisation of evaluation runs (`monitoring_evaluation_locks`, one row per period).
 *
 * An incremental run (a job per observation batch, on any worker) and a full scan can evaluate
 * the same month at the same time. Every transaction that writes a period's statistics and
 * alerts takes the period's row first — `SELECT … FOR UPDATE` on MySQL; SQLite has one writer
 * at a time anyway (TransactionRunner) — so their writes never interleave. A row per period
 * rather than per generic: a product can move between generic keys within a month (a catalogue
 * edit), and the writes of two keys must then not interleave either.
 *
 * `version` counts the period's write transactions. A full scan reads the month once, outside
 * any transaction (a long read must not hold the lock); if the version moved between that read
 * and its write, another run wrote the month meanwhile — possibly from observations the scan did
 * not see — and the scan reads its slice again inside the locked transaction.
 */
@Injectable()
export class EvaluationLocks {
  constructor(private readonly dataSource: DataSource) {}

  /** Creates the period's row if it is missing (its own statement, outside any transaction). */
  async ensure(period: string, now: Date): Promise<void> {
    const verb =
      dialectOf(this.dataSource) === 'mysql' ? 'INSERT IGNORE INTO' : 'INSERT OR IGNORE INTO';
    await this.dataSource.query(
      `${verb} monitoring_evaluation_locks (period, version, last_run_id, updated_at) VALUES (?, 0, NULL, ?)`,
      [period, sqlTimestamp(now)],
    );
  }

  /** The period's write count, read without a lock (before a scan reads the month). */
  async version(period: string): Promise<number> {
    const rows = await this.dataSource.query<Array<{ version: number | string }>>(
      'SELECT version FROM monitoring_evaluation_locks WHERE period = ?',
      [period],
    );
    return Number(rows[0]?.version ?? 0);
  }

  /**
   * Locks the period for the rest of the caller's transaction; answers its write count. Must be
   * the transaction's first read: InnoDB takes a REPEATABLE READ snapshot at the first plain
   * read, which then sees every write committed before the lock was granted.
   */
  async lock(manager: EntityManager, period: string): Promise<number> {
    const mysql = dialectOf(manager) === 'mysql';
    const rows = await manager.query<Array<{ version: number | string }>>(
      `SELECT version FROM monitoring_evaluation_locks WHERE period = ?${mysql ? ' FOR UPDATE' : ''}`,
      [period],
    );
    if (rows.length === 0) throw new Error(`evaluation lock of ${period} is missing`);
    return Number(rows[0].version);
  }

  /** Counts the caller's write of the period (inside its transaction); answers the new count. */
  async written(
    manager: EntityManager,
    period: string,
    version: number,
    runId: string,
    now: Date,
  ): Promise<number> {
    await manager.query(
      'UPDATE monitoring_evaluation_locks SET version = ?, last_run_id = ?, updated_at = ? WHERE period = ?',
      [version + 1, runId, sqlTimestamp(now), period],
    );
    return version + 1;
  }
}
