import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import { AUTHORITY_ROLES } from '../../../common/auth/roles';
import {
  EvaluationRequest,
  EvaluationView,
  ResolveAlertRequest,
  SupplyAlertPage,
  SupplyAlertQuery,
  SupplyAlertView,
} from './dto/supply.dto';
import { SupplyAlertsService } from './supply-alerts.service';

@ApiTags('credit')
@ApiBearerAuth()
@Controller('credit/supply')
export class SupplyAlertsController {
  constructor(private readonly alerts: SupplyAlertsService) {}

  @Post('evaluations')
  @HttpCode(200)
  @Roles('procurement_officer', 'supervisor')
  @ApiOperation({
    summary:
      'Apply the supply rules to a month (default the current one): raises new alerts, refreshes the evidence of open ones',
  })
  @ApiOkResponse({ type: EvaluationView })
  evaluate(@CurrentActor() actor: Actor, @Body() body: EvaluationRequest): Promise<EvaluationView> {
    return this.alerts.evaluate(actor, body.month);
  }

  @Get('alerts')
  @Roles(...AUTHORITY_ROLES, 'supplier_user')
  @ApiOperation({ summary: "Supply alerts of the caller's regions (a supplier: about itself)" })
  @ApiOkResponse({ type: SupplyAlertPage })
  list(@CurrentActor() actor: Actor, @Query() query: SupplyAlertQuery): Promise<SupplyAlertPage> {
    return this.alerts.list(actor, query);
  }

  @Get('alerts/:id')
  @Roles(...AUTHORITY_ROLES, 'supplier_user')
  @ApiOperation({ summary: 'One supply alert with its evidence' })
  @ApiOkResponse({ type: SupplyAlertView })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<SupplyAlertView> {
    return this.alerts.get(actor, id);
  }

  @Post('alerts/:id/acknowledge')
  @HttpCode(200)
  @Roles('procurement_officer', 'supervisor')
  @ApiOperation({ summary: 'Acknowledge an open supply alert' })
  @ApiOkResponse({ type: SupplyAlertView })
  acknowledge(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<SupplyAlertView> {
    return this.alerts.acknowledge(actor, id);
  }

  @Post('alerts/:id/resolve')
  @HttpCode(200)
  @Roles('procurement_officer', 'supervisor')
  @ApiOperation({ summary: 'Resolve a supply alert with a note; it stays resolved for the month' })
  @ApiOkResponse({ type: SupplyAlertView })
  resolve(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: ResolveAlertRequest,
  ): Promise<SupplyAlertView> {
    return this.alerts.resolve(actor, id, body.note);
  }
}
