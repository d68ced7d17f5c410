import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import { PageQuery } from '../../../common/pagination';
import { AUTHORITY_ROLES } from '../../../common/auth/roles';
import {
  AnswerObjectionRequest,
  ExcludeBidRequest,
  FileObjectionRequest,
  LotResultView,
  ObjectionPage,
  ObjectionView,
  ReplayView,
  ResultQuery,
  RevivalAnswerRequest,
} from './dto/result.dto';
import { ResultsService } from './results.service';

const MANAGERS = ['procurement_officer', 'admin'] as const;

@ApiTags('procurement')
@ApiBearerAuth()
@Controller('procurement')
export class ResultsController {
  constructor(private readonly results: ResultsService) {}

  @Get('rounds/:roundId/results')
  @ApiOperation({
    summary: "Each lot's latest result (authorities from opening, others from publicity)",
  })
  @ApiOkResponse({ type: [LotResultView] })
  latest(
    @CurrentActor() actor: Actor,
    @Param('roundId') roundId: string,
    @Query() query: ResultQuery,
  ): Promise<LotResultView[]> {
    return this.results.latest(actor, roundId, query.lotId);
  }

  @Get('rounds/:roundId/lots/:lotId/results')
  @ApiOperation({ summary: 'Every result version of a lot, oldest first' })
  @ApiOkResponse({ type: [LotResultView] })
  versions(
    @CurrentActor() actor: Actor,
    @Param('roundId') roundId: string,
    @Param('lotId') lotId: string,
  ): Promise<LotResultView[]> {
    return this.results.versions(actor, roundId, lotId);
  }

  @Get('rounds/:roundId/lots/:lotId/results/:version/trace')
  @Roles(...AUTHORITY_ROLES)
  @ApiOperation({
    summary: 'The decision trace: inputs, parameters, outputs, engine version (§P7)',
  })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true } })
  trace(
    @CurrentActor() actor: Actor,
    @Param('roundId') roundId: string,
    @Param('lotId') lotId: string,
    @Param('version', ParseIntPipe) version: number,
  ): Promise<unknown> {
    return this.results.trace(actor, roundId, lotId, version);
  }

  @Post('rounds/:roundId/lots/:lotId/results/:version/replay')
  @HttpCode(200)
  @Roles(...AUTHORITY_ROLES)
  @ApiOperation({
    summary: 'Re-run the engine on the stored inputs; must reproduce the stored result',
  })
  @ApiOkResponse({ type: ReplayView })
  replay(
    @CurrentActor() actor: Actor,
    @Param('roundId') roundId: string,
    @Param('lotId') lotId: string,
    @Param('version', ParseIntPipe) version: number,
  ): Promise<ReplayView> {
    return this.results.replay(actor, roundId, lotId, version);
  }

  @Post('bids/:bidId/exclude')
  @HttpCode(200)
  @Roles(...MANAGERS)
  @ApiOperation({ summary: 'Exclude a bid with a recorded reason and re-run its lot (§P8)' })
  @ApiOkResponse({ type: LotResultView })
  exclude(
    @CurrentActor() actor: Actor,
    @Param('bidId') bidId: string,
    @Body() body: ExcludeBidRequest,
  ): Promise<LotResultView> {
    return this.results.exclude(actor, bidId, body.reason);
  }

  @Post('bids/:bidId/revival')
  @HttpCode(200)
  @Roles('supplier_user')
  @ApiOperation({ summary: 'Answer the revival offer of a losing bid (§P6.4); re-runs the lot' })
  @ApiOkResponse({ type: LotResultView })
  revival(
    @CurrentActor() actor: Actor,
    @Param('bidId') bidId: string,
    @Body() body: RevivalAnswerRequest,
  ): Promise<LotResultView> {
    return this.results.answerRevival(actor, bidId, body.accept);
  }

  @Post('rounds/:roundId/objections')
  @Roles('supplier_user')
  @ApiOperation({ summary: "A bidding supplier objects to a lot's provisional result (§P8)" })
  @ApiCreatedResponse({ type: ObjectionView })
  object(
    @CurrentActor() actor: Actor,
    @Param('roundId') roundId: string,
    @Body() body: FileObjectionRequest,
  ): Promise<ObjectionView> {
    return this.results.fileObjection(actor, roundId, body.lotId, body.reason);
  }

  @Get('rounds/:roundId/objections')
  @Roles(...AUTHORITY_ROLES, 'supplier_user')
  @ApiOkResponse({ type: ObjectionPage })
  objections(
    @CurrentActor() actor: Actor,
    @Param('roundId') roundId: string,
    @Query() query: PageQuery,
  ): Promise<ObjectionPage> {
    return this.results.listObjections(actor, roundId, query);
  }

  @Post('objections/:id/answer')
  @HttpCode(200)
  @Roles(...MANAGERS)
  @ApiOkResponse({ type: ObjectionView })
  answer(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: AnswerObjectionRequest,
  ): Promise<ObjectionView> {
    return this.results.answerObjection(actor, id, body.answer);
  }
}
