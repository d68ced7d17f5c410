import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { dialectOf } from './dialect';

/**
 * Runs units of work in a transaction. TypeORM's better-sqlite3 driver shares one connection,
 * so two concurrent `transaction()` calls would nest as savepoints and one's rollback would
 * undo the other's work; on SQLite we therefore queue transactions one after another (SQLite
 * allows one writer at a time anyway). MySQL gets a pooled connection per transaction.
 */
@Injectable()
export class TransactionRunner {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly serialise: boolean;

  constructor(private readonly dataSource: DataSource) {
    this.serialise = dialectOf(dataSource) === 'sqlite';
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.serialise) return this.dataSource.transaction(work);
    const result = this.tail.then(() => this.dataSource.transaction(work));
    this.tail = result.catch(() => undefined);
    return result;
  }
}
