import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { PageOf, PageQuery } from '../../../../common/pagination';
import { Agreement, LotSupplyRegion } from '../agreement.entity';

const ID = /^\d{1,18}$/;

export class AgreementQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'lotId must be a numeric id' })
  lotId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'hospitalId must be a numeric id' })
  hospitalId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'supplierId must be a numeric id' })
  supplierId?: string;
}

export class AgreementView {
  @ApiProperty() id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() roundId!: string;
  @ApiProperty() lotId!: string;
  @ApiProperty() hospitalId!: string;
  @ApiProperty() supplierId!: string;
  @ApiProperty() productId!: string;
  @ApiProperty() bidId!: string;
  @ApiProperty() declaredQuantity!: string;
  @ApiProperty() agreedQuantity!: string;
  @ApiProperty() packPrice!: string;
  @ApiProperty() unitPrice!: string;
  @ApiProperty() brandSpecified!: boolean;
  @ApiProperty() startDate!: string;
  @ApiProperty() endDate!: string;
  @ApiProperty({ enum: ['active', 'completed', 'replaced'] }) status!: string;
  @ApiProperty({ nullable: true, type: String }) replacedFrom!: string | null;
  @ApiProperty({ nullable: true, type: String }) activationId!: string | null;

  static of(a: Agreement): AgreementView {
    return {
      id: a.id,
      code: a.code,
      roundId: a.roundId,
      lotId: a.lotId,
      hospitalId: a.hospitalId,
      supplierId: a.supplierId,
      productId: a.productId,
      bidId: a.bidId,
      declaredQuantity: a.declaredQuantity.toFixed(3),
      agreedQuantity: a.agreedQuantity.toFixed(3),
      packPrice: a.packPrice.toFixed(4),
      unitPrice: a.unitPrice.toFixed(6),
      brandSpecified: a.brandSpecified,
      startDate: a.startDate,
      endDate: a.endDate,
      status: a.status,
      replacedFrom: a.replacedFrom,
      activationId: a.activationId,
    };
  }
}

export class AgreementPage extends PageOf(AgreementView) {}

export class AgreementTotalView {
  @ApiProperty() lotId!: string;
  @ApiProperty() supplierId!: string;
  @ApiProperty() productId!: string;
  @ApiProperty() hospitals!: number;
  @ApiProperty() declaredQuantity!: string;
  @ApiProperty() agreedQuantity!: string;
}

export class SupplyRegionView {
  @ApiProperty() regionCode!: string;
  @ApiProperty() bidId!: string;
  @ApiProperty({ enum: ['primary', 'backup'] }) duty!: string;
  @ApiProperty() position!: number;

  static of(s: LotSupplyRegion): SupplyRegionView {
    return { regionCode: s.regionCode, bidId: s.bidId, duty: s.duty, position: s.position };
  }
}
