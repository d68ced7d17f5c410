import { Column, Entity } from 'typeorm';
import { idColumn, PrimaryId } from '../../../database/decimal';

/** 联盟 / 采购联合体: regions and/or hospitals buying together, led by an authority. */
@Entity('alliances')
export class Alliance {
  @PrimaryId()
  id!: string;

  @Column({ type: 'varchar' })
  code!: string;

  @Column({ type: 'varchar' })
  name!: string;

  @Column({ name: 'lead_org_id', type: 'bigint', transformer: idColumn })
  leadOrgId!: string;

  @Column({ type: 'varchar', nullable: true })
  description!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

export type AllianceMemberType = 'region' | 'hospital';

@Entity('alliance_members')
export class AllianceMember {
  @PrimaryId()
  id!: string;

  @Column({ name: 'alliance_id', type: 'bigint', transformer: idColumn })
  allianceId!: string;

  @Column({ name: 'member_type', type: 'varchar' })
  memberType!: AllianceMemberType;

  @Column({ name: 'region_code', type: 'varchar', nullable: true })
  regionCode!: string | null;

  @Column({ name: 'organisation_id', type: 'bigint', nullable: true, transformer: idColumn })
  organisationId!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
