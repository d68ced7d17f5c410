import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { JobHandlerRegistry } from '../../jobs/handler-registry';
import { CatalogModule } from '../catalog/catalog.module';
import { ImportKindRegistry } from '../imports/import-kind.registry';
import { ProcurementModule } from '../procurement/procurement.module';
import { COMPLETION_CHECK, CompletionCheckJob } from './completion/completion-check.job';
import { CompletionSnapshot } from './completion/completion-snapshot.entity';
import { CompletionController } from './completion/completion.controller';
import { CompletionService } from './completion/completion.service';
import { AcceptedLines } from './deliveries/accepted-lines.service';
import { DeliveriesController } from './deliveries/deliveries.controller';
import { DeliveriesService } from './deliveries/deliveries.service';
import { Delivery, DeliveryLine } from './deliveries/delivery.entity';
import { SupplierPerformanceService } from './deliveries/supplier-performance.service';
import { OrdersController } from './orders/orders.controller';
import { OrdersService } from './orders/orders.service';
import { PlacedOrderLines } from './orders/placed-order-lines.service';
import { PurchaseOrder, PurchaseOrderLine } from './orders/purchase-order.entity';
import { PurchaseHistoryModule } from './usage/purchase-history.module';
import { UsageImportKind } from './usage/usage-import.kind';
import { UsageController } from './usage/usage.controller';
import { UsageBatch, UsageRecord, UsageRevision } from './usage/usage.entity';
import { UsageService } from './usage/usage.service';
import { UsagePurchases } from './usage/usage-purchases.service';

/**
 * §E execution: purchase orders priced from agreements and listings (§E1), deliveries and their
 * acceptance with supplier delay and fill-rate figures (§E2), usage and stock reports (§E3, also
 * procurement's §P3 purchase history through PurchaseHistoryModule) and the monthly completion
 * of agreed volumes (§E4). Settlement reads accepted lines through AcceptedLines.
 */
@Module({
  imports: [
    CatalogModule,
    ProcurementModule,
    PurchaseHistoryModule,
    TypeOrmModule.forFeature([
      PurchaseOrder,
      PurchaseOrderLine,
      Delivery,
      DeliveryLine,
      UsageBatch,
      UsageRecord,
      UsageRevision,
      CompletionSnapshot,
    ]),
  ],
  controllers: [OrdersController, DeliveriesController, UsageController, CompletionController],
  providers: [
    OrdersService,
    DeliveriesService,
    SupplierPerformanceService,
    AcceptedLines,
    PlacedOrderLines,
    UsageService,
    UsagePurchases,
    UsageImportKind,
    CompletionService,
    CompletionCheckJob,
  ],
  exports: [AcceptedLines, UsagePurchases, PlacedOrderLines],
})
export class ExecutionModule implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: JobHandlerRegistry,
    private readonly importKinds: ImportKindRegistry,
    private readonly usageKind: UsageImportKind,
    private readonly completionCheck: CompletionCheckJob,
  ) {}

  onModuleInit(): void {
    this.importKinds.register(this.usageKind);
    this.jobs.register(this.completionCheck);
    this.jobs.schedule({
      ...COMPLETION_CHECK,
      everyMs: this.config.completion.checkSeconds * 1000,
    });
  }
}
