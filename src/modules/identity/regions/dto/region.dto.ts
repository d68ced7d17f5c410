import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PageOf, PageQuery } from '../../../../common/pagination';
import { trimmed } from '../../text';
import { Region, REGION_LEVELS, RegionLevel } from '../region.entity';

export class RegionQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Direct children of this region', example: '320000' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'parentCode must be a 6-digit region code' })
  parentCode?: string;

  @ApiPropertyOptional({ enum: REGION_LEVELS })
  @IsOptional()
  @IsIn(REGION_LEVELS)
  level?: RegionLevel;

  @ApiPropertyOptional({ description: 'Name contains' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ description: 'Code starts with', example: '3201' })
  @IsOptional()
  @Matches(/^\d{1,6}$/, { message: 'code must be 1 to 6 digits (a code prefix)' })
  code?: string;
}

export class CreateRegionRequest {
  @ApiProperty({
    example: '320102',
    description: '6-digit 行政区划代码: province NN0000, city NNNN00, county NNNNNN',
  })
  @IsString()
  @MaxLength(16)
  code!: string;

  @ApiProperty({ example: '玄武区' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({
    example: '320100',
    description: 'Optional: derived from the code; when given it must be that parent',
  })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  parentCode?: string;
}

export class UpdateRegionRequest {
  @ApiProperty({ example: '玄武区' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;
}

export class RegionView {
  @ApiProperty({ example: '320102' }) code!: string;
  @ApiProperty({ example: '玄武区' }) name!: string;
  @ApiProperty({ enum: REGION_LEVELS }) level!: RegionLevel;
  @ApiProperty({ nullable: true, type: String, example: '320100' }) parentCode!: string | null;
  @ApiProperty({ example: '/320000/320100/320102/' }) path!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(r: Region): RegionView {
    return {
      code: r.code,
      name: r.name,
      level: r.level,
      parentCode: r.parentCode,
      path: r.path,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    };
  }
}

export class RegionPage extends PageOf(RegionView) {}
