import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/decorators';
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
  async list(@Query() query: AuditQuery): Promise<AuditEventPage> {
    const result = await this.audit.list(query);
    return { ...result, items: result.items.map((e) => AuditEventView.of(e)) };
  }

  @Get('verify')
  @ApiOkResponse({ type: AuditVerification })
  verify(): Promise<AuditVerification> {
    return this.audit.verify();
  }
}
