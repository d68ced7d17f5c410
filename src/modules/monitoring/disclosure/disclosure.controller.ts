import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../../common/auth/decorators';
import { INDEX_DEFINITION, IndexQuery, IndexView } from '../index/dto/price-index.dto';
import { PriceIndexService } from '../index/price-index.service';
import { WinningPricePage, WinningPriceQuery } from './disclosure.dto';
import { DisclosureService } from './disclosure.service';

/** §M7 disclosure without login: published winning prices and the price index. */
@ApiTags('public')
@Public()
@Controller('public')
export class DisclosureController {
  constructor(
    private readonly disclosure: DisclosureService,
    private readonly index: PriceIndexService,
  ) {}

  @Get('winning-prices')
  @ApiOperation({
    summary:
      'Winning prices of every round whose award is public: round, lot, product, supplier, unit and comparable price',
  })
  @ApiOkResponse({ type: WinningPricePage })
  winningPrices(@Query() query: WinningPriceQuery): Promise<WinningPricePage> {
    return this.disclosure.winningPrices(query);
  }

  @Get('price-index')
  @ApiOperation({ summary: 'The chained price index series (§M5)', description: INDEX_DEFINITION })
  @ApiOkResponse({ type: IndexView })
  priceIndex(@Query() query: IndexQuery): Promise<IndexView> {
    return this.index.index(query);
  }
}
