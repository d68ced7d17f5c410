import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../catalog/catalog.module';
import { ProcurementModule } from '../procurement/procurement.module';
import { AcceptedLines } from './deliveries/accepted-lines.service';
import { DeliveriesController } from './deliveries/deliveries.controller';
import { DeliveriesService } from './deliveries/deliveries.service';
import { Delivery, DeliveryLine } from './deliveries/delivery.entity';
import { SupplierPerformanceService } from './deliveries/supplier-performance.service';
import { OrdersController } from './orders/orders.controller';
import { OrdersService } from './orders/orders.service';
import { PurchaseOrder, PurchaseOrderLine } from './orders/purchase-order.entity';

/**
 * §E execution: purchase orders priced from agreements and listings (§E1), deliveries and their
 * acceptance with supplier delay and fill-rate figures (§E2). Settlement reads accepted lines
 * through AcceptedLines.
 */
@Module({
  imports: [
    CatalogModule,
    ProcurementModule,
    TypeOrmModule.forFeature([PurchaseOrder, PurchaseOrderLine, Delivery, DeliveryLine]),
  ],
  controllers: [OrdersController, DeliveriesController],
  providers: [OrdersService, DeliveriesService, SupplierPerformanceService, AcceptedLines],
  exports: [AcceptedLines],
})
export class ExecutionModule {}
