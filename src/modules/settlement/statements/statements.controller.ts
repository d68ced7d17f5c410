import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import {
  DisputeLineRequest,
  DisputeView,
  GenerateStatementsRequest,
  GenerationView,
  RejectReviewRequest,
  ResolveDisputeRequest,
  ReviewRequest,
  StatementDetailView,
  StatementPage,
  StatementQuery,
} from './dto/statement.dto';
import { DisputePage, DisputeQuery } from './dto/dispute-query.dto';
import { StatementCycle } from './statement-cycle.service';
import { StatementGeneration } from './statement-generation.service';
import { StatementQueries } from './statement-queries.service';

const READERS = [
  'fund_officer',
  'admin',
  'auditor',
  'supervisor',
  'hospital_user',
  'supplier_user',
] as const;

@ApiTags('settlement')
@ApiBearerAuth()
@Controller('settlement')
export class StatementsController {
  constructor(
    private readonly generation: StatementGeneration,
    private readonly cycle: StatementCycle,
    private readonly queries: StatementQueries,
  ) {}

  @Post('statements/generate')
  @HttpCode(200)
  @Roles('fund_officer')
  @ApiOperation({
    summary:
      'Generate the statements of a month (§S3.1) for the hospitals in the officer’s region: one per hospital × supplier with lines accepted that month, plus lines carried after a resolved dispute or left out by an earlier month’s narrower settlement scope; idempotent',
  })
  @ApiOkResponse({ type: GenerationView })
  generate(
    @CurrentActor() actor: Actor,
    @Body() body: GenerateStatementsRequest,
  ): Promise<GenerationView> {
    return this.generation.generate(actor, body.period);
  }

  @Get('statements')
  @Roles(...READERS)
  @ApiOkResponse({ type: StatementPage })
  list(@CurrentActor() actor: Actor, @Query() query: StatementQuery): Promise<StatementPage> {
    return this.queries.list(actor, query);
  }

  @Get('disputes')
  @Roles(...READERS)
  @ApiOperation({ summary: 'Disputed statement lines in the caller’s scope (§S3.2)' })
  @ApiOkResponse({ type: DisputePage })
  disputes(@CurrentActor() actor: Actor, @Query() query: DisputeQuery): Promise<DisputePage> {
    return this.queries.listDisputes(actor, query);
  }

  @Get('statements/:id')
  @Roles(...READERS)
  @ApiOkResponse({ type: StatementDetailView })
  detail(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<StatementDetailView> {
    return this.queries.detail(actor, id);
  }

  @Post('statements/:id/confirm')
  @HttpCode(200)
  @Roles('hospital_user', 'supplier_user')
  @ApiOperation({ summary: 'The hospital or the supplier confirms the statement (§S3.2)' })
  @ApiOkResponse({ type: StatementDetailView })
  confirm(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<StatementDetailView> {
    return this.cycle.confirm(actor, id);
  }

  @Post('statements/:id/lines/:lineId/dispute')
  @Roles('hospital_user', 'supplier_user')
  @ApiOperation({
    summary:
      'Dispute a line billed on the statement, its own or carried onto it: it leaves the statement’s total until resolved; a line is disputed once',
  })
  @ApiOkResponse({ type: DisputeView })
  dispute(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('lineId') lineId: string,
    @Body() body: DisputeLineRequest,
  ): Promise<DisputeView> {
    return this.cycle.dispute(actor, id, lineId, body);
  }

  @Post('disputes/:id/resolve')
  @HttpCode(200)
  @Roles('fund_officer')
  @ApiOkResponse({ type: DisputeView })
  resolve(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: ResolveDisputeRequest,
  ): Promise<DisputeView> {
    return this.cycle.resolve(actor, id, body);
  }

  @Post('statements/:id/approve')
  @HttpCode(200)
  @Roles('fund_officer')
  @ApiOperation({
    summary: 'Approve the next review level (初审/复审/复核); three different fund officers',
  })
  @ApiOkResponse({ type: StatementDetailView })
  approve(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: ReviewRequest,
  ): Promise<StatementDetailView> {
    return this.cycle.approve(actor, id, body);
  }

  @Post('statements/:id/reject')
  @HttpCode(200)
  @Roles('fund_officer')
  @ApiOperation({ summary: 'Reject at any review level: back to reconciliation' })
  @ApiOkResponse({ type: StatementDetailView })
  reject(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: RejectReviewRequest,
  ): Promise<StatementDetailView> {
    return this.cycle.reject(actor, id, body);
  }
}
