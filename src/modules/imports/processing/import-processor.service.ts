import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { DomainError } from '../../../common/errors/domain-error';
import { duplicateKeyError } from '../../../common/errors/unique-constraints';
import { currentRequestId } from '../../../common/logging/request-context';
import { AppConfig } from '../../../config/config';
import { APP_CONFIG } from '../../../config/config.module';
import { forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { PROCESS_ROLE, ProcessRole } from '../../../jobs/job-queue';
import { AuditActor, AuditService } from '../../audit/audit.service';
import { CsvError } from '../domain/csv';
import type { UploadFormat } from '../domain/import-access';
import {
  checkCsvHeader,
  checkHeader,
  checkMeta,
  describeProblems,
  isEmptyRow,
  META_SHEET,
  ProblemLog,
  readRow,
  TemplateIdentity,
  templateUrl,
  tooManyRows,
  validationSummary,
} from '../domain/workbook-rules';
import { ErrorWorkbookWriter } from '../excel/error-workbook';
import { scanWorkbook, SheetRow, WorkbookReadError } from '../excel/sheet-reader';
import { scanCsv } from '../files/csv-reader';
import { UploadStore } from '../files/upload-store';
import { ImportContext, ImportKind, NumberedRow } from '../import-kind';
import { ImportKindRegistry } from '../import-kind.registry';
import { ImportFile, RUNNABLE_STATUSES } from '../import-file.entity';

/** Rows per checkBatch / writeBatch call, unless the kind says otherwise (`batchRows`). */
export const BATCH_SIZE = 500;
/** Problems kept in detail for the error workbook; beyond this they are only counted. */
export const PROBLEM_DETAIL_CAP = 10_000;
/** Problems stored on the import record for the API. */
const STORED_PROBLEMS = 1_000;

type Outcome =
  | { status: 'failed'; message: string; rowsTotal: number }
  | { status: 'failed_validation'; log: ProblemLog; rowsTotal: number }
  | { status: 'valid'; rowsTotal: number };

/** Thrown inside the commit transaction when another run has taken the import over. */
class Superseded extends Error {}

/**
 * Runs one import (§X): checks the stored file again, validates every row in one streaming
 * pass, then either writes the error workbook or writes everything in one transaction. A run
 * owns the record through its run token; file problems end as a `failed` record, never as a
 * thrown job.
 */
@Injectable()
export class ImportProcessor {
  private readonly logger = new Logger('imports');
  private readonly processName: string;

  constructor(
    private readonly registry: ImportKindRegistry,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly store: UploadStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PROCESS_ROLE) role: ProcessRole,
  ) {
    this.processName = `${role}:${hostname()}:${process.pid}`;
  }

  async process(importId: string): Promise<void> {
    const run = await this.claim(importId);
    if (!run) return;
    const { record, token } = run;
    const actor = JSON.parse(record.actorJson) as Actor;
    const kind = this.registry.get(record.kind);
    if (!kind || kind.version !== record.version) {
      // A kind of another version still decides whether what is stored must be sealed.
      await this.fail(
        record,
        token,
        kind,
        { actor, contextId: record.contextId, importId: record.id },
        {
          message: `Import kind ${record.kind} version ${record.version} is no longer available; download the current template and upload again`,
          rowsTotal: 0,
        },
      );
      return;
    }
    const identity: TemplateIdentity = {
      kind: kind.kind,
      version: kind.version,
      contextId: record.contextId,
    };
    const ctx: ImportContext = { actor, contextId: record.contextId, importId: record.id };
    const file = this.store.absolute(record.storagePath);
    const format = this.store.format(record.storagePath);
    let rowsTotal = 0;
    try {
      if (format === 'xlsx') await this.store.verifyInflatedSizes(file);
      const outcome = await this.validate(file, format, kind, identity, ctx);
      rowsTotal = outcome.rowsTotal;
      if (outcome.status === 'failed') {
        await this.fail(record, token, kind, ctx, outcome);
      } else if (outcome.status === 'failed_validation') {
        if (!kind.sealed)
          await this.writeErrorWorkbook(file, format, kind, identity, outcome.log, record.id);
        await this.failValidation(record, token, kind, ctx, outcome.log, outcome.rowsTotal);
      } else {
        await this.commit(record, token, file, format, kind, ctx, outcome.rowsTotal);
      }
    } catch (err) {
      if (err instanceof Superseded) return;
      await this.fail(record, token, kind, ctx, { message: this.explain(err), rowsTotal });
    }
    // Sealed content is not kept at rest once its rows are written or refused.
    if (kind.sealed) await this.store.discard(file);
  }

  /** Who the audit log names: the uploader, or its pseudonym for a sealed kind. */
  private auditActor(kind: ImportKind | undefined, ctx: ImportContext): AuditActor {
    return kind?.sealed ? kind.sealed.auditActor(ctx.actor, ctx.contextId) : ctx.actor;
  }

  /**
   * Takes the record for this run. A queued record is the normal case; one left validating or
   * committing belongs to a run that died (the queue redelivers a job only when its previous
   * attempt ended), and starting again is safe because nothing is written before the final
   * transaction, which checks that this run still owns the record.
   */
  private async claim(importId: string): Promise<{ record: ImportFile; token: string } | null> {
    const token = randomBytes(12).toString('hex');
    const now = this.clock.now();
    return this.tx.run(async (manager) => {
      const record = await forUpdate(
        manager.getRepository(ImportFile).createQueryBuilder('f').where('f.id = :id', {
          id: importId,
        }),
      ).getOne();
      if (!record || !RUNNABLE_STATUSES.includes(record.status)) return null;
      await manager
        .getRepository(ImportFile)
        .update(
          { id: record.id, status: In([...RUNNABLE_STATUSES]) },
          { status: 'validating', runToken: token, startedAt: now, executedBy: this.processName },
        );
      return { record: { ...record, status: 'validating', runToken: token }, token };
    });
  }

  /**
   * Pass 1: meta sheet (a workbook) or header labels (a CSV), header, every row parsed and
   * checked; nothing written.
   */
  private async validate(
    file: string,
    format: UploadFormat,
    kind: ImportKind,
    identity: TemplateIdentity,
    ctx: ImportContext,
  ): Promise<Outcome> {
    const log = new ProblemLog(PROBLEM_DETAIL_CAP);
    const seen = new Map<string, unknown>();
    const maxRows = this.config.uploads.maxRows;
    const batchRows = kind.batchRows ?? BATCH_SIZE;
    let meta: unknown[][] | null = null;
    let dataSheetSeen = false;
    let headerSeen = false;
    let refusal: string | null = null;
    let rowsTotal = 0;
    let batch: NumberedRow<unknown>[] = [];

    const flush = async () => {
      if (batch.length === 0) return;
      const found = await kind.checkBatch(batch, ctx, seen);
      for (const [row, problems] of [...found.entries()].sort((a, b) => a[0] - b[0])) {
        log.add(row, problems);
      }
      batch = [];
    };

    const onDataRow = async (row: SheetRow) => {
      // After a refusal the rest of the sheet is only drained.
      if (refusal) return;
      if (!headerSeen) {
        headerSeen = true;
        // A CSV has no hidden sheet: its header labels are what identifies the template.
        if (format === 'csv') {
          refusal = checkCsvHeader(row.values, kind.columns, identity);
          return;
        }
        refusal =
          checkMeta(meta, identity) ??
          (row.number === 1
            ? checkHeader(row.values, kind.columns, identity)
            : `Row 1 of sheet "${kind.sheetName}" must hold the column headers: download the template with ${templateUrl(identity)}`);
        return;
      }
      if (isEmptyRow(row.values, kind.columns)) return;
      rowsTotal++;
      if (rowsTotal > maxRows) {
        refusal = tooManyRows(maxRows);
        return;
      }
      const read = readRow(row.values, kind.columns);
      if (read.problems.length) {
        log.add(row.number, read.problems);
        return;
      }
      const parsed = kind.parseRow(read.cells);
      if (!parsed.ok) {
        log.add(row.number, parsed.problems);
        return;
      }
      batch.push({ rowNumber: row.number, value: parsed.value });
      if (batch.length >= batchRows) await flush();
    };

    if (format === 'csv') {
      await scanCsv(file, onDataRow);
    } else {
      await scanWorkbook(file, (sheet) => {
        if (sheet.name === META_SHEET) {
          meta = [];
          return (row) => {
            meta!.push(row.values);
          };
        }
        if (sheet.name === kind.sheetName && !dataSheetSeen) {
          dataSheetSeen = true;
          return onDataRow;
        }
        return null;
      });
    }
    if (!refusal) await flush();

    if (!refusal && !headerSeen) {
      refusal =
        format === 'csv'
          ? `The CSV file is empty: it needs the template's header row and at least one data row`
          : (checkMeta(meta, identity) ??
            (dataSheetSeen
              ? `Sheet "${kind.sheetName}" is empty: it needs the header row and at least one data row`
              : `The workbook has no sheet named "${kind.sheetName}": download the template with ${templateUrl(identity)}`));
    }
    if (refusal) return { status: 'failed', message: refusal, rowsTotal };
    if (rowsTotal === 0) {
      return {
        status: 'failed',
        message:
          format === 'csv'
            ? 'The CSV file has no data rows below the header row'
            : `Sheet "${kind.sheetName}" has no data rows below the header`,
        rowsTotal,
      };
    }
    if (log.total > 0) return { status: 'failed_validation', log, rowsTotal };
    return { status: 'valid', rowsTotal };
  }

  /** Pass 2 on failure: the uploaded rows with their problems, streamed to disk. */
  private async writeErrorWorkbook(
    file: string,
    format: UploadFormat,
    kind: ImportKind,
    identity: TemplateIdentity,
    log: ProblemLog,
    importId: string,
  ): Promise<void> {
    const writer = new ErrorWorkbookWriter(
      this.store.errorFile(importId),
      kind,
      identity,
      this.clock.now(),
    );
    const omitted = `行有错误，详情超出前 ${log.detailCapacity} 条 Row has problems; details are given for the first ${log.detailCapacity} problems only`;
    try {
      await this.scanDataRows(file, format, kind, (row) => {
        if (row.number === 1 || isEmptyRow(row.values, kind.columns)) return;
        const problems = log.forRow(row.number);
        const errors = problems === null ? omitted : describeProblems(problems, kind.columns);
        writer.addRow(row.values, errors);
      });
      await writer.finish();
    } catch (err) {
      await writer.abandon();
      throw err;
    }
  }

  /** Pass 2 on success: everything in one transaction, or nothing. */
  private async commit(
    record: ImportFile,
    token: string,
    file: string,
    format: UploadFormat,
    kind: ImportKind,
    ctx: ImportContext,
    rowsTotal: number,
  ): Promise<void> {
    await this.tx.run((m) =>
      m
        .getRepository(ImportFile)
        .update({ id: record.id, runToken: token }, { status: 'committing' }),
    );
    await this.tx.run(async (manager) => {
      await this.own(manager, record.id, token, 'committing');
      const batchRows = kind.batchRows ?? BATCH_SIZE;
      let batch: NumberedRow<unknown>[] = [];
      let written = 0;
      // The next batch is read while one is being written, so the database and the parser work
      // at the same time; batches are still written one after the other, in file order.
      const pending: { write: Promise<void> | null } = { write: null };
      const flush = async () => {
        if (batch.length === 0) return;
        const rows = batch;
        batch = [];
        if (pending.write) await pending.write;
        pending.write = kind.writeBatch(manager, rows, ctx).then(() => {
          written += rows.length;
        });
        // A failed write is thrown where it is awaited: by the next flush or after the scan.
        pending.write.catch(() => undefined);
      };
      try {
        await this.scanDataRows(file, format, kind, async (row) => {
          if (row.number === 1 || isEmptyRow(row.values, kind.columns)) return;
          const parsed = kind.parseRow(readRow(row.values, kind.columns).cells);
          if (!parsed.ok) {
            throw new Error(`row ${row.number} no longer reads as it did during validation`);
          }
          batch.push({ rowNumber: row.number, value: parsed.value });
          if (batch.length >= batchRows) await flush();
        });
        await flush();
        if (pending.write) await pending.write;
      } catch (err) {
        // The rollback waits for a write still running on the transaction's connection.
        if (pending.write) await pending.write.catch(() => undefined);
        throw err;
      }
      if (written !== rowsTotal) {
        throw new Error(`read ${written} rows while writing but ${rowsTotal} while validating`);
      }
      if (kind.finish) await kind.finish(manager, ctx, written);
      const finishedAt = this.clock.now();
      await manager.getRepository(ImportFile).update(
        { id: record.id, runToken: token },
        {
          status: 'committed',
          rowsTotal,
          rowsWritten: written,
          errorCount: 0,
          message: `${written} row${written === 1 ? '' : 's'} imported`,
          finishedAt,
        },
      );
      await this.audit.record(
        manager,
        this.auditActor(kind, ctx),
        'import.committed',
        { type: 'import', id: record.id },
        {
          after: {
            kind: kind.kind,
            version: kind.version,
            contextId: ctx.contextId,
            rows: written,
          },
        },
      );
    });
  }

  /** Streams the rows of the data sheet (a workbook) or of the file (a CSV), header included. */
  private async scanDataRows(
    file: string,
    format: UploadFormat,
    kind: ImportKind,
    onRow: (row: SheetRow) => Promise<void> | void,
  ): Promise<void> {
    if (format === 'csv') return scanCsv(file, onRow);
    let dataSheetSeen = false;
    await scanWorkbook(file, (sheet) => {
      if (sheet.name !== kind.sheetName || dataSheetSeen) return null;
      dataSheetSeen = true;
      return onRow;
    });
  }

  private async failValidation(
    record: ImportFile,
    token: string,
    kind: ImportKind,
    ctx: ImportContext,
    log: ProblemLog,
    rowsTotal: number,
  ): Promise<void> {
    const message = validationSummary(log, rowsTotal, record.id, !kind.sealed);
    const problems = JSON.stringify(log.first(STORED_PROBLEMS));
    await this.tx.run(async (manager) => {
      if (!(await this.own(manager, record.id, token, 'validating', false))) return;
      await manager.getRepository(ImportFile).update(
        { id: record.id },
        {
          status: 'failed_validation',
          rowsTotal,
          rowsWritten: 0,
          errorCount: log.total,
          errorFileAvailable: !kind.sealed,
          message,
          problemsJson: kind.sealed
            ? kind.sealed.protect(problems, ctx.contextId, record.id)
            : problems,
          finishedAt: this.clock.now(),
        },
      );
      await this.audit.record(
        manager,
        this.auditActor(kind, ctx),
        'import.failed_validation',
        { type: 'import', id: record.id },
        {
          after: {
            kind: record.kind,
            rows: rowsTotal,
            problems: log.total,
            rowsWithProblems: log.rowCount,
          },
        },
      );
    });
  }

  private async fail(
    record: ImportFile,
    token: string,
    kind: ImportKind | undefined,
    ctx: ImportContext,
    outcome: { message: string; rowsTotal: number },
  ): Promise<void> {
    const message = outcome.message.slice(0, 4000);
    await this.tx.run(async (manager) => {
      const current = await this.own(manager, record.id, token, null, false);
      if (!current) return;
      await manager.getRepository(ImportFile).update(
        { id: record.id },
        {
          status: 'failed',
          rowsTotal: outcome.rowsTotal,
          rowsWritten: 0,
          // A sealed kind's refusal may quote what was uploaded (a price, a sanction reason).
          message: kind?.sealed ? kind.sealed.protect(message, ctx.contextId, record.id) : message,
          finishedAt: this.clock.now(),
        },
      );
      await this.audit.record(
        manager,
        this.auditActor(kind, ctx),
        'import.failed',
        { type: 'import', id: record.id },
        {
          after: {
            kind: record.kind,
            ...(kind?.sealed ? {} : { message: outcome.message.slice(0, 500) }),
          },
        },
      );
    });
  }

  /**
   * Locks the record and checks this run still owns it (in the expected state, when given).
   * Inside the commit a lost claim aborts the transaction; elsewhere it returns false.
   */
  private async own(
    manager: EntityManager,
    id: string,
    token: string,
    status: ImportFile['status'] | null,
    abort = true,
  ): Promise<boolean> {
    const current = await forUpdate(
      manager.getRepository(ImportFile).createQueryBuilder('f').where('f.id = :id', { id }),
    ).getOne();
    const owned =
      current !== null &&
      current.runToken === token &&
      (status === null ? RUNNABLE_STATUSES.includes(current.status) : current.status === status);
    if (!owned && abort) throw new Superseded();
    return owned;
  }

  /** A message for the uploader; unexpected errors are logged and named only by reference. */
  private explain(err: unknown): string {
    const duplicate = duplicateKeyError(err);
    if (duplicate) return `Nothing was imported: ${duplicate.message}`;
    if (err instanceof DomainError) return err.message;
    if (err instanceof CsvError) return `The CSV file could not be read: ${err.message}`;
    if (err instanceof WorkbookReadError) {
      return `The workbook could not be read (it may be damaged): ${err.message}`;
    }
    this.logger.error(err instanceof Error ? err : String(err));
    return `The import failed unexpectedly and nothing was imported (reference ${currentRequestId() ?? 'none'})`;
  }
}
