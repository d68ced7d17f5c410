import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import { AppConfig, loadConfig } from '../config/config';
import { dataSourceOptions } from './data-source';

const LOCK_NAME = 'jicai_migrations';

/**
 * Applies pending migrations. On MySQL a named lock makes an API and a worker starting at the
 * same time take turns instead of racing on the same DDL.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  if (dataSource.options.type !== 'mysql') {
    return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  }
  // GET_LOCK belongs to a connection: hold it on a dedicated one for the whole run.
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT GET_LOCK(?, 120)', [LOCK_NAME]);
    return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  } finally {
    await lock.query('SELECT RELEASE_LOCK(?)', [LOCK_NAME]);
    await lock.release();
  }
}

export function ensureDataDir(config: AppConfig): void {
  mkdirSync(config.dataDir, { recursive: true });
  if (config.database.type === 'sqlite')
    mkdirSync(dirname(config.database.path), { recursive: true });
}

async function main(): Promise<void> {
  const config = loadConfig();
  ensureDataDir(config);
  const dataSource = new DataSource(dataSourceOptions(config));
  await dataSource.initialize();
  try {
    const applied = await runMigrations(dataSource);
    console.log(JSON.stringify({ level: 'info', msg: 'migrations applied', applied }));
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
