import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageOf } from '../../../../common/pagination';
import { OUTCOMES, Outcome } from '../../selection/domain/select';
import { ROUND_CATEGORIES, ROUND_LEVELS } from '../../rounds/round.entity';

/** §P8 the states in which a round's award is public, without login. */
export const PUBLIC_STATES = ['awarded', 'in_execution', 'completed'] as const;

export const EXPORT_FORMATS = ['xlsx', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export class ExportQuery {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'xlsx' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format: ExportFormat = 'xlsx';
}

export class TraceExportQuery {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'json' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format: ExportFormat = 'json';

  @ApiPropertyOptional({ description: 'One lot only' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'lotId must be a numeric id' })
  lotId?: string;
}

/** One bid of one lot in the latest result version (§P10 award results). */
export class ResultExportRow {
  @ApiProperty() lotCode!: string;
  @ApiProperty() lotName!: string;
  @ApiProperty() resultVersion!: number;
  @ApiProperty({ nullable: true, type: Number }) rank!: number | null;
  @ApiProperty() bidCode!: string;
  @ApiProperty() supplierName!: string;
  @ApiProperty() productCode!: string;
  @ApiProperty() packPrice!: string;
  @ApiProperty({ nullable: true, type: String }) unitPrice!: string | null;
  @ApiProperty({ nullable: true, type: String }) unitComparablePrice!: string | null;
  @ApiProperty({ enum: OUTCOMES }) outcome!: Outcome;
  @ApiProperty({ nullable: true, type: String }) awardedUnitComparablePrice!: string | null;
  @ApiProperty({ type: [String] }) reasons!: string[];
}

/** One agreement (§P10 agreed volumes per hospital). */
export class AgreedVolumeExportRow {
  @ApiProperty() agreementCode!: string;
  @ApiProperty() lotCode!: string;
  @ApiProperty() hospitalCode!: string;
  @ApiProperty() hospitalName!: string;
  @ApiProperty() supplierName!: string;
  @ApiProperty() productCode!: string;
  @ApiProperty() declaredQuantity!: string;
  @ApiProperty() agreedQuantity!: string;
  @ApiProperty() packPrice!: string;
  @ApiProperty() unitPrice!: string;
  @ApiProperty() startDate!: string;
  @ApiProperty() endDate!: string;
  @ApiProperty() brandSpecified!: boolean;
}

export class PublicRoundView {
  @ApiProperty({ example: 'R2026-0001' }) code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROUND_LEVELS }) level!: string;
  @ApiProperty({ enum: ROUND_CATEGORIES }) category!: string;
  @ApiProperty({ enum: PUBLIC_STATES }) status!: string;
  @ApiProperty({ nullable: true, type: String }) awardedAt!: string | null;
}

export class PublicRoundPage extends PageOf(PublicRoundView) {}

export class PublicWinnerView {
  @ApiProperty() rank!: number;
  @ApiProperty() productCode!: string;
  @ApiProperty() productName!: string;
  @ApiProperty() supplierName!: string;
  @ApiProperty({ description: 'Awarded pack price (scale 4)' }) packPrice!: string;
  @ApiProperty({ description: 'Awarded price per smallest unit (scale 6)' }) unitPrice!: string;
  @ApiProperty({ description: 'Sum of the agreements of this lot × winner (scale 3)' })
  agreedVolume!: string;
}

export class PublicLotResultView {
  @ApiProperty() lotCode!: string;
  @ApiProperty() lotName!: string;
  @ApiProperty() termYears!: number;
  @ApiProperty({ type: [PublicWinnerView] }) winners!: PublicWinnerView[];
}

export class PublicRoundResultsView extends PublicRoundView {
  @ApiProperty({ type: [PublicLotResultView] }) lots!: PublicLotResultView[];
}
