import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { PageOf, PageQuery } from '../../../../common/pagination';
import { BooleanQuery } from '../../../catalog/products/dto/product-query.dto';
import { PARAMETER_NAMES, PRESET_NAMES, RuleSetParameters } from '../../selection/domain/rule-set';
import { RULE_SET_NAME_PATTERN } from '../domain/rule-set-versions';
import { RuleSet } from '../rule-set.entity';

export class RuleSetQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Exact rule-set name', example: 'national-batch-10' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  name?: string;

  @BooleanQuery('Only the latest version of each name')
  latest?: boolean;
}

export class RuleSetBasisRequest {
  @ApiPropertyOptional({ enum: PRESET_NAMES, description: 'Start from one of the engine presets' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  preset?: string;

  @ApiPropertyOptional({ description: 'Start from the parameters of a stored rule set (its id)' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'ruleSetId must be a numeric id' })
  ruleSetId?: string;
}

export class CreateRuleSetRequest {
  @ApiProperty({
    example: 'jiangsu-2026-oral',
    description: `${RULE_SET_NAME_PATTERN.source}; the first rule set of a name is version 1, each later one the next version`,
  })
  @Matches(RULE_SET_NAME_PATTERN, {
    message:
      'name must be 3 to 64 characters: lower-case letters, digits, ".", "_" or "-", starting with a letter or digit',
  })
  name!: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiProperty({
    type: RuleSetBasisRequest,
    description: 'Exactly one of { preset } or { ruleSetId }',
    example: { preset: 'national-batch-10' },
  })
  @IsDefined()
  @ValidateNested()
  @Type(() => RuleSetBasisRequest)
  basedOn!: RuleSetBasisRequest;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { ratioToAnchor: '1.5', winnerCap: 8 },
    description: `Parameters to change, by name (${PARAMETER_NAMES.join(', ')}), in the form the simulation API takes them`,
  })
  @IsOptional()
  @IsObject()
  overrides?: Record<string, unknown>;
}

export class RuleSetView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'national-batch-10' }) name!: string;
  @ApiProperty({ example: 1 }) version!: number;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({
    description: 'The preset name or `<name>@<version>` this rule set was derived from',
    example: 'national-batch-10',
  })
  basedOn!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Every §P6/§P9 parameter, resolved; decimals as strings',
  })
  parameters!: RuleSetParameters;
  @ApiProperty({ description: 'Hex SHA-256 of the canonical JSON of the parameters' })
  parametersSha256!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Id of the user who created it; null for the presets seeded by the system',
  })
  createdBy!: string | null;

  static of(row: RuleSet, parameters: RuleSetParameters): RuleSetView {
    return {
      id: row.id,
      name: row.name,
      version: row.version,
      description: row.description,
      basedOn: row.basedOn,
      parameters,
      parametersSha256: row.parametersSha256,
      createdAt: row.createdAt.toISOString(),
      createdBy: row.createdBy,
    };
  }
}

export class RuleSetPage extends PageOf(RuleSetView) {}
