import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../../../config/config';
import { DatabaseModule } from '../../../database/database.module';
import { LedgerCheck } from './ledger-check.service';

/** Just enough application for `npm run ledger:check`: the database and the check. */
@Module({})
export class LedgerCheckModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: LedgerCheckModule,
      imports: [DatabaseModule.forRoot(config)],
      providers: [LedgerCheck],
    };
  }
}
