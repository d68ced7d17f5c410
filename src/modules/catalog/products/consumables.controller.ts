import { Body, Controller, Delete, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
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
import { ConsumablesService } from './consumables.service';
import {
  ConsumablePage,
  ConsumableQuery,
  ConsumableView,
  CreateConsumableRequest,
  MapUdiRequest,
  UpdateConsumableRequest,
} from './dto/consumable.dto';

@ApiTags('catalog')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('catalog')
export class ConsumablesController {
  constructor(
    private readonly consumables: ConsumablesService,
    private readonly exports: CatalogExportService,
  ) {}

  @Get('consumables')
  @Scopes('catalog:read')
  @ApiOkResponse({ type: ConsumablePage })
  list(@Query() query: ConsumableQuery): Promise<ConsumablePage> {
    return this.consumables.list(query);
  }

  @Get('consumables/export.xlsx')
  @Scopes('catalog:read')
  @ApiProduces(XLSX_CONTENT_TYPE)
  @ApiOkResponse({ description: 'The filtered consumables as an xlsx workbook' })
  export(@Query() query: ConsumableQuery, @Res() res: Response): Promise<void> {
    return this.exports.consumables(query, res);
  }

  @Get('consumables/:id')
  @Scopes('catalog:read')
  @ApiOkResponse({ type: ConsumableView })
  get(@Param('id') id: string): Promise<ConsumableView> {
    return this.consumables.get(id);
  }

  @Post('consumables')
  @Roles('admin', 'procurement_officer')
  @ApiCreatedResponse({ type: ConsumableView })
  create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateConsumableRequest,
  ): Promise<ConsumableView> {
    return this.consumables.create(actor, body);
  }

  @Patch('consumables/:id')
  @Roles('admin', 'procurement_officer')
  @ApiOkResponse({ type: ConsumableView })
  update(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: UpdateConsumableRequest,
  ): Promise<ConsumableView> {
    return this.consumables.update(actor, id, body);
  }

  @Post('consumables/:id/udis')
  @Roles('admin', 'procurement_officer')
  @ApiCreatedResponse({ type: ConsumableView, description: 'The consumable with its UDIs' })
  mapUdi(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: MapUdiRequest,
  ): Promise<ConsumableView> {
    return this.consumables.mapUdi(actor, id, body.udi);
  }

  @Delete('consumables/:id/udis/:udi')
  @Roles('admin', 'procurement_officer')
  @ApiOkResponse({ type: ConsumableView, description: 'The consumable with its remaining UDIs' })
  unmapUdi(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('udi') udi: string,
  ): Promise<ConsumableView> {
    return this.consumables.unmapUdi(actor, id, udi);
  }

  @Get('udis/:udi')
  @Scopes('catalog:read')
  @ApiOkResponse({ type: ConsumableView, description: 'The consumable this UDI-DI is mapped to' })
  findByUdi(@Param('udi') udi: string): Promise<ConsumableView> {
    return this.consumables.findByUdi(udi);
  }
}
