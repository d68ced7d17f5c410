import { Column, Entity } from 'typeorm';
import { Decimal, decimalColumn, idColumn, PrimaryId } from '../../../database/decimal';

/** open → acknowledged (an officer saw it); either → resolved (the line no longer owed). */
export const OVERDUE_ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type OverdueAlertStatus = (typeof OVERDUE_ALERT_STATUSES)[number];

/** Why an alert was resolved: its line was paid, or its dispute was upheld (owed by nobody). */
export const OVERDUE_ALERT_RESOLUTIONS = ['paid', 'struck'] as const;
export type OverdueAlertResolution = (typeof OVERDUE_ALERT_RESOLUTIONS)[number];

/**
 * §S4 an accepted delivery line left unpaid past its due date. Raised once per line by the
 * overdue check, and resolved by it once the line is paid; the line's figures are copied so the
 * alert reads alone.
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

  /** Set by the overdue check when it finds the line paid (or struck). */
  @Column({ name: 'resolved_at', type: 'datetime', precision: 3, nullable: true })
  resolvedAt!: Date | null;

  @Column({ type: 'varchar', nullable: true })
  resolution!: OverdueAlertResolution | null;
}
