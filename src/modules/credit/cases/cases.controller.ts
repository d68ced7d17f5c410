import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import { RateCaseRequest, RatingView } from '../ratings/dto/rating.dto';
import { RatingsService } from '../ratings/ratings.service';
import { CasesService } from './cases.service';
import {
  CasePage,
  CaseQuery,
  CaseView,
  CreateCaseRequest,
  DismissCaseRequest,
} from './dto/case.dto';

export const CREDIT_READERS = ['supervisor', 'auditor', 'admin', 'supplier_user'] as const;

@ApiTags('credit')
@ApiBearerAuth()
@Controller('credit/cases')
export class CasesController {
  constructor(
    private readonly cases: CasesService,
    private readonly ratings: RatingsService,
  ) {}

  @Post()
  @Roles('supervisor')
  @ApiOperation({ summary: 'Record a credit case against a supplier (§K1); code CC<year>-<nnnn>' })
  @ApiCreatedResponse({ type: CaseView })
  create(@CurrentActor() actor: Actor, @Body() body: CreateCaseRequest): Promise<CaseView> {
    return this.cases.create(actor, body);
  }

  @Get()
  @Roles(...CREDIT_READERS)
  @ApiOperation({
    summary: 'Credit cases in scope (a supplier: the cases against it), filtered and paged',
  })
  @ApiOkResponse({ type: CasePage })
  list(@CurrentActor() actor: Actor, @Query() query: CaseQuery): Promise<CasePage> {
    return this.cases.list(actor, query);
  }

  @Get(':id')
  @Roles(...CREDIT_READERS)
  @ApiOkResponse({ type: CaseView })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<CaseView> {
    return this.cases.get(actor, id);
  }

  @Post(':id/rating')
  @Roles('supervisor')
  @ApiOperation({
    summary:
      'Rate a recorded case under the active scheme (§K2); its sanctions take effect at once (§K3)',
  })
  @ApiCreatedResponse({ type: RatingView })
  rate(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: RateCaseRequest,
  ): Promise<RatingView> {
    return this.ratings.rate(actor, id, body);
  }

  @Post(':id/dismiss')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: 'Close a recorded case without a rating, with the reason' })
  @ApiOkResponse({ type: CaseView })
  dismiss(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: DismissCaseRequest,
  ): Promise<CaseView> {
    return this.cases.dismiss(actor, id, body);
  }
}
