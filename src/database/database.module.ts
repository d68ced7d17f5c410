import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/config';
import { dataSourceOptions } from './data-source';
import { ensureDataDir, runMigrations } from './migrate';
import { TransactionRunner } from './transaction-runner';

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => {
            ensureDataDir(config);
            return { ...dataSourceOptions(config), autoLoadEntities: true };
          },
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            if (config.runMigrations) {
              const applied = await runMigrations(dataSource);
              if (applied.length)
                new Logger('database').log({ msg: 'migrations applied', applied });
            }
            return dataSource;
          },
        }),
      ],
      providers: [TransactionRunner],
      exports: [TransactionRunner],
    };
  }
}
