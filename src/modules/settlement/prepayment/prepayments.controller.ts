import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import {
  PrepaymentDetailView,
  PrepaymentPage,
  PrepaymentQuery,
  PrepaymentRunView,
  RunPrepaymentsRequest,
} from './dto/prepayment.dto';
import { PrepaymentsService } from './prepayments.service';

/** Fund officers prepay and settle (§1); admins and auditors read; a hospital reads its own. */
const READERS = ['fund_officer', 'admin', 'auditor', 'hospital_user'] as const;

@ApiTags('settlement')
@ApiBearerAuth()
@Controller('settlement/prepayments')
export class PrepaymentsController {
  constructor(private readonly prepayments: PrepaymentsService) {}

  @Post('run')
  @HttpCode(200)
  @Roles('fund_officer')
  @ApiOperation({
    summary:
      'Prepay each hospital (in scope) of an awarded round its share of the annual agreed amount (§S2); idempotent',
  })
  @ApiOkResponse({ type: PrepaymentRunView })
  run(
    @CurrentActor() actor: Actor,
    @Body() body: RunPrepaymentsRequest,
  ): Promise<PrepaymentRunView> {
    return this.prepayments.run(actor, body);
  }

  @Get()
  @Roles(...READERS)
  @ApiOkResponse({ type: PrepaymentPage })
  list(@CurrentActor() actor: Actor, @Query() query: PrepaymentQuery): Promise<PrepaymentPage> {
    return this.prepayments.list(actor, query);
  }

  @Get(':id')
  @Roles(...READERS)
  @ApiOperation({ summary: 'A prepayment with the offsets statements took from it' })
  @ApiOkResponse({ type: PrepaymentDetailView })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<PrepaymentDetailView> {
    return this.prepayments.get(actor, id);
  }

  @Post(':id/settle')
  @HttpCode(200)
  @Roles('fund_officer')
  @ApiOperation({
    summary:
      'After the agreement year: the remainder not offset becomes a receivable from the hospital (§S2)',
  })
  @ApiOkResponse({ type: PrepaymentDetailView })
  settle(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<PrepaymentDetailView> {
    return this.prepayments.settle(actor, id);
  }
}
