import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { PageOf, PageQuery } from '../../../../common/pagination';
import { MAX_BATCH_ROWS } from '../domain/usage-rules';
import { UsageBatch, UsageRecord } from '../usage.entity';
import type { Product } from '../../../catalog/products/product.entity';
import type { Organisation } from '../../../identity/organisations/organisation.entity';

const ID = /^\d{1,18}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const QUANTITY_HELP =
  'Smallest units (片, 粒, 支 …) of the product, a decimal string ≥ 0 with at most 3 decimals';

export class UsageRowRequest {
  @ApiProperty({
    example: 'XA01BAA0001010101234',
    description: 'National insurance code (医保编码) of the product',
  })
  @IsString()
  @MaxLength(40)
  productCode!: string;

  @ApiProperty({ example: '2026-03-03', description: 'The business day reported (China time)' })
  @IsString()
  @MaxLength(10)
  date!: string;

  @ApiProperty({ example: '700', description: `Purchased (received) that day. ${QUANTITY_HELP}` })
  @IsString()
  @MaxLength(24)
  purchasedQuantity!: string;

  @ApiProperty({ example: '350.5', description: `Used (dispensed) that day. ${QUANTITY_HELP}` })
  @IsString()
  @MaxLength(24)
  usedQuantity!: string;

  @ApiProperty({ example: '1200', description: `In stock at the end of the day. ${QUANTITY_HELP}` })
  @IsString()
  @MaxLength(24)
  stockQuantity!: string;
}

export class UsageBatchRequest {
  @ApiProperty({ type: [UsageRowRequest], maxItems: MAX_BATCH_ROWS })
  @IsDefined()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_ROWS)
  @ValidateNested({ each: true })
  @Type(() => UsageRowRequest)
  rows!: UsageRowRequest[];
}

export class UsageBatchView {
  @ApiProperty({ example: 'HIS-20260303-01', description: 'The batch id as sent' })
  batchId!: string;
  @ApiProperty() hospitalId!: string;
  @ApiProperty({ enum: ['api', 'excel'] }) source!: string;
  @ApiProperty() rowCount!: number;
  @ApiProperty({ description: 'Rows for a product and day not reported before' })
  createdCount!: number;
  @ApiProperty({ description: 'Rows that replaced an earlier report of their day' })
  correctedCount!: number;
  @ApiProperty({ description: 'Rows first reported after their deadline (T+1 by default)' })
  lateCount!: number;
  @ApiProperty() receivedAt!: string;

  static of(b: UsageBatch): UsageBatchView {
    return {
      batchId: b.batchKey,
      hospitalId: b.hospitalId,
      source: b.source,
      rowCount: b.rowCount,
      createdCount: b.createdCount,
      correctedCount: b.correctedCount,
      lateCount: b.lateCount,
      receivedAt: b.receivedAt.toISOString(),
    };
  }
}

const toBool = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

export class UsageQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'hospitalId must be a numeric id' })
  hospitalId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'productId must be a numeric id' })
  productId?: string;

  @ApiPropertyOptional({ example: '2026-03-01', description: 'First day, inclusive' })
  @IsOptional()
  @Matches(DATE, { message: 'from must be a date YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-03-31', description: 'Last day, inclusive' })
  @IsOptional()
  @Matches(DATE, { message: 'to must be a date YYYY-MM-DD' })
  to?: string;

  @ApiPropertyOptional({ description: 'Only rows first reported late (true) or on time (false)' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  late?: boolean;
}

export class UsageRecordView {
  @ApiProperty() id!: string;
  @ApiProperty() hospitalId!: string;
  @ApiProperty() productId!: string;
  @ApiProperty({ nullable: true, type: String }) productCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) productName!: string | null;
  @ApiProperty({ example: '2026-03-03' }) date!: string;
  @ApiProperty({ example: '700.000' }) purchasedQuantity!: string;
  @ApiProperty({ example: '350.500' }) usedQuantity!: string;
  @ApiProperty({ example: '1200.000' }) stockQuantity!: string;
  @ApiProperty({ description: '1 for the first report of the day, +1 per correction' })
  revision!: number;
  @ApiProperty({ description: 'The day was first reported after its deadline' }) late!: boolean;
  @ApiProperty() firstReceivedAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(r: UsageRecord, product: Product | undefined): UsageRecordView {
    return {
      id: r.id,
      hospitalId: r.hospitalId,
      productId: r.productId,
      productCode: product?.code ?? null,
      productName: product?.name ?? null,
      date: r.usageDate,
      purchasedQuantity: r.purchasedQuantity.toFixed(3),
      usedQuantity: r.usedQuantity.toFixed(3),
      stockQuantity: r.stockQuantity.toFixed(3),
      revision: r.revision,
      late: r.late,
      firstReceivedAt: r.firstReceivedAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    };
  }
}

export class UsagePage extends PageOf(UsageRecordView) {}

export class LateUsageQuery extends PageQuery {
  @ApiProperty({ example: '2026-03-01', description: 'First reported day, inclusive' })
  @Matches(DATE, { message: 'from must be a date YYYY-MM-DD' })
  from!: string;

  @ApiProperty({ example: '2026-03-31', description: 'Last reported day, inclusive' })
  @Matches(DATE, { message: 'to must be a date YYYY-MM-DD' })
  to!: string;
}

export interface LateUsageRow {
  hospitalId: string;
  reportedRows: number;
  lateRows: number;
  lateDays: number;
  lastLateDate: string;
}

export class LateUsageView {
  @ApiProperty() hospitalId!: string;
  @ApiProperty({ nullable: true, type: String }) hospitalCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) hospitalName!: string | null;
  @ApiProperty({ description: 'Rows of the period, on time or late' }) reportedRows!: number;
  @ApiProperty({ description: 'Rows first reported after their deadline' }) lateRows!: number;
  @ApiProperty({ description: 'Distinct days with at least one late row' }) lateDays!: number;
  @ApiProperty({ example: '2026-03-17' }) lastLateDate!: string;

  static of(row: LateUsageRow, org: Organisation | undefined): LateUsageView {
    return { ...row, hospitalCode: org?.code ?? null, hospitalName: org?.name ?? null };
  }
}

export class LateUsagePage extends PageOf(LateUsageView) {}
