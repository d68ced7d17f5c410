import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import {
  EvaluationQuery,
  EvaluationRunPage,
  EvaluationRunView,
  RequestEvaluationRequest,
} from './dto/evaluation.dto';
import { EvaluationService } from './evaluation.service';

/**
 * §M8 evaluation runs. Runs hold counts only, no tenant data: analysts, supervisors, auditors
 * and admins read them; analysts request full scans.
 */
@ApiTags('monitoring')
@ApiBearerAuth()
@Controller('monitoring/evaluations')
export class EvaluationsController {
  constructor(private readonly evaluations: EvaluationService) {}

  @Get()
  @Roles('pricing_analyst', 'supervisor', 'auditor', 'admin')
  @ApiOperation({
    summary: 'Evaluation runs, newest first (filter by kind, status, period, batch)',
  })
  @ApiOkResponse({ type: EvaluationRunPage })
  list(@Query() query: EvaluationQuery): Promise<EvaluationRunPage> {
    return this.evaluations.list({ ...query, order: query.order ?? 'desc' });
  }

  @Get(':id')
  @Roles('pricing_analyst', 'supervisor', 'auditor', 'admin')
  @ApiOperation({ summary: 'One evaluation run' })
  @ApiOkResponse({ type: EvaluationRunView })
  get(@Param('id') id: string): Promise<EvaluationRunView> {
    return this.evaluations.get(id);
  }

  @Post()
  @HttpCode(202)
  @Roles('pricing_analyst')
  @ApiOperation({
    summary:
      'Scan a period in full (every rule, every generic); queued as a job, poll the run for its counts',
  })
  @ApiAcceptedResponse({ type: EvaluationRunView })
  request(
    @CurrentActor() actor: Actor,
    @Body() body: RequestEvaluationRequest,
  ): Promise<EvaluationRunView> {
    return this.evaluations.requestFull(actor, body.period);
  }
}
