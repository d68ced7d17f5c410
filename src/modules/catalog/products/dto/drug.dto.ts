import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PageOf } from '../../../../common/pagination';
import { Organisation } from '../../../identity/organisations/organisation.entity';
import {
  DOSAGE_FORM_CLASSES,
  DOSAGE_FORM_CODES,
  DosageFormClass,
  DosageFormCode,
  dosageForm,
} from '../domain/dosage-forms';
import { PRODUCT_STATUSES, ProductStatus } from '../domain/product-rules';
import { STRENGTH_UNIT_CODES } from '../domain/strength-units';
import { Product } from '../product.entity';
import { BooleanQuery, ProductQuery } from './product-query.dto';

export class CreateDrugRequest {
  @ApiProperty({
    example: 'XC10AAA021A001010104321',
    description: '医保药品代码: 20–30 letters and digits starting with X or Z',
  })
  @IsString()
  @MaxLength(40)
  code!: string;

  @ApiProperty({ example: '阿托伐他汀钙片', description: 'Generic name (通用名)' })
  @IsString()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: '立普妥', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  brandName?: string | null;

  @ApiProperty({
    description: 'Marketing-authorisation holder: an organisation of type manufacturer',
  })
  @Matches(/^\d+$/, { message: 'manufacturerId must be a numeric id' })
  manufacturerId!: string;

  @ApiProperty({ enum: DOSAGE_FORM_CODES })
  @IsIn(DOSAGE_FORM_CODES)
  dosageForm!: DosageFormCode;

  @ApiPropertyOptional({
    enum: DOSAGE_FORM_CLASSES,
    description:
      'Defaults from the dosage form; injections may be small_ or large_volume_injection',
  })
  @IsOptional()
  @IsIn(DOSAGE_FORM_CLASSES)
  dosageFormClass?: DosageFormClass;

  @ApiProperty({ example: '20', description: 'Decimal string, at most 6 decimals' })
  @IsString()
  @MaxLength(24)
  strength!: string;

  @ApiProperty({
    example: 'mg',
    description: `One of ${STRENGTH_UNIT_CODES.join(', ')} (ug, mcg accepted)`,
  })
  @IsString()
  @MaxLength(16)
  strengthUnit!: string;

  @ApiProperty({ example: 7, description: 'Smallest units per pack' })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  packSize!: number;

  @ApiProperty({ example: '片', description: 'Smallest unit: 片/粒/支/袋/瓶 …' })
  @IsString()
  @MaxLength(16)
  smallestUnit!: string;

  @ApiPropertyOptional({ example: '国药准字H20003263', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  approvalNumber?: string | null;

  @ApiPropertyOptional({ description: '通过一致性评价' })
  @IsOptional()
  @IsBoolean()
  consistencyEvaluated?: boolean;

  @ApiPropertyOptional({ description: '原研/参比' })
  @IsOptional()
  @IsBoolean()
  originator?: boolean;

  @ApiPropertyOptional({ description: '基本药物' })
  @IsOptional()
  @IsBoolean()
  essential?: boolean;

  @ApiPropertyOptional({ description: '谈判药' })
  @IsOptional()
  @IsBoolean()
  negotiated?: boolean;

  @ApiPropertyOptional({ description: '医保目录' })
  @IsOptional()
  @IsBoolean()
  reimbursable?: boolean;
}

export class UpdateDrugRequest extends PartialType(OmitType(CreateDrugRequest, ['code'] as const)) {
  @ApiPropertyOptional({ enum: PRODUCT_STATUSES })
  @IsOptional()
  @IsIn(PRODUCT_STATUSES)
  status?: ProductStatus;
}

export class DrugQuery extends ProductQuery {
  @ApiPropertyOptional({ enum: DOSAGE_FORM_CODES })
  @IsOptional()
  @IsIn(DOSAGE_FORM_CODES)
  dosageForm?: DosageFormCode;

  @ApiPropertyOptional({ enum: DOSAGE_FORM_CLASSES })
  @IsOptional()
  @IsIn(DOSAGE_FORM_CLASSES)
  dosageFormClass?: DosageFormClass;

  @BooleanQuery('通过一致性评价')
  consistencyEvaluated?: boolean;

  @BooleanQuery('原研/参比')
  originator?: boolean;

  @BooleanQuery('基本药物')
  essential?: boolean;

  @BooleanQuery('谈判药')
  negotiated?: boolean;

  @BooleanQuery('医保目录')
  reimbursable?: boolean;
}

export class DrugView {
  @ApiProperty() id!: string;
  @ApiProperty() code!: string;
  @ApiProperty({ description: 'Generic name (通用名)' }) name!: string;
  @ApiProperty({ nullable: true, type: String }) brandName!: string | null;
  @ApiProperty() manufacturerId!: string;
  @ApiProperty({ nullable: true, type: String }) manufacturerCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) manufacturerName!: string | null;
  @ApiProperty({ enum: DOSAGE_FORM_CODES }) dosageForm!: DosageFormCode;
  @ApiProperty({ example: '普通片' }) dosageFormName!: string;
  @ApiProperty({ enum: DOSAGE_FORM_CLASSES }) dosageFormClass!: DosageFormClass;
  @ApiProperty({ example: '20' }) strength!: string;
  @ApiProperty({ example: 'mg' }) strengthUnit!: string;
  @ApiProperty() packSize!: number;
  @ApiProperty() smallestUnit!: string;
  @ApiProperty({ nullable: true, type: String }) approvalNumber!: string | null;
  @ApiProperty() consistencyEvaluated!: boolean;
  @ApiProperty() originator!: boolean;
  @ApiProperty() essential!: boolean;
  @ApiProperty() negotiated!: boolean;
  @ApiProperty() reimbursable!: boolean;
  @ApiProperty({ enum: PRODUCT_STATUSES }) status!: ProductStatus;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(p: Product, manufacturer: Organisation | undefined): DrugView {
    return {
      id: p.id,
      code: p.code,
      name: p.name,
      brandName: p.brandName,
      manufacturerId: p.manufacturerId,
      manufacturerCode: manufacturer?.code ?? null,
      manufacturerName: manufacturer?.name ?? null,
      dosageForm: p.dosageForm!,
      dosageFormName: dosageForm(p.dosageForm!)?.name ?? p.dosageForm!,
      dosageFormClass: p.dosageFormClass!,
      strength: p.strength!.toFixed(),
      strengthUnit: p.strengthUnit!,
      packSize: p.packSize!,
      smallestUnit: p.smallestUnit!,
      approvalNumber: p.approvalNumber,
      consistencyEvaluated: p.consistencyEvaluated,
      originator: p.originator,
      essential: p.essential,
      negotiated: p.negotiated,
      reimbursable: p.reimbursable,
      status: p.status,
      createdAt: p.createdAt.toISOString(),
      updatedAt: p.updatedAt.toISOString(),
    };
  }
}

export class DrugPage extends PageOf(DrugView) {}
