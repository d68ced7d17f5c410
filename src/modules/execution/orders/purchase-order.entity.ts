import { Column, Entity } from 'typeorm';
import { Decimal, decimalColumn, idColumn, PrimaryId } from '../../../database/decimal';
import { PriceSource } from './domain/line-pricing';
import { OrderState } from './domain/order-state';

/** §E1 a hospital's purchase order (采购订单) to one supplier. */
@Entity('purchase_orders')
export class PurchaseOrder {
  @PrimaryId()
  id!: string;

  @Column({ type: 'varchar' })
  code!: string;

  @Column({ name: 'hospital_id', type: 'bigint', transformer: idColumn })
  hospitalId!: string;

  @Column({ name: 'supplier_id', type: 'bigint', transformer: idColumn })
  supplierId!: string;

  @Column({ type: 'varchar' })
  status!: OrderState;

  @Column({ name: 'order_date', type: 'date' })
  orderDate!: string;

  @Column({
    name: 'total_amount',
    type: 'decimal',
    precision: 18,
    scale: 2,
    transformer: decimalColumn(2),
  })
  totalAmount!: Decimal;

  @Column({ type: 'varchar', nullable: true })
  note!: string | null;

  @Column({ name: 'placed_at', type: 'datetime', precision: 3, nullable: true })
  placedAt!: Date | null;

  @Column({ name: 'delivery_due_at', type: 'datetime', precision: 3, nullable: true })
  deliveryDueAt!: Date | null;

  @Column({ name: 'first_delivered_at', type: 'datetime', precision: 3, nullable: true })
  firstDeliveredAt!: Date | null;

  @Column({ name: 'cancelled_at', type: 'datetime', precision: 3, nullable: true })
  cancelledAt!: Date | null;

  @Column({ name: 'cancel_reason', type: 'varchar', nullable: true })
  cancelReason!: string | null;

  @Column({ name: 'closed_at', type: 'datetime', precision: 3, nullable: true })
  closedAt!: Date | null;

  @Column({ name: 'created_by', type: 'varchar' })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

/** One product on an order: packs, the price of a pack and where that price came from. */
@Entity('purchase_order_lines')
export class PurchaseOrderLine {
  @PrimaryId()
  id!: string;

  @Column({ name: 'order_id', type: 'bigint', transformer: idColumn })
  orderId!: string;

  @Column({ name: 'line_no', type: 'int' })
  lineNo!: number;

  @Column({ name: 'product_id', type: 'bigint', transformer: idColumn })
  productId!: string;

  @Column({ type: 'decimal', precision: 18, scale: 3, transformer: decimalColumn(3) })
  quantity!: Decimal;

  @Column({
    name: 'unit_price',
    type: 'decimal',
    precision: 18,
    scale: 6,
    transformer: decimalColumn(6),
  })
  unitPrice!: Decimal;

  @Column({ type: 'decimal', precision: 18, scale: 2, transformer: decimalColumn(2) })
  amount!: Decimal;

  @Column({ name: 'price_source', type: 'varchar' })
  priceSource!: PriceSource;

  @Column({ name: 'agreement_id', type: 'bigint', nullable: true, transformer: idColumn })
  agreementId!: string | null;

  @Column({ name: 'listing_price_id', type: 'bigint', nullable: true, transformer: idColumn })
  listingPriceId!: string | null;

  @Column({
    name: 'reference_price',
    type: 'decimal',
    precision: 18,
    scale: 6,
    transformer: decimalColumn(6),
  })
  referencePrice!: Decimal;

  @Column({ name: 'price_reason', type: 'varchar', nullable: true })
  priceReason!: string | null;

  @Column({
    name: 'delivered_quantity',
    type: 'decimal',
    precision: 18,
    scale: 3,
    transformer: decimalColumn(3),
  })
  deliveredQuantity!: Decimal;

  @Column({
    name: 'accepted_quantity',
    type: 'decimal',
    precision: 18,
    scale: 3,
    transformer: decimalColumn(3),
  })
  acceptedQuantity!: Decimal;
}
