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
  CreateOrganisationRequest,
  OrganisationPage,
  OrganisationQuery,
  OrganisationView,
  UpdateOrganisationRequest,
} from './dto/organisation.dto';
import { OrganisationsService } from './organisations.service';

@ApiTags('organisations')
@ApiBearerAuth()
@Controller('organisations')
export class OrganisationsController {
  constructor(private readonly organisations: OrganisationsService) {}

  @Get()
  @ApiSecurity('api-key')
  @Scopes('organisations:read')
  @ApiOkResponse({ type: OrganisationPage, description: 'Only organisations in your data scope' })
  async list(
    @CurrentActor() actor: Actor,
    @Query() query: OrganisationQuery,
  ): Promise<OrganisationPage> {
    const result = await this.organisations.list(actor, query);
    return { ...result, items: result.items.map((o) => OrganisationView.of(o)) };
  }

  @Get(':id')
  @ApiSecurity('api-key')
  @Scopes('organisations:read')
  @ApiOkResponse({ type: OrganisationView })
  async get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<OrganisationView> {
    return OrganisationView.of(await this.organisations.get(actor, id));
  }

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: OrganisationView })
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateOrganisationRequest,
  ): Promise<OrganisationView> {
    return OrganisationView.of(await this.organisations.create(actor, body));
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOkResponse({ type: OrganisationView })
  async update(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: UpdateOrganisationRequest,
  ): Promise<OrganisationView> {
    return OrganisationView.of(await this.organisations.update(actor, id, body));
  }
}
