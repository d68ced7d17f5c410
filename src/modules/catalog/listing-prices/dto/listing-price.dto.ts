import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PageOf, PageQuery } from '../../../../common/pagination';
import { roundTo, SCALE } from '../../../../database/decimal';
import { BooleanQuery } from '../../products/dto/product-query.dto';
import { Product, PRODUCT_CATEGORIES, ProductCategory } from '../../products/product.entity';
import {
  LISTING_STATUSES,
  ListingStatus,
  SUSPENSION_SOURCES,
  SuspensionSource,
} from '../domain/listing-rules';
import { ListingPriceSuspension } from '../listing-price-suspension.entity';
import { ListingPrice } from '../listing-price.entity';

const REGION_CODE = /^\d{6}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class CreateListingPriceRequest {
  @ApiProperty({ example: '320100', description: '6-digit administrative division code' })
  @Matches(REGION_CODE, { message: 'regionCode must be a 6-digit region code' })
  regionCode!: string;

  @ApiProperty({ example: '35.500000', description: 'Price per pack, decimal string > 0' })
  @IsString()
  @MaxLength(24)
  packPrice!: string;

  @ApiProperty({ example: '2026-01-01' })
  @Matches(DATE, { message: 'validFrom must be a date YYYY-MM-DD' })
  validFrom!: string;

  @ApiPropertyOptional({ example: '2026-12-31', nullable: true, type: String })
  @IsOptional()
  @Matches(DATE, { message: 'validTo must be a date YYYY-MM-DD' })
  validTo?: string | null;
}

export class SuspendListingRequest {
  @ApiProperty({ example: '企业申请暂停挂网' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason!: string;

  @ApiPropertyOptional({
    enum: ['manual'],
    default: 'manual',
    description:
      'Only manual suspensions are made here; price cases (§M6) and credit sanctions (§K3) suspend and lift their own',
  })
  @IsOptional()
  @IsIn(['manual'], {
    message:
      'source must be manual: price_case and credit_sanction suspensions come from price cases and credit ratings',
  })
  source?: 'manual';
}

export class ListingSuspensionView {
  @ApiProperty({ enum: SUSPENSION_SOURCES }) source!: SuspensionSource;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The holder: price case code (price_case), credit rating id (credit_sanction)',
  })
  reference!: string | null;
  @ApiProperty() reason!: string;
  @ApiProperty() since!: string;

  static of(s: ListingPriceSuspension): ListingSuspensionView {
    return {
      source: s.source,
      reference: s.reference,
      reason: s.reason,
      since: s.createdAt.toISOString(),
    };
  }
}

export const LISTING_SORTS = ['createdAt', 'validFrom', 'regionCode'] as const;
export type ListingSort = (typeof LISTING_SORTS)[number];

export class ProductListingQuery extends PageQuery {
  @ApiPropertyOptional({ example: '320100' })
  @IsOptional()
  @Matches(REGION_CODE, { message: 'regionCode must be a 6-digit region code' })
  regionCode?: string;
}

export class ListingPriceQuery extends PageQuery {
  @ApiPropertyOptional({ example: '320100' })
  @IsOptional()
  @Matches(REGION_CODE, { message: 'regionCode must be a 6-digit region code' })
  regionCode?: string;

  @BooleanQuery('With regionCode: include every region below it')
  subregions?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^\d+$/, { message: 'productId must be a numeric id' })
  productId?: string;

  @ApiPropertyOptional({ description: 'National insurance code of the product' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  productCode?: string;

  @ApiPropertyOptional({ enum: PRODUCT_CATEGORIES })
  @IsOptional()
  @IsIn(PRODUCT_CATEGORIES)
  category?: ProductCategory;

  @ApiPropertyOptional({ example: '2026-06-30', description: 'Rows whose period covers this date' })
  @IsOptional()
  @Matches(DATE, { message: 'activeOn must be a date YYYY-MM-DD' })
  activeOn?: string;

  @ApiPropertyOptional({ enum: LISTING_STATUSES })
  @IsOptional()
  @IsIn(LISTING_STATUSES)
  status?: ListingStatus;

  @ApiPropertyOptional({ enum: LISTING_SORTS, default: 'createdAt' })
  @IsOptional()
  @IsIn(LISTING_SORTS)
  sort: ListingSort = 'createdAt';
}

export class ListingPriceView {
  @ApiProperty() id!: string;
  @ApiProperty() productId!: string;
  @ApiProperty() productCode!: string;
  @ApiProperty() productName!: string;
  @ApiProperty({ enum: PRODUCT_CATEGORIES }) category!: ProductCategory;
  @ApiProperty() regionCode!: string;
  @ApiProperty({ nullable: true, type: String }) regionName!: string | null;
  @ApiProperty({ example: '35.500000', description: 'Price per pack' }) packPrice!: string;
  @ApiProperty({ example: '5.071429', description: 'Price per smallest unit' }) unitPrice!: string;
  @ApiProperty({ example: '2026-01-01' }) validFrom!: string;
  @ApiProperty({ example: null, nullable: true, type: String }) validTo!: string | null;
  @ApiProperty({ enum: LISTING_STATUSES }) status!: ListingStatus;
  @ApiProperty({ nullable: true, type: String }) suspendedAt!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Reason of the oldest suspension in force',
  })
  suspensionReason!: string | null;
  @ApiProperty({
    enum: SUSPENSION_SOURCES,
    nullable: true,
    description: 'Source of the oldest suspension in force',
  })
  suspensionSource!: SuspensionSource | null;
  @ApiProperty({
    type: [ListingSuspensionView],
    description:
      'Every suspension in force, oldest first: the listing is active only when there is none',
  })
  suspensions!: ListingSuspensionView[];
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(
    l: ListingPrice,
    product: Product,
    regionName: string | null,
    suspensions: ListingPriceSuspension[],
  ): ListingPriceView {
    return {
      id: l.id,
      productId: l.productId,
      productCode: product.code,
      productName: product.name,
      category: product.category,
      regionCode: l.regionCode,
      regionName,
      packPrice: roundTo(l.packPrice, SCALE.unitPrice),
      unitPrice: roundTo(l.unitPrice, SCALE.unitPrice),
      validFrom: l.validFrom,
      validTo: l.validTo,
      status: l.status,
      suspendedAt: l.suspendedAt ? l.suspendedAt.toISOString() : null,
      suspensionReason: l.suspensionReason,
      suspensionSource: l.suspensionSource,
      suspensions: suspensions.map((s) => ListingSuspensionView.of(s)),
      createdAt: l.createdAt.toISOString(),
      updatedAt: l.updatedAt.toISOString(),
    };
  }
}

export class ListingPricePage extends PageOf(ListingPriceView) {}
