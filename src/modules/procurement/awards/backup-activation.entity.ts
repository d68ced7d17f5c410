import { Column, Entity } from 'typeorm';
import { Decimal, decimalColumn, idColumn, PrimaryId } from '../../../database/decimal';

/**
 * §K5 a backup supplier (备供) taking over a supply region of a lot from the winner that failed
 * to supply it, at its own winning price, from `effectiveFrom`.
 */
@Entity('backup_activations')
export class BackupActivation {
  @PrimaryId()
  id!: string;

  @Column({ name: 'round_id', type: 'bigint', transformer: idColumn })
  roundId!: string;

  @Column({ name: 'lot_id', type: 'bigint', transformer: idColumn })
  lotId!: string;

  @Column({ name: 'region_code', type: 'varchar' })
  regionCode!: string;

  @Column({ name: 'failing_bid_id', type: 'bigint', transformer: idColumn })
  failingBidId!: string;

  @Column({ name: 'failing_supplier_id', type: 'bigint', transformer: idColumn })
  failingSupplierId!: string;

  @Column({ name: 'backup_bid_id', type: 'bigint', transformer: idColumn })
  backupBidId!: string;

  @Column({ name: 'backup_supplier_id', type: 'bigint', transformer: idColumn })
  backupSupplierId!: string;

  @Column({ name: 'backup_product_id', type: 'bigint', transformer: idColumn })
  backupProductId!: string;

  @Column({
    name: 'backup_pack_price',
    type: 'decimal',
    precision: 18,
    scale: 4,
    transformer: decimalColumn(4),
  })
  backupPackPrice!: Decimal;

  @Column({
    name: 'backup_unit_price',
    type: 'decimal',
    precision: 18,
    scale: 6,
    transformer: decimalColumn(6),
  })
  backupUnitPrice!: Decimal;

  @Column({ name: 'effective_from', type: 'date' })
  effectiveFrom!: string;

  @Column({ name: 'agreements_replaced', type: 'int' })
  agreementsReplaced!: number;

  @Column({ type: 'varchar' })
  reason!: string;

  @Column({ name: 'activated_by', type: 'varchar' })
  activatedBy!: string;

  @Column({ name: 'activated_at', type: 'datetime', precision: 3 })
  activatedAt!: Date;
}
