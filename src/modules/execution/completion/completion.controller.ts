import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import { AUTHORITY_ROLES } from '../../../common/auth/roles';
import { CompletionService } from './completion.service';
import {
  CompletionCheckRequest,
  CompletionCheckView,
  CompletionPage,
  CompletionQuery,
} from './dto/completion.dto';

@ApiTags('execution')
@ApiBearerAuth()
@Controller('execution/completion')
export class CompletionController {
  constructor(private readonly completion: CompletionService) {}

  @Get()
  @Roles(...AUTHORITY_ROLES, 'hospital_user', 'supplier_user')
  @ApiOperation({
    summary:
      "Monthly completion of agreed volumes (§E4): a hospital's own agreements, a supplier's, or an authority's region",
  })
  @ApiOkResponse({ type: CompletionPage })
  list(@CurrentActor() actor: Actor, @Query() query: CompletionQuery): Promise<CompletionPage> {
    return this.completion.list(actor, query);
  }

  @Post('check')
  @HttpCode(200)
  @Roles('fund_officer', 'procurement_officer', 'admin')
  @ApiOperation({
    summary:
      'Run the completion check for a month now: (re)computes the snapshot of every agreement in force that month',
  })
  @ApiOkResponse({ type: CompletionCheckView })
  check(
    @CurrentActor() actor: Actor,
    @Body() body: CompletionCheckRequest,
  ): Promise<CompletionCheckView> {
    return this.completion.check(actor, body.month);
  }
}
