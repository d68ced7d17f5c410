import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import { AUTHORITY_ROLES } from '../../../common/auth/roles';
import {
  DerivationView,
  DeriveQuery,
  DesignateSentinelRequest,
  ExternalBatchRequest,
  ObservationBatchPage,
  ObservationBatchQuery,
  ObservationBatchView,
  ObservationFilter,
  ObservationPage,
  ObservationQuery,
  ObservationSummary,
  SentinelPage,
  SentinelQuery,
  SentinelView,
} from './dto/observation.dto';
import { ObservationDerivation } from './observation-derivation.service';
import { ObservationIntake } from './observation-intake.service';
import { ObservationQueries } from './observation-queries.service';
import { SentinelsService } from './sentinels.service';

@ApiTags('monitoring')
@ApiBearerAuth()
@Controller('monitoring')
export class ObservationsController {
  constructor(
    private readonly queries: ObservationQueries,
    private readonly derivation: ObservationDerivation,
    private readonly intake: ObservationIntake,
    private readonly sentinels: SentinelsService,
  ) {}

  @Get('observations')
  @Roles(...AUTHORITY_ROLES, 'hospital_user', 'supplier_user')
  @ApiOperation({
    summary:
      "Price observations (§M1): an authority's region plus external references; a hospital's or supplier's own rows",
  })
  @ApiOkResponse({ type: ObservationPage })
  list(@CurrentActor() actor: Actor, @Query() query: ObservationQuery): Promise<ObservationPage> {
    return this.queries.list(actor, query);
  }

  @Get('observations/summary')
  @Roles(...AUTHORITY_ROLES, 'hospital_user', 'supplier_user')
  @ApiOperation({
    summary: 'Counts and totals of observations per source and period, same filters',
  })
  @ApiOkResponse({ type: ObservationSummary })
  summary(
    @CurrentActor() actor: Actor,
    @Query() query: ObservationFilter,
  ): Promise<ObservationSummary> {
    return this.queries.summary(actor, query);
  }

  @Post('observations/derive')
  @HttpCode(200)
  @Roles('pricing_analyst')
  @ApiOperation({
    summary:
      'Derive the observations of one month (China time) from orders, accepted deliveries, opened bids and listings; re-running adds only what is new',
  })
  @ApiOkResponse({ type: DerivationView })
  derive(@CurrentActor() actor: Actor, @Query() query: DeriveQuery): Promise<DerivationView> {
    return this.derivation.derive(actor.id, query.period);
  }

  @Post('observations/external')
  @HttpCode(200)
  @Roles('pricing_analyst')
  @ApiOperation({
    summary:
      "Load a batch of external reference prices (other regions', the national monitoring price); the same batch id with the same rows answers the first result, other rows are a 409",
  })
  @ApiOkResponse({ type: ObservationBatchView })
  external(
    @CurrentActor() actor: Actor,
    @Body() body: ExternalBatchRequest,
  ): Promise<ObservationBatchView> {
    return this.intake.receiveExternal(actor, body);
  }

  @Get('observation-batches')
  @Roles(...AUTHORITY_ROLES, 'hospital_user', 'supplier_user')
  @ApiOperation({
    summary: 'Loads of observations; a hospital or supplier sees only its own uploads',
  })
  @ApiOkResponse({ type: ObservationBatchPage })
  batches(
    @CurrentActor() actor: Actor,
    @Query() query: ObservationBatchQuery,
  ): Promise<ObservationBatchPage> {
    return this.queries.batchList(actor, query);
  }

  @Get('observation-batches/:id')
  @Roles(...AUTHORITY_ROLES, 'hospital_user', 'supplier_user')
  @ApiOperation({ summary: 'One load of observations' })
  @ApiOkResponse({ type: ObservationBatchView })
  batch(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ObservationBatchView> {
    return this.queries.batch(actor, id);
  }

  @Get('sentinels')
  @Roles(...AUTHORITY_ROLES)
  @ApiOperation({ summary: 'Sentinel organisations of the region (designated and ended)' })
  @ApiOkResponse({ type: SentinelPage })
  listSentinels(
    @CurrentActor() actor: Actor,
    @Query() query: SentinelQuery,
  ): Promise<SentinelPage> {
    return this.sentinels.list(actor, query);
  }

  @Put('sentinels/:organisationId')
  @Roles('pricing_analyst')
  @ApiOperation({
    summary: 'Designate a hospital or retail pharmacy as a price-monitoring sentinel (§M1)',
  })
  @ApiOkResponse({ type: SentinelView })
  designate(
    @CurrentActor() actor: Actor,
    @Param('organisationId') organisationId: string,
    @Body() body: DesignateSentinelRequest,
  ): Promise<SentinelView> {
    return this.sentinels.designate(actor, organisationId, body);
  }

  @Delete('sentinels/:organisationId')
  @Roles('pricing_analyst')
  @ApiOperation({ summary: 'End a sentinel designation; its earlier reports stay' })
  @ApiOkResponse({ type: SentinelView })
  undesignate(
    @CurrentActor() actor: Actor,
    @Param('organisationId') organisationId: string,
  ): Promise<SentinelView> {
    return this.sentinels.undesignate(actor, organisationId);
  }
}
