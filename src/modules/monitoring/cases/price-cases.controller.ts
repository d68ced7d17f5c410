import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import {
  CaseDetailView,
  CasePage,
  CaseQuery,
  InquiryRequest,
  InterviewRequest,
  InvestigationRequest,
  LiftSuspensionRequest,
  OpenCaseRequest,
  OutcomeRequest,
  ReplyRequest,
} from './dto/price-case.dto';
import { PriceCaseQueries } from './price-case-queries.service';
import { PriceCases } from './price-cases.service';

const READERS = ['pricing_analyst', 'admin', 'auditor', 'supervisor', 'supplier_user'] as const;

@ApiTags('monitoring')
@ApiBearerAuth()
@Controller('monitoring/cases')
export class PriceCasesController {
  constructor(
    private readonly cases: PriceCases,
    private readonly queries: PriceCaseQueries,
  ) {}

  @Post()
  @Roles('pricing_analyst')
  @ApiOperation({
    summary:
      'Open a price case from one or more alerts against one supplier (§M6); the alerts go in_case',
  })
  @ApiOkResponse({ type: CaseDetailView })
  open(@CurrentActor() actor: Actor, @Body() body: OpenCaseRequest): Promise<CaseDetailView> {
    return this.cases.open(actor, body);
  }

  @Get()
  @Roles(...READERS)
  @ApiOperation({
    summary:
      'Price cases in your scope; overdue=true lists inquiries unanswered past their deadline',
  })
  @ApiOkResponse({ type: CasePage })
  list(@CurrentActor() actor: Actor, @Query() query: CaseQuery): Promise<CasePage> {
    return this.queries.list(actor, query);
  }

  @Get(':code')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'The full enforcement record of a case: alerts, every step, actors, times',
  })
  @ApiOkResponse({ type: CaseDetailView })
  detail(@CurrentActor() actor: Actor, @Param('code') code: string): Promise<CaseDetailView> {
    return this.queries.detail(actor, code);
  }

  @Post(':code/inquiry')
  @HttpCode(200)
  @Roles('pricing_analyst')
  @ApiOperation({
    summary:
      'Send the inquiry letter (函询); the reply is due in PRICE_CASE_REPLY_WORKING_DAYS working days',
  })
  @ApiOkResponse({ type: CaseDetailView })
  inquiry(
    @CurrentActor() actor: Actor,
    @Param('code') code: string,
    @Body() body: InquiryRequest,
  ): Promise<CaseDetailView> {
    return this.cases.sendInquiry(actor, code, body);
  }

  @Post(':code/reply')
  @HttpCode(200)
  @Roles('supplier_user')
  @ApiOperation({ summary: 'The supplier answers the inquiry with its own login' })
  @ApiOkResponse({ type: CaseDetailView })
  reply(
    @CurrentActor() actor: Actor,
    @Param('code') code: string,
    @Body() body: ReplyRequest,
  ): Promise<CaseDetailView> {
    return this.cases.reply(actor, code, body);
  }

  @Post(':code/interview')
  @HttpCode(200)
  @Roles('pricing_analyst')
  @ApiOperation({ summary: 'Record the interview (约谈)' })
  @ApiOkResponse({ type: CaseDetailView })
  interview(
    @CurrentActor() actor: Actor,
    @Param('code') code: string,
    @Body() body: InterviewRequest,
  ): Promise<CaseDetailView> {
    return this.cases.recordInterview(actor, code, body);
  }

  @Post(':code/investigation')
  @HttpCode(200)
  @Roles('pricing_analyst')
  @ApiOperation({ summary: 'Record the cost investigation (成本调查)' })
  @ApiOkResponse({ type: CaseDetailView })
  investigation(
    @CurrentActor() actor: Actor,
    @Param('code') code: string,
    @Body() body: InvestigationRequest,
  ): Promise<CaseDetailView> {
    return this.cases.recordInvestigation(actor, code, body);
  }

  @Post(':code/outcome')
  @HttpCode(200)
  @Roles('pricing_analyst')
  @ApiOperation({
    summary:
      'Decide the outcome (price cut, listing suspended, referred to credit, closed): the case closes and its alerts are resolved',
  })
  @ApiOkResponse({ type: CaseDetailView })
  outcome(
    @CurrentActor() actor: Actor,
    @Param('code') code: string,
    @Body() body: OutcomeRequest,
  ): Promise<CaseDetailView> {
    return this.cases.decide(actor, code, body);
  }

  @Post(':code/lift-suspension')
  @HttpCode(200)
  @Roles('pricing_analyst')
  @ApiOperation({
    summary:
      'Lift the listing suspension the case’s outcome decided; listings another source still suspends (a credit sanction, an officer) stay suspended',
  })
  @ApiOkResponse({ type: CaseDetailView })
  liftSuspension(
    @CurrentActor() actor: Actor,
    @Param('code') code: string,
    @Body() body: LiftSuspensionRequest,
  ): Promise<CaseDetailView> {
    return this.cases.liftSuspension(actor, code, body);
  }
}
