import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  BulkChunk,
  Observation,
  ObservationBatch,
  Sentinel,
} from './observations/observation.entity';
import { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { JobHandlerRegistry } from '../../jobs/handler-registry';
import { CatalogModule } from '../catalog/catalog.module';
import { ExecutionModule } from '../execution/execution.module';
import { Region } from '../identity/regions/region.entity';
import { ImportKindRegistry } from '../imports/import-kind.registry';
import { ProcurementModule } from '../procurement/procurement.module';
import { ObservationBulkLoader } from './bulk/observation-bulk-loader.service';
import { ObservationPartitions } from './bulk/observation-partitions.service';
import { ObservationBatches } from './observations/observation-batches.service';
import { OBSERVATION_DERIVE, ObservationDeriveJob } from './observations/observation-derive.job';
import { ObservationDerivation } from './observations/observation-derivation.service';
import { ExternalImportKind, SentinelImportKind } from './observations/observation-import.kinds';
import { ObservationIntake } from './observations/observation-intake.service';
import { ObservationQueries } from './observations/observation-queries.service';
import { ObservationsController } from './observations/observations.controller';
import { SentinelsService } from './observations/sentinels.service';
import { PriceAlert } from './alerts/price-alert.entity';
import { EvaluationRun } from './evaluation/evaluation-run.entity';
import { PeerStat } from './references/peer-stat.entity';
import { MonitoringRule, MonitoringRuleVersion } from './rules/monitoring-rule.entity';
import { AlertRaising } from './alerts/alert-raising.service';
import { EvaluationService, MONTHLY_SCAN } from './evaluation/evaluation.service';
import { EvaluationsController } from './evaluation/evaluations.controller';
import {
  EvaluateBatchJob,
  EvaluateRunJob,
  MonthlyScanJob,
} from './evaluation/jobs/evaluation.jobs';
import { EvaluationLocks } from './evaluation/evaluation-locks';
import { ObservationAggregates } from './evaluation/observation-aggregates';
import { PeerStatsStore } from './references/peer-stats-store';
import { ReferencesController } from './references/references.controller';
import { ReferencesService } from './references/references.service';
import { RulesController } from './rules/rules.controller';
import { RulesService } from './rules/rules.service';
import { SettlementModule } from '../settlement/settlement.module';
import { User } from '../identity/users/user.entity';
import { AlertEvent } from './alerts/alert-workflow.entity';
import { AlertWorkflowController } from './alerts/alert-workflow.controller';
import { AlertWorkflow } from './alerts/alert-workflow.service';
import { AlertWorkflowQueries } from './alerts/alert-workflow-queries.service';
import {
  PriceCase,
  PriceCaseAlert,
  PriceCaseCounter,
  PriceCaseStep,
} from './cases/price-case.entity';
import { PriceCaseQueries } from './cases/price-case-queries.service';
import { PriceCasesController } from './cases/price-cases.controller';
import { PriceCases } from './cases/price-cases.service';
import { DisclosureController } from './disclosure/disclosure.controller';
import { DisclosureService } from './disclosure/disclosure.service';
import { PriceIndexController } from './index/price-index.controller';
import { PriceIndexService } from './index/price-index.service';
import { MONTHLY_REPORT, MonthlyReportJob } from './reports/monthly-report.job';
import { MonitoringReport } from './reports/monitoring-report.entity';
import { MonitoringReportsController } from './reports/monitoring-reports.controller';
import { MonitoringReports } from './reports/monitoring-reports.service';

/**
 * §M price monitoring: observations from every price source, references, rules, alerts,
 * evaluation runs, price cases, the price index, the monthly report and disclosure.
 */
@Module({
  imports: [
    // §M1 observations.
    TypeOrmModule.forFeature([Observation, ObservationBatch, BulkChunk, Sentinel, Region]),
    // Observations are derived from these contexts' records, read through their services.
    CatalogModule,
    ExecutionModule,
    ProcurementModule,
    // §M2–§M4, §M8 references, rules, alerts and evaluation runs; payment standards (§S5) are
    // a reference read through settlement's service.
    SettlementModule,
    TypeOrmModule.forFeature([
      PriceAlert,
      MonitoringRule,
      MonitoringRuleVersion,
      EvaluationRun,
      PeerStat,
    ]),
    // §M4 alert history, §M6 price cases, §M7 reports; users are read to check assignees.
    TypeOrmModule.forFeature([
      AlertEvent,
      PriceCase,
      PriceCaseAlert,
      PriceCaseStep,
      PriceCaseCounter,
      MonitoringReport,
      User,
    ]),
  ],
  controllers: [
    RulesController,
    ReferencesController,
    EvaluationsController,
    AlertWorkflowController,
    PriceCasesController,
    PriceIndexController,
    MonitoringReportsController,
    DisclosureController,
    ObservationsController,
  ],
  providers: [
    RulesService,
    ReferencesService,
    PeerStatsStore,
    AlertRaising,
    ObservationAggregates,
    EvaluationLocks,
    EvaluationService,
    EvaluateBatchJob,
    EvaluateRunJob,
    MonthlyScanJob,
    AlertWorkflow,
    AlertWorkflowQueries,
    PriceCases,
    PriceCaseQueries,
    PriceIndexService,
    MonitoringReports,
    MonthlyReportJob,
    DisclosureService,
    ObservationBatches,
    ObservationBulkLoader,
    ObservationPartitions,
    ObservationDerivation,
    ObservationDeriveJob,
    ObservationIntake,
    ObservationQueries,
    SentinelsService,
    SentinelImportKind,
    ExternalImportKind,
  ],
  exports: [ObservationBatches, ObservationBulkLoader],
})
export class MonitoringModule implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: JobHandlerRegistry,
    private readonly importKinds: ImportKindRegistry,
    private readonly batches: ObservationBatches,
    private readonly deriveJob: ObservationDeriveJob,
    private readonly sentinelKind: SentinelImportKind,
    private readonly externalKind: ExternalImportKind,
    private readonly monthlyReport: MonthlyReportJob,
    private readonly evaluateBatch: EvaluateBatchJob,
    private readonly evaluateRun: EvaluateRunJob,
    private readonly monthlyScan: MonthlyScanJob,
  ) {}

  onModuleInit(): void {
    // §M1 observations.
    this.jobs.register(this.batches);
    this.jobs.register(this.deriveJob);
    this.jobs.schedule({
      ...OBSERVATION_DERIVE,
      everyMs: this.config.observationDeriveSeconds * 1000,
    });
    this.importKinds.register(this.sentinelKind);
    this.importKinds.register(this.externalKind);
    // §M8 evaluation runs: per observation batch, on request, and the monthly full scan.
    this.jobs.register(this.evaluateBatch);
    this.jobs.register(this.evaluateRun);
    this.jobs.register(this.monthlyScan);
    this.jobs.schedule({ ...MONTHLY_SCAN, everyMs: this.config.monitoringScanSeconds * 1000 });
    // §M7 the monthly report.
    this.jobs.register(this.monthlyReport);
    this.jobs.schedule({
      ...MONTHLY_REPORT,
      everyMs: this.config.monitoringReportSeconds * 1000,
    });
  }
}
