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
import { PRICE_SOURCES, PriceSource } from '../domain/line-pricing';
import { allowedActions, ORDER_STATES, OrderState } from '../domain/order-state';
import { PurchaseOrder, PurchaseOrderLine } from '../purchase-order.entity';

const ID = /^\d{1,18}$/;
export const MAX_ORDER_LINES = 200;

export class OrderLineRequest {
  @ApiProperty({ example: '42' })
  @Matches(ID, { message: 'productId must be a numeric id' })
  productId!: string;

  @ApiProperty({ example: '100', description: 'Packs of the product, > 0, at most 3 decimals' })
  @IsString()
  @MaxLength(24)
  quantity!: string;

  @ApiPropertyOptional({
    example: '10.500000',
    description:
      'Price of one pack. Omit it for the default: the agreement price, else the listing price of the hospital region. A different price needs priceReason',
  })
  @IsOptional()
  @IsString()
  @MaxLength(24)
  unitPrice?: string;

  @ApiPropertyOptional({ example: '院内二次议价', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  priceReason?: string;
}

export class CreateOrderRequest {
  @ApiProperty({ description: 'The manufacturer or distributor that supplies the order' })
  @Matches(ID, { message: 'supplierId must be a numeric id' })
  supplierId!: string;

  @ApiProperty({ type: [OrderLineRequest] })
  @IsDefined()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ORDER_LINES)
  @ValidateNested({ each: true })
  @Type(() => OrderLineRequest)
  lines!: OrderLineRequest[];

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class CancelOrderRequest {
  @ApiProperty({ example: '科室需求取消', minLength: 2, maxLength: 500 })
  @IsString()
  @MinLength(2)
  @MaxLength(500)
  reason!: string;
}

export class OrderQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ORDER_STATES })
  @IsOptional()
  @IsIn(ORDER_STATES)
  status?: OrderState;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'hospitalId must be a numeric id' })
  hospitalId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'supplierId must be a numeric id' })
  supplierId?: string;

  @ApiPropertyOptional({ enum: ['createdAt', 'placedAt'], default: 'createdAt' })
  @IsOptional()
  @IsIn(['createdAt', 'placedAt'])
  sort: 'createdAt' | 'placedAt' = 'createdAt';
}

export class OrderLineView {
  @ApiProperty() id!: string;
  @ApiProperty() lineNo!: number;
  @ApiProperty() productId!: string;
  @ApiProperty({ example: '100.000', description: 'Packs ordered' })
  quantity!: string;
  @ApiProperty({ example: '10.500000', description: 'Price of one pack' })
  unitPrice!: string;
  @ApiProperty({ example: '1050.00' })
  amount!: string;
  @ApiProperty({ enum: PRICE_SOURCES })
  priceSource!: PriceSource;
  @ApiProperty({ nullable: true, type: String })
  agreementId!: string | null;
  @ApiProperty({ nullable: true, type: String })
  listingPriceId!: string | null;
  @ApiProperty({ description: 'The agreement or listing price the line was measured against' })
  referencePrice!: string;
  @ApiProperty({ nullable: true, type: String })
  priceReason!: string | null;
  @ApiProperty({ description: 'Delivered and not rejected' })
  deliveredQuantity!: string;
  @ApiProperty()
  acceptedQuantity!: string;
  @ApiProperty({ description: 'Ordered − delivered (rejected goods are owed again)' })
  outstandingQuantity!: string;

  static of(l: PurchaseOrderLine): OrderLineView {
    return {
      id: l.id,
      lineNo: l.lineNo,
      productId: l.productId,
      quantity: l.quantity.toFixed(3),
      unitPrice: l.unitPrice.toFixed(6),
      amount: l.amount.toFixed(2),
      priceSource: l.priceSource,
      agreementId: l.agreementId,
      listingPriceId: l.listingPriceId,
      referencePrice: l.referencePrice.toFixed(6),
      priceReason: l.priceReason,
      deliveredQuantity: l.deliveredQuantity.toFixed(3),
      acceptedQuantity: l.acceptedQuantity.toFixed(3),
      outstandingQuantity: l.quantity.minus(l.deliveredQuantity).toFixed(3),
    };
  }
}

export class OrderView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'PO20260301-7K2D9Q' }) code!: string;
  @ApiProperty() hospitalId!: string;
  @ApiProperty() supplierId!: string;
  @ApiProperty({ enum: ORDER_STATES }) status!: OrderState;
  @ApiProperty({ type: [String], description: 'What may happen to the order next' })
  allowedActions!: string[];
  @ApiProperty({
    example: '2026-03-01',
    description: 'China business date the prices were taken on',
  })
  orderDate!: string;
  @ApiProperty({ example: '1050.00' }) totalAmount!: string;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty({ nullable: true, type: String }) placedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'First delivery due by' })
  deliveryDueAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) firstDeliveredAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) cancelledAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) cancelReason!: string | null;
  @ApiProperty({ nullable: true, type: String }) closedAt!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: [OrderLineView] }) lines!: OrderLineView[];

  static of(o: PurchaseOrder, lines: PurchaseOrderLine[]): OrderView {
    return {
      id: o.id,
      code: o.code,
      hospitalId: o.hospitalId,
      supplierId: o.supplierId,
      status: o.status,
      allowedActions: allowedActions(o.status),
      orderDate: o.orderDate,
      totalAmount: o.totalAmount.toFixed(2),
      note: o.note,
      placedAt: o.placedAt?.toISOString() ?? null,
      deliveryDueAt: o.deliveryDueAt?.toISOString() ?? null,
      firstDeliveredAt: o.firstDeliveredAt?.toISOString() ?? null,
      cancelledAt: o.cancelledAt?.toISOString() ?? null,
      cancelReason: o.cancelReason,
      closedAt: o.closedAt?.toISOString() ?? null,
      createdAt: o.createdAt.toISOString(),
      lines: [...lines].sort((a, b) => a.lineNo - b.lineNo).map(OrderLineView.of),
    };
  }
}

export class OrderPage extends PageOf(OrderView) {}
