import { Column, Entity } from 'typeorm';
import { Decimal, decimalColumn, idColumn, PrimaryId } from '../../../database/decimal';
import { ListingStatus, SuspensionSource } from './domain/listing-rules';

/**
 * A listing price (挂网价) of a product in a region for a period (§C2). A price change is a new
 * row; an existing row only ever changes its end date (when a successor starts) and its
 * suspension fields, which summarise its ListingPriceSuspension rows: suspended while one is in
 * force, showing the oldest.
 */
@Entity('listing_prices')
export class ListingPrice {
  @PrimaryId()
  id!: string;

  @Column({ name: 'product_id', type: 'bigint', transformer: idColumn })
  productId!: string;

  @Column({ name: 'region_code', type: 'varchar' })
  regionCode!: string;

  @Column({
    name: 'pack_price',
    type: 'decimal',
    precision: 18,
    scale: 6,
    transformer: decimalColumn(6),
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

  @Column({ name: 'valid_from', type: 'date' })
  validFrom!: string;

  @Column({ name: 'valid_to', type: 'date', nullable: true })
  validTo!: string | null;

  @Column({ type: 'varchar' })
  status!: ListingStatus;

  @Column({ name: 'suspended_at', type: 'datetime', precision: 3, nullable: true })
  suspendedAt!: Date | null;

  @Column({ name: 'suspension_reason', type: 'varchar', nullable: true })
  suspensionReason!: string | null;

  @Column({ name: 'suspension_source', type: 'varchar', nullable: true })
  suspensionSource!: SuspensionSource | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
