import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import {
  DeadlinePage,
  DeadlineQuery,
  MetricsQuery,
  MetricsView,
  OverdueAlertPage,
  OverdueAlertQuery,
  OverdueAlertView,
} from './dto/metrics.dto';
import { OverdueAlerts } from './overdue-alerts.service';
import { PaymentDeadlines } from './payment-deadlines.service';

const READERS = ['fund_officer', 'admin', 'auditor', 'hospital_user', 'supplier_user'] as const;

@ApiTags('settlement')
@ApiBearerAuth()
@Controller('settlement')
export class MetricsController {
  constructor(
    private readonly deadlines: PaymentDeadlines,
    private readonly alerts: OverdueAlerts,
  ) {}

  @Get('deadlines')
  @Roles(...READERS)
  @ApiOperation({
    summary:
      'Unpaid accepted delivery lines with their payment deadline (§S4): overdue, due soon or pending',
  })
  @ApiOkResponse({ type: DeadlinePage })
  list(@CurrentActor() actor: Actor, @Query() query: DeadlineQuery): Promise<DeadlinePage> {
    return this.deadlines.deadlines(actor, query);
  }

  @Get('metrics')
  @Roles(...READERS)
  @ApiOperation({
    summary:
      'Unified settlement rate, on-time rate, average days to payment and disputed amount per month of acceptance, drugs and consumables apart (§S4)',
  })
  @ApiOkResponse({ type: MetricsView })
  metrics(@CurrentActor() actor: Actor, @Query() query: MetricsQuery): Promise<MetricsView> {
    return this.deadlines.metrics(actor, query);
  }

  @Get('overdue-alerts')
  @Roles(...READERS)
  @ApiOkResponse({ type: OverdueAlertPage })
  overdueAlerts(
    @CurrentActor() actor: Actor,
    @Query() query: OverdueAlertQuery,
  ): Promise<OverdueAlertPage> {
    return this.alerts.list(actor, query);
  }

  @Post('overdue-alerts/:id/acknowledge')
  @HttpCode(200)
  @Roles('fund_officer')
  @ApiOkResponse({ type: OverdueAlertView })
  acknowledge(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<OverdueAlertView> {
    return this.alerts.acknowledge(actor, id);
  }
}
