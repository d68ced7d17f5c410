import { Global, Injectable, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EntityManager } from 'typeorm';
import { forUpdate } from '../../../database/dialect';
import { CatalogModule } from '../../catalog/catalog.module';
import {
  CreditListingHold,
  CreditListingHolds,
} from '../../catalog/listing-prices/credit-listing-holds';
import { CreditBar, SupplyCreditBars } from '../../execution/orders/credit-bars';
import { BiddingBar, CreditCheck } from '../../procurement/bids/credit-check';
import { CreditCase, CreditCaseProduct } from '../cases/credit-case.entity';
import { CreditRating } from '../ratings/credit-rating.entity';
import { CreditScheme, CreditSchemeActivation } from '../ratings/credit-scheme.entity';
import { SchemesService } from '../ratings/schemes.service';
import { ListingHold } from './listing-hold.entity';
import { describeSanction, SanctionQueries } from './sanction-queries.service';
import { isId } from '../../../common/ids';

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
 * The catalogue's §K3 port: the listing holds credit has recorded (ListingEnforcement keeps them
 * in line with the ratings in force), so a listing created under one starts suspended.
 */
@Injectable()
export class CreditHoldsOnListings extends CreditListingHolds {
  async holdsOn(
    manager: EntityManager,
    productIds: string[],
  ): Promise<Map<string, CreditListingHold>> {
    const ids = [...new Set(productIds)].filter(isId);
    if (ids.length === 0) return new Map();
    // Locking: a hold committed since the caller's snapshot is seen (the catalogue reads this
    // under its product locks, which ListingEnforcement takes before touching holds).
    const rows = await forUpdate(
      manager
        .getRepository(ListingHold)
        .createQueryBuilder('h')
        .where('h.productId IN (:...ids)', { ids })
        .orderBy('h.productId', 'ASC'),
    ).getMany();
    return new Map(rows.map((h) => [h.productId, { ratingId: h.ratingId, reason: h.reason }]));
  }
}

/**
 * Binds the ports through which §K3 sanctions bite in other contexts: procurement's CreditCheck
 * (bidding), execution's SupplyCreditBars (ordering, distribution) and the catalogue's
 * CreditListingHolds (listing). Global, because those
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
      ListingHold,
    ]),
  ],
  providers: [
    SchemesService,
    SanctionQueries,
    { provide: CreditCheck, useClass: CreditBiddingCheck },
    { provide: SupplyCreditBars, useClass: CreditSupplyBars },
    { provide: CreditListingHolds, useClass: CreditHoldsOnListings },
  ],
  exports: [SchemesService, SanctionQueries, CreditCheck, SupplyCreditBars, CreditListingHolds],
})
export class CreditSanctionsModule {}
