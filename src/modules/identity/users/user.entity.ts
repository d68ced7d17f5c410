import { Column, Entity } from 'typeorm';
import { Role } from '../../../common/auth/roles';
import { idColumn, PrimaryId } from '../../../database/decimal';

export const USER_STATUSES = ['active', 'disabled'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

const rolesColumn = {
  to: (roles: Role[]) => roles.join(','),
  from: (raw: string) => (raw ? (raw.split(',') as Role[]) : []),
};

@Entity('users')
export class User {
  @PrimaryId()
  id!: string;

  @Column({ type: 'varchar' })
  username!: string;

  @Column({ name: 'display_name', type: 'varchar' })
  displayName!: string;

  @Column({ name: 'organisation_id', type: 'bigint', transformer: idColumn })
  organisationId!: string;

  @Column({ type: 'varchar', transformer: rolesColumn })
  roles!: Role[];

  @Column({ name: 'password_hash', type: 'varchar' })
  passwordHash!: string;

  @Column({ type: 'varchar' })
  status!: UserStatus;

  @Column({ name: 'password_changed_at', type: 'datetime', precision: 3 })
  passwordChangedAt!: Date;

  @Column({ name: 'last_login_at', type: 'datetime', precision: 3, nullable: true })
  lastLoginAt!: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
