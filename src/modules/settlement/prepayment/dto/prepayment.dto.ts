import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { PageOf, PageQuery } from '../../../../common/pagination';
import { PREPAYMENT_STATUSES, PrepaymentStatus } from '../prepayment.entity';

const ID = /^\d{1,18}$/;

export class RunPrepaymentsRequest {
  @ApiProperty({ description: 'The awarded round' })
  @Matches(ID, { message: 'roundId must be a numeric id' })
  roundId!: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 10, default: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  agreementYear?: number;

  @ApiPropertyOptional({
    example: '0.4',
    description: 'Share of the annual agreed amount; raised to PREPAYMENT_SHARE when below it',
  })
  @IsOptional()
  @IsString()
  share?: string;
}

export class PrepaymentQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'roundId must be a numeric id' })
  roundId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'hospitalId must be a numeric id' })
  hospitalId?: string;

  @ApiPropertyOptional({ enum: PREPAYMENT_STATUSES })
  @IsOptional()
  @IsIn(PREPAYMENT_STATUSES)
  status?: PrepaymentStatus;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  agreementYear?: number;
}

export class PrepaymentOffsetView {
  @ApiProperty() statementId!: string;
  @ApiProperty({ example: '2026-08' }) period!: string;
  @ApiProperty({ example: 2 }) periodNo!: number;
  @ApiProperty({ example: '5000.00' }) statementAmount!: string;
  @ApiProperty({ example: '1250.00' }) offset!: string;
}

export class PrepaymentView {
  @ApiProperty() id!: string;
  @ApiProperty() roundId!: string;
  @ApiProperty() hospitalId!: string;
  @ApiProperty() agreementYear!: number;
  @ApiProperty({ example: '2026-07-15' }) yearStart!: string;
  @ApiProperty({ example: '2027-07-14' }) yearEnd!: string;
  @ApiProperty({ example: '320100', description: 'Pooling region whose fund prepaid' })
  fundRegionCode!: string;
  @ApiProperty({ example: '100000.00' }) annualAgreedAmount!: string;
  @ApiProperty({ example: '0.3' }) share!: string;
  @ApiProperty({ example: '30000.00' }) amount!: string;
  @ApiProperty({ example: '7500.00', description: 'Σ offsets taken by statements so far' })
  offsetTotal!: string;
  @ApiProperty({ example: '22500.00' }) remaining!: string;
  @ApiProperty({ enum: PREPAYMENT_STATUSES }) status!: string;
  @ApiProperty({ type: String, nullable: true }) settledRemainder!: string | null;
  @ApiProperty() journalId!: string;
  @ApiProperty({ type: String, nullable: true }) settleJournalId!: string | null;
  @ApiProperty({ type: String, nullable: true }) settledAt!: string | null;
  @ApiProperty() createdAt!: string;
}

export class PrepaymentDetailView extends PrepaymentView {
  @ApiProperty({ type: [PrepaymentOffsetView] }) offsets!: PrepaymentOffsetView[];
}

export class PrepaymentPage extends PageOf(PrepaymentView) {}

export class SkippedHospitalView {
  @ApiProperty() hospitalId!: string;
  @ApiProperty() reason!: string;
}

export class PrepaymentRunView {
  @ApiProperty({ description: 'Prepayments posted by this run' }) created!: number;
  @ApiProperty({ description: 'Prepayments a previous run had posted' }) existing!: number;
  @ApiProperty({ type: [PrepaymentView] }) items!: PrepaymentView[];
  @ApiProperty({ type: [SkippedHospitalView] }) skipped!: SkippedHospitalView[];
}
