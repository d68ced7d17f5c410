import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PageOf, PageQuery } from '../../../../common/pagination';
import { REPAIR_ACTIONS } from '../../ratings/domain/scheme';
import { CreditRepair, REPAIR_STATUSES, RepairStatus } from '../credit-repair.entity';

export class RepairActionRequest {
  @ApiProperty({ enum: REPAIR_ACTIONS, example: 'price_cut' })
  @IsString()
  @IsIn(REPAIR_ACTIONS, { message: `kind must be one of ${REPAIR_ACTIONS.join(', ')}` })
  kind!: string;

  @ApiProperty({
    example: '挂网价由 28.50 元降至 19.80 元，已剔除虚高空间 (2026-03-01 起执行)',
    minLength: 2,
    maxLength: 2000,
  })
  @IsString()
  @MinLength(2)
  @MaxLength(2000)
  evidence!: string;
}

export class ApplyRepairRequest {
  @ApiProperty({ type: [RepairActionRequest] })
  @IsDefined()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => RepairActionRequest)
  actions!: RepairActionRequest[];
}

export class DecideRepairRequest {
  @ApiPropertyOptional({ maxLength: 2000, description: 'Required when rejecting' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class RepairQuery extends PageQuery {
  @ApiPropertyOptional({ enum: REPAIR_STATUSES })
  @IsOptional()
  @IsIn(REPAIR_STATUSES)
  status?: RepairStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'ratingId must be a numeric id' })
  ratingId?: string;
}

export class RepairActionView {
  @ApiProperty({ enum: REPAIR_ACTIONS }) kind!: string;
  @ApiProperty() evidence!: string;
}

export class RepairView {
  @ApiProperty() id!: string;
  @ApiProperty() ratingId!: string;
  @ApiProperty() supplierId!: string;
  @ApiProperty({ type: [RepairActionView] }) actions!: RepairActionView[];
  @ApiProperty({ enum: REPAIR_STATUSES }) status!: RepairStatus;
  @ApiProperty({ example: 'serious' }) levelBefore!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'After approval: the milder level, or null when the rating ended',
  })
  levelAfter!: string | null;
  @ApiProperty() appliedAt!: string;
  @ApiProperty({ nullable: true, type: String }) decidedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) decidedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) decisionNote!: string | null;

  static of(r: CreditRepair): RepairView {
    return {
      id: r.id,
      ratingId: r.ratingId,
      supplierId: r.supplierId,
      actions: JSON.parse(r.actions) as RepairActionView[],
      status: r.status,
      levelBefore: r.levelBefore,
      levelAfter: r.levelAfter,
      appliedAt: r.appliedAt.toISOString(),
      decidedBy: r.decidedBy,
      decidedAt: r.decidedAt?.toISOString() ?? null,
      decisionNote: r.decisionNote,
    };
  }
}

export class RepairPage extends PageOf(RepairView) {}
