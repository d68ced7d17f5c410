import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageOf, PageQuery } from '../../../common/pagination';

export class WinningPriceQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'R2026-0001' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  roundCode?: string;

  @ApiPropertyOptional({ enum: ['drug', 'consumable'] })
  @IsOptional()
  @IsIn(['drug', 'consumable'])
  category?: 'drug' | 'consumable';

  @ApiPropertyOptional({ description: 'National insurance product code' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  productCode?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'supplierId must be a numeric id' })
  supplierId?: string;
}

export class WinningPriceView {
  @ApiProperty() roundCode!: string;
  @ApiProperty() roundName!: string;
  @ApiProperty({ enum: ['drug', 'consumable'] }) category!: string;
  @ApiProperty({ type: String, nullable: true }) awardedAt!: string | null;
  @ApiProperty() lotCode!: string;
  @ApiProperty() lotName!: string;
  @ApiProperty() rank!: number;
  @ApiProperty({ enum: ['won', 'revived'] }) outcome!: string;
  @ApiProperty() productCode!: string;
  @ApiProperty() productName!: string;
  @ApiProperty() supplierId!: string;
  @ApiProperty() supplierName!: string;
  @ApiProperty({ example: '12.340000' }) packPrice!: string;
  @ApiProperty({ example: '1.762857', description: 'Per smallest unit' }) unitPrice!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '1.762857',
    description: 'Awarded unit comparable price per representative unit (§P5)',
  })
  comparablePrice!: string | null;
}

export class WinningPricePage extends PageOf(WinningPriceView) {}
