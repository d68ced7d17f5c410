import { PassThrough, Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { Actor } from '../../common/auth/actor';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/errors/domain-error';
import {
  duplicateKeyError,
  registerUniqueConstraint,
} from '../../common/errors/unique-constraints';
import { RateLimiter } from '../../common/http/rate-limiter';
import { page, Page, skipTake } from '../../common/pagination';
import { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { TransactionRunner } from '../../database/transaction-runner';
import { JobQueue } from '../../jobs/job-queue';
import { AuditService } from '../audit/audit.service';
import { canSeeImport, importScope, parseContextId, uploadFormat } from './domain/import-access';
import { ImportQuery } from './dto/imports.dto';
import { writeTemplate } from './excel/template-writer';
import { ReceivedFile, UploadStore } from './files/upload-store';
import { ImportKind } from './import-kind';
import { ImportKindRegistry } from './import-kind.registry';
import { ImportFile, RUNNABLE_STATUSES } from './import-file.entity';
import { importsError } from './imports.errors';

export const IMPORTS_QUEUE = 'imports';
export const PROCESS_IMPORT_JOB = 'process';

// Per uploading organisation: another organisation's upload of the same file is its own import,
// and the refusal never tells one organisation what another uploaded.
registerUniqueConstraint('uq_import_files__kind__context_id__organisation_id__sha256', {
  table: 'import_files',
  columns: ['kind', 'context_id', 'organisation_id', 'sha256'],
  code: 'IMPORTS.DUPLICATE_FILE',
  message: 'Your organisation has already uploaded this file for this template',
});

export interface TemplateDownload {
  fileName: string;
  stream: Readable;
}

/** The §X pipeline's use cases on the API side: kinds, templates, upload, reading imports. */
@Injectable()
export class ImportsService {
  private readonly logger = new Logger('imports');
  private readonly uploadLimiter: RateLimiter;

  constructor(
    @InjectRepository(ImportFile) private readonly imports: Repository<ImportFile>,
    private readonly registry: ImportKindRegistry,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly jobs: JobQueue,
    private readonly store: UploadStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.uploadLimiter = new RateLimiter(
      config.uploadRateLimit.limit,
      config.uploadRateLimit.windowSeconds * 1000,
      'uploads',
    );
  }

  kinds(actor: Actor): ImportKind[] {
    return this.registry
      .all()
      .filter((k) => k.allowed(actor, ''))
      .sort((a, b) => a.kind.localeCompare(b.kind));
  }

  async template(actor: Actor, kindName: string, rawContextId: unknown): Promise<TemplateDownload> {
    const contextId = parseContextId(rawContextId);
    const kind = await this.usableKind(actor, kindName, contextId);
    const rows = kind.templateRows ? await kind.templateRows(actor, contextId) : [];
    const stream = new PassThrough();
    writeTemplate(
      stream,
      kind,
      { kind: kind.kind, version: kind.version, contextId },
      { generatedAt: this.clock.now(), rows, maxRows: this.config.uploads.maxRows },
    ).catch((err: unknown) => {
      this.logger.error(err instanceof Error ? err : String(err));
      stream.destroy(err instanceof Error ? err : new Error(String(err)));
    });
    const suffix = contextId ? `-${contextId}` : '';
    return { fileName: `${kind.kind}${suffix}-v${kind.version}.xlsx`, stream };
  }

  /**
   * The checks an upload passes before its body is read: the kind exists, the actor may use
   * it for this context, and the actor is within the upload rate limit.
   */
  async admitUpload(actor: Actor, kindName: string, rawContextId: unknown): Promise<ImportKind> {
    const contextId = parseContextId(rawContextId);
    const kind = await this.usableKind(actor, kindName, contextId);
    this.uploadLimiter.hit(`${actor.kind}:${actor.id}`);
    return kind;
  }

  /**
   * Stores a received workbook and queues it. Refuses anything that is not a sound .xlsx (or
   * UTF-8 .csv, for kinds that accept it) within the limits, and a file the actor's organisation already uploaded for the same
   * template (409 naming that first upload; other organisations' uploads are never consulted).
   * The received temporary file is always consumed: kept or removed.
   */
  async upload(
    actor: Actor,
    kindName: string,
    rawContextId: unknown,
    file: ReceivedFile | undefined,
  ): Promise<ImportFile> {
    if (!file) {
      throw importsError(
        'FILE_MISSING',
        'Send the workbook as multipart/form-data in the field "file"',
        { field: 'file' },
      );
    }
    let kept = false;
    try {
      const contextId = parseContextId(rawContextId);
      const kind = await this.usableKind(actor, kindName, contextId);
      const format = uploadFormat(file.originalname, kind.csv === true);
      if (format === 'csv') await this.store.inspectCsv(file.path);
      else await this.store.inspect(file.path, file.size);
      await this.refuseDuplicate(actor, kind, contextId, file.sha256);
      const storagePath = await this.store.keep(file.path, actor.orgId, file.sha256, format);
      kept = true;
      const record = await this.insert(actor, kind, contextId, file, storagePath);
      await this.jobs.enqueue(
        IMPORTS_QUEUE,
        PROCESS_IMPORT_JOB,
        { importId: record.id },
        { jobId: `import-${record.id}` },
      );
      return record;
    } finally {
      if (!kept) await this.store.discard(file.path);
    }
  }

  /**
   * Embedded mode keeps its queue in memory, so imports queued or running when the process
   * stopped are queued again at start-up (BullMQ keeps its jobs itself).
   */
  async resumeUnfinished(): Promise<void> {
    if (this.config.redisUrl) return;
    const unfinished = await this.imports.find({
      select: { id: true },
      where: { status: In([...RUNNABLE_STATUSES]) },
      order: { id: 'ASC' },
    });
    for (const { id } of unfinished) {
      await this.jobs.enqueue(
        IMPORTS_QUEUE,
        PROCESS_IMPORT_JOB,
        { importId: id },
        { jobId: `import-${id}` },
      );
    }
  }

  async list(actor: Actor, query: ImportQuery): Promise<Page<ImportFile>> {
    const scope = importScope(actor);
    const qb = this.imports.createQueryBuilder('f');
    if (scope.regionPath === undefined) {
      qb.where('f.organisation_id = :org', { org: scope.orgId });
    } else if (scope.regionPath !== null) {
      qb.where('(f.organisation_id = :org OR f.region_path LIKE :path)', {
        org: scope.orgId,
        path: `${scope.regionPath}%`,
      });
    }
    // Sealed imports (bids before opening) are their uploader's alone, overseers included.
    const sealed = this.registry
      .all()
      .filter((k) => k.sealed)
      .map((k) => k.kind);
    if (sealed.length > 0 && scope.regionPath !== undefined)
      qb.andWhere('(f.kind NOT IN (:...sealed) OR f.organisation_id = :sealedOrg)', {
        sealed,
        sealedOrg: scope.orgId,
      });
    if (query.kind) qb.andWhere('f.kind = :kind', { kind: query.kind });
    if (query.status) qb.andWhere('f.status = :status', { status: query.status });
    qb.orderBy('f.id', query.order === 'desc' ? 'DESC' : 'ASC');
    const { skip, take } = skipTake(query);
    const [items, total] = await qb.skip(skip).take(take).getManyAndCount();
    return page(
      items.map((f) => this.revealed(f)),
      total,
      query,
    );
  }

  async get(actor: Actor, id: string): Promise<ImportFile> {
    const record = /^\d{1,18}$/.test(id) ? await this.imports.findOneBy({ id }) : null;
    const sealed = record ? this.registry.get(record.kind)?.sealed : undefined;
    if (
      !record ||
      !canSeeImport(importScope(actor), record) ||
      (sealed && record.organisationId !== actor.orgId)
    ) {
      throw importsError('IMPORT_NOT_FOUND', `Import ${id} not found`, { id });
    }
    return this.revealed(record);
  }

  /** A sealed kind's stored refusal and row problems, decrypted for the uploader who reads them. */
  private revealed(record: ImportFile): ImportFile {
    const sealed = this.registry.get(record.kind)?.sealed;
    if (!sealed) return record;
    const reveal = (text: string | null) =>
      text === null ? null : sealed.reveal(text, record.contextId, record.id);
    // Only a failed import's message is sealed; the others are the pipeline's own words.
    return {
      ...record,
      message: record.status === 'failed' ? reveal(record.message) : record.message,
      problemsJson: reveal(record.problemsJson),
    };
  }

  async errorFile(actor: Actor, id: string): Promise<{ path: string; fileName: string }> {
    const record = await this.get(actor, id);
    const path = this.store.errorFile(record.id);
    if (!record.errorFileAvailable || !(await this.store.exists(path))) {
      throw importsError(
        'NO_ERROR_FILE',
        `Import ${id} has no error workbook (it is ${record.status})`,
        { id, status: record.status },
      );
    }
    return { path, fileName: `import-${record.id}-errors.xlsx` };
  }

  private async usableKind(actor: Actor, kindName: string, contextId: string): Promise<ImportKind> {
    const kind = this.registry.get(kindName);
    if (!kind) {
      throw importsError('KIND_NOT_FOUND', `There is no import kind ${kindName}`, {
        kind: kindName,
      });
    }
    if (!kind.allowed(actor, contextId)) {
      throw importsError('KIND_NOT_ALLOWED', `You may not import ${kind.kind} (${kind.title})`, {
        kind: kind.kind,
      });
    }
    if (kind.checkContext) await kind.checkContext(actor, contextId);
    else if (contextId) {
      throw importsError('CONTEXT_INVALID', `Import kind ${kind.kind} takes no contextId`, {
        field: 'contextId',
      });
    }
    return kind;
  }

  private async refuseDuplicate(
    actor: Actor,
    kind: ImportKind,
    contextId: string,
    sha256: string,
  ): Promise<void> {
    const first = await this.firstUpload(actor, kind, contextId, sha256);
    if (first) throw duplicateFile(first);
  }

  /** The actor's organisation's earlier upload of the file for this kind and context, if any. */
  private firstUpload(
    actor: Actor,
    kind: ImportKind,
    contextId: string,
    sha256: string,
  ): Promise<ImportFile | null> {
    return this.imports.findOneBy({
      kind: kind.kind,
      contextId,
      organisationId: actor.orgId,
      sha256,
    });
  }

  private async insert(
    actor: Actor,
    kind: ImportKind,
    contextId: string,
    file: ReceivedFile,
    storagePath: string,
  ): Promise<ImportFile> {
    try {
      return await this.tx.run(async (manager) => {
        const repo = manager.getRepository(ImportFile);
        const record = repo.create({
          kind: kind.kind,
          version: kind.version,
          contextId,
          sha256: file.sha256,
          originalName: file.originalname.slice(0, 255),
          sizeBytes: file.size,
          storagePath,
          status: 'queued',
          rowsTotal: 0,
          rowsWritten: 0,
          errorCount: 0,
          errorFileAvailable: false,
          message: null,
          problemsJson: null,
          uploadedByKind: actor.kind,
          uploadedBy: actor.id,
          uploadedByName: actor.name,
          actorJson: JSON.stringify(actor),
          organisationId: actor.orgId,
          regionPath: actor.regionPath,
          executedBy: null,
          runToken: null,
          createdAt: this.clock.now(),
          startedAt: null,
          finishedAt: null,
        });
        await repo.insert(record);
        // A sealed upload is recorded under a pseudonym, without the file name that may name it.
        await this.audit.record(
          manager,
          kind.sealed ? kind.sealed.auditActor(actor, contextId) : actor,
          'import.uploaded',
          { type: 'import', id: record.id },
          {
            after: {
              kind: record.kind,
              version: record.version,
              contextId,
              sha256: record.sha256,
              ...(kind.sealed ? {} : { originalName: record.originalName }),
              sizeBytes: record.sizeBytes,
            },
          },
        );
        return record;
      });
    } catch (err) {
      // Two uploads of the same file by one organisation racing: answer the loser like any other
      // duplicate (the key is per organisation, so the winner is the loser's own).
      if (duplicateKeyError(err)) {
        const first = await this.firstUpload(actor, kind, contextId, file.sha256);
        if (first) throw duplicateFile(first);
      }
      throw err;
    }
  }
}

/**
 * The refusal of a second upload, naming the first: always one of the uploader's own
 * organisation (a sealed one included, which its organisation sees), never another's.
 */
function duplicateFile(first: ImportFile): DomainError {
  return importsError(
    'DUPLICATE_FILE',
    `This file was already uploaded for ${first.kind} as import ${first.id} (${first.status})`,
    { importId: first.id, status: first.status },
  );
}
