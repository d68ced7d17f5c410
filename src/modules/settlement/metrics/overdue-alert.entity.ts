import { Column, Entity } from 'typeorm';
import { Decimal, decimalColumn, idColumn, PrimaryId } from '../../../database/decimal';

export const OVERDUE_ALERT_STATUSES = ['open', 'acknowledged'] as const;
export type OverdueAlertStatus = (typeof OVERDUE_ALERT_STATUSES)[number];

/**
 * §S4 an accepted delivery line left unpaid past its due date. Raised once per line by the
 * overdue check; the line's figures are copied so the alert reads alone.
 */
@Entity('settlement_overdue_alerts')
export class OverdueAlert {
  @PrimaryId()
  id!: string;

  @Column({ name: 'delivery_line_id', type: 'bigint', transformer: idColumn })
  deliveryLineId!: string;

  @Column({ name: 'hospital_id', type: 'bigint', transformer: idColumn })
  hospitalId!: string;

  @Column({ name: 'supplier_id', type: 'bigint', transformer: idColumn })
  supplierId!: string;

  @Column({ name: 'product_id', type: 'bigint', transformer: idColumn })
  productId!: string;

  @Column({ type: 'decimal', precision: 18, scale: 2, transformer: decimalColumn(2) })
  amount!: Decimal;

  @Column({ name: 'accepted_at', type: 'datetime', precision: 3 })
  acceptedAt!: Date;

  @Column({ name: 'due_date', type: 'date' })
  dueDate!: string;

  @Column({ name: 'raised_at', type: 'datetime', precision: 3 })
  raisedAt!: Date;

  @Column({ type: 'varchar' })
  status!: OverdueAlertStatus;

  @Column({ name: 'acknowledged_by', type: 'varchar', nullable: true })
  acknowledgedBy!: string | null;

  @Column({ name: 'acknowledged_at', type: 'datetime', precision: 3, nullable: true })
  acknowledgedAt!: Date | null;
}
