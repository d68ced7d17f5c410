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
import { Delivery, DeliveryLine } from '../delivery.entity';
import { Decision, DECISIONS } from '../domain/delivery-rules';

const ID = /^\d{1,18}$/;
const MAX_LINES = 200;

export class DeliveryLineRequest {
  @ApiProperty({ example: '17' })
  @Matches(ID, { message: 'orderLineId must be a numeric id' })
  orderLineId!: string;

  @ApiProperty({ example: '40', description: 'Packs delivered, > 0, at most 3 decimals' })
  @IsString()
  @MaxLength(24)
  quantity!: string;

  @ApiProperty({ example: 'B20260215' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  batchNumber!: string;

  @ApiProperty({ example: '2028-01-31', description: 'YYYY-MM-DD, not before the delivery day' })
  @IsString()
  @MaxLength(10)
  expiryDate!: string;

  @ApiProperty({ example: '44030012' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  invoiceNumber!: string;
}

export class RecordDeliveryRequest {
  @ApiProperty({ type: [DeliveryLineRequest] })
  @IsDefined()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LINES)
  @ValidateNested({ each: true })
  @Type(() => DeliveryLineRequest)
  lines!: DeliveryLineRequest[];
}

export class AcceptanceLineRequest {
  @ApiProperty({ example: '31' })
  @Matches(ID, { message: 'deliveryLineId must be a numeric id' })
  deliveryLineId!: string;

  @ApiProperty({ enum: ['accepted', 'rejected'] })
  @IsIn(['accepted', 'rejected'])
  decision!: 'accepted' | 'rejected';

  @ApiPropertyOptional({ description: 'Required when rejected', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class AcceptanceRequest {
  @ApiProperty({ type: [AcceptanceLineRequest] })
  @IsDefined()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LINES)
  @ValidateNested({ each: true })
  @Type(() => AcceptanceLineRequest)
  lines!: AcceptanceLineRequest[];
}

export class DeliveryQuery extends PageQuery {}

export class DeliveryLineView {
  @ApiProperty() id!: string;
  @ApiProperty() orderLineId!: string;
  @ApiProperty() productId!: string;
  @ApiProperty({ example: '40.000' }) quantity!: string;
  @ApiProperty({ example: '10.500000', description: 'Price of one pack, from the order line' })
  unitPrice!: string;
  @ApiProperty({ example: '420.00' }) amount!: string;
  @ApiProperty() batchNumber!: string;
  @ApiProperty() expiryDate!: string;
  @ApiProperty() invoiceNumber!: string;
  @ApiProperty({ enum: DECISIONS }) decision!: Decision;
  @ApiProperty({ nullable: true, type: String }) decidedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) rejectionReason!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Acceptance (验收) time: starts the 30-day payment clock',
  })
  acceptedAt!: string | null;

  static of(l: DeliveryLine): DeliveryLineView {
    return {
      id: l.id,
      orderLineId: l.orderLineId,
      productId: l.productId,
      quantity: l.quantity.toFixed(3),
      unitPrice: l.unitPrice.toFixed(6),
      amount: l.amount.toFixed(2),
      batchNumber: l.batchNumber,
      expiryDate: l.expiryDate,
      invoiceNumber: l.invoiceNumber,
      decision: l.decision,
      decidedAt: l.decidedAt?.toISOString() ?? null,
      rejectionReason: l.rejectionReason,
      acceptedAt: l.acceptedAt?.toISOString() ?? null,
    };
  }
}

export class DeliveryView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'PO20260301-7K2D9Q-D01' }) code!: string;
  @ApiProperty() orderId!: string;
  @ApiProperty() hospitalId!: string;
  @ApiProperty() supplierId!: string;
  @ApiProperty() deliveredAt!: string;
  @ApiProperty({ type: [DeliveryLineView] }) lines!: DeliveryLineView[];

  static of(d: Delivery, lines: DeliveryLine[]): DeliveryView {
    return {
      id: d.id,
      code: d.code,
      orderId: d.orderId,
      hospitalId: d.hospitalId,
      supplierId: d.supplierId,
      deliveredAt: d.deliveredAt.toISOString(),
      lines: lines
        .filter((l) => l.deliveryId === d.id)
        .sort((a, b) => Number(a.id) - Number(b.id))
        .map(DeliveryLineView.of),
    };
  }
}

export class DeliveryPage extends PageOf(DeliveryView) {}

export class PerformanceQuery {
  @ApiProperty({ example: '2026-03-01', description: 'First China business day, inclusive' })
  @IsString()
  @MaxLength(10)
  from!: string;

  @ApiProperty({ example: '2026-03-31', description: 'Last China business day, inclusive' })
  @IsString()
  @MaxLength(10)
  to!: string;
}

export class SupplierPerformanceView {
  @ApiProperty() supplierId!: string;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ description: 'The delay setting (DELIVERY_DELAY_HOURS) in force now' })
  deliveryDelayHours!: number;
  @ApiProperty({ description: 'Orders placed in the window, cancelled ones excluded' })
  orders!: number;
  @ApiProperty({ description: 'Deliveries recorded against those orders' })
  deliveries!: number;
  @ApiProperty({ description: 'Orders whose first delivery came after it was due' })
  lateDeliveries!: number;
  @ApiProperty({ description: 'Orders with no delivery yet although it is already due' })
  overdueUndelivered!: number;
  @ApiProperty({ example: '700.000' }) orderedQuantity!: string;
  @ApiProperty({ example: '560.000', description: 'Delivered and not rejected' })
  deliveredQuantity!: string;
  @ApiProperty({ example: '500.000' }) acceptedQuantity!: string;
  @ApiProperty({ example: '60.000' }) rejectedQuantity!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: '0.7143',
    description: 'Accepted ÷ ordered quantity; null when nothing was ordered',
  })
  fillRate!: string | null;
}
