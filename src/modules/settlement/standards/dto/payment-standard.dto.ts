import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageOf, PageQuery } from '../../../../common/pagination';

const ID = /^\d{1,18}$/;
const REGION = /^\d{6}$/;

export class PaymentStandardQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'productId must be a numeric id' })
  productId?: string;

  @ApiPropertyOptional({ example: '320100' })
  @IsOptional()
  @Matches(REGION, { message: 'regionCode must be a 6-digit region code' })
  regionCode?: string;

  @ApiPropertyOptional({
    example: '2026-09-01',
    description: 'Only the standards in force on this day',
  })
  @IsOptional()
  @IsString()
  on?: string;
}

export class SetPaymentStandardRequest {
  @ApiProperty()
  @Matches(ID, { message: 'productId must be a numeric id' })
  productId!: string;

  @ApiProperty({ example: '320100', description: 'Pooling region' })
  @Matches(REGION, { message: 'regionCode must be a 6-digit region code' })
  regionCode!: string;

  @ApiProperty({ example: '1.500000', description: 'Per smallest unit, up to 6 decimals' })
  @IsString()
  unitPrice!: string;

  @ApiProperty({ example: '2026-09-01' })
  @IsString()
  validFrom!: string;

  @ApiProperty({ example: 'Price negotiation 2026-08', maxLength: 500 })
  @IsString()
  @MaxLength(500)
  reason!: string;
}

export class RunPaymentStandardsRequest {
  @ApiProperty({ description: 'The awarded round' })
  @Matches(ID, { message: 'roundId must be a numeric id' })
  roundId!: string;
}

export class PaymentStandardView {
  @ApiProperty() id!: string;
  @ApiProperty() productId!: string;
  @ApiProperty({ example: '320100' }) regionCode!: string;
  @ApiProperty({ example: '1.500000' }) unitPrice!: string;
  @ApiProperty({ example: '2026-09-01' }) validFrom!: string;
  @ApiProperty({ type: String, nullable: true }) validTo!: string | null;
  @ApiProperty({
    enum: ['winning_price', 'high_price_cut', 'highest_winning_price', 'manual'],
  })
  rule!: string;
  @ApiProperty({ type: String, nullable: true }) sourceRoundId!: string | null;
  @ApiProperty({ type: String, nullable: true }) sourceLotId!: string | null;
  @ApiProperty() explanation!: string;
  @ApiProperty({ enum: ['current', 'superseded'] }) status!: string;
  @ApiProperty() createdAt!: string;
}

export class PaymentStandardPage extends PageOf(PaymentStandardView) {}

export class SkippedProductView {
  @ApiProperty() lotId!: string;
  @ApiProperty() productId!: string;
  @ApiProperty({ type: String, nullable: true }) regionCode!: string | null;
  @ApiProperty() reason!: string;
}

export class PaymentStandardRunView {
  @ApiProperty() roundId!: string;
  @ApiProperty({ description: 'Standards the award set' }) standards!: number;
  @ApiProperty({ type: [SkippedProductView] }) skipped!: SkippedProductView[];
  @ApiProperty() ranAt!: string;
  @ApiProperty({ description: 'False when an earlier run (the award job) had set them' })
  createdNow!: boolean;
}
