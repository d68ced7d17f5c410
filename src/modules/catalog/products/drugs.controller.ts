import { Body, Controller, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiProduces,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles, Scopes } from '../../../common/auth/decorators';
import { CatalogExportService } from '../catalog-export.service';
import { XLSX_CONTENT_TYPE } from '../../imports/excel/xlsx-export';
import {
  CreateDrugRequest,
  DrugPage,
  DrugQuery,
  DrugView,
  UpdateDrugRequest,
} from './dto/drug.dto';
import { DrugsService } from './drugs.service';

@ApiTags('catalog')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('catalog/drugs')
export class DrugsController {
  constructor(
    private readonly drugs: DrugsService,
    private readonly exports: CatalogExportService,
  ) {}

  @Get()
  @Scopes('catalog:read')
  @ApiOkResponse({ type: DrugPage })
  list(@Query() query: DrugQuery): Promise<DrugPage> {
    return this.drugs.list(query);
  }

  @Get('export.xlsx')
  @Scopes('catalog:read')
  @ApiProduces(XLSX_CONTENT_TYPE)
  @ApiOkResponse({ description: 'The filtered drugs as an xlsx workbook' })
  export(@Query() query: DrugQuery, @Res() res: Response): Promise<void> {
    return this.exports.drugs(query, res);
  }

  @Get(':id')
  @Scopes('catalog:read')
  @ApiOkResponse({ type: DrugView })
  get(@Param('id') id: string): Promise<DrugView> {
    return this.drugs.get(id);
  }

  @Post()
  @Roles('admin', 'procurement_officer')
  @ApiCreatedResponse({ type: DrugView })
  create(@CurrentActor() actor: Actor, @Body() body: CreateDrugRequest): Promise<DrugView> {
    return this.drugs.create(actor, body);
  }

  @Patch(':id')
  @Roles('admin', 'procurement_officer')
  @ApiOkResponse({ type: DrugView })
  update(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: UpdateDrugRequest,
  ): Promise<DrugView> {
    return this.drugs.update(actor, id, body);
  }
}
