import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import { AlliancesService } from './alliances.service';
import {
  AddAllianceMemberRequest,
  AllianceDetailView,
  AllianceMemberView,
  AlliancePage,
  AllianceQuery,
  AllianceView,
  CreateAllianceRequest,
  UpdateAllianceRequest,
} from './dto/alliance.dto';

@ApiTags('alliances')
@ApiBearerAuth()
@Controller('alliances')
export class AlliancesController {
  constructor(private readonly alliances: AlliancesService) {}

  @Get()
  @ApiOkResponse({
    type: AlliancePage,
    description: 'Authorities: alliances led from their scope; hospitals: those they belong to',
  })
  async list(@CurrentActor() actor: Actor, @Query() query: AllianceQuery): Promise<AlliancePage> {
    const result = await this.alliances.list(actor, query);
    return { ...result, items: result.items.map((a) => AllianceView.of(a)) };
  }

  @Get(':id')
  @ApiOkResponse({ type: AllianceDetailView })
  async get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<AllianceDetailView> {
    return AllianceDetailView.ofDetail(await this.alliances.get(actor, id));
  }

  @Post()
  @Roles('admin', 'procurement_officer')
  @ApiCreatedResponse({ type: AllianceDetailView })
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateAllianceRequest,
  ): Promise<AllianceDetailView> {
    return AllianceDetailView.ofDetail(await this.alliances.create(actor, body));
  }

  @Patch(':id')
  @Roles('admin', 'procurement_officer')
  @ApiOkResponse({ type: AllianceDetailView })
  async update(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: UpdateAllianceRequest,
  ): Promise<AllianceDetailView> {
    return AllianceDetailView.ofDetail(await this.alliances.update(actor, id, body));
  }

  @Post(':id/members')
  @Roles('admin', 'procurement_officer')
  @ApiCreatedResponse({ type: AllianceMemberView })
  async addMember(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: AddAllianceMemberRequest,
  ): Promise<AllianceMemberView> {
    return AllianceMemberView.of(await this.alliances.addMember(actor, id, body));
  }

  @Delete(':id/members/:memberId')
  @Roles('admin', 'procurement_officer')
  @HttpCode(204)
  @ApiNoContentResponse()
  removeMember(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('memberId') memberId: string,
  ): Promise<void> {
    return this.alliances.removeMember(actor, id, memberId);
  }
}
