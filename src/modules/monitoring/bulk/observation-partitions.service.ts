import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { dialectOf } from '../../../database/dialect';
import {
  FUTURE_PARTITION,
  partitionClauses,
  partitionsToAdd,
} from '../observations/domain/partitions';

/**
 * §N monthly partitions of `monitoring_observations` on MySQL/MariaDB: the migration creates a
 * range of months; this keeps months ahead of the data by splitting the `p_future` catch-all.
 * SQLite has no partitions: nothing to do there.
 */
@Injectable()
export class ObservationPartitions {
  private readonly logger = new Logger('monitoring');

  constructor(private readonly dataSource: DataSource) {}

  /** Partition names, in order; empty when the table is not partitioned (or on SQLite). */
  async list(): Promise<string[]> {
    if (dialectOf(this.dataSource) !== 'mysql') return [];
    const rows: Array<{ name: string | null }> = await this.dataSource.query(
      `SELECT PARTITION_NAME AS name FROM information_schema.PARTITIONS
       WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'monitoring_observations'
       ORDER BY PARTITION_ORDINAL_POSITION`,
    );
    return rows.map((r) => r.name).filter((n): n is string => n !== null);
  }

  /** Gives every month up to `through` (YYYY-MM) its own partition; returns the names added. */
  async ensureThrough(through: string): Promise<string[]> {
    const existing = await this.list();
    if (!existing.includes(FUTURE_PARTITION)) return [];
    const add = partitionsToAdd(existing, through);
    if (add.length === 0) return [];
    // Only p_future is rewritten, and it is empty while the months stay ahead of the data.
    await this.dataSource.query(
      `ALTER TABLE monitoring_observations REORGANIZE PARTITION ${FUTURE_PARTITION} INTO (\n  ${partitionClauses(
        [...add, { name: FUTURE_PARTITION, lessThan: 'MAXVALUE' }],
      )}\n)`,
    );
    this.logger.log({ msg: 'observation partitions added', partitions: add.map((p) => p.name) });
    return add.map((p) => p.name);
  }
}
