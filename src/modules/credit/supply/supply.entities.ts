import { Column, Entity } from 'typeorm';
import { Decimal, decimalColumn, idColumn, PrimaryId } from '../../../database/decimal';
import type { AlertStatus, SupplyRule } from './domain/supply-rules';

export type ReportSource = 'api' | 'excel';

const quantity = (name: string, nullable = false) =>
  Column({
    name,
    type: 'decimal',
    precision: 18,
    scale: 3,
    nullable,
    transformer: decimalColumn(3),
  });

/**
 * §K5 a supplier's monthly report for one product: stock, and for a winning manufacturer also
 * its production capacity and emergency reserve. One row per supplier × product × month; a
 * re-report replaces the figures and keeps the previous ones as a revision.
 */
@Entity('supply_reports')
export class SupplyReport {
  @PrimaryId()
  id!: string;

  @Column({ name: 'supplier_id', type: 'bigint', transformer: idColumn })
  supplierId!: string;

  @Column({ name: 'supplier_type', type: 'varchar' })
  supplierType!: 'manufacturer' | 'distributor';

  @Column({ name: 'product_id', type: 'bigint', transformer: idColumn })
  productId!: string;

  @Column({ type: 'varchar' })
  month!: string;

  @quantity('stock_quantity')
  stockQuantity!: Decimal;

  @quantity('capacity_quantity', true)
  capacityQuantity!: Decimal | null;

  @quantity('reserve_quantity', true)
  reserveQuantity!: Decimal | null;

  @Column({ type: 'int' })
  version!: number;

  @Column({ type: 'varchar' })
  source!: ReportSource;

  @Column({ name: 'reported_by', type: 'varchar' })
  reportedBy!: string;

  @Column({ name: 'reported_at', type: 'datetime', precision: 3 })
  reportedAt!: Date;
}

/** A superseded version of a supply report. */
@Entity('supply_report_revisions')
export class SupplyReportRevision {
  @PrimaryId()
  id!: string;

  @Column({ name: 'report_id', type: 'bigint', transformer: idColumn })
  reportId!: string;

  @Column({ type: 'int' })
  version!: number;

  @quantity('stock_quantity')
  stockQuantity!: Decimal;

  @quantity('capacity_quantity', true)
  capacityQuantity!: Decimal | null;

  @quantity('reserve_quantity', true)
  reserveQuantity!: Decimal | null;

  @Column({ type: 'varchar' })
  source!: ReportSource;

  @Column({ name: 'reported_by', type: 'varchar' })
  reportedBy!: string;

  @Column({ name: 'reported_at', type: 'datetime', precision: 3 })
  reportedAt!: Date;
}

/** §K5 a hospital reporting that an agreed product is short (缺货). */
@Entity('supply_shortages')
export class SupplyShortage {
  @PrimaryId()
  id!: string;

  @Column({ name: 'hospital_id', type: 'bigint', transformer: idColumn })
  hospitalId!: string;

  /** The hospital's supply region for the agreement's round (§P9). */
  @Column({ name: 'region_code', type: 'varchar' })
  regionCode!: string;

  @Column({ name: 'product_id', type: 'bigint', transformer: idColumn })
  productId!: string;

  @Column({ name: 'agreement_id', type: 'bigint', transformer: idColumn })
  agreementId!: string;

  @Column({ name: 'lot_id', type: 'bigint', transformer: idColumn })
  lotId!: string;

  @Column({ name: 'supplier_id', type: 'bigint', transformer: idColumn })
  supplierId!: string;

  @Column({ name: 'shortage_date', type: 'date' })
  shortageDate!: string;

  @Column({ type: 'varchar' })
  note!: string;

  @Column({ name: 'reported_by', type: 'varchar' })
  reportedBy!: string;

  @Column({ name: 'reported_at', type: 'datetime', precision: 3 })
  reportedAt!: Date;
}

/** §K5 one supply alert per rule × supplier × product × region × month, with its evidence. */
@Entity('supply_alerts')
export class SupplyAlert {
  @PrimaryId()
  id!: string;

  @Column({ type: 'varchar' })
  rule!: SupplyRule;

  @Column({ name: 'supplier_id', type: 'bigint', transformer: idColumn })
  supplierId!: string;

  @Column({ name: 'product_id', type: 'bigint', transformer: idColumn })
  productId!: string;

  @Column({ name: 'region_code', type: 'varchar' })
  regionCode!: string;

  @Column({ type: 'varchar' })
  month!: string;

  @Column({ name: 'lot_id', type: 'bigint', nullable: true, transformer: idColumn })
  lotId!: string | null;

  /** JSON: the figures the rule saw at the latest evaluation. */
  @Column({ type: 'text' })
  evidence!: string;

  @Column({ type: 'varchar' })
  status!: AlertStatus;

  @Column({ name: 'raised_at', type: 'datetime', precision: 3 })
  raisedAt!: Date;

  @Column({ name: 'evaluated_at', type: 'datetime', precision: 3 })
  evaluatedAt!: Date;

  @Column({ name: 'acknowledged_by', type: 'varchar', nullable: true })
  acknowledgedBy!: string | null;

  @Column({ name: 'acknowledged_at', type: 'datetime', precision: 3, nullable: true })
  acknowledgedAt!: Date | null;

  @Column({ name: 'resolved_by', type: 'varchar', nullable: true })
  resolvedBy!: string | null;

  @Column({ name: 'resolved_at', type: 'datetime', precision: 3, nullable: true })
  resolvedAt!: Date | null;

  @Column({ name: 'resolution_note', type: 'varchar', nullable: true })
  resolutionNote!: string | null;
}

/** §K5 a supply failure (不按约定供货) an officer recorded; it may become a credit case. */
@Entity('supply_failures')
export class SupplyFailure {
  @PrimaryId()
  id!: string;

  @Column({ type: 'varchar' })
  code!: string;

  @Column({ name: 'supplier_id', type: 'bigint', transformer: idColumn })
  supplierId!: string;

  @Column({ name: 'lot_id', type: 'bigint', transformer: idColumn })
  lotId!: string;

  @Column({ name: 'product_id', type: 'bigint', transformer: idColumn })
  productId!: string;

  @Column({ name: 'region_code', type: 'varchar' })
  regionCode!: string;

  @Column({ name: 'period_from', type: 'date' })
  periodFrom!: string;

  @Column({ name: 'period_to', type: 'date' })
  periodTo!: string;

  @Column({ type: 'varchar' })
  description!: string;

  /** JSON array of the supply alert ids cited as evidence. */
  @Column({ name: 'alert_ids', type: 'text' })
  alertIds!: string;

  @Column({ name: 'activation_id', type: 'bigint', nullable: true, transformer: idColumn })
  activationId!: string | null;

  @Column({ name: 'credit_case_id', type: 'bigint', nullable: true, transformer: idColumn })
  creditCaseId!: string | null;

  @Column({ name: 'credit_case_code', type: 'varchar', nullable: true })
  creditCaseCode!: string | null;

  @Column({ name: 'recorded_by', type: 'varchar' })
  recordedBy!: string;

  @Column({ name: 'recorded_at', type: 'datetime', precision: 3 })
  recordedAt!: Date;

  @Column({ name: 'escalated_by', type: 'varchar', nullable: true })
  escalatedBy!: string | null;

  @Column({ name: 'escalated_at', type: 'datetime', precision: 3, nullable: true })
  escalatedAt!: Date | null;
}
