import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule } from '../identity/identity.module';
import { Region } from '../identity/regions/region.entity';
import { ImportKindRegistry } from '../imports/import-kind.registry';
import { CatalogExportService } from './catalog-export.service';
import { ListingPriceImportKind } from './imports/listing-price-import.kind';
import { ConsumableImportKind, DrugImportKind } from './imports/product-import.kinds';
import { ListingPriceSuspension } from './listing-prices/listing-price-suspension.entity';
import { ListingPrice } from './listing-prices/listing-price.entity';
import { ListingPricesController } from './listing-prices/listing-prices.controller';
import { ListingPricesService } from './listing-prices/listing-prices.service';
import { ListingHistory } from './listing-prices/listing-history.service';
import { ListingReferences } from './listing-prices/listing-references.service';
import { CatalogDirectory } from './products/catalog-directory.service';
import { ConsumablesController } from './products/consumables.controller';
import { ConsumablesService } from './products/consumables.service';
import { DosageFormsController } from './products/dosage-forms.controller';
import { DrugsController } from './products/drugs.controller';
import { DrugsService } from './products/drugs.service';
import { ProductFamilies } from './products/product-families.service';
import { ProductLookups } from './products/product-lookups';
import { Product, ProductUdi } from './products/product.entity';

/**
 * §C catalogue: drugs, consumables and their UDIs, listing prices, exports and Excel imports.
 * Regions are read (never written) to check listing regions and scopes.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Product, ProductUdi, ListingPrice, ListingPriceSuspension, Region]),
    IdentityModule,
  ],
  controllers: [
    DrugsController,
    ConsumablesController,
    DosageFormsController,
    ListingPricesController,
  ],
  providers: [
    ProductLookups,
    DrugsService,
    ConsumablesService,
    ListingPricesService,
    ListingHistory,
    ListingReferences,
    CatalogExportService,
    CatalogDirectory,
    ProductFamilies,
    DrugImportKind,
    ConsumableImportKind,
    ListingPriceImportKind,
  ],
  exports: [
    CatalogDirectory,
    ListingPricesService,
    ProductFamilies,
    ListingHistory,
    ListingReferences,
  ],
})
export class CatalogModule implements OnModuleInit {
  constructor(
    private readonly registry: ImportKindRegistry,
    private readonly drugKind: DrugImportKind,
    private readonly consumableKind: ConsumableImportKind,
    private readonly listingKind: ListingPriceImportKind,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.drugKind);
    this.registry.register(this.consumableKind);
    this.registry.register(this.listingKind);
  }
}
