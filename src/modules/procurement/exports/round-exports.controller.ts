import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import { AUTHORITY_ROLES } from '../../../common/auth/roles';
import { XLSX_CONTENT_TYPE } from '../../imports/excel/xlsx-export';
import {
  AgreedVolumeExportRow,
  ExportQuery,
  ResultExportRow,
  TraceExportQuery,
} from './dto/export.dto';
import { RoundExportsService } from './round-exports.service';

@ApiTags('procurement')
@ApiBearerAuth()
@Controller('procurement/rounds/:roundId/exports')
export class RoundExportsController {
  constructor(private readonly exports: RoundExportsService) {}

  @Get('results')
  @ApiOperation({
    summary:
      "Every bid of each lot's latest result, as xlsx or JSON (authorities from opening, others from publicity)",
  })
  @ApiProduces(XLSX_CONTENT_TYPE, 'application/json')
  @ApiOkResponse({ type: [ResultExportRow] })
  results(
    @CurrentActor() actor: Actor,
    @Param('roundId') roundId: string,
    @Query() query: ExportQuery,
    @Res() res: Response,
  ): Promise<void> {
    return this.exports.results(actor, roundId, query.format, res);
  }

  @Get('agreed-volumes')
  @ApiOperation({
    summary: 'One row per agreement of an awarded round, scoped to the caller, as xlsx or JSON',
  })
  @ApiProduces(XLSX_CONTENT_TYPE, 'application/json')
  @ApiOkResponse({ type: [AgreedVolumeExportRow] })
  agreedVolumes(
    @CurrentActor() actor: Actor,
    @Param('roundId') roundId: string,
    @Query() query: ExportQuery,
    @Res() res: Response,
  ): Promise<void> {
    return this.exports.agreedVolumes(actor, roundId, query.format, res);
  }

  @Get('decision-trace')
  @Roles(...AUTHORITY_ROLES)
  @ApiOperation({
    summary:
      'The latest decision trace of every lot: JSON, or xlsx with parameters, bids and results sheets (§P7)',
  })
  @ApiProduces('application/json', XLSX_CONTENT_TYPE)
  @ApiOkResponse({
    schema: { type: 'array', items: { type: 'object', additionalProperties: true } },
  })
  decisionTrace(
    @CurrentActor() actor: Actor,
    @Param('roundId') roundId: string,
    @Query() query: TraceExportQuery,
    @Res() res: Response,
  ): Promise<void> {
    return this.exports.decisionTrace(actor, roundId, query.lotId, query.format, res);
  }
}
