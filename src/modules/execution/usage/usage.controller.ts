import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles, Scopes } from '../../../common/auth/decorators';
import { AUTHORITY_ROLES } from '../../../common/auth/roles';
import {
  LateUsagePage,
  LateUsageQuery,
  UsageBatchRequest,
  UsageBatchView,
  UsagePage,
  UsageQuery,
} from './dto/usage.dto';
import { UsageService } from './usage.service';

@ApiTags('execution')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('execution')
export class UsageController {
  constructor(private readonly usage: UsageService) {}

  @Put('usage-batches/:batchId')
  @Roles('hospital_user')
  @Scopes('usage:write')
  @ApiOperation({
    summary:
      "Report a batch of the hospital's purchases, usage and stock per product and day (§E3); the same batch id with the same rows answers the first result, other rows are a 409",
  })
  @ApiOkResponse({ type: UsageBatchView })
  putBatch(
    @CurrentActor() actor: Actor,
    @Param('batchId') batchId: string,
    @Body() body: UsageBatchRequest,
  ): Promise<UsageBatchView> {
    return this.usage.putBatch(actor, batchId, body);
  }

  @Get('usage')
  @Roles(...AUTHORITY_ROLES, 'hospital_user')
  @Scopes('usage:read', 'usage:write')
  @ApiOperation({ summary: "Usage rows: the hospital's own, or an authority's region" })
  @ApiOkResponse({ type: UsagePage })
  list(@CurrentActor() actor: Actor, @Query() query: UsageQuery): Promise<UsagePage> {
    return this.usage.list(actor, query);
  }

  @Get('usage/late')
  @Roles(...AUTHORITY_ROLES)
  @ApiOperation({
    summary: 'Hospitals of the region with late usage uploads over reported days [from, to]',
  })
  @ApiOkResponse({ type: LateUsagePage })
  late(@CurrentActor() actor: Actor, @Query() query: LateUsageQuery): Promise<LateUsagePage> {
    return this.usage.late(actor, query);
  }
}
