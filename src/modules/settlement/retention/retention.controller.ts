import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import {
  RetentionPage,
  RetentionQuery,
  RetentionRunView,
  RunRetentionRequest,
} from './dto/retention.dto';
import { RetentionService } from './retention.service';

/** The fund computes retention (§1); supervisors, auditors and admins read; a hospital its own. */
const READERS = ['fund_officer', 'admin', 'auditor', 'supervisor', 'hospital_user'] as const;

@ApiTags('settlement')
@ApiBearerAuth()
@Controller('settlement/retention')
export class RetentionController {
  constructor(private readonly retention: RetentionService) {}

  @Post('run')
  @HttpCode(200)
  @Roles('fund_officer')
  @ApiOperation({
    summary:
      'Compute surplus retention per hospital (in scope) × lot for an ended agreement year (§S6); idempotent',
  })
  @ApiOkResponse({ type: RetentionRunView })
  run(@CurrentActor() actor: Actor, @Body() body: RunRetentionRequest): Promise<RetentionRunView> {
    return this.retention.run(actor, body);
  }

  @Get('results')
  @Roles(...READERS)
  @ApiOperation({ summary: 'Retention results with every input and the line-by-line explanation' })
  @ApiOkResponse({ type: RetentionPage })
  list(@CurrentActor() actor: Actor, @Query() query: RetentionQuery): Promise<RetentionPage> {
    return this.retention.list(actor, query);
  }
}
