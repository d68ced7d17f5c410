import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { PageOf, PageQuery } from '../../../../common/pagination';
import { MAX_EXTERNAL_BATCH_ROWS, REFERENCE_KIND_VALUES } from '../domain/import-rows';
import {
  DERIVED_SOURCES,
  Observation,
  OBSERVATION_BATCH_KINDS,
  OBSERVATION_BATCH_STATUSES,
  OBSERVATION_SOURCES,
  ObservationBatch,
  Sentinel,
} from '../observation.entity';

const ID = /^\d{1,18}$/;
const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
const PRICE_HELP = 'per smallest unit (片, 粒, 支 …), a decimal string > 0 with at most 6 decimals';

export class ExternalRowRequest {
  @ApiProperty({
    example: 'XA01BAA0001010101234',
    description: 'National insurance code of the product',
  })
  @IsString()
  @MaxLength(40)
  productCode!: string;

  @ApiProperty({ enum: REFERENCE_KIND_VALUES })
  @IsString()
  @MaxLength(24)
  referenceKind!: string;

  @ApiPropertyOptional({
    example: '330100',
    description:
      "The other region's 6-digit code; omit (or `national`) for the national monitoring price",
  })
  @IsOptional()
  @IsString()
  @MaxLength(12)
  regionCode?: string;

  @ApiProperty({ example: '2026-03-01', description: 'The day the price applied' })
  @IsString()
  @MaxLength(10)
  date!: string;

  @ApiProperty({ example: '0.215000', description: `Price ${PRICE_HELP}` })
  @IsString()
  @MaxLength(24)
  unitPrice!: string;

  @ApiPropertyOptional({ example: '12000', description: 'Smallest units, ≥ 0, at most 3 decimals' })
  @IsOptional()
  @IsString()
  @MaxLength(24)
  quantity?: string;
}

export class ExternalBatchRequest {
  @ApiProperty({
    example: 'NHSA-2026-03',
    description: 'Client-chosen batch id: the same id with the same rows answers the first result',
  })
  @IsString()
  @MaxLength(64)
  batchId!: string;

  @ApiProperty({ type: [ExternalRowRequest], maxItems: MAX_EXTERNAL_BATCH_ROWS })
  @IsDefined()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_EXTERNAL_BATCH_ROWS)
  @ValidateNested({ each: true })
  @Type(() => ExternalRowRequest)
  rows!: ExternalRowRequest[];
}

export class ObservationBatchView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: OBSERVATION_BATCH_KINDS }) kind!: string;
  @ApiProperty({ enum: OBSERVATION_SOURCES, nullable: true, type: String }) source!: string | null;
  @ApiProperty({
    description: 'derive:<period>:<ms> | import:<fileId> | api:<orgId>:<batchId> | bulk:<key>',
  })
  batchKey!: string;
  @ApiPropertyOptional({ description: 'The client batch id of an API batch' }) batchId?: string;
  @ApiProperty({ nullable: true, type: String }) period!: string | null;
  @ApiProperty({ nullable: true, type: String }) organisationId!: string | null;
  @ApiProperty({ nullable: true, type: String }) importFileId!: string | null;
  @ApiProperty({ enum: OBSERVATION_BATCH_STATUSES }) status!: string;
  @ApiProperty({ description: 'Rows the load carried (source rows looked at, for a derivation)' })
  rowCount!: number;
  @ApiProperty({ description: 'Observations inserted (0 for rows already observed)' })
  insertedCount!: number;
  @ApiProperty({ nullable: true, type: String }) message!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) committedAt!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'When the rules evaluation (§M8) was enqueued',
  })
  evaluationEnqueuedAt!: string | null;

  static of(b: ObservationBatch, clientBatchId?: string): ObservationBatchView {
    return {
      id: b.id,
      kind: b.kind,
      source: b.source,
      batchKey: b.batchKey,
      ...(clientBatchId ? { batchId: clientBatchId } : {}),
      period: b.period,
      organisationId: b.organisationId,
      importFileId: b.importFileId,
      status: b.status,
      rowCount: b.rowCount,
      insertedCount: b.insertedCount,
      message: b.message,
      createdAt: b.createdAt.toISOString(),
      committedAt: b.committedAt ? b.committedAt.toISOString() : null,
      evaluationEnqueuedAt: b.evaluationEnqueuedAt ? b.evaluationEnqueuedAt.toISOString() : null,
    };
  }
}

export class ObservationView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: OBSERVATION_SOURCES }) source!: string;
  @ApiProperty() sourceRef!: string;
  @ApiProperty({ nullable: true, type: String }) batchId!: string | null;
  @ApiProperty() productId!: string;
  @ApiProperty() genericKey!: string;
  @ApiProperty({ enum: ['drug', 'consumable'] }) category!: string;
  @ApiProperty({ nullable: true, type: String }) categoryPath!: string | null;
  @ApiProperty({ description: '6-digit region code; `national` for a national monitoring price' })
  regionCode!: string;
  @ApiProperty({ nullable: true, type: String }) hospitalId!: string | null;
  @ApiProperty({ nullable: true, type: String }) supplierId!: string | null;
  @ApiProperty({ example: '0.215000', description: 'Per smallest unit' }) unitPrice!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Per representative unit of the lot (§P5)',
  })
  comparablePrice!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Smallest units' }) quantity!:
    string | null;
  @ApiProperty() observedOn!: string;
  @ApiProperty() period!: string;
  @ApiProperty({ nullable: true, enum: REFERENCE_KIND_VALUES, type: String }) referenceKind!:
    string | null;

  static of(o: Observation): ObservationView {
    return {
      id: o.id,
      source: o.source,
      sourceRef: o.sourceRef,
      batchId: o.batchId,
      productId: o.productId,
      genericKey: o.genericKey,
      category: o.category,
      categoryPath: o.categoryPath,
      regionCode: o.regionCode,
      hospitalId: o.hospitalId,
      supplierId: o.supplierId,
      unitPrice: o.unitPrice.toFixed(6),
      comparablePrice: o.comparablePrice ? o.comparablePrice.toFixed(6) : null,
      quantity: o.quantity ? o.quantity.toFixed(3) : null,
      observedOn: o.observedOn,
      period: o.period,
      referenceKind: o.referenceKind,
    };
  }
}

export class ObservationPage extends PageOf(ObservationView) {}
export class ObservationBatchPage extends PageOf(ObservationBatchView) {}

export const OBSERVATION_SORTS = ['observedOn', 'unitPrice', 'id'] as const;

/** Filters shared by the list and the summary. */
export class ObservationFilter extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'productId must be an id' })
  productId?: string;

  @ApiPropertyOptional({
    description: 'Exact generic key (see the `genericKey` of an observation)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(191)
  genericKey?: string;

  @ApiPropertyOptional({ description: 'Region code: that region and every region below it' })
  @IsOptional()
  @Matches(/^(\d{6}|national)$/, {
    message: 'regionCode must be a 6-digit region code or national',
  })
  regionCode?: string;

  @ApiPropertyOptional({ enum: OBSERVATION_SOURCES })
  @IsOptional()
  @IsIn(OBSERVATION_SOURCES)
  source?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'hospitalId must be an id' })
  hospitalId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'supplierId must be an id' })
  supplierId?: string;

  @ApiPropertyOptional({ example: '2026-01', description: 'First period, inclusive' })
  @IsOptional()
  @Matches(PERIOD, { message: 'from must be a month YYYY-MM' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-03', description: 'Last period, inclusive' })
  @IsOptional()
  @Matches(PERIOD, { message: 'to must be a month YYYY-MM' })
  to?: string;
}

export class ObservationQuery extends ObservationFilter {
  @ApiPropertyOptional({ enum: OBSERVATION_SORTS, default: 'observedOn' })
  @IsOptional()
  @IsIn(OBSERVATION_SORTS)
  sort: (typeof OBSERVATION_SORTS)[number] = 'observedOn';
}

export class ObservationSummaryRow {
  @ApiProperty({ enum: OBSERVATION_SOURCES }) source!: string;
  @ApiProperty() period!: string;
  @ApiProperty() count!: number;
  @ApiProperty({ description: 'Sum of quantities (smallest units) where stated' })
  quantity!: string;
  @ApiProperty({
    description: 'Sum of unit price × quantity, 2 decimals, over rows with a quantity',
  })
  amount!: string;
  @ApiProperty({ description: 'Lowest unit price' }) minUnitPrice!: string;
  @ApiProperty({ description: 'Highest unit price' }) maxUnitPrice!: string;
}

export class ObservationSummary {
  @ApiProperty({ type: [ObservationSummaryRow] }) items!: ObservationSummaryRow[];
  @ApiProperty() count!: number;
}

export class ObservationBatchQuery extends PageQuery {
  @ApiPropertyOptional({ enum: OBSERVATION_BATCH_KINDS })
  @IsOptional()
  @IsIn(OBSERVATION_BATCH_KINDS)
  kind?: string;

  @ApiPropertyOptional({ enum: OBSERVATION_SOURCES })
  @IsOptional()
  @IsIn(OBSERVATION_SOURCES)
  source?: string;

  @ApiPropertyOptional({ enum: OBSERVATION_BATCH_STATUSES })
  @IsOptional()
  @IsIn(OBSERVATION_BATCH_STATUSES)
  status?: string;
}

export class DeriveQuery {
  @ApiProperty({ example: '2026-03', description: 'The month (China time) to derive' })
  @IsString()
  period!: string;
}

export class DerivationView {
  @ApiProperty() batchId!: string;
  @ApiProperty() period!: string;
  @ApiProperty({
    description: 'New observations per source',
    example: { purchase: 10, delivery: 8, bid: 3, listing: 40 },
  })
  inserted!: Record<(typeof DERIVED_SOURCES)[number], number>;
  @ApiProperty({ description: 'Source rows looked at per source' })
  seen!: Record<(typeof DERIVED_SOURCES)[number], number>;
}

export class DesignateSentinelRequest {
  @ApiPropertyOptional({ maxLength: 500, description: 'Why the organisation reports prices' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class SentinelView {
  @ApiProperty() organisationId!: string;
  @ApiProperty() active!: boolean;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty() designatedBy!: string;
  @ApiProperty() designatedAt!: string;
  @ApiProperty({ nullable: true, type: String }) undesignatedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) undesignatedAt!: string | null;

  static of(s: Sentinel): SentinelView {
    return {
      organisationId: s.organisationId,
      active: Boolean(s.active),
      note: s.note,
      designatedBy: s.designatedBy,
      designatedAt: s.designatedAt.toISOString(),
      undesignatedBy: s.undesignatedBy,
      undesignatedAt: s.undesignatedAt ? s.undesignatedAt.toISOString() : null,
    };
  }
}

export class SentinelPage extends PageOf(SentinelView) {}

export class SentinelQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'Only active (or only ended) designations',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  active?: 'true' | 'false';
}
