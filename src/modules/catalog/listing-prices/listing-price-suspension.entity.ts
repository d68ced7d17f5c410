import { Column, Entity } from 'typeorm';
import { idColumn, PrimaryId } from '../../../database/decimal';
import { SuspensionSource } from './domain/listing-rules';

/**
 * One reason a listing price is suspended (§C2): by hand, by a price case (§M6) or by a credit
 * sanction (§K3). A listing is suspended exactly while one of its rows is not lifted; the
 * listing's own status and suspension fields are kept in line with these rows in the same
 * transaction, showing the oldest row in force.
 */
@Entity('listing_price_suspensions')
export class ListingPriceSuspension {
  @PrimaryId()
  id!: string;

  @Column({ name: 'listing_price_id', type: 'bigint', transformer: idColumn })
  listingPriceId!: string;

  @Column({ type: 'varchar' })
  source!: SuspensionSource;

  /** The holder: a price case's code, a credit rating's id; null for a manual suspension. */
  @Column({ type: 'varchar', nullable: true })
  reference!: string | null;

  @Column({ type: 'varchar' })
  reason!: string;

  @Column({ name: 'created_by', type: 'varchar' })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'lifted_by', type: 'varchar', nullable: true })
  liftedBy!: string | null;

  @Column({ name: 'lifted_at', type: 'datetime', precision: 3, nullable: true })
  liftedAt!: Date | null;
}
