import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AuthGuard } from './common/auth/auth.guard';
import { Clock } from './common/clock';
import { CommonModule } from './common/common.module';
import { AllExceptionsFilter } from './common/errors/http-exception.filter';
import { validationPipe } from './common/http/validation';
import { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { JobsModule } from './jobs/jobs.module';
import { AuditModule } from './modules/audit/audit.module';
import { CatalogModule } from './modules/catalog/catalog.module';
import { CreditModule } from './modules/credit/credit.module';
import { ExecutionModule } from './modules/execution/execution.module';
import { HealthModule } from './modules/health/health.module';
import { IdentityModule } from './modules/identity/identity.module';
import { ImportsModule } from './modules/imports/imports.module';
import { MonitoringModule } from './modules/monitoring/monitoring.module';
import { ProcurementModule } from './modules/procurement/procurement.module';
import { SettlementModule } from './modules/settlement/settlement.module';

/** The business contexts, shared by the API and the worker. */
export const CONTEXT_MODULES = [
  AuditModule,
  ImportsModule,
  IdentityModule,
  CatalogModule,
  ProcurementModule,
  ExecutionModule,
  SettlementModule,
  MonitoringModule,
  CreditModule,
];

/** HTTP entry: routes, guards, validation and the error envelope. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: { clock?: Clock } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        CommonModule.forRoot(options.clock),
        DatabaseModule.forRoot(config),
        JobsModule.forRoot(config, 'api'),
        ...CONTEXT_MODULES,
        HealthModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_PIPE, useFactory: validationPipe },
      ],
    };
  }
}
