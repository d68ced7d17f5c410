import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageOf, PageQuery } from '../../../../common/pagination';
import { EVALUATION_KINDS, EVALUATION_STATUSES } from '../evaluation-run.entity';

export class EvaluationRunView {
  @ApiProperty()
  id!: string;
  @ApiProperty({ description: '`batch:<id>`, `monthly:<period>` or `full:<period>:…`' })
  runKey!: string;
  @ApiProperty({ enum: EVALUATION_KINDS })
  kind!: string;
  @ApiProperty({ type: [String], description: 'Periods evaluated, ascending' })
  periods!: string[];
  @ApiProperty({ type: String, nullable: true })
  batchId!: string | null;
  @ApiProperty({ enum: EVALUATION_STATUSES })
  status!: string;
  @ApiProperty({ description: '(period, generic/spec) keys evaluated' })
  keyCount!: number;
  @ApiProperty()
  hitCount!: number;
  @ApiProperty()
  newAlerts!: number;
  @ApiProperty()
  updatedAlerts!: number;
  @ApiProperty({ description: 'Alerts of the evaluated keys that no longer fire' })
  clearedAlerts!: number;
  @ApiProperty({ type: String, nullable: true })
  message!: string | null;
  @ApiProperty({ type: String, nullable: true })
  requestedBy!: string | null;
  @ApiProperty()
  startedAt!: string;
  @ApiProperty({ type: String, nullable: true })
  finishedAt!: string | null;
}

export class EvaluationRunPage extends PageOf(EvaluationRunView) {}

export class EvaluationQuery extends PageQuery {
  @ApiPropertyOptional({ enum: EVALUATION_KINDS })
  @IsOptional()
  @IsIn(EVALUATION_KINDS)
  kind?: string;

  @ApiPropertyOptional({ enum: EVALUATION_STATUSES })
  @IsOptional()
  @IsIn(EVALUATION_STATUSES)
  status?: string;

  @ApiPropertyOptional({ description: 'Runs that evaluated this period (YYYY-MM)' })
  @IsOptional()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'period must be YYYY-MM' })
  period?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'batchId must be an id' })
  batchId?: string;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc', description: 'By start time' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  declare order: 'asc' | 'desc';
}

export class RequestEvaluationRequest {
  @ApiProperty({ example: '2026-03', description: 'The month to scan in full (YYYY-MM)' })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'period must be YYYY-MM' })
  period!: string;
}
