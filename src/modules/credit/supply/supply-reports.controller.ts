import { Body, Controller, Get, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles, Scopes } from '../../../common/auth/decorators';
import { AUTHORITY_ROLES } from '../../../common/auth/roles';
import {
  ShortagePage,
  ShortageQuery,
  ShortageRequest,
  ShortageView,
  SupplyReportBatchView,
  SupplyReportPage,
  SupplyReportQuery,
  SupplyReportRequest,
  SupplyReportView,
} from './dto/supply.dto';
import { SupplyReportsService } from './supply-reports.service';

@ApiTags('credit')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('credit/supply')
export class SupplyReportsController {
  constructor(private readonly reports: SupplyReportsService) {}

  @Put('reports/:month')
  @Roles('supplier_user')
  @Scopes('supply:write')
  @ApiOperation({
    summary:
      "Report a month's stock (manufacturers also capacity and emergency reserve) per product (§K5); the same figures again change nothing, new ones replace the report and keep the old as a revision",
  })
  @ApiOkResponse({ type: SupplyReportBatchView })
  put(
    @CurrentActor() actor: Actor,
    @Param('month') month: string,
    @Body() body: SupplyReportRequest,
  ): Promise<SupplyReportBatchView> {
    return this.reports.putReports(actor, month, body);
  }

  @Get('reports')
  @Roles(...AUTHORITY_ROLES, 'supplier_user')
  @Scopes('supply:write')
  @ApiOperation({
    summary: "Supply reports: a supplier's own, or every supplier's for authorities",
  })
  @ApiOkResponse({ type: SupplyReportPage })
  list(@CurrentActor() actor: Actor, @Query() query: SupplyReportQuery): Promise<SupplyReportPage> {
    return this.reports.list(actor, query);
  }

  @Get('reports/:id')
  @Roles(...AUTHORITY_ROLES, 'supplier_user')
  @Scopes('supply:write')
  @ApiOperation({ summary: 'One supply report with its earlier versions' })
  @ApiOkResponse({ type: SupplyReportView })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<SupplyReportView> {
    return this.reports.get(actor, id);
  }

  @Post('shortages')
  @Roles('hospital_user')
  @ApiOperation({
    summary: 'A hospital reports a shortage of a product it buys under an agreement (§K5)',
  })
  @ApiCreatedResponse({ type: ShortageView })
  reportShortage(
    @CurrentActor() actor: Actor,
    @Body() body: ShortageRequest,
  ): Promise<ShortageView> {
    return this.reports.reportShortage(actor, body);
  }

  @Get('shortages')
  @Roles(...AUTHORITY_ROLES, 'hospital_user')
  @ApiOperation({ summary: "Shortage reports: the hospital's own, or an authority's regions" })
  @ApiOkResponse({ type: ShortagePage })
  shortages(@CurrentActor() actor: Actor, @Query() query: ShortageQuery): Promise<ShortagePage> {
    return this.reports.listShortages(actor, query);
  }
}
