import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles, Scopes } from '../../../common/auth/decorators';
import {
  CreateRegionRequest,
  RegionPage,
  RegionQuery,
  RegionView,
  UpdateRegionRequest,
} from './dto/region.dto';
import { RegionsService } from './regions.service';

@ApiTags('regions')
@ApiBearerAuth()
@Controller('regions')
export class RegionsController {
  constructor(private readonly regions: RegionsService) {}

  @Get()
  @ApiSecurity('api-key')
  @Scopes('catalog:read', 'organisations:read')
  @ApiOkResponse({ type: RegionPage })
  async list(@Query() query: RegionQuery): Promise<RegionPage> {
    const result = await this.regions.list(query);
    return { ...result, items: result.items.map((r) => RegionView.of(r)) };
  }

  @Get(':code')
  @ApiSecurity('api-key')
  @Scopes('catalog:read', 'organisations:read')
  @ApiOkResponse({ type: RegionView })
  async get(@Param('code') code: string): Promise<RegionView> {
    return RegionView.of(await this.regions.get(code));
  }

  @Get(':code/children')
  @ApiSecurity('api-key')
  @Scopes('catalog:read', 'organisations:read')
  @ApiOkResponse({ type: [RegionView] })
  async children(@Param('code') code: string): Promise<RegionView[]> {
    return (await this.regions.children(code)).map((r) => RegionView.of(r));
  }

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: RegionView })
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateRegionRequest,
  ): Promise<RegionView> {
    return RegionView.of(await this.regions.create(actor, body));
  }

  @Patch(':code')
  @Roles('admin')
  @ApiOkResponse({ type: RegionView })
  async update(
    @CurrentActor() actor: Actor,
    @Param('code') code: string,
    @Body() body: UpdateRegionRequest,
  ): Promise<RegionView> {
    return RegionView.of(await this.regions.rename(actor, code, body));
  }
}
