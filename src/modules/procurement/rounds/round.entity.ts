import { Column, Entity } from 'typeorm';
import { Decimal, decimalColumn, idColumn, PrimaryId } from '../../../database/decimal';
import { Participation } from '../demand/domain/demand-rules';
import { RoundState } from './domain/round-state';

export const ROUND_LEVELS = ['national', 'provincial', 'alliance', 'city', 'county'] as const;
export type RoundLevel = (typeof ROUND_LEVELS)[number];

/** Who takes part (§P1): an alliance's members, a region subtree, or a hand-picked hospital list. */
export const SCOPE_TYPES = ['alliance', 'region', 'hospitals'] as const;
export type ScopeType = (typeof SCOPE_TYPES)[number];

export const ROUND_CATEGORIES = ['drug', 'consumable'] as const;
export type RoundCategory = (typeof ROUND_CATEGORIES)[number];

@Entity('rounds')
export class Round {
  @PrimaryId()
  id!: string;

  @Column({ type: 'varchar' })
  code!: string;

  @Column({ type: 'varchar' })
  name!: string;

  @Column({ type: 'varchar' })
  level!: RoundLevel;

  @Column({ type: 'varchar' })
  category!: RoundCategory;

  @Column({ name: 'organiser_id', type: 'bigint', transformer: idColumn })
  organiserId!: string;

  @Column({ type: 'varchar' })
  status!: RoundState;

  @Column({ name: 'rule_set_id', type: 'bigint', transformer: idColumn })
  ruleSetId!: string;

  @Column({ name: 'rule_set_sha256', type: 'varchar', nullable: true })
  ruleSetSha256!: string | null;

  @Column({ name: 'rule_set_frozen_at', type: 'datetime', precision: 3, nullable: true })
  ruleSetFrozenAt!: Date | null;

  @Column({ name: 'scope_type', type: 'varchar' })
  scopeType!: ScopeType;

  @Column({ name: 'alliance_id', type: 'bigint', nullable: true, transformer: idColumn })
  allianceId!: string | null;

  @Column({ name: 'region_code', type: 'varchar', nullable: true })
  regionCode!: string | null;

  @Column({ name: 'demand_opens_at', type: 'datetime', precision: 3 })
  demandOpensAt!: Date;

  @Column({ name: 'demand_closes_at', type: 'datetime', precision: 3 })
  demandClosesAt!: Date;

  @Column({ name: 'bidding_opens_at', type: 'datetime', precision: 3 })
  biddingOpensAt!: Date;

  @Column({ name: 'bidding_closes_at', type: 'datetime', precision: 3 })
  biddingClosesAt!: Date;

  @Column({ name: 'opening_at', type: 'datetime', precision: 3 })
  openingAt!: Date;

  @Column({ name: 'publicity_days', type: 'int' })
  publicityDays!: number;

  @Column({ name: 'contract_start', type: 'date' })
  contractStart!: string;

  /** §P3: a report below this share of the 12-month history needs a reason. */
  @Column({
    name: 'demand_reason_threshold',
    type: 'decimal',
    precision: 6,
    scale: 4,
    transformer: decimalColumn(4),
  })
  demandReasonThreshold!: Decimal;

  @Column({ name: 'opened_at', type: 'datetime', precision: 3, nullable: true })
  openedAt!: Date | null;

  @Column({ name: 'published_at', type: 'datetime', precision: 3, nullable: true })
  publishedAt!: Date | null;

  @Column({ name: 'awarded_at', type: 'datetime', precision: 3, nullable: true })
  awardedAt!: Date | null;

  @Column({ name: 'cancel_reason', type: 'varchar', nullable: true })
  cancelReason!: string | null;

  @Column({ name: 'created_by', type: 'bigint', nullable: true, transformer: idColumn })
  createdBy!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

@Entity('round_participants')
export class RoundParticipant {
  @PrimaryId()
  id!: string;

  @Column({ name: 'round_id', type: 'bigint', transformer: idColumn })
  roundId!: string;

  @Column({ name: 'hospital_id', type: 'bigint', transformer: idColumn })
  hospitalId!: string;

  @Column({ type: 'varchar' })
  participation!: Participation;

  @Column({ name: 'region_code', type: 'varchar' })
  regionCode!: string;

  @Column({ name: 'county_lead', type: 'boolean' })
  countyLead!: boolean;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}

/** A supplier's signed integrity commitment (信用承诺) for one round: required to bid. */
@Entity('round_commitments')
export class RoundCommitment {
  @PrimaryId()
  id!: string;

  @Column({ name: 'round_id', type: 'bigint', transformer: idColumn })
  roundId!: string;

  @Column({ name: 'supplier_id', type: 'bigint', transformer: idColumn })
  supplierId!: string;

  @Column({ name: 'signed_by', type: 'varchar' })
  signedBy!: string;

  @Column({ name: 'signed_by_name', type: 'varchar' })
  signedByName!: string;

  @Column({ name: 'signed_at', type: 'datetime', precision: 3 })
  signedAt!: Date;

  /** The version of the commitment text (§K4, published by credit) in force at signing. */
  @Column({ name: 'text_version', type: 'varchar' })
  textVersion!: string;

  /** SHA-256 of that text, so the signature names exactly the words agreed to. */
  @Column({ name: 'text_sha256', type: 'varchar' })
  textSha256!: string;
}
