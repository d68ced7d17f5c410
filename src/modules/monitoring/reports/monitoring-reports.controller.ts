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

@ApiTags('monitoring')
@ApiBearerAuth()
@Controller('monitoring/reports')
export class MonitoringReportsController {
  constructor(private readonly reports: MonitoringReports) {}

  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'Generated monthly monitoring reports (§M7), every version' })
  @ApiOkResponse({ type: ReportPage })
  list(@Query() query: ReportQuery): Promise<ReportPage> {
    return this.reports.list(query);
  }

  @Post()
  @Roles('pricing_analyst')
  @ApiOperation({ summary: 'Generate a finished month’s report again, as a new version' })
  @ApiCreatedResponse({ type: ReportView })
  generate(@CurrentActor() actor: Actor, @Body() body: GenerateReportRequest): Promise<ReportView> {
    return this.reports.generateOnDemand(actor, body.period);
  }

  @Get(':period/download')
  @Roles(...READERS)
  @ApiOperation({ summary: 'The report workbook (latest version unless ?version=)' })
  @ApiProduces(XLSX_CONTENT_TYPE)
  download(
    @Param('period') period: string,
    @Query() query: DownloadQuery,
    @Res() res: Response,
  ): Promise<void> {
    return this.reports.download(period, query.version, res);
  }
}
