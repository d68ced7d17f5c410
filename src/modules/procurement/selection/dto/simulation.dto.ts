import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateBy,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';
import { Decimal } from '../../../../database/decimal';
import {
  DOSAGE_FORM_CLASSES,
  DOSAGE_FORM_CODES,
  DosageFormClass,
  DosageFormCode,
} from '../../../catalog/products/domain/dosage-forms';
import {
  normaliseStrengthUnit,
  STRENGTH_UNIT_CODES,
} from '../../../catalog/products/domain/strength-units';
import { PARAMETER_NAMES, PRESET_NAMES, PresetName } from '../domain/rule-set';
import { OUTCOMES, Outcome, Reason, REASONS, SelectionResult } from '../domain/select';

export const MAX_SIMULATION_BIDS = 2000;

interface DecimalRule {
  scale: number;
  /** Allow a leading minus: a negative pack price is a bid the engine rules invalid, not a typo. */
  signed?: boolean;
  positive?: boolean;
}

/** A decimal string with at most 12 integer digits and `scale` decimals (never a JSON number). */
function IsDecimalString(rule: DecimalRule, options?: ValidationOptions): PropertyDecorator {
  const pattern = new RegExp(`^${rule.signed ? '-?' : ''}\\d{1,12}(\\.\\d{1,${rule.scale}})?$`);
  const kind = rule.positive
    ? 'a decimal string > 0'
    : rule.signed
      ? 'a decimal string'
      : 'a decimal string ≥ 0';
  return ValidateBy(
    {
      name: 'isDecimalString',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          pattern.test(value) &&
          (!rule.positive || new Decimal(value).gt(0)),
        defaultMessage: (args) =>
          `${args?.property} must be ${kind} with at most ${rule.scale} decimals (e.g. "12.5"), got ${JSON.stringify(args?.value)}`,
      },
    },
    options,
  );
}

function IsStrengthUnit(): PropertyDecorator {
  return ValidateBy({
    name: 'isStrengthUnit',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && normaliseStrengthUnit(value) !== null,
      defaultMessage: (args) =>
        `${args?.property} must be one of ${STRENGTH_UNIT_CODES.join(', ')}, got ${JSON.stringify(args?.value)}`,
    },
  });
}

/** Full date-time with a zone, so the tie-breaking instant never depends on the server's zone. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

export class SimulationRuleSet {
  @ApiProperty({ enum: PRESET_NAMES, example: 'national-batch-7' })
  @IsIn(PRESET_NAMES)
  preset!: PresetName;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { ratioToAnchor: '1.8' },
    description:
      `Rule-set parameters by name: ${PARAMETER_NAMES.join(', ')}. Decimals are strings. ` +
      'ratioToAnchor, dropFromMax and winnerCap take a value (sets it and switches the condition on), ' +
      'true, false or null (off), or { enabled, value }. lowPriceExemption takes true, false, null, ' +
      'thresholds by dosage-form class ({ "oral_solid": "0.10" }, null = no exemption for the class) ' +
      'or { enabled, thresholds }. dosageFormFactors takes factors by form code; agreedVolumeRatios ' +
      'and termYears take lists by winner count (1, 2, …; the last entry covers larger counts).',
  })
  @IsOptional()
  @IsObject()
  overrides?: Record<string, unknown>;
}

export class RepresentativeSpec {
  @ApiProperty({ example: '30' })
  @IsDecimalString({ scale: 6, positive: true })
  strength!: string;

  @ApiProperty({ example: 'mg', description: `One of ${STRENGTH_UNIT_CODES.join(', ')}` })
  @IsStrengthUnit()
  strengthUnit!: string;

  @ApiProperty({ enum: DOSAGE_FORM_CODES, example: 'tablet' })
  @IsIn(DOSAGE_FORM_CODES)
  dosageForm!: DosageFormCode;

  @ApiProperty({ example: 7, description: 'Smallest units per pack' })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  packSize!: number;
}

export class SimulationLot {
  @ApiProperty({ example: '112.3267', description: 'Maximum valid price per representative unit' })
  @IsDecimalString({ scale: 6, positive: true })
  maxValidUnitPrice!: string;

  @ApiProperty({ type: RepresentativeSpec })
  @IsDefined()
  @ValidateNested()
  @Type(() => RepresentativeSpec)
  representative!: RepresentativeSpec;

  @ApiProperty({ enum: DOSAGE_FORM_CLASSES, example: 'oral_solid' })
  @IsIn(DOSAGE_FORM_CLASSES)
  dosageFormClass!: DosageFormClass;
}

export class SimulationBid {
  @ApiProperty({ example: 'b1' })
  @IsString()
  @Length(1, 64)
  id!: string;

  @ApiProperty({ example: 's1' })
  @IsString()
  @Length(1, 64)
  supplierId!: string;

  @ApiProperty({ example: '200.00', description: 'Price per pack; ≤ 0 makes the bid invalid' })
  @IsDecimalString({ scale: 6, signed: true })
  packPrice!: string;

  @ApiProperty({ example: 7 })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  packSize!: number;

  @ApiProperty({ example: '30' })
  @IsDecimalString({ scale: 6 })
  strength!: string;

  @ApiProperty({ example: 'mg', description: `One of ${STRENGTH_UNIT_CODES.join(', ')}` })
  @IsStrengthUnit()
  strengthUnit!: string;

  @ApiProperty({ enum: DOSAGE_FORM_CODES, example: 'tablet' })
  @IsIn(DOSAGE_FORM_CODES)
  dosageForm!: DosageFormCode;

  @ApiProperty({
    example: '2026-01-01T08:00:00Z',
    description: 'Final submission time (ISO 8601 with zone): first tie-breaker, earlier first',
  })
  @IsISO8601({ strict: true })
  @Matches(INSTANT, { message: 'submittedAt must be an ISO 8601 date-time with a zone' })
  submittedAt!: string;

  @ApiPropertyOptional({
    example: '1000000',
    description: 'Annual supply capacity: second tie-breaker, larger first (default 0)',
  })
  @IsOptional()
  @IsDecimalString({ scale: 3 })
  capacity?: string;

  @ApiPropertyOptional({
    example: false,
    description: 'Accepts the revival price if it loses (rule sets with revival)',
  })
  @IsOptional()
  @IsBoolean()
  acceptsRevival?: boolean;
}

export class SimulationDemand {
  @ApiProperty({ example: '596327', description: 'Total declared demand in smallest units' })
  @IsDecimalString({ scale: 3 })
  total!: string;
}

export class SimulationRequest {
  @ApiProperty({ type: SimulationRuleSet })
  @IsDefined()
  @ValidateNested()
  @Type(() => SimulationRuleSet)
  ruleSet!: SimulationRuleSet;

  @ApiProperty({ type: SimulationLot })
  @IsDefined()
  @ValidateNested()
  @Type(() => SimulationLot)
  lot!: SimulationLot;

  @ApiProperty({ type: [SimulationBid], maxItems: MAX_SIMULATION_BIDS })
  @IsArray()
  @ArrayMaxSize(MAX_SIMULATION_BIDS)
  @ValidateNested({ each: true })
  @Type(() => SimulationBid)
  bids!: SimulationBid[];

  @ApiProperty({ type: SimulationDemand })
  @IsDefined()
  @ValidateNested()
  @Type(() => SimulationDemand)
  demand!: SimulationDemand;
}

export class SimulationBidView {
  @ApiProperty({ example: 'b1' }) id!: string;

  @ApiProperty({ example: '28.571429', nullable: true, type: String })
  unitPrice!: string | null;

  @ApiProperty({
    example: '28.571429',
    nullable: true,
    type: String,
    description: 'null when the bid cannot be converted to the representative spec',
  })
  unitComparablePrice!: string | null;

  @ApiProperty({ example: true }) valid!: boolean;

  @ApiProperty({ example: 1, nullable: true, type: Number, description: '1 = cheapest valid bid' })
  rank!: number | null;

  @ApiProperty({ enum: OUTCOMES, example: 'won' }) outcome!: Outcome;

  @ApiProperty({
    example: '28.571429',
    nullable: true,
    type: String,
    description: 'Own price when won, the revival price when revived, otherwise null',
  })
  awardedUnitComparablePrice!: string | null;

  @ApiProperty({
    enum: REASONS,
    isArray: true,
    example: ['ratio_to_anchor', 'drop_from_max'],
    description: 'Win conditions that held, then what decided the outcome (§P6 order)',
  })
  reasons!: Reason[];
}

export class SimulationResultView {
  @ApiProperty({ example: '28.571429', nullable: true, type: String })
  anchorPrice!: string | null;

  @ApiProperty({ example: 1, description: 'Distinct suppliers with a valid bid' })
  validBidders!: number;

  @ApiProperty({ type: [SimulationBidView], description: 'In request order' })
  bids!: SimulationBidView[];

  @ApiProperty({ example: ['b1'], type: [String], description: 'Won and revived bids, by rank' })
  winners!: string[];

  @ApiProperty({ example: '0.5' }) agreedVolumeRatio!: string;

  @ApiProperty({ example: '298163.5', description: 'demand.total × agreedVolumeRatio, unrounded' })
  agreedVolume!: string;

  @ApiProperty({ example: 1 }) termYears!: number;

  static of(result: SelectionResult, agreedVolume: string): SimulationResultView {
    return {
      anchorPrice: result.anchorPrice,
      validBidders: result.validBidders,
      bids: result.bids.map((b) => ({
        id: b.id,
        unitPrice: b.unitPrice,
        unitComparablePrice: b.unitComparablePrice,
        valid: b.valid,
        rank: b.rank,
        outcome: b.outcome,
        awardedUnitComparablePrice: b.awardedUnitComparablePrice,
        reasons: b.reasons,
      })),
      winners: result.winners,
      agreedVolumeRatio: result.agreedVolumeRatio,
      agreedVolume,
      termYears: result.termYears,
    };
  }
}

/** The §P11 example, shown in the OpenAPI document. */
export const SIMULATION_EXAMPLE = {
  request: {
    ruleSet: { preset: 'national-batch-7', overrides: { ratioToAnchor: '1.8' } },
    lot: {
      maxValidUnitPrice: '112.3267',
      representative: { strength: '30', strengthUnit: 'mg', dosageForm: 'tablet', packSize: 7 },
      dosageFormClass: 'oral_solid',
    },
    bids: [
      {
        id: 'b1',
        supplierId: 's1',
        packPrice: '200.00',
        packSize: 7,
        strength: '30',
        strengthUnit: 'mg',
        dosageForm: 'tablet',
        submittedAt: '2026-01-01T08:00:00Z',
        capacity: '1000000',
        acceptsRevival: false,
      },
    ],
    demand: { total: '596327' },
  },
  response: {
    anchorPrice: '28.571429',
    validBidders: 1,
    bids: [
      {
        id: 'b1',
        unitPrice: '28.571429',
        unitComparablePrice: '28.571429',
        valid: true,
        rank: 1,
        outcome: 'won',
        awardedUnitComparablePrice: '28.571429',
        reasons: ['ratio_to_anchor', 'drop_from_max'],
      },
    ],
    winners: ['b1'],
    agreedVolumeRatio: '0.5',
    agreedVolume: '298163.5',
    termYears: 1,
  },
};
