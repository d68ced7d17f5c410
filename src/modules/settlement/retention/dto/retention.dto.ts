import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { PageOf, PageQuery } from '../../../../common/pagination';

const ID = /^\d{1,18}$/;

export class RunRetentionRequest {
  @ApiProperty({ description: 'The awarded round' })
  @Matches(ID, { message: 'roundId must be a numeric id' })
  roundId!: string;

  @ApiProperty({ minimum: 1, maximum: 10, example: 1 })
  @IsInt()
  @Min(1)
  @Max(10)
  agreementYear!: number;
}

export class RetentionQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'roundId must be a numeric id' })
  roundId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'hospitalId must be a numeric id' })
  hospitalId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'lotId must be a numeric id' })
  lotId?: string;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  agreementYear?: number;
}

export class ExplanationLineView {
  @ApiProperty({ example: 'budget' }) key!: string;
  @ApiProperty({ example: '4200.00' }) value!: string;
  @ApiPropertyOptional({ example: '10000.000 × 0.600000 × 0.7 × 1' }) formula?: string;
}

export class RetentionResultView {
  @ApiProperty() id!: string;
  @ApiProperty() roundId!: string;
  @ApiProperty() lotId!: string;
  @ApiProperty() hospitalId!: string;
  @ApiProperty() agreementYear!: number;
  @ApiProperty() yearStart!: string;
  @ApiProperty() yearEnd!: string;
  @ApiProperty({ example: '10000.000' }) agreedQuantity!: string;
  @ApiProperty({ example: '0.600000' }) preVbpUnitPrice!: string;
  @ApiProperty({ example: '0.7' }) fundPaymentRatio!: string;
  @ApiProperty({ example: '1' }) insuredShare!: string;
  @ApiProperty({ example: '100' }) completionScore!: string;
  @ApiProperty({ example: '4200.00' }) budget!: string;
  @ApiProperty({ example: '1000.00' }) fundSpending!: string;
  @ApiProperty({ example: '1000.00' }) countedSpending!: string;
  @ApiProperty({ example: '3200.00' }) surplus!: string;
  @ApiProperty() completed!: boolean;
  @ApiProperty({ example: 'A' }) grade!: string;
  @ApiProperty({ example: '0.5' }) retainedShare!: string;
  @ApiProperty({ example: '1600.00' }) retained!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Where each input came from',
  })
  inputs!: Record<string, unknown>;
  @ApiProperty({ type: [ExplanationLineView] }) explanation!: ExplanationLineView[];
  @ApiProperty() computedAt!: string;
}

export class RetentionPage extends PageOf(RetentionResultView) {}

export class RetentionSkippedView {
  @ApiProperty() hospitalId!: string;
  @ApiProperty() lotId!: string;
  @ApiProperty() reason!: string;
}

export class RetentionRunView {
  @ApiProperty() created!: number;
  @ApiProperty() existing!: number;
  @ApiProperty({ type: [RetentionResultView] }) items!: RetentionResultView[];
  @ApiProperty({ type: [RetentionSkippedView] }) skipped!: RetentionSkippedView[];
}
