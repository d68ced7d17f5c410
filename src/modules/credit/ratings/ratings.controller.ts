import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Public, Roles } from '../../../common/auth/decorators';
import { CREDIT_READERS } from '../cases/cases.controller';
import {
  LapseRunView,
  PublicRatingPage,
  PublicRatingQuery,
  RatingPage,
  RatingQuery,
  RatingView,
  SchemeView,
} from './dto/rating.dto';
import { RatingsService } from './ratings.service';
import { SchemesService } from './schemes.service';

@ApiTags('credit')
@ApiBearerAuth()
@Controller('credit')
export class RatingsController {
  constructor(
    private readonly ratings: RatingsService,
    private readonly schemes: SchemesService,
  ) {}

  @Get('ratings')
  @Roles(...CREDIT_READERS)
  @ApiOperation({ summary: 'Credit ratings in scope (a supplier: its own), with their sanctions' })
  @ApiOkResponse({ type: RatingPage })
  list(@CurrentActor() actor: Actor, @Query() query: RatingQuery): Promise<RatingPage> {
    return this.ratings.list(actor, query);
  }

  @Get('ratings/:id')
  @Roles(...CREDIT_READERS)
  @ApiOkResponse({ type: RatingView })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<RatingView> {
    return this.ratings.get(actor, id);
  }

  @Post('ratings/lapse-check')
  @HttpCode(200)
  @Roles('supervisor', 'admin')
  @ApiOperation({
    summary:
      'Mark ratings past their validity lapsed and lift their listing suspensions now (also a periodic job)',
  })
  @ApiOkResponse({ type: LapseRunView })
  async lapseCheck(): Promise<LapseRunView> {
    return { lapsed: await this.ratings.lapseDue() };
  }

  @Get('risk-notices')
  @Roles('hospital_user', 'supervisor', 'auditor', 'admin', 'procurement_officer')
  @ApiOperation({
    summary:
      'Risk notices to purchasers (§K3): ratings in force whose level carries one, for every hospital',
  })
  @ApiOkResponse({ type: RatingPage })
  riskNotices(@Query() query: RatingQuery): Promise<RatingPage> {
    return this.ratings.riskNotices(query);
  }

  @Get('schemes')
  @Roles('supervisor', 'auditor', 'admin')
  @ApiOperation({ summary: 'Rating schemes (§K2) with their levels, rules and sanctions' })
  @ApiOkResponse({ type: [SchemeView] })
  schemesList(): Promise<SchemeView[]> {
    return this.schemes.list();
  }

  @Get('schemes/:version')
  @Roles('supervisor', 'auditor', 'admin')
  @ApiOkResponse({ type: SchemeView })
  scheme(@Param('version') version: string): Promise<SchemeView> {
    return this.schemes.get(version);
  }

  @Post('schemes/:version/activate')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Rate new cases under this scheme from now on (overrides CREDIT_SCHEME)',
  })
  @ApiOkResponse({ type: SchemeView })
  activate(@CurrentActor() actor: Actor, @Param('version') version: string): Promise<SchemeView> {
    return this.schemes.activate(actor, version);
  }
}

@ApiTags('public')
@Controller('public/credit')
export class PublicCreditController {
  constructor(private readonly ratings: RatingsService) {}

  @Get('serious')
  @Public()
  @ApiOperation({
    summary:
      'Serious and particularly serious credit ratings in force (§K3): supplier, level, behaviour, period, case',
  })
  @ApiOkResponse({ type: PublicRatingPage })
  serious(@Query() query: PublicRatingQuery): Promise<PublicRatingPage> {
    return this.ratings.publicSerious(query);
  }
}
