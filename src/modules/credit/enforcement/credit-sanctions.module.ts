import { Global, Injectable, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../../catalog/catalog.module';
import { CreditBar, SupplyCreditBars } from '../../execution/orders/credit-bars';
import { BiddingBar, CreditCheck } from '../../procurement/bids/credit-check';
import { CreditCase, CreditCaseProduct } from '../cases/credit-case.entity';
import { CreditRating } from '../ratings/credit-rating.entity';
import { CreditScheme, CreditSchemeActivation } from '../ratings/credit-scheme.entity';
import { SchemesService } from '../ratings/schemes.service';
import { describeSanction, SanctionQueries } from './sanction-queries.service';

/** Procurement's §P4 port: the bidding suspensions of credit ratings in force. */
@Injectable()
export class CreditBiddingCheck extends CreditCheck {
  constructor(private readonly sanctions: SanctionQueries) {
    super();
  }

  async biddingBar(supplierId: string, productId: string | null, at: Date): Promise<BiddingBar> {
    const bar = await this.sanctions.biddingBar(supplierId, productId, at);
    if (!bar) return { barred: false, reason: null };
    return {
      barred: true,
      reason: describeSanction(bar),
      rating: {
        id: bar.rating.id,
        caseCode: bar.caseCode,
        level: bar.rating.level,
        validTo: bar.rating.validTo,
      },
    };
  }
}

/** Execution's §E1/§E2 port: ordering and distribution bars of credit ratings in force. */
@Injectable()
export class CreditSupplyBars extends SupplyCreditBars {
  constructor(private readonly sanctions: SanctionQueries) {
    super();
  }

  orderingBars(
    supplierId: string,
    productIds: string[],
    at: Date,
  ): Promise<Map<string, CreditBar>> {
    return this.sanctions.orderingBars(supplierId, productIds, at);
  }

  distributionBar(supplierId: string, at: Date): Promise<CreditBar | null> {
    return this.sanctions.distributionBar(supplierId, at);
  }
}

/**
 * Binds the ports through which §K3 sanctions bite in other contexts: procurement's CreditCheck
 * (bidding) and execution's SupplyCreditBars (ordering, distribution). Global, because those
 * contexts cannot import credit — credit reads them — so, as with PurchaseHistoryModule, the
 * binding lives with the provider. Also provides the scheme store the rest of credit uses.
 */
@Global()
@Module({
  imports: [
    CatalogModule,
    TypeOrmModule.forFeature([
      CreditScheme,
      CreditSchemeActivation,
      CreditRating,
      CreditCase,
      CreditCaseProduct,
    ]),
  ],
  providers: [
    SchemesService,
    SanctionQueries,
    { provide: CreditCheck, useClass: CreditBiddingCheck },
    { provide: SupplyCreditBars, useClass: CreditSupplyBars },
  ],
  exports: [SchemesService, SanctionQueries, CreditCheck, SupplyCreditBars],
})
export class CreditSanctionsModule {}
