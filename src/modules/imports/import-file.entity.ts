import { Column, Entity, ValueTransformer } from 'typeorm';
import { idColumn, PrimaryId } from '../../database/decimal';

export const IMPORT_STATUSES = [
  'queued',
  'validating',
  'failed_validation',
  'committing',
  'committed',
  'failed',
] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** States a run may be (re)started from: a redelivered job finds its predecessor's state. */
export const RUNNABLE_STATUSES: readonly ImportStatus[] = ['queued', 'validating', 'committing'];

/** File sizes are BIGINT (strings through mysql2); they stay far below 2^53. */
const byteCount: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

/** One uploaded workbook and what became of it (§X). */
@Entity('import_files')
export class ImportFile {
  @PrimaryId()
  id!: string;

  @Column({ type: 'varchar' })
  kind!: string;

  @Column({ type: 'int' })
  version!: number;

  /** Empty for kinds that belong to no context. */
  @Column({ name: 'context_id', type: 'varchar' })
  contextId!: string;

  /**
   * SHA-256 of the uploaded bytes. Unique per kind, context and uploading organisation
   * (`uq_import_files__kind__context_id__organisation_id__sha256`): the same file is one import
   * per organisation, while other organisations sharing the context upload it on their own.
   */
  @Column({ type: 'varchar' })
  sha256!: string;

  @Column({ name: 'original_name', type: 'varchar' })
  originalName!: string;

  @Column({ name: 'size_bytes', type: 'bigint', transformer: byteCount })
  sizeBytes!: number;

  /** Relative to DATA_DIR, which the API and the worker share. */
  @Column({ name: 'storage_path', type: 'varchar' })
  storagePath!: string;

  @Column({ type: 'varchar' })
  status!: ImportStatus;

  @Column({ name: 'rows_total', type: 'int' })
  rowsTotal!: number;

  @Column({ name: 'rows_written', type: 'int' })
  rowsWritten!: number;

  @Column({ name: 'error_count', type: 'int' })
  errorCount!: number;

  @Column({ name: 'error_file_available', type: 'boolean' })
  errorFileAvailable!: boolean;

  @Column({ type: 'text', nullable: true })
  message!: string | null;

  /** The first problems, as JSON `[{row, column, message}]`, for the API. */
  @Column({ name: 'problems_json', type: 'text', nullable: true })
  problemsJson!: string | null;

  @Column({ name: 'uploaded_by_kind', type: 'varchar' })
  uploadedByKind!: 'user' | 'api_key';

  @Column({ name: 'uploaded_by', type: 'varchar' })
  uploadedBy!: string;

  @Column({ name: 'uploaded_by_name', type: 'varchar' })
  uploadedByName!: string;

  /** The uploader as resolved at upload time: the job acts with these rights. */
  @Column({ name: 'actor_json', type: 'text' })
  actorJson!: string;

  @Column({ name: 'organisation_id', type: 'bigint', transformer: idColumn })
  organisationId!: string;

  /** Region path of the uploader's organisation, for the admins' and auditors' scope. */
  @Column({ name: 'region_path', type: 'varchar', nullable: true })
  regionPath!: string | null;

  /** `api:host:pid` or `worker:host:pid` of the process that ran the job. */
  @Column({ name: 'executed_by', type: 'varchar', nullable: true })
  executedBy!: string | null;

  /** Identifies the run that owns the record; a superseded run may not commit. */
  @Column({ name: 'run_token', type: 'varchar', nullable: true })
  runToken!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'started_at', type: 'datetime', precision: 3, nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'datetime', precision: 3, nullable: true })
  finishedAt!: Date | null;
}
