import { Column, Entity } from 'typeorm';
import { idColumn, PrimaryId } from '../../../database/decimal';

/**
 * A product whose listings a credit rating holds suspended (§K3), with the suspension reason
 * written on them. The catalogue reads these (CreditListingHolds) to suspend a listing created
 * under a hold; releasing one lifts only that rating's suspensions.
 */
@Entity('credit_listing_holds')
export class ListingHold {
  @PrimaryId()
  id!: string;

  @Column({ name: 'supplier_id', type: 'bigint', transformer: idColumn })
  supplierId!: string;

  @Column({ name: 'product_id', type: 'bigint', transformer: idColumn })
  productId!: string;

  @Column({ name: 'rating_id', type: 'bigint', transformer: idColumn })
  ratingId!: string;

  @Column({ type: 'varchar' })
  reason!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
