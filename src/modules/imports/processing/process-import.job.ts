import { Injectable } from '@nestjs/common';
import { JobHandler } from '../../../jobs/job-queue';
import { IMPORTS_QUEUE, PROCESS_IMPORT_JOB } from '../imports.service';
import { ImportProcessor } from './import-processor.service';

/** `imports:process` — payload `{ importId }`; runs in the worker, or in-process when embedded. */
@Injectable()
export class ProcessImportJob implements JobHandler<{ importId: string }> {
  readonly queue = IMPORTS_QUEUE;
  readonly name = PROCESS_IMPORT_JOB;

  constructor(private readonly processor: ImportProcessor) {}

  handle(payload: { importId: string }): Promise<void> {
    return this.processor.process(String(payload.importId));
  }
}
