import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import { AlertWorkflow } from './alert-workflow.service';
import { AlertWorkflowQueries } from './alert-workflow-queries.service';
import {
  AlertActionRequest,
  AlertDetailView,
  AlertFilter,
  AlertPage,
  AlertQuery,
  AlertSummaryView,
  AssignAlertRequest,
  DismissAlertRequest,
} from './dto/alert-workflow.dto';

const READERS = ['pricing_analyst', 'admin', 'auditor', 'supervisor'] as const;

@ApiTags('monitoring')
@ApiBearerAuth()
@Controller('monitoring/alerts')
export class AlertWorkflowController {
  constructor(
    private readonly workflow: AlertWorkflow,
    private readonly queries: AlertWorkflowQueries,
  ) {}

  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'Alerts in your region scope (§M4), filtered, sorted and paged' })
  @ApiOkResponse({ type: AlertPage })
  list(@CurrentActor() actor: Actor, @Query() query: AlertQuery): Promise<AlertPage> {
    return this.queries.list(actor, query);
  }

  @Get('summary')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'Alert counts by rule, severity, status and region under the list’s filters',
  })
  @ApiOkResponse({ type: AlertSummaryView })
  summary(@CurrentActor() actor: Actor, @Query() query: AlertFilter): Promise<AlertSummaryView> {
    return this.queries.summary(actor, query);
  }

  @Get(':id')
  @Roles(...READERS)
  @ApiOperation({ summary: 'One alert with its evidence and status history' })
  @ApiOkResponse({ type: AlertDetailView })
  detail(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<AlertDetailView> {
    return this.queries.detail(actor, id);
  }

  @Post(':id/assign')
  @HttpCode(200)
  @Roles('pricing_analyst')
  @ApiOperation({ summary: 'Assign the alert to a pricing analyst of your authority' })
  @ApiOkResponse({ type: AlertDetailView })
  assign(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: AssignAlertRequest,
  ): Promise<AlertDetailView> {
    return this.workflow.assign(actor, id, body);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @Roles('pricing_analyst')
  @ApiOperation({ summary: 'open → acknowledged' })
  @ApiOkResponse({ type: AlertDetailView })
  acknowledge(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: AlertActionRequest,
  ): Promise<AlertDetailView> {
    return this.workflow.acknowledge(actor, id, body);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @Roles('pricing_analyst')
  @ApiOperation({
    summary: 'acknowledged → resolved (an alert in a case is resolved by closing the case)',
  })
  @ApiOkResponse({ type: AlertDetailView })
  resolve(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: AlertActionRequest,
  ): Promise<AlertDetailView> {
    return this.workflow.resolve(actor, id, body);
  }

  @Post(':id/dismiss')
  @HttpCode(200)
  @Roles('pricing_analyst')
  @ApiOperation({ summary: 'open | acknowledged → dismissed; a reason is required' })
  @ApiOkResponse({ type: AlertDetailView })
  dismiss(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: DismissAlertRequest,
  ): Promise<AlertDetailView> {
    return this.workflow.dismiss(actor, id, body);
  }
}
