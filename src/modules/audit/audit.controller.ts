import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../common/auth/actor';
import { CurrentActor, Roles } from '../../common/auth/decorators';
import { AuditService } from './audit.service';
import { AuditEventPage, AuditEventView, AuditQuery, AuditVerification } from './dto/audit.dto';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
@Roles('auditor', 'admin')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('events')
  @ApiOkResponse({ type: AuditEventPage })
  async list(@CurrentActor() actor: Actor, @Query() query: AuditQuery): Promise<AuditEventPage> {
    const result = await this.audit.list(actor, query);
    return { ...result, items: result.items.map((e) => AuditEventView.of(e)) };
  }

  @Get('verify')
  @ApiOkResponse({ type: AuditVerification })
  verify(): Promise<AuditVerification> {
    return this.audit.verify();
  }
}
