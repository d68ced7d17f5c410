import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiProduces,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles, Scopes } from '../../../common/auth/decorators';
import { CatalogExportService } from '../catalog-export.service';
import { XLSX_CONTENT_TYPE } from '../../imports/excel/xlsx-export';
import {
  CreateListingPriceRequest,
  ListingPricePage,
  ListingPriceQuery,
  ListingPriceView,
  ProductListingQuery,
  SuspendListingRequest,
} from './dto/listing-price.dto';
import { ListingPricesService } from './listing-prices.service';

@ApiTags('catalog')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('catalog')
export class ListingPricesController {
  constructor(
    private readonly listings: ListingPricesService,
    private readonly exports: CatalogExportService,
  ) {}

  @Post('products/:id/listing-prices')
  @Roles('admin', 'procurement_officer')
  @ApiCreatedResponse({ type: ListingPriceView })
  create(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: CreateListingPriceRequest,
  ): Promise<ListingPriceView> {
    return this.listings.create(actor, id, body);
  }

  @Get('products/:id/listing-prices')
  @Scopes('catalog:read')
  @ApiOkResponse({ type: ListingPricePage })
  history(@Param('id') id: string, @Query() query: ProductListingQuery): Promise<ListingPricePage> {
    return this.listings.history(id, query);
  }

  @Get('listing-prices')
  @Scopes('catalog:read')
  @ApiOkResponse({ type: ListingPricePage })
  list(@Query() query: ListingPriceQuery): Promise<ListingPricePage> {
    return this.listings.list(query);
  }

  @Get('listing-prices/export.xlsx')
  @Scopes('catalog:read')
  @ApiProduces(XLSX_CONTENT_TYPE)
  @ApiOkResponse({ description: 'The filtered listing prices as an xlsx workbook' })
  export(@Query() query: ListingPriceQuery, @Res() res: Response): Promise<void> {
    return this.exports.listingPrices(query, res);
  }

  @Post('listing-prices/:id/suspend')
  @HttpCode(200)
  @Roles('admin', 'procurement_officer')
  @ApiOkResponse({ type: ListingPriceView })
  suspend(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: SuspendListingRequest,
  ): Promise<ListingPriceView> {
    return this.listings.suspend(actor, id, body);
  }

  @Post('listing-prices/:id/reinstate')
  @HttpCode(200)
  @Roles('admin', 'procurement_officer')
  @ApiOkResponse({ type: ListingPriceView })
  reinstate(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ListingPriceView> {
    return this.listings.reinstate(actor, id);
  }
}
