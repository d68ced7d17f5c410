import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../../../../common/pagination';
import { PRODUCT_STATUSES, ProductStatus } from '../domain/product-rules';

export const PRODUCT_SORTS = ['code', 'name', 'createdAt'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

/** `?flag=true|false` query parameter. */
export function BooleanQuery(description: string) {
  return applyDecorators(
    ApiPropertyOptional({ type: Boolean, description }),
    IsOptional(),
    Transform(({ value }: { value: unknown }) =>
      value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value,
    ),
    IsBoolean(),
  );
}

/** Filters shared by the drug and consumable lists and exports. */
export class ProductQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Exact national insurance code' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  code?: string;

  @ApiPropertyOptional({ description: 'Text in the name or brand name' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^\d+$/, { message: 'manufacturerId must be a numeric id' })
  manufacturerId?: string;

  @ApiPropertyOptional({ enum: PRODUCT_STATUSES })
  @IsOptional()
  @IsIn(PRODUCT_STATUSES)
  status?: ProductStatus;

  @ApiPropertyOptional({ enum: PRODUCT_SORTS, default: 'code' })
  @IsOptional()
  @IsIn(PRODUCT_SORTS)
  sort: ProductSort = 'code';
}
