import { Column, Entity } from 'typeorm';
import { Decimal, decimalColumn, idColumn, PrimaryId } from '../../../database/decimal';

export const SUPPLY_DUTIES = ['primary', 'backup'] as const;
export type SupplyDuty = (typeof SUPPLY_DUTIES)[number];

/** §P9 which winner supplies a region of a lot, and who backs it up (备供). */
@Entity('lot_supply_regions')
export class LotSupplyRegion {
  @PrimaryId()
  id!: string;

  @Column({ name: 'round_id', type: 'bigint', transformer: idColumn })
  roundId!: string;

  @Column({ name: 'lot_id', type: 'bigint', transformer: idColumn })
  lotId!: string;

  @Column({ name: 'region_code', type: 'varchar' })
  regionCode!: string;

  @Column({ name: 'bid_id', type: 'bigint', transformer: idColumn })
  bidId!: string;

  @Column({ type: 'varchar' })
  duty!: SupplyDuty;

  @Column({ type: 'int' })
  position!: number;
}

// `replaced`: a backup supplier took over the hospital's region for the lot (§K5); kept, not deleted.
export const AGREEMENT_STATUSES = ['active', 'completed', 'replaced'] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];

/** §P9 采购协议: one hospital × winning product of a lot, with its agreed quantity and price. */
@Entity('agreements')
export class Agreement {
  @PrimaryId()
  id!: string;

  @Column({ type: 'varchar' })
  code!: string;

  @Column({ name: 'round_id', type: 'bigint', transformer: idColumn })
  roundId!: string;

  @Column({ name: 'lot_id', type: 'bigint', transformer: idColumn })
  lotId!: string;

  @Column({ name: 'hospital_id', type: 'bigint', transformer: idColumn })
  hospitalId!: string;

  @Column({ name: 'supplier_id', type: 'bigint', transformer: idColumn })
  supplierId!: string;

  @Column({ name: 'product_id', type: 'bigint', transformer: idColumn })
  productId!: string;

  @Column({ name: 'bid_id', type: 'bigint', transformer: idColumn })
  bidId!: string;

  @Column({
    name: 'declared_quantity',
    type: 'decimal',
    precision: 18,
    scale: 3,
    transformer: decimalColumn(3),
  })
  declaredQuantity!: Decimal;

  @Column({
    name: 'agreed_quantity',
    type: 'decimal',
    precision: 18,
    scale: 3,
    transformer: decimalColumn(3),
  })
  agreedQuantity!: Decimal;

  @Column({
    name: 'pack_price',
    type: 'decimal',
    precision: 18,
    scale: 4,
    transformer: decimalColumn(4),
  })
  packPrice!: Decimal;

  @Column({
    name: 'unit_price',
    type: 'decimal',
    precision: 18,
    scale: 6,
    transformer: decimalColumn(6),
  })
  unitPrice!: Decimal;

  @Column({ name: 'brand_specified', type: 'boolean' })
  brandSpecified!: boolean;

  @Column({ name: 'start_date', type: 'date' })
  startDate!: string;

  @Column({ name: 'end_date', type: 'date' })
  endDate!: string;

  @Column({ type: 'varchar' })
  status!: AgreementStatus;

  /** §K5 first day the backup supplier's agreement applies instead of this one. */
  @Column({ name: 'replaced_from', type: 'date', nullable: true })
  replacedFrom!: string | null;

  @Column({
    name: 'replaced_by_activation_id',
    type: 'bigint',
    nullable: true,
    transformer: idColumn,
  })
  replacedByActivationId!: string | null;

  /** Set on a backup supplier's agreement: the §K5 activation that created it. */
  @Column({ name: 'activation_id', type: 'bigint', nullable: true, transformer: idColumn })
  activationId!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
