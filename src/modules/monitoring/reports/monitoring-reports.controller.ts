import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import { XLSX_CONTENT_TYPE } from '../../imports/excel/xlsx-export';
import {
  DownloadQuery,
  GenerateReportRequest,
  ReportPage,
  ReportQuery,
  ReportView,
} from './dto/report.dto';
import { MonitoringReports } from './monitoring-reports.service';

const READERS = ['pricing_analyst', 'admin', 'auditor', 'supervisor'] as const;

const PLATFORM_WIDE =
  'The monthly report is platform-wide (every region’s alerts, cases and prices), so only ' +
  'authorities without a region restriction see it: to a regional authority the list is empty ' +
  'and no report exists. The scheduled job writes version 1 of last month after the month’s ' +
  'full scan (§M8) has succeeded, running the scan first when it has not run; the summary’s ' +
  '`fullScan` names the scan the alerts come from (null: none had run).';

@ApiTags('monitoring')
@ApiBearerAuth()
@Controller('monitoring/reports')
export class MonitoringReportsController {
  constructor(private readonly reports: MonitoringReports) {}

  @Get()
  @Roles(...READERS)
  @ApiOperation({
    summary: 'Generated monthly monitoring reports (§M7), every version',
    description: PLATFORM_WIDE,
  })
  @ApiOkResponse({ type: ReportPage })
  list(@CurrentActor() actor: Actor, @Query() query: ReportQuery): Promise<ReportPage> {
    return this.reports.list(actor, query);
  }

  @Post()
  @Roles('pricing_analyst')
  @ApiOperation({
    summary: 'Generate a finished month’s report again, as a new version',
    description: `${PLATFORM_WIDE} A regional analyst's request is refused (403 MONITORING.REPORT_OUT_OF_SCOPE).`,
  })
  @ApiCreatedResponse({ type: ReportView })
  generate(@CurrentActor() actor: Actor, @Body() body: GenerateReportRequest): Promise<ReportView> {
    return this.reports.generateOnDemand(actor, body.period);
  }

  @Get(':period/download')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'The report workbook (latest version unless ?version=)',
    description: `${PLATFORM_WIDE} To a regional authority every period is 404 MONITORING.REPORT_NOT_FOUND.`,
  })
  @ApiProduces(XLSX_CONTENT_TYPE)
  download(
    @CurrentActor() actor: Actor,
    @Param('period') period: string,
    @Query() query: DownloadQuery,
    @Res() res: Response,
  ): Promise<void> {
    return this.reports.download(actor, period, query.version, res);
  }
}
