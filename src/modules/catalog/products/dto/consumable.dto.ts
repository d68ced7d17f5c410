import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageOf } from '../../../../common/pagination';
import { Organisation } from '../../../identity/organisations/organisation.entity';
import { PRODUCT_STATUSES, ProductStatus } from '../domain/product-rules';
import { Product } from '../product.entity';
import { BooleanQuery, ProductQuery } from './product-query.dto';

export class CreateConsumableRequest {
  @ApiProperty({
    example: 'C0311201000000300000000',
    description: '医保耗材代码: 20–27 letters and digits starting with C',
  })
  @IsString()
  @MaxLength(40)
  code!: string;

  @ApiProperty({ example: '药物洗脱冠脉支架系统' })
  @IsString()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  brandName?: string | null;

  @ApiProperty({ description: 'Registrant: an organisation of type manufacturer' })
  @Matches(/^\d+$/, { message: 'manufacturerId must be a numeric id' })
  manufacturerId!: string;

  @ApiProperty({ example: '血管介入/冠脉支架', description: 'Category segments separated by "/"' })
  @IsString()
  @MaxLength(255)
  categoryPath!: string;

  @ApiPropertyOptional({ description: '高值耗材' })
  @IsOptional()
  @IsBoolean()
  highValue?: boolean;

  @ApiPropertyOptional({ example: '国械注准20153130001', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  registrationNumber?: string | null;

  @ApiPropertyOptional({
    example: '3.0mm×18mm',
    description: '规格型号',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  specification?: string | null;

  @ApiProperty({ example: '个', description: 'Unit of sale' })
  @IsString()
  @MaxLength(16)
  unit!: string;
}

export class UpdateConsumableRequest extends PartialType(
  OmitType(CreateConsumableRequest, ['code'] as const),
) {
  @ApiPropertyOptional({ enum: PRODUCT_STATUSES })
  @IsOptional()
  @IsIn(PRODUCT_STATUSES)
  status?: ProductStatus;
}

export class MapUdiRequest {
  @ApiProperty({ example: '06901234567892', description: 'UDI device identifier (UDI-DI)' })
  @IsString()
  @MaxLength(40)
  udi!: string;
}

export class ConsumableQuery extends ProductQuery {
  @ApiPropertyOptional({
    example: '血管介入',
    description: 'Category path or any ancestor of it (whole segments)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  categoryPath?: string;

  @BooleanQuery('高值耗材')
  highValue?: boolean;
}

export class ConsumableView {
  @ApiProperty() id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) brandName!: string | null;
  @ApiProperty() manufacturerId!: string;
  @ApiProperty({ nullable: true, type: String }) manufacturerCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) manufacturerName!: string | null;
  @ApiProperty({ example: '血管介入/冠脉支架' }) categoryPath!: string;
  @ApiProperty() highValue!: boolean;
  @ApiProperty({ nullable: true, type: String }) registrationNumber!: string | null;
  @ApiProperty({ nullable: true, type: String }) specification!: string | null;
  @ApiProperty() unit!: string;
  @ApiProperty({ type: [String], description: 'UDI-DIs mapped to this consumable' })
  udis!: string[];
  @ApiProperty({ enum: PRODUCT_STATUSES }) status!: ProductStatus;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(p: Product, manufacturer: Organisation | undefined, udis: string[]): ConsumableView {
    return {
      id: p.id,
      code: p.code,
      name: p.name,
      brandName: p.brandName,
      manufacturerId: p.manufacturerId,
      manufacturerCode: manufacturer?.code ?? null,
      manufacturerName: manufacturer?.name ?? null,
      categoryPath: p.categoryPath!,
      highValue: p.highValue,
      registrationNumber: p.registrationNumber,
      specification: p.specification,
      unit: p.unit!,
      udis: [...udis].sort(),
      status: p.status,
      createdAt: p.createdAt.toISOString(),
      updatedAt: p.updatedAt.toISOString(),
    };
  }
}

export class ConsumablePage extends PageOf(ConsumableView) {}
