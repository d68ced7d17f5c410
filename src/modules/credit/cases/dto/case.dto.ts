import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PageOf, PageQuery } from '../../../../common/pagination';
import { BEHAVIOURS } from '../../ratings/domain/scheme';
import { RatingView } from '../../ratings/dto/rating.dto';
import { CreditCase } from '../credit-case.entity';
import { CASE_STATUSES, CaseStatus, SOURCE_TYPES } from '../domain/case-rules';

const ID = /^\d{1,18}$/;

export class CaseSourceRequest {
  @ApiProperty({ enum: SOURCE_TYPES, example: 'court_judgment' })
  @IsString()
  @IsIn(SOURCE_TYPES, { message: `source.type must be one of ${SOURCE_TYPES.join(', ')}` })
  type!: string;

  @ApiProperty({ example: '(2025)苏0102刑初123号', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  ref!: string;

  @ApiProperty({
    example: '2026-02-20',
    description: 'Date of the source document, not in the future',
  })
  @IsString()
  @MaxLength(10)
  date!: string;
}

export class CreateCaseRequest {
  @ApiProperty({ description: 'The manufacturer or distributor the case is against' })
  @Matches(ID, { message: 'supplierId must be a numeric id' })
  supplierId!: string;

  @ApiProperty({ enum: BEHAVIOURS, example: 'bribery' })
  @IsString()
  @IsIn(BEHAVIOURS, { message: `behaviour must be one of ${BEHAVIOURS.join(', ')}` })
  behaviour!: string;

  @ApiProperty({
    type: [String],
    description:
      "Products involved: the supplier's own (a distributor's: products it delivered and had accepted)",
  })
  @IsDefined()
  @IsArray()
  @ArrayMaxSize(500)
  @Matches(ID, { each: true, message: 'productIds must hold numeric ids' })
  productIds!: string[];

  @ApiPropertyOptional({
    example: '350000.00',
    nullable: true,
    type: String,
    description: 'Amount involved in yuan (kickbacks, evaded tax, improper gains), ≥ 0, 2 decimals',
  })
  @IsOptional()
  @IsString()
  @MaxLength(24)
  amount?: string | null;

  @ApiProperty({ type: CaseSourceRequest })
  @IsDefined()
  @ValidateNested()
  @Type(() => CaseSourceRequest)
  source!: CaseSourceRequest;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  summary?: string;
}

export class DismissCaseRequest {
  @ApiProperty({ example: '金额未达评级标准', minLength: 2, maxLength: 500 })
  @IsString()
  @MinLength(2)
  @MaxLength(500)
  reason!: string;
}

export class CaseQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'supplierId must be a numeric id' })
  supplierId?: string;

  @ApiPropertyOptional({ enum: CASE_STATUSES })
  @IsOptional()
  @IsIn(CASE_STATUSES)
  status?: CaseStatus;

  @ApiPropertyOptional({ enum: BEHAVIOURS })
  @IsOptional()
  @IsIn(BEHAVIOURS)
  behaviour?: string;

  @ApiPropertyOptional({ enum: SOURCE_TYPES })
  @IsOptional()
  @IsIn(SOURCE_TYPES)
  sourceType?: string;

  @ApiPropertyOptional({ example: 'CC2026-0001' })
  @IsOptional()
  @Matches(/^CC\d{4}-\d{4,}$/, { message: 'code must look like CC2026-0001' })
  code?: string;

  @ApiPropertyOptional({ enum: ['recordedAt', 'code'], default: 'recordedAt' })
  @IsOptional()
  @IsIn(['recordedAt', 'code'])
  sort: 'recordedAt' | 'code' = 'recordedAt';
}

export class CaseSourceView {
  @ApiProperty({ enum: SOURCE_TYPES }) type!: string;
  @ApiProperty() ref!: string;
  @ApiProperty({ example: '2026-02-20' }) date!: string;
}

export class CaseView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'CC2026-0001' }) code!: string;
  @ApiProperty() supplierId!: string;
  @ApiProperty() supplierName!: string;
  @ApiProperty({ enum: ['manufacturer', 'distributor'] }) supplierType!: string;
  @ApiProperty({ enum: BEHAVIOURS }) behaviour!: string;
  @ApiProperty({ nullable: true, type: String, example: '350000.00' }) amount!: string | null;
  @ApiProperty({ type: [String] }) productIds!: string[];
  @ApiProperty({ type: CaseSourceView }) source!: CaseSourceView;
  @ApiProperty({ nullable: true, type: String }) summary!: string | null;
  @ApiProperty({ enum: CASE_STATUSES }) status!: CaseStatus;
  @ApiProperty() recordedBy!: string;
  @ApiProperty() recordedAt!: string;
  @ApiProperty({ type: RatingView, nullable: true }) rating!: RatingView | null;

  static of(
    c: CreditCase,
    extra: { supplierName: string; productIds: string[]; rating: RatingView | null },
  ): CaseView {
    return {
      id: c.id,
      code: c.code,
      supplierId: c.supplierId,
      supplierName: extra.supplierName,
      supplierType: c.supplierType,
      behaviour: c.behaviour,
      amount: c.amount?.toFixed(2) ?? null,
      productIds: extra.productIds,
      source: { type: c.sourceType, ref: c.sourceRef, date: c.sourceDate },
      summary: c.summary,
      status: c.status,
      recordedBy: c.recordedBy,
      recordedAt: c.recordedAt.toISOString(),
      rating: extra.rating,
    };
  }
}

export class CasePage extends PageOf(CaseView) {}
