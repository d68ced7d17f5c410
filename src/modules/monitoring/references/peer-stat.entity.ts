import { Column, Entity } from 'typeorm';
import { Decimal, decimalColumn, idColumn, PrimaryId } from '../../../database/decimal';

const price = (name: string, nullable = false) =>
  ({
    name,
    type: 'decimal',
    precision: 18,
    scale: 6,
    nullable,
    transformer: decimalColumn(6),
  }) as const;

/**
 * §M2 peer statistics of one period: for a product (`product:<id>`, unit prices) or a
 * generic/spec (`generic:<key>`, comparable prices), over the hospitals that bought it in the
 * monitored regions. Each hospital counts once, with the mean of its prices that month.
 * Refreshed by every evaluation run that covers the period and key.
 */
@Entity('monitoring_peer_stats')
export class PeerStat {
  @PrimaryId()
  id!: string;

  @Column({ type: 'varchar' })
  period!: string;

  @Column({ name: 'subject_key', type: 'varchar' })
  subjectKey!: string;

  @Column({ name: 'product_id', type: 'bigint', nullable: true, transformer: idColumn })
  productId!: string | null;

  @Column({ name: 'generic_key', type: 'varchar' })
  genericKey!: string;

  @Column({ type: 'varchar', nullable: true })
  category!: string | null;

  @Column({ type: 'varchar' })
  basis!: 'unit' | 'comparable';

  @Column({ name: 'peer_count', type: 'int' })
  peerCount!: number;

  @Column({ name: 'observation_count', type: 'int' })
  observationCount!: number;

  @Column(price('median'))
  median!: Decimal;

  @Column(price('mad'))
  mad!: Decimal;

  @Column(price('p10'))
  p10!: Decimal;

  @Column(price('p25'))
  p25!: Decimal;

  @Column(price('p75'))
  p75!: Decimal;

  @Column(price('p90'))
  p90!: Decimal;

  @Column(price('min_price'))
  minPrice!: Decimal;

  @Column(price('max_price'))
  maxPrice!: Decimal;

  @Column(price('comparable_median', true))
  comparableMedian!: Decimal | null;

  @Column({
    name: 'quantity',
    type: 'decimal',
    precision: 18,
    scale: 3,
    nullable: true,
    transformer: decimalColumn(3),
  })
  quantity!: Decimal | null;

  @Column({ name: 'last_run_id', type: 'bigint', nullable: true, transformer: idColumn })
  lastRunId!: string | null;

  @Column({ name: 'computed_at', type: 'datetime', precision: 3 })
  computedAt!: Date;
}
