import { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/config';
import { MIGRATIONS } from './migrations';

/** Data source options for both deployment modes. Entities are registered per module. */
export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  const common = {
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    logging: false,
  } as const;
  if (config.database.type === 'mysql') {
    return {
      ...common,
      type: 'mysql',
      url: config.database.url,
      timezone: 'Z',
      charset: 'utf8mb4_unicode_ci',
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: ['DATE'],
      extra: { connectionLimit: 20, decimalNumbers: false },
    };
  }
  return {
    ...common,
    type: 'better-sqlite3',
    database: config.database.path,
    prepareDatabase: (db: { pragma(s: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
    },
  };
}
