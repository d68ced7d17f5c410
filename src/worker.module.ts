import { DynamicModule, Module } from '@nestjs/common';
import { CONTEXT_MODULES } from './app.module';
import { Clock } from './common/clock';
import { CommonModule } from './common/common.module';
import { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { JobsModule } from './jobs/jobs.module';

/** Worker entry: the same contexts, their job handlers consuming BullMQ queues, no HTTP. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, options: { clock?: Clock } = {}): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        CommonModule.forRoot(options.clock),
        DatabaseModule.forRoot(config),
        JobsModule.forRoot(config, 'worker'),
        ...CONTEXT_MODULES,
      ],
    };
  }
}
