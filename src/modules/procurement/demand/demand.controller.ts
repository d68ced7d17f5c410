import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import { AUTHORITY_ROLES } from '../../../common/auth/roles';
import { DemandService } from './demand.service';
import {
  CompletenessQuery,
  CompletenessView,
  ConfirmDemandRequest,
  DemandFormQuery,
  DemandFormView,
  DemandQuery,
  DemandReportPage,
  DemandReportView,
  ReportDemandRequest,
  ReturnDemandRequest,
} from './dto/demand.dto';

const REVIEWERS = ['procurement_officer', 'admin'] as const;

@ApiTags('procurement')
@ApiBearerAuth()
@Controller('procurement')
export class DemandController {
  constructor(private readonly demand: DemandService) {}

  @Put('rounds/:roundId/demand/:lotId')
  @Roles('hospital_user')
  @ApiOperation({
    summary:
      "Report (or replace) a hospital's annual demand for a lot during the demand window (§P3 报量)",
  })
  @ApiOkResponse({ type: DemandReportView })
  report(
    @CurrentActor() actor: Actor,
    @Param('roundId') roundId: string,
    @Param('lotId') lotId: string,
    @Body() body: ReportDemandRequest,
  ): Promise<DemandReportView> {
    return this.demand.report(actor, roundId, lotId, body);
  }

  @Get('rounds/:roundId/demand/form')
  @Roles('hospital_user')
  @ApiOperation({
    summary: "Every lot of the round with the hospital's report and 12-month purchase history",
  })
  @ApiOkResponse({ type: DemandFormView })
  form(
    @CurrentActor() actor: Actor,
    @Param('roundId') roundId: string,
    @Query() query: DemandFormQuery,
  ): Promise<DemandFormView> {
    return this.demand.form(actor, roundId, query.hospitalId);
  }

  @Get('rounds/:roundId/demand/completeness')
  @Roles(...AUTHORITY_ROLES)
  @ApiOperation({ summary: 'Who has reported which lots, per participant, with round totals' })
  @ApiOkResponse({ type: CompletenessView })
  completeness(
    @CurrentActor() actor: Actor,
    @Param('roundId') roundId: string,
    @Query() query: CompletenessQuery,
  ): Promise<CompletenessView> {
    return this.demand.completeness(actor, roundId, query);
  }

  @Get('rounds/:roundId/demand')
  @Roles(...AUTHORITY_ROLES, 'hospital_user')
  @ApiOperation({
    summary:
      "Demand reports of a round: all of them for authorities, a hospital's own for hospitals",
  })
  @ApiOkResponse({ type: DemandReportPage })
  list(
    @CurrentActor() actor: Actor,
    @Param('roundId') roundId: string,
    @Query() query: DemandQuery,
  ): Promise<DemandReportPage> {
    return this.demand.list(actor, roundId, query);
  }

  @Post('demand-reports/:id/confirm')
  @HttpCode(200)
  @Roles(...REVIEWERS)
  @ApiOperation({ summary: 'Confirm a demand report (before bidding opens)' })
  @ApiOkResponse({ type: DemandReportView })
  confirm(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: ConfirmDemandRequest,
  ): Promise<DemandReportView> {
    return this.demand.confirm(actor, id, body.note);
  }

  @Post('demand-reports/:id/return')
  @HttpCode(200)
  @Roles(...REVIEWERS)
  @ApiOperation({
    summary: 'Return a demand report to the hospital for correction (during demand collection)',
  })
  @ApiOkResponse({ type: DemandReportView })
  returnReport(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: ReturnDemandRequest,
  ): Promise<DemandReportView> {
    return this.demand.returnReport(actor, id, body.note);
  }
}
