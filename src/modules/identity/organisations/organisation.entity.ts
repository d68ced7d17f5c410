import { Column, Entity } from 'typeorm';
import { OrgType } from '../../../common/auth/roles';
import { PrimaryId } from '../../../database/decimal';

export const HOSPITAL_KINDS = [
  'public_hospital',
  'private_hospital',
  'primary_care',
  'retail_pharmacy',
] as const;
export type HospitalKind = (typeof HOSPITAL_KINDS)[number];

/** Hospital grade (医院等级): 三级甲等 → `3A`, …, ungraded primary-care institutions → `none`. */
export const HOSPITAL_GRADES = [
  '3A',
  '3B',
  '3C',
  '2A',
  '2B',
  '2C',
  '1A',
  '1B',
  '1C',
  'none',
] as const;
export type HospitalGrade = (typeof HOSPITAL_GRADES)[number];

export const ORG_STATUSES = ['active', 'inactive'] as const;
export type OrgStatus = (typeof ORG_STATUSES)[number];

@Entity('organisations')
export class Organisation {
  @PrimaryId()
  id!: string;

  @Column({ type: 'varchar' })
  code!: string;

  @Column({ type: 'varchar' })
  name!: string;

  @Column({ type: 'varchar' })
  type!: OrgType;

  @Column({ name: 'hospital_kind', type: 'varchar', nullable: true })
  hospitalKind!: HospitalKind | null;

  @Column({ type: 'varchar', nullable: true })
  grade!: HospitalGrade | null;

  @Column({ name: 'is_public', type: 'boolean', nullable: true })
  isPublic!: boolean | null;

  @Column({ name: 'region_code', type: 'varchar', nullable: true })
  regionCode!: string | null;

  /** 统一社会信用代码 (18 characters). */
  @Column({ name: 'credit_code', type: 'varchar', nullable: true })
  creditCode!: string | null;

  @Column({ name: 'contact_name', type: 'varchar', nullable: true })
  contactName!: string | null;

  @Column({ name: 'contact_phone', type: 'varchar', nullable: true })
  contactPhone!: string | null;

  @Column({ type: 'varchar' })
  status!: OrgStatus;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
