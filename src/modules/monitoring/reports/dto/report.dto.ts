import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Min } from 'class-validator';
import { PageOf, PageQuery } from '../../../../common/pagination';

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

export class GenerateReportRequest {
  @ApiProperty({ example: '2026-03', description: 'A finished month (YYYY-MM)' })
  @Matches(PERIOD, { message: 'period must be a month YYYY-MM' })
  period!: string;
}

export class ReportQuery extends PageQuery {
  @ApiPropertyOptional({ example: '2026-03' })
  @IsOptional()
  @Matches(PERIOD, { message: 'period must be a month YYYY-MM' })
  period?: string;
}

export class DownloadQuery {
  @ApiPropertyOptional({ description: 'A version of the period’s report (default: the latest)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  version?: number;
}

export class ReportView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: '2026-03' }) period!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ enum: ['schedule', 'manual'] }) trigger!: string;
  @ApiProperty({ example: 'monitoring-report-2026-03-v1.xlsx' }) fileName!: string;
  @ApiProperty({ description: 'SHA-256 of the workbook, hex' }) sha256!: string;
  @ApiProperty() sizeBytes!: number;
  @ApiProperty() generatedBy!: string;
  @ApiProperty() generatedAt!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The Summary sheet’s figures',
  })
  summary!: Record<string, unknown>;
}

export class ReportPage extends PageOf(ReportView) {}
