import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../../common/auth/decorators';
import { PageQuery } from '../../../common/pagination';
import { PublicRoundPage, PublicRoundResultsView } from './dto/export.dto';
import { PublicResultsService } from './public-results.service';

/** §P8 awarded results are public: no login. */
@ApiTags('public')
@Public()
@Controller('public/rounds')
export class PublicResultsController {
  constructor(private readonly publicResults: PublicResultsService) {}

  @Get()
  @ApiOperation({ summary: 'Rounds whose award is public (awarded, in execution, completed)' })
  @ApiOkResponse({ type: PublicRoundPage })
  list(@Query() query: PageQuery): Promise<PublicRoundPage> {
    return this.publicResults.list(query);
  }

  @Get(':code/results')
  @ApiOperation({ summary: "Each lot's winners: product, supplier, price and agreed volume" })
  @ApiOkResponse({ type: PublicRoundResultsView })
  results(@Param('code') code: string): Promise<PublicRoundResultsView> {
    return this.publicResults.results(code);
  }
}
