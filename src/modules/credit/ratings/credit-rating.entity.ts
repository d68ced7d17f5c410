import { Column, Entity } from 'typeorm';
import { idColumn, PrimaryId } from '../../../database/decimal';
import { RatingStatus } from './domain/rating';
import { ProductScope } from './domain/scheme';

/**
 * §K2 the rating of a case: its level under a scheme version, the sanctions the level carries
 * (§K3, stored as derived when rated or repaired) and the period it is in force. Lapse is a
 * matter of the date (`statusOn`); the periodic job only writes it down.
 */
@Entity('credit_ratings')
export class CreditRating {
  @PrimaryId()
  id!: string;

  @Column({ name: 'case_id', type: 'bigint', transformer: idColumn })
  caseId!: string;

  @Column({ name: 'supplier_id', type: 'bigint', transformer: idColumn })
  supplierId!: string;

  @Column({ name: 'scheme_version', type: 'varchar' })
  schemeVersion!: string;

  @Column({ type: 'varchar' })
  level!: string;

  @Column({ name: 'initial_level', type: 'varchar' })
  initialLevel!: string;

  /** JSON array of strings. */
  @Column({ type: 'text' })
  reasons!: string;

  /** JSON array of sanction kinds. */
  @Column({ type: 'text' })
  sanctions!: string;

  @Column({ name: 'product_scope', type: 'varchar' })
  productScope!: ProductScope;

  @Column({ name: 'risk_notice', type: 'boolean' })
  riskNotice!: boolean;

  @Column({ name: 'distribution_bar_years', type: 'int', nullable: true })
  distributionBarYears!: number | null;

  @Column({ name: 'valid_from', type: 'date' })
  validFrom!: string;

  @Column({ name: 'valid_to', type: 'date' })
  validTo!: string;

  @Column({ type: 'varchar' })
  status!: RatingStatus;

  @Column({ name: 'rated_by', type: 'varchar' })
  ratedBy!: string;

  @Column({ name: 'rated_at', type: 'datetime', precision: 3 })
  ratedAt!: Date;

  @Column({ name: 'ended_at', type: 'datetime', precision: 3, nullable: true })
  endedAt!: Date | null;

  @Column({ name: 'ended_reason', type: 'varchar', nullable: true })
  endedReason!: 'lapsed' | 'repaired' | null;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
