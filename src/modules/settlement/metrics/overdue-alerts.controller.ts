import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import { OverdueAlertSummaryQuery, OverdueAlertSummaryView } from './dto/overdue-alert-summary.dto';
import { OverdueAlerts } from './overdue-alerts.service';

const READERS = ['fund_officer', 'admin', 'auditor', 'hospital_user', 'supplier_user'] as const;

@ApiTags('settlement')
@ApiBearerAuth()
@Controller('settlement/overdue-alerts')
export class OverdueAlertsController {
  constructor(private readonly alerts: OverdueAlerts) {}

  @Get('summary')
  @Roles(...READERS)
  @ApiOperation({
    summary:
      'Counts of the overdue alerts the caller sees by status, and the unresolved amount (§S4)',
  })
  @ApiOkResponse({ type: OverdueAlertSummaryView })
  summary(
    @CurrentActor() actor: Actor,
    @Query() query: OverdueAlertSummaryQuery,
  ): Promise<OverdueAlertSummaryView> {
    return this.alerts.summary(actor, query);
  }
}
