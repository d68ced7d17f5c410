import { Column, Entity } from 'typeorm';
import { Decimal, decimalColumn, idColumn, PrimaryId } from '../../../database/decimal';
import { Decision } from './domain/delivery-rules';

/** §E2 one delivery (配送) of goods against an order, recorded by its supplier. */
@Entity('deliveries')
export class Delivery {
  @PrimaryId()
  id!: string;

  @Column({ type: 'varchar' })
  code!: string;

  @Column({ name: 'order_id', type: 'bigint', transformer: idColumn })
  orderId!: string;

  @Column({ name: 'hospital_id', type: 'bigint', transformer: idColumn })
  hospitalId!: string;

  @Column({ name: 'supplier_id', type: 'bigint', transformer: idColumn })
  supplierId!: string;

  @Column({ name: 'delivered_at', type: 'datetime', precision: 3 })
  deliveredAt!: Date;

  @Column({ name: 'recorded_by', type: 'varchar' })
  recordedBy!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}

/**
 * One batch of one order line in a delivery, with the hospital's acceptance (验收) decision.
 * Hospital, supplier, product and price are copied from the order so settlement reads this
 * table alone.
 */
@Entity('delivery_lines')
export class DeliveryLine {
  @PrimaryId()
  id!: string;

  @Column({ name: 'delivery_id', type: 'bigint', transformer: idColumn })
  deliveryId!: string;

  @Column({ name: 'order_id', type: 'bigint', transformer: idColumn })
  orderId!: string;

  @Column({ name: 'order_line_id', type: 'bigint', transformer: idColumn })
  orderLineId!: string;

  @Column({ name: 'hospital_id', type: 'bigint', transformer: idColumn })
  hospitalId!: string;

  @Column({ name: 'supplier_id', type: 'bigint', transformer: idColumn })
  supplierId!: string;

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

  @Column({ name: 'batch_number', type: 'varchar' })
  batchNumber!: string;

  @Column({ name: 'expiry_date', type: 'date' })
  expiryDate!: string;

  @Column({ name: 'invoice_number', type: 'varchar' })
  invoiceNumber!: string;

  @Column({ type: 'varchar' })
  decision!: Decision;

  @Column({ name: 'decided_at', type: 'datetime', precision: 3, nullable: true })
  decidedAt!: Date | null;

  @Column({ name: 'decided_by', type: 'varchar', nullable: true })
  decidedBy!: string | null;

  @Column({ name: 'rejection_reason', type: 'varchar', nullable: true })
  rejectionReason!: string | null;

  @Column({ name: 'accepted_at', type: 'datetime', precision: 3, nullable: true })
  acceptedAt!: Date | null;
}
