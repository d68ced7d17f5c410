import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditController } from './audit.controller';
import { AuditEvent, AuditHead } from './audit-event.entity';
import { AuditService } from './audit.service';

/** Global: every context records its state changes through AuditService.record. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditEvent, AuditHead])],
  controllers: [AuditController],
  providers: [AuditService],
  exports: [AuditService],
})
export class AuditModule {}
