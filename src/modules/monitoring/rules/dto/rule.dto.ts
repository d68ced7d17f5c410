import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsObject, IsOptional, Min } from 'class-validator';
import { RULE_CODES } from '../domain/rule-catalog';
import { SEVERITIES } from '../domain/severity';

export class RuleScopeView {
  @ApiProperty({ type: [String], enum: ['drug', 'consumable'] })
  categories!: string[];
  @ApiProperty({ type: [String], description: '6-digit region codes; a hit under one is in scope' })
  regionCodes!: string[];
  @ApiProperty({ type: [String] })
  genericKeys!: string[];
}

export class RuleView {
  @ApiProperty({ enum: RULE_CODES })
  code!: string;
  @ApiProperty()
  title!: string;
  @ApiProperty()
  enabled!: boolean;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Decimals as strings, counts as integers; see each rule in DESIGN §M3',
  })
  parameters!: Record<string, unknown>;
  @ApiProperty({ type: RuleScopeView })
  scope!: RuleScopeView;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', enum: [...SEVERITIES] },
    description: 'Computed severity → severity to record',
  })
  severityOverrides!: Record<string, string>;
  @ApiProperty()
  version!: number;
  @ApiProperty({ type: String, nullable: true })
  updatedBy!: string | null;
  @ApiProperty()
  updatedAt!: string;
}

export class RuleVersionView {
  @ApiProperty({ enum: RULE_CODES })
  code!: string;
  @ApiProperty()
  version!: number;
  @ApiProperty()
  enabled!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true })
  parameters!: Record<string, unknown>;
  @ApiProperty({ type: RuleScopeView })
  scope!: RuleScopeView;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  severityOverrides!: Record<string, string>;
  @ApiProperty({ type: String, nullable: true })
  changedBy!: string | null;
  @ApiProperty()
  changedAt!: string;
}

/** A change to a rule; fields left out stay as they are. */
export class UpdateRuleRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Merged into the current parameters, then the whole set is validated',
  })
  @IsOptional()
  @IsObject()
  parameters?: Record<string, unknown>;

  @ApiPropertyOptional({ type: RuleScopeView, description: 'Replaces the current scope' })
  @IsOptional()
  @IsObject()
  scope?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', enum: [...SEVERITIES] },
    description: 'Replaces the current overrides',
  })
  @IsOptional()
  @IsObject()
  severityOverrides?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'Refuse the change (409) unless the rule is at this version',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}
