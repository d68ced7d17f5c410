import { Body, Controller, Get, Headers, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import { PaymentPage, PaymentQuery, PaymentView, PayStatementRequest } from './dto/payment.dto';
import { PaymentsService } from './payments.service';

@ApiTags('settlement')
@ApiBearerAuth()
@Controller('settlement')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post('statements/:id/pay')
  @Roles('fund_officer')
  @ApiOperation({
    summary:
      'Pay an approved statement exactly once (§S3.4); a retry with the same Idempotency-Key answers 200 with the first payment',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: '1–100 visible ASCII' })
  @ApiCreatedResponse({ type: PaymentView })
  @ApiOkResponse({ type: PaymentView, description: 'A retry: the first payment' })
  async pay(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Headers('idempotency-key') key: string | undefined,
    @Body() body: PayStatementRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PaymentView> {
    const result = await this.payments.pay(actor, id, key, body);
    res.status(result.replayed ? 200 : 201);
    return result.payment;
  }

  @Get('payments')
  @Roles('fund_officer', 'admin', 'auditor', 'supervisor', 'hospital_user', 'supplier_user')
  @ApiOkResponse({ type: PaymentPage })
  list(@CurrentActor() actor: Actor, @Query() query: PaymentQuery): Promise<PaymentPage> {
    return this.payments.list(actor, query);
  }
}
