import { Column, Entity } from 'typeorm';
import { idColumn, PrimaryId } from '../../../database/decimal';

const scopesColumn = {
  to: (scopes: string[]) => scopes.join(','),
  from: (raw: string) => (raw ? raw.split(',') : []),
};

/** A system's credential (hospital HIS, provincial platform), bound to one organisation. */
@Entity('api_keys')
export class ApiKey {
  @PrimaryId()
  id!: string;

  @Column({ name: 'organisation_id', type: 'bigint', transformer: idColumn })
  organisationId!: string;

  @Column({ type: 'varchar' })
  name!: string;

  @Column({ type: 'varchar' })
  prefix!: string;

  /** SHA-256 of the whole key: keys are 256-bit random, so a slow hash adds nothing. */
  @Column({ name: 'key_hash', type: 'varchar' })
  keyHash!: string;

  @Column({ type: 'varchar', transformer: scopesColumn })
  scopes!: string[];

  @Column({ name: 'created_by', type: 'bigint', transformer: idColumn })
  createdBy!: string;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3, nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'last_used_at', type: 'datetime', precision: 3, nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'datetime', precision: 3, nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
