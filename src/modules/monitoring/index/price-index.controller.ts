import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../common/auth/decorators';
import { AUTHORITY_ROLES } from '../../../common/auth/roles';
import {
  INDEX_DEFINITION,
  IndexQuery,
  IndexView,
  SAVINGS_DEFINITION,
  SavingsQuery,
  SavingsView,
} from './dto/price-index.dto';
import { PriceIndexService } from './price-index.service';

@ApiTags('monitoring')
@ApiBearerAuth()
@Controller('monitoring/index')
export class PriceIndexController {
  constructor(private readonly index: PriceIndexService) {}

  @Get()
  @Roles(...AUTHORITY_ROLES)
  @ApiOperation({
    summary: 'Chained Laspeyres, Paasche and Fisher price indices (§M5)',
    description: INDEX_DEFINITION,
  })
  @ApiOkResponse({ type: IndexView })
  series(@Query() query: IndexQuery): Promise<IndexView> {
    return this.index.index(query);
  }

  @Get('savings')
  @Roles(...AUTHORITY_ROLES)
  @ApiOperation({ summary: 'The VBP savings series (§M5)', description: SAVINGS_DEFINITION })
  @ApiOkResponse({ type: SavingsView })
  savings(@Query() query: SavingsQuery): Promise<SavingsView> {
    return this.index.savings(query);
  }
}
