import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import { AUTHORITY_ROLES } from '../../../common/auth/roles';
import {
  CommitmentView,
  CountyLeadRequest,
  CreateRoundRequest,
  ParticipantPage,
  ParticipantView,
  RoundPage,
  RoundQuery,
  RoundView,
  SignCommitmentRequest,
  TransitionRequest,
  UpdateRoundRequest,
} from './dto/round.dto';
import { RoundWorkflow } from './round-workflow.service';
import { RoundsService } from './rounds.service';

const MANAGERS = ['procurement_officer', 'admin'] as const;

@ApiTags('procurement')
@ApiBearerAuth()
@Controller('procurement/rounds')
export class RoundsController {
  constructor(
    private readonly rounds: RoundsService,
    private readonly workflow: RoundWorkflow,
  ) {}

  @Post()
  @Roles(...MANAGERS)
  @ApiOperation({ summary: 'Create a round in draft (§P1)' })
  @ApiCreatedResponse({ type: RoundView })
  create(@CurrentActor() actor: Actor, @Body() body: CreateRoundRequest): Promise<RoundView> {
    return this.rounds.create(actor, body);
  }

  @Get()
  @ApiOperation({ summary: 'Rounds the caller may see' })
  @ApiOkResponse({ type: RoundPage })
  list(@CurrentActor() actor: Actor, @Query() query: RoundQuery): Promise<RoundPage> {
    return this.rounds.list(actor, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: RoundView })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<RoundView> {
    return this.rounds.get(actor, id);
  }

  @Patch(':id')
  @Roles(...MANAGERS)
  @ApiOperation({ summary: 'Edit a draft round: name, rule set, timeline, reason threshold' })
  @ApiOkResponse({ type: RoundView })
  update(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: UpdateRoundRequest,
  ): Promise<RoundView> {
    return this.rounds.update(actor, id, body);
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @Roles(...MANAGERS)
  @ApiOperation({
    summary:
      'Move the round along its state machine (§P1); an illegal transition is a 409 naming the current state',
  })
  @ApiOkResponse({ type: RoundView })
  transition(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: TransitionRequest,
  ): Promise<RoundView> {
    return this.workflow.transition(actor, id, body.action, body.reason ?? null);
  }

  @Get(':id/participants')
  @Roles(...AUTHORITY_ROLES, 'hospital_user')
  @ApiOkResponse({ type: ParticipantPage })
  participants(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: RoundQuery,
  ): Promise<ParticipantPage> {
    return this.rounds.listParticipants(actor, id, query);
  }

  @Post(':id/participants/opt-in')
  @Roles('hospital_user')
  @ApiOperation({ summary: 'A private hospital or pharmacy in scope joins the round' })
  @ApiCreatedResponse({ type: ParticipantView })
  optIn(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ParticipantView> {
    return this.rounds.optIn(actor, id);
  }

  @Put(':id/participants/:hospitalId/county-lead')
  @Roles(...MANAGERS)
  @ApiOperation({ summary: 'Make a participant the lead hospital that reports for its county' })
  @ApiOkResponse({ type: ParticipantView })
  countyLead(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('hospitalId') hospitalId: string,
    @Body() body: CountyLeadRequest,
  ): Promise<ParticipantView> {
    return this.rounds.setCountyLead(actor, id, hospitalId, body.countyLead);
  }

  @Post(':id/commitment')
  @Roles('supplier_user')
  @ApiOperation({
    summary:
      "Sign the round's integrity commitment (信用承诺) with the text version in force (§K4); required to bid",
  })
  @ApiCreatedResponse({ type: CommitmentView })
  sign(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: SignCommitmentRequest,
  ): Promise<CommitmentView> {
    return this.rounds.signCommitment(actor, id, body);
  }

  @Get(':id/commitment')
  @Roles('supplier_user')
  @ApiOkResponse({ type: CommitmentView })
  commitment(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<CommitmentView> {
    return this.rounds.getCommitment(actor, id);
  }
}
