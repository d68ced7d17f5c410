import { Column, Entity } from 'typeorm';
import { Decimal, decimalColumn, idColumn, PrimaryId } from '../../../database/decimal';

/** §M1 where a price was seen. */
export const OBSERVATION_SOURCES = [
  'purchase',
  'delivery',
  'bid',
  'listing',
  'sentinel',
  'external',
] as const;
export type ObservationSource = (typeof OBSERVATION_SOURCES)[number];

/** Sources derived from the system's own records (re-derivable, idempotent). */
export const DERIVED_SOURCES = ['purchase', 'delivery', 'bid', 'listing'] as const;
export type DerivedSource = (typeof DERIVED_SOURCES)[number];

export const OBSERVATION_CATEGORIES = ['drug', 'consumable'] as const;
export type ObservationCategory = (typeof OBSERVATION_CATEGORIES)[number];

/** What an `external` row refers to: another region's price or the national monitoring price. */
export const REFERENCE_KINDS = ['other_region', 'national_monitoring'] as const;
export type ReferenceKind = (typeof REFERENCE_KINDS)[number];

/** The `region_code` of a national monitoring price (not a region of the tree). */
export const NATIONAL_REGION_CODE = 'national';

export const OBSERVATION_BATCH_KINDS = ['derivation', 'import', 'api', 'bulk'] as const;
export type ObservationBatchKind = (typeof OBSERVATION_BATCH_KINDS)[number];

export const OBSERVATION_BATCH_STATUSES = ['loading', 'committed', 'failed'] as const;
export type ObservationBatchStatus = (typeof OBSERVATION_BATCH_STATUSES)[number];

const price = (name: string, nullable = false) =>
  ({
    name,
    type: 'decimal',
    precision: 18,
    scale: 6,
    nullable,
    transformer: decimalColumn(6),
  }) as const;

/**
 * §M1 one price seen once: append-only. The table is written only by the observation loaders
 * (multi-row inserts, never a save per row); rules, the index and reports read it.
 */
@Entity('monitoring_observations')
export class Observation {
  @PrimaryId()
  id!: string;

  @Column({ type: 'varchar' })
  source!: ObservationSource;

  /** `delivery_line:123`, `listing:9@2026-03-01`, `import:<fileId>:<row>`, `api:<batchId>:<n>` … */
  @Column({ name: 'source_ref', type: 'varchar' })
  sourceRef!: string;

  @Column({ name: 'batch_id', type: 'bigint', nullable: true, transformer: idColumn })
  batchId!: string | null;

  @Column({ name: 'product_id', type: 'bigint', transformer: idColumn })
  productId!: string;

  /** Drugs: generic | dosage-form class | strength+unit; consumables: category path | spec. */
  @Column({ name: 'generic_key', type: 'varchar' })
  genericKey!: string;

  @Column({ type: 'varchar' })
  category!: ObservationCategory;

  @Column({ name: 'category_path', type: 'varchar', nullable: true })
  categoryPath!: string | null;

  @Column({ name: 'region_code', type: 'varchar' })
  regionCode!: string;

  @Column({ name: 'hospital_id', type: 'bigint', nullable: true, transformer: idColumn })
  hospitalId!: string | null;

  @Column({ name: 'supplier_id', type: 'bigint', nullable: true, transformer: idColumn })
  supplierId!: string | null;

  /** Per smallest unit of the product. */
  @Column(price('unit_price'))
  unitPrice!: Decimal;

  /** Per representative unit of the product's lot, where one exists (§P5). */
  @Column(price('comparable_price', true))
  comparablePrice!: Decimal | null;

  /** Smallest units. */
  @Column({
    name: 'quantity',
    type: 'decimal',
    precision: 18,
    scale: 3,
    nullable: true,
    transformer: decimalColumn(3),
  })
  quantity!: Decimal | null;

  @Column({ name: 'observed_on', type: 'date' })
  observedOn!: string;

  /** `YYYY-MM` of observed_on. */
  @Column({ type: 'varchar' })
  period!: string;

  @Column({ name: 'reference_kind', type: 'varchar', nullable: true })
  referenceKind!: ReferenceKind | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}

/** §M1 one load of observations: a derivation run, an Excel import, an API batch, a bulk load. */
@Entity('monitoring_observation_batches')
export class ObservationBatch {
  @PrimaryId()
  id!: string;

  @Column({ type: 'varchar' })
  kind!: ObservationBatchKind;

  @Column({ type: 'varchar', nullable: true })
  source!: ObservationSource | null;

  @Column({ name: 'batch_key', type: 'varchar' })
  batchKey!: string;

  @Column({ type: 'varchar', nullable: true })
  period!: string | null;

  @Column({ name: 'organisation_id', type: 'bigint', nullable: true, transformer: idColumn })
  organisationId!: string | null;

  @Column({ name: 'import_file_id', type: 'bigint', nullable: true, transformer: idColumn })
  importFileId!: string | null;

  @Column({ name: 'content_hash', type: 'varchar', nullable: true })
  contentHash!: string | null;

  @Column({ type: 'varchar' })
  status!: ObservationBatchStatus;

  /** Rows the load carried. */
  @Column({ name: 'row_count', type: 'int' })
  rowCount!: number;

  /** Rows that became observations (a re-derivation inserts none for rows already derived). */
  @Column({ name: 'inserted_count', type: 'int' })
  insertedCount!: number;

  @Column({ type: 'varchar', nullable: true })
  message!: string | null;

  @Column({ name: 'created_by', type: 'varchar' })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'committed_at', type: 'datetime', precision: 3, nullable: true })
  committedAt!: Date | null;

  /** When `monitoring:evaluate-batch` was enqueued for it (§M8); null = still due. */
  @Column({ name: 'evaluation_enqueued_at', type: 'datetime', precision: 3, nullable: true })
  evaluationEnqueuedAt!: Date | null;
}

/** A committed chunk of a bulk load: a restarted load skips the row ranges found here. */
@Entity('monitoring_bulk_chunks')
export class BulkChunk {
  @PrimaryId()
  id!: string;

  @Column({ name: 'batch_id', type: 'bigint', transformer: idColumn })
  batchId!: string;

  @Column({ name: 'first_row', type: 'int' })
  firstRow!: number;

  @Column({ name: 'last_row', type: 'int' })
  lastRow!: number;

  @Column({ name: 'inserted_count', type: 'int' })
  insertedCount!: number;

  @Column({ name: 'committed_at', type: 'datetime', precision: 3 })
  committedAt!: Date;
}

/** §M1 an organisation designated by an analyst to send sentinel price reports. */
@Entity('monitoring_sentinels')
export class Sentinel {
  @PrimaryId()
  id!: string;

  @Column({ name: 'organisation_id', type: 'bigint', transformer: idColumn })
  organisationId!: string;

  @Column({ type: 'boolean' })
  active!: boolean;

  @Column({ type: 'varchar', nullable: true })
  note!: string | null;

  @Column({ name: 'designated_by', type: 'varchar' })
  designatedBy!: string;

  @Column({ name: 'designated_at', type: 'datetime', precision: 3 })
  designatedAt!: Date;

  @Column({ name: 'undesignated_by', type: 'varchar', nullable: true })
  undesignatedBy!: string | null;

  @Column({ name: 'undesignated_at', type: 'datetime', precision: 3, nullable: true })
  undesignatedAt!: Date | null;
}
