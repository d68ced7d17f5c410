import { Column, Entity } from 'typeorm';
import { Decimal, decimalColumn, idColumn, PrimaryId } from '../../../database/decimal';

export const BID_STATUSES = ['active', 'withdrawn'] as const;
export type BidStatus = (typeof BID_STATUSES)[number];

export const BID_ACTIONS = ['submitted', 'amended', 'withdrawn'] as const;
export type BidAction = (typeof BID_ACTIONS)[number];

export const REVIVAL_ANSWERS = ['accepted', 'declined'] as const;
export type RevivalAnswer = (typeof REVIVAL_ANSWERS)[number];

/**
 * §P4: a supplier's bid for one product in one lot. Its price is readable only after opening;
 * until then it lives sealed in the bid's versions.
 */
@Entity('bids')
export class Bid {
  @PrimaryId()
  id!: string;

  @Column({ type: 'varchar' })
  code!: string;

  @Column({ name: 'round_id', type: 'bigint', transformer: idColumn })
  roundId!: string;

  @Column({ name: 'lot_id', type: 'bigint', transformer: idColumn })
  lotId!: string;

  @Column({ name: 'supplier_id', type: 'bigint', transformer: idColumn })
  supplierId!: string;

  @Column({ name: 'product_id', type: 'bigint', transformer: idColumn })
  productId!: string;

  @Column({ type: 'varchar' })
  status!: BidStatus;

  @Column({ name: 'current_version', type: 'int' })
  currentVersion!: number;

  /** Time of the version that counts: the first tie-breaker (§P6.5). */
  @Column({ name: 'final_submitted_at', type: 'datetime', precision: 3 })
  finalSubmittedAt!: Date;

  @Column({ type: 'decimal', precision: 18, scale: 3, transformer: decimalColumn(3) })
  capacity!: Decimal;

  @Column({ name: 'preferred_regions_json', type: 'text' })
  preferredRegionsJson!: string;

  /** Null until the opening unseals it. */
  @Column({
    name: 'pack_price',
    type: 'decimal',
    precision: 18,
    scale: 4,
    nullable: true,
    transformer: decimalColumn(4),
  })
  packPrice!: Decimal | null;

  @Column({ name: 'excluded_reason', type: 'varchar', nullable: true })
  excludedReason!: string | null;

  @Column({ name: 'excluded_by', type: 'varchar', nullable: true })
  excludedBy!: string | null;

  @Column({ name: 'excluded_at', type: 'datetime', precision: 3, nullable: true })
  excludedAt!: Date | null;

  @Column({ name: 'revival_answer', type: 'varchar', nullable: true })
  revivalAnswer!: RevivalAnswer | null;

  @Column({ name: 'revival_answered_at', type: 'datetime', precision: 3, nullable: true })
  revivalAnsweredAt!: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

/** Every submission, amendment and withdrawal of a bid, kept (§P4). */
@Entity('bid_versions')
export class BidVersion {
  @PrimaryId()
  id!: string;

  @Column({ name: 'bid_id', type: 'bigint', transformer: idColumn })
  bidId!: string;

  @Column({ type: 'int' })
  version!: number;

  @Column({ type: 'varchar' })
  action!: BidAction;

  /** AES-256-GCM sealed price and receipt nonce; null for a withdrawal. */
  @Column({ type: 'text', nullable: true })
  sealed!: string | null;

  @Column({ type: 'decimal', precision: 18, scale: 3, transformer: decimalColumn(3) })
  capacity!: Decimal;

  @Column({ name: 'preferred_regions_json', type: 'text' })
  preferredRegionsJson!: string;

  /** SHA-256 of the canonical bid: what the receipt gives the supplier. Null for a withdrawal. */
  @Column({ type: 'varchar', nullable: true })
  digest!: string | null;

  @Column({ name: 'submitted_by', type: 'varchar' })
  submittedBy!: string;

  @Column({ name: 'submitted_at', type: 'datetime', precision: 3 })
  submittedAt!: Date;
}
