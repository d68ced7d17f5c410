import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { JobHandlerRegistry } from '../../jobs/handler-registry';
import { CatalogModule } from '../catalog/catalog.module';
import { DeliveryLine } from '../execution/deliveries/delivery.entity';
import { ExecutionModule } from '../execution/execution.module';
import { ImportKindRegistry } from '../imports/import-kind.registry';
import { ProcurementModule } from '../procurement/procurement.module';
import { LedgerPrepaymentOffsets } from './prepayment/ledger-prepayment-offsets';
import { Prepayment, PrepaymentOffset } from './prepayment/prepayment.entity';
import { PrepaymentsController } from './prepayment/prepayments.controller';
import { PrepaymentsService } from './prepayment/prepayments.service';
import { RetentionResultRow } from './retention/retention-result.entity';
import { RetentionController } from './retention/retention.controller';
import { RetentionService } from './retention/retention.service';
import { AwardedRounds } from './standards/awarded-rounds.service';
import { PaymentStandard, PaymentStandardRun } from './standards/payment-standard.entity';
import { PaymentStandardsOnAwardJob } from './standards/payment-standards-on-award.job';
import {
  PAYMENT_STANDARDS_SWEEP,
  PaymentStandardsSweepJob,
} from './standards/payment-standards-sweep.job';
import { PaymentStandardsController } from './standards/payment-standards.controller';
import { PaymentStandardsService } from './standards/payment-standards.service';
import { PaymentStandardReferences } from './standards/payment-standard-references.service';
import { LedgerAccount, LedgerBalance } from './ledger/account.entity';
import { Journal, JournalLine, LedgerHead } from './ledger/journal.entity';
import { LedgerCheck } from './ledger/ledger-check.service';
import { LedgerController } from './ledger/ledger.controller';
import { LedgerQueries } from './ledger/ledger-queries.service';
import { LedgerService } from './ledger/ledger.service';
import { BankBatch, BankBatchFile, BankBatchItem } from './bank/bank-batch.entity';
import { BankController } from './bank/bank.controller';
import { BankResultsImportKind } from './bank/bank-results.kind';
import { PaymentInstructions } from './bank/payment-instructions.service';
import { Payment } from './payments/payment.entity';
import { PaymentsController } from './payments/payments.controller';
import { PaymentsService } from './payments/payments.service';
import { PrepaymentOffsets } from './prepayment/prepayment-offsets';
import { OVERDUE_CHECK, OverdueCheckJob } from './metrics/jobs/overdue-check.job';
import { MetricsController } from './metrics/metrics.controller';
import { OverdueAlert } from './metrics/overdue-alert.entity';
import { OverdueAlertsController } from './metrics/overdue-alerts.controller';
import { OverdueAlerts } from './metrics/overdue-alerts.service';
import { PaymentDeadlines } from './metrics/payment-deadlines.service';
import {
  RECONCILIATION_DEADLINES,
  ReconciliationDeadlinesJob,
} from './statements/jobs/reconciliation-deadlines.job';
import { Dispute, LineException, Review, Statement } from './statements/statement.entity';
import { StatementCycle } from './statements/statement-cycle.service';
import { StatementGeneration } from './statements/statement-generation.service';
import { StatementQueries } from './statements/statement-queries.service';
import { StatementsController } from './statements/statements.controller';

/**
 * §S settlement: the double-entry ledger (§S1) through which every movement of money is
 * posted. Other contexts post through LedgerService inside their own transactions.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([LedgerAccount, LedgerBalance, Journal, JournalLine, LedgerHead]),
    // §S2 / §S5 / §S6 policies; they read procurement's rounds through AwardedRoundFacts.
    TypeOrmModule.forFeature([
      Prepayment,
      PrepaymentOffset,
      PaymentStandard,
      PaymentStandardRun,
      RetentionResultRow,
    ]),
    // §S3 the direct settlement cycle.
    TypeOrmModule.forFeature([Statement, LineException, Dispute, Review, Payment]),
    // §S3.5 payment instruction files and the bank's results.
    TypeOrmModule.forFeature([BankBatch, BankBatchItem, BankBatchFile]),
    // §S4 deadlines and metrics read delivery lines (execution's table contract); regions come
    // through identity's RegionTree, products through catalog's CatalogDirectory.
    TypeOrmModule.forFeature([OverdueAlert, DeliveryLine]),
    CatalogModule,
    ExecutionModule,
    ProcurementModule,
  ],
  controllers: [
    LedgerController,
    PrepaymentsController,
    PaymentStandardsController,
    RetentionController,
    StatementsController,
    PaymentsController,
    BankController,
    MetricsController,
    OverdueAlertsController,
  ],
  providers: [
    LedgerService,
    LedgerQueries,
    LedgerCheck,
    AwardedRounds,
    PrepaymentsService,
    LedgerPrepaymentOffsets,
    PaymentStandardsService,
    PaymentStandardReferences,
    PaymentStandardsOnAwardJob,
    PaymentStandardsSweepJob,
    RetentionService,
    StatementGeneration,
    StatementCycle,
    StatementQueries,
    ReconciliationDeadlinesJob,
    PaymentsService,
    PaymentInstructions,
    BankResultsImportKind,
    PaymentDeadlines,
    OverdueAlerts,
    OverdueCheckJob,
    // §S2 offsets from the prepayments ledger; one instance, shared with direct callers.
    { provide: PrepaymentOffsets, useExisting: LedgerPrepaymentOffsets },
  ],
  exports: [LedgerService, LedgerQueries, LedgerCheck, PaymentStandardReferences],
})
export class SettlementModule implements OnModuleInit {
  constructor(
    private readonly jobs: JobHandlerRegistry,
    private readonly standardsOnAward: PaymentStandardsOnAwardJob,
    private readonly standardsSweep: PaymentStandardsSweepJob,
    private readonly reconciliationDeadlines: ReconciliationDeadlinesJob,
    private readonly importKinds: ImportKindRegistry,
    private readonly bankResults: BankResultsImportKind,
    private readonly overdueCheck: OverdueCheckJob,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.register(this.standardsOnAward);
    this.jobs.register(this.standardsSweep);
    this.jobs.schedule({
      ...PAYMENT_STANDARDS_SWEEP,
      everyMs: this.config.paymentStandardsSweepSeconds * 1000,
    });
    this.jobs.register(this.reconciliationDeadlines);
    this.importKinds.register(this.bankResults);
    this.jobs.schedule({
      ...RECONCILIATION_DEADLINES,
      everyMs: this.config.settlementCycle.deadlineCheckSeconds * 1000,
    });
    this.jobs.register(this.overdueCheck);
    this.jobs.schedule({
      ...OVERDUE_CHECK,
      everyMs: this.config.paymentDeadlines.overdueCheckSeconds * 1000,
    });
  }
}
