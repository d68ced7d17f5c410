import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/config';
import { dataSourceOptions } from '../../src/database/data-source';
import { runMigrations } from '../../src/database/migrate';

/**
 * MySQL mode: apply migrations once before the e2e files start in parallel. Embedded mode:
 * each test file gets its own SQLite file and migrates it at start-up.
 */
export default async function globalSetup(): Promise<void> {
  if (!process.env.DATABASE_URL) return;
  const config = loadConfig({ DATA_DIR: '/tmp/jicai-test-setup' });
  const dataSource = await new DataSource(dataSourceOptions(config)).initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
