import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { PageOf, PageQuery } from '../../../../common/pagination';
import { RULE_CODES } from '../../rules/domain/rule-catalog';
import { SEVERITIES } from '../../rules/domain/severity';
import { ALERT_STATUSES } from '../domain/alert-workflow';

const ID = /^\d{1,18}$/;
const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
const REGION = /^(\d{6}|national)$/;

export const ALERT_SORTS = ['raisedAt', 'period', 'severity', 'updatedAt'] as const;

/** Filters shared by the alert list and its summary. */
export class AlertFilter extends PageQuery {
  @ApiPropertyOptional({ enum: RULE_CODES })
  @IsOptional()
  @IsIn(RULE_CODES)
  rule?: string;

  @ApiPropertyOptional({ enum: SEVERITIES })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: string;

  @ApiPropertyOptional({ enum: ALERT_STATUSES })
  @IsOptional()
  @IsIn(ALERT_STATUSES)
  status?: string;

  @ApiPropertyOptional({ description: 'A 6-digit region code: alerts of it and of its subregions' })
  @IsOptional()
  @Matches(REGION, { message: 'regionCode must be a 6-digit region code' })
  regionCode?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'productId must be a numeric id' })
  productId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'supplierId must be a numeric id' })
  supplierId?: string;

  @ApiPropertyOptional({ description: 'A user id, or "none" for unassigned alerts' })
  @IsOptional()
  @Matches(/^(\d{1,18}|none)$/, { message: 'assigneeId must be a numeric id or "none"' })
  assigneeId?: string;

  @ApiPropertyOptional({ example: '2026-01', description: 'First period (YYYY-MM), included' })
  @IsOptional()
  @Matches(PERIOD, { message: 'periodFrom must be a month YYYY-MM' })
  periodFrom?: string;

  @ApiPropertyOptional({ example: '2026-03', description: 'Last period (YYYY-MM), included' })
  @IsOptional()
  @Matches(PERIOD, { message: 'periodTo must be a month YYYY-MM' })
  periodTo?: string;
}

export class AlertQuery extends AlertFilter {
  @ApiPropertyOptional({ enum: ALERT_SORTS, default: 'raisedAt' })
  @IsOptional()
  @IsIn(ALERT_SORTS)
  sort: (typeof ALERT_SORTS)[number] = 'raisedAt';
}

export class AlertView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: RULE_CODES }) ruleCode!: string;
  @ApiProperty({ example: 'product:12|region:320100' }) subjectKey!: string;
  @ApiProperty({ example: '2026-03' }) period!: string;
  @ApiProperty({ enum: SEVERITIES }) severity!: string;
  @ApiProperty({ enum: ALERT_STATUSES }) status!: string;
  @ApiProperty({ description: 'Whether the last evaluation still fired' }) firing!: boolean;
  @ApiProperty({ type: String, nullable: true }) productId!: string | null;
  @ApiProperty({ type: String, nullable: true }) supplierId!: string | null;
  @ApiProperty({ type: String, nullable: true }) hospitalId!: string | null;
  @ApiProperty({ type: String, nullable: true }) regionCode!: string | null;
  @ApiProperty({ type: String, nullable: true }) genericKey!: string | null;
  @ApiProperty({ type: String, nullable: true }) assigneeId!: string | null;
  @ApiProperty({ type: String, nullable: true }) statusReason!: string | null;
  @ApiProperty() raisedAt!: string;
  @ApiProperty() lastEvaluatedAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ description: 'Send it back as expectedVersion to detect concurrent changes' })
  version!: number;
}

export class AlertPage extends PageOf(AlertView) {}

export class AlertEventView {
  @ApiProperty() id!: string;
  @ApiProperty() action!: string;
  @ApiProperty() fromStatus!: string;
  @ApiProperty() toStatus!: string;
  @ApiProperty() actorId!: string;
  @ApiProperty() actorName!: string;
  @ApiProperty({ type: String, nullable: true }) assigneeId!: string | null;
  @ApiProperty({ type: String, nullable: true }) caseId!: string | null;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty() at!: string;
}

export class AlertDetailView extends AlertView {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The numbers that fired the rule: observed figures, thresholds, the reference used',
  })
  evidence!: Record<string, unknown>;
  @ApiProperty({ type: [AlertEventView], description: 'Every status change, oldest first' })
  events!: AlertEventView[];
  @ApiProperty({ type: String, nullable: true, description: 'The price case holding the alert' })
  caseCode!: string | null;
  @ApiProperty({ type: [String], description: 'What the alert’s status allows next' })
  allowedActions!: string[];
}

export class CountView {
  @ApiProperty() key!: string;
  @ApiProperty() count!: number;
}

export class AlertSummaryView {
  @ApiProperty() total!: number;
  @ApiProperty({ type: [CountView] }) byRule!: CountView[];
  @ApiProperty({ type: [CountView] }) bySeverity!: CountView[];
  @ApiProperty({ type: [CountView] }) byStatus!: CountView[];
  @ApiProperty({ type: [CountView], description: 'By region code; "none" for alerts without one' })
  byRegion!: CountView[];
}

export class AlertActionRequest {
  @ApiPropertyOptional({ description: 'The version you saw: a different current version is a 409' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  expectedVersion?: number;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class DismissAlertRequest extends AlertActionRequest {
  @ApiProperty({ maxLength: 500, description: 'Why the alert is dismissed (required)' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  declare reason: string;
}

export class AssignAlertRequest extends AlertActionRequest {
  @ApiProperty({ description: 'A pricing_analyst user of your authority' })
  @Matches(ID, { message: 'assigneeId must be a numeric id' })
  assigneeId!: string;
}
