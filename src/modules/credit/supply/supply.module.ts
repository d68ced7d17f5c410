import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../../../config/config';
import { APP_CONFIG } from '../../../config/config.module';
import { JobHandlerRegistry } from '../../../jobs/handler-registry';
import { CatalogModule } from '../../catalog/catalog.module';
import { ImportKindRegistry } from '../../imports/import-kind.registry';
import { ProcurementModule } from '../../procurement/procurement.module';
import { CreditReferralModule } from '../cases/credit-referral.module';
import { SupplyAlertsController } from './supply-alerts.controller';
import { SupplyAlertsService } from './supply-alerts.service';
import { SupplyAssuranceController } from './supply-assurance.controller';
import { SupplyAssuranceService } from './supply-assurance.service';
import { SUPPLY_EVALUATION, SupplyEvaluationJob } from './supply-evaluation.job';
import { DistributorStockImportKind, SupplyReportImportKind } from './supply-import.kinds';
import { SupplyReportsController } from './supply-reports.controller';
import { SupplyReportsService } from './supply-reports.service';
import { SupplySignals } from './supply-signals.service';
import {
  SupplyAlert,
  SupplyFailure,
  SupplyReport,
  SupplyReportRevision,
  SupplyShortage,
} from './supply.entities';

/**
 * §K5 supply assurance inside credit: supply reports (API and Excel), hospital shortages, the
 * supply rules with their periodic evaluation and alerts, backup activation (agreements are
 * rewritten by procurement's BackupActivationService) and supply failures escalated to §K1
 * credit cases through CreditIntake.
 */
@Module({
  imports: [
    CatalogModule,
    ProcurementModule,
    CreditReferralModule,
    TypeOrmModule.forFeature([
      SupplyReport,
      SupplyReportRevision,
      SupplyShortage,
      SupplyAlert,
      SupplyFailure,
    ]),
  ],
  controllers: [SupplyReportsController, SupplyAlertsController, SupplyAssuranceController],
  providers: [
    SupplyReportsService,
    SupplySignals,
    SupplyAlertsService,
    SupplyAssuranceService,
    SupplyEvaluationJob,
    SupplyReportImportKind,
    DistributorStockImportKind,
  ],
})
export class SupplyModule implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: JobHandlerRegistry,
    private readonly importKinds: ImportKindRegistry,
    private readonly evaluation: SupplyEvaluationJob,
    private readonly reportKind: SupplyReportImportKind,
    private readonly stockKind: DistributorStockImportKind,
  ) {}

  onModuleInit(): void {
    this.importKinds.register(this.reportKind);
    this.importKinds.register(this.stockKind);
    this.jobs.register(this.evaluation);
    this.jobs.schedule({
      ...SUPPLY_EVALUATION,
      everyMs: this.config.supply.evaluationSeconds * 1000,
    });
  }
}
