import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  DOSAGE_FORM_CLASSES,
  DosageFormClass,
} from '../../../catalog/products/domain/dosage-forms';
import { Lot } from '../lot.entity';

const ID = /^\d{1,18}$/;

export class RepresentativeSpecRequest {
  @ApiProperty({ example: '30' })
  @Matches(/^\d{1,12}(\.\d{1,6})?$/, { message: 'strength must be a positive decimal string' })
  strength!: string;

  @ApiProperty({ example: 'mg' })
  @IsString()
  @MaxLength(16)
  strengthUnit!: string;

  @ApiProperty({ example: 'tablet' })
  @IsString()
  @MaxLength(32)
  dosageForm!: string;

  @ApiProperty({ example: 7 })
  @IsInt()
  @Min(1)
  @Max(100000)
  packSize!: number;
}

export class CreateLotRequest {
  @ApiProperty({ example: 'L001' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, {
    message: 'code must be 1 to 32 letters, digits, ".", "_" or "-"',
  })
  code!: string;

  @ApiProperty({ example: '阿托伐他汀钙 口服常释剂型' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: DOSAGE_FORM_CLASSES })
  @IsIn(DOSAGE_FORM_CLASSES)
  dosageFormClass!: DosageFormClass;

  @ApiProperty({ type: RepresentativeSpecRequest })
  @IsDefined()
  @ValidateNested()
  @Type(() => RepresentativeSpecRequest)
  representative!: RepresentativeSpecRequest;

  @ApiProperty({
    example: '3.2000',
    description: 'Maximum valid unit price per representative unit',
  })
  @Matches(/^\d{1,12}(\.\d{1,6})?$/, {
    message: 'maxValidUnitPrice must be a positive decimal string with at most 6 decimals',
  })
  maxValidUnitPrice!: string;

  @ApiProperty({ type: [String], description: 'Admitted specifications: product ids' })
  @IsArray()
  @ArrayMaxSize(500)
  @Matches(ID, { each: true, message: 'admittedProductIds must hold numeric ids' })
  admittedProductIds!: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Lot-level rule-set overrides, by parameter name (§P2)',
  })
  @IsOptional()
  @IsObject()
  overrides?: Record<string, unknown>;
}

export class UpdateLotRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: DOSAGE_FORM_CLASSES })
  @IsOptional()
  @IsIn(DOSAGE_FORM_CLASSES)
  dosageFormClass?: DosageFormClass;

  @ApiPropertyOptional({ type: RepresentativeSpecRequest })
  @IsOptional()
  @ValidateNested()
  @Type(() => RepresentativeSpecRequest)
  representative?: RepresentativeSpecRequest;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^\d{1,12}(\.\d{1,6})?$/, {
    message: 'maxValidUnitPrice must be a positive decimal string with at most 6 decimals',
  })
  maxValidUnitPrice?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @Matches(ID, { each: true, message: 'admittedProductIds must hold numeric ids' })
  admittedProductIds?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true })
  @IsOptional()
  @IsObject()
  overrides?: Record<string, unknown>;
}

export class RepresentativeSpecView {
  @ApiProperty() strength!: string;
  @ApiProperty() strengthUnit!: string;
  @ApiProperty() dosageForm!: string;
  @ApiProperty() packSize!: number;
}

export class LotView {
  @ApiProperty() id!: string;
  @ApiProperty() roundId!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: DOSAGE_FORM_CLASSES }) dosageFormClass!: DosageFormClass;
  @ApiProperty({ type: RepresentativeSpecView }) representative!: RepresentativeSpecView;
  @ApiProperty() maxValidUnitPrice!: string;
  @ApiProperty({ type: [String] }) admittedProductIds!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  overrides!: Record<string, unknown> | null;

  static of(lot: Lot, admitted: string[]): LotView {
    return {
      id: lot.id,
      roundId: lot.roundId,
      code: lot.code,
      name: lot.name,
      dosageFormClass: lot.dosageFormClass,
      representative: {
        strength: lot.repStrength.toFixed(),
        strengthUnit: lot.repStrengthUnit,
        dosageForm: lot.repDosageForm,
        packSize: lot.repPackSize,
      },
      maxValidUnitPrice: lot.maxValidUnitPrice.toFixed(6),
      admittedProductIds: admitted,
      overrides: lot.overridesJson
        ? (JSON.parse(lot.overridesJson) as Record<string, unknown>)
        : null,
    };
  }
}
