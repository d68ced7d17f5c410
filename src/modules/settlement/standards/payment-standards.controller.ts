import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import { ROLES } from '../../../common/auth/roles';
import {
  PaymentStandardPage,
  PaymentStandardQuery,
  PaymentStandardRunView,
  PaymentStandardView,
  RunPaymentStandardsRequest,
  SetPaymentStandardRequest,
} from './dto/payment-standard.dto';
import { PaymentStandardsService } from './payment-standards.service';

/**
 * Payment standards are published reimbursement prices: every role reads them. The fund's
 * pricing side sets them: pricing analysts and fund officers (§1).
 */
const SETTERS = ['pricing_analyst', 'fund_officer'] as const;

@ApiTags('settlement')
@ApiBearerAuth()
@Controller('settlement/payment-standards')
export class PaymentStandardsController {
  constructor(private readonly standards: PaymentStandardsService) {}

  @Get()
  @Roles(...ROLES)
  @ApiOperation({ summary: 'Payment standards with history; `on` = those in force that day (§S5)' })
  @ApiOkResponse({ type: PaymentStandardPage })
  list(@Query() query: PaymentStandardQuery): Promise<PaymentStandardPage> {
    return this.standards.list(query);
  }

  @Post()
  @Roles(...SETTERS)
  @ApiOperation({
    summary: 'Set a standard by hand; the current one ends the day before (same day: replaced)',
  })
  @ApiCreatedResponse({ type: PaymentStandardView })
  set(
    @CurrentActor() actor: Actor,
    @Body() body: SetPaymentStandardRequest,
  ): Promise<PaymentStandardView> {
    return this.standards.setManual(actor, body);
  }

  @Post('run')
  @HttpCode(200)
  @Roles(...SETTERS)
  @ApiOperation({
    summary:
      "Set an awarded round's standards now (the award job does it too); once per round, a repeat answers the first run",
  })
  @ApiOkResponse({ type: PaymentStandardRunView })
  run(
    @CurrentActor() actor: Actor,
    @Body() body: RunPaymentStandardsRequest,
  ): Promise<PaymentStandardRunView> {
    return this.standards.setForRound(actor, body.roundId);
  }
}
