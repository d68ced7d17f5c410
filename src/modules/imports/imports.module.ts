import { Global, Inject, Module, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobHandlerRegistry } from '../../jobs/handler-registry';
import { PROCESS_ROLE, ProcessRole } from '../../jobs/job-queue';
import { UploadStore } from './files/upload-store';
import { XlsxUploadInterceptor } from './files/upload.interceptor';
import { ImportFile } from './import-file.entity';
import { ImportKindRegistry } from './import-kind.registry';
import { ImportsController } from './imports.controller';
import { ImportsService } from './imports.service';
import { ImportProcessor } from './processing/import-processor.service';
import { ProcessImportJob } from './processing/process-import.job';

/**
 * The §X pipeline. Global so every context can register its import kinds; the job handler is
 * registered in the API and the worker alike, and only the process that consumes the queue
 * runs it.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ImportFile])],
  controllers: [ImportsController],
  providers: [
    ImportKindRegistry,
    ImportsService,
    ImportProcessor,
    ProcessImportJob,
    UploadStore,
    XlsxUploadInterceptor,
  ],
  exports: [ImportKindRegistry],
})
export class ImportsModule implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly handlers: JobHandlerRegistry,
    private readonly job: ProcessImportJob,
    private readonly imports: ImportsService,
    @Inject(PROCESS_ROLE) private readonly role: ProcessRole,
  ) {}

  onModuleInit(): void {
    this.handlers.register(this.job);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.role === 'api') await this.imports.resumeUnfinished();
  }
}
