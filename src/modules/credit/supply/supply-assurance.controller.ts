import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import { AUTHORITY_ROLES } from '../../../common/auth/roles';
import {
  ActivationPage,
  ActivationQuery,
  ActivationRequest,
  ActivationView,
  EscalateRequest,
  FailurePage,
  FailureQuery,
  FailureRequest,
  FailureView,
} from './dto/supply.dto';
import { SupplyAssuranceService } from './supply-assurance.service';

@ApiTags('credit')
@ApiBearerAuth()
@Controller('credit/supply')
export class SupplyAssuranceController {
  constructor(private readonly assurance: SupplyAssuranceService) {}

  @Post('activations')
  @Roles('procurement_officer')
  @ApiOperation({
    summary:
      "Activate a region's backup supplier for a lot (§K5): it supplies the region's hospitals from today at its own winning price; the failing winner's agreements there are marked replaced",
  })
  @ApiCreatedResponse({ type: ActivationView })
  activate(@CurrentActor() actor: Actor, @Body() body: ActivationRequest): Promise<ActivationView> {
    return this.assurance.activate(actor, body);
  }

  @Get('activations')
  @Roles(...AUTHORITY_ROLES)
  @ApiOperation({ summary: "Backup activations in the caller's regions, newest first by default" })
  @ApiOkResponse({ type: ActivationPage })
  activations(
    @CurrentActor() actor: Actor,
    @Query() query: ActivationQuery,
  ): Promise<ActivationPage> {
    return this.assurance.listActivations(actor, query);
  }

  @Get('activations/:id')
  @Roles(...AUTHORITY_ROLES)
  @ApiOperation({ summary: 'One backup activation' })
  @ApiOkResponse({ type: ActivationView })
  activation(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ActivationView> {
    return this.assurance.getActivation(actor, id);
  }

  @Post('failures')
  @Roles('procurement_officer', 'supervisor')
  @ApiOperation({ summary: 'Record a supply failure with the alerts that evidence it (§K5)' })
  @ApiCreatedResponse({ type: FailureView })
  record(@CurrentActor() actor: Actor, @Body() body: FailureRequest): Promise<FailureView> {
    return this.assurance.recordFailure(actor, body);
  }

  @Get('failures')
  @Roles(...AUTHORITY_ROLES)
  @ApiOperation({ summary: "Supply failures in the caller's regions" })
  @ApiOkResponse({ type: FailurePage })
  failures(@CurrentActor() actor: Actor, @Query() query: FailureQuery): Promise<FailurePage> {
    return this.assurance.listFailures(actor, query);
  }

  @Get('failures/:id')
  @Roles(...AUTHORITY_ROLES)
  @ApiOperation({ summary: 'One supply failure' })
  @ApiOkResponse({ type: FailureView })
  failure(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<FailureView> {
    return this.assurance.getFailure(actor, id);
  }

  @Post('failures/:id/escalation')
  @Roles('procurement_officer', 'supervisor')
  @ApiOperation({
    summary:
      'Turn a supply failure into a credit case (behaviour failure_to_supply); the failure keeps the case code',
  })
  @ApiCreatedResponse({ type: FailureView })
  escalate(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: EscalateRequest,
  ): Promise<FailureView> {
    return this.assurance.escalate(actor, id, body);
  }
}
