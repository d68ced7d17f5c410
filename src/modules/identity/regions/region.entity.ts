import { Column, Entity } from 'typeorm';
import { PrimaryId } from '../../../database/decimal';

export const REGION_LEVELS = ['province', 'city', 'county'] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];

/** An administrative division (行政区划), 6-digit code, as a tree. */
@Entity('regions')
export class Region {
  @PrimaryId()
  id!: string;

  @Column({ type: 'varchar' })
  code!: string;

  @Column({ type: 'varchar' })
  name!: string;

  @Column({ type: 'varchar' })
  level!: RegionLevel;

  @Column({ name: 'parent_code', type: 'varchar', nullable: true })
  parentCode!: string | null;

  /** `/320000/320100/`: the codes from the root down to this region. */
  @Column({ type: 'varchar' })
  path!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
