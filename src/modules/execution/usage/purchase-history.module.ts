import { Global, Module } from '@nestjs/common';
import { PurchaseHistory } from '../../procurement/demand/purchase-history';
import { UsagePurchaseHistory } from './usage-purchase-history';

/**
 * Binds procurement's §P3 PurchaseHistory port to the §E3 usage data. Global, because the
 * dependency runs against the module graph: ExecutionModule imports ProcurementModule (orders
 * read agreements), so ProcurementModule cannot import execution back. ExecutionModule imports
 * this module; DemandService then finds the port here. A global port binding is Nest's plain
 * way to invert a dependency, and tests still replace it with `overrideProvider(PurchaseHistory)`.
 */
@Global()
@Module({
  providers: [{ provide: PurchaseHistory, useClass: UsagePurchaseHistory }],
  exports: [PurchaseHistory],
})
export class PurchaseHistoryModule {}
