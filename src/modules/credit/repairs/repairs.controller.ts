import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import { CREDIT_READERS } from '../cases/cases.controller';
import {
  ApplyRepairRequest,
  DecideRepairRequest,
  RepairPage,
  RepairQuery,
  RepairView,
} from './dto/repair.dto';
import { RepairsService } from './repairs.service';

@ApiTags('credit')
@ApiBearerAuth()
@Controller('credit')
export class RepairsController {
  constructor(private readonly repairs: RepairsService) {}

  @Post('ratings/:id/repairs')
  @Roles('supplier_user')
  @ApiOperation({
    summary: 'Apply to repair your rating (§K4) with corrective actions and their evidence',
  })
  @ApiCreatedResponse({ type: RepairView })
  apply(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: ApplyRepairRequest,
  ): Promise<RepairView> {
    return this.repairs.apply(actor, id, body);
  }

  @Get('repairs')
  @Roles(...CREDIT_READERS)
  @ApiOkResponse({ type: RepairPage })
  list(@CurrentActor() actor: Actor, @Query() query: RepairQuery): Promise<RepairPage> {
    return this.repairs.list(actor, query);
  }

  @Get('repairs/:id')
  @Roles(...CREDIT_READERS)
  @ApiOkResponse({ type: RepairView })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<RepairView> {
    return this.repairs.get(actor, id);
  }

  @Post('repairs/:id/approve')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({
    summary:
      'Approve a repair: the rating drops one level or ends, per its scheme; sanctions follow at once',
  })
  @ApiOkResponse({ type: RepairView })
  approve(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: DecideRepairRequest,
  ): Promise<RepairView> {
    return this.repairs.approve(actor, id, body);
  }

  @Post('repairs/:id/reject')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: 'Reject a repair application, with the reason (note)' })
  @ApiOkResponse({ type: RepairView })
  reject(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: DecideRepairRequest,
  ): Promise<RepairView> {
    return this.repairs.reject(actor, id, body);
  }
}
