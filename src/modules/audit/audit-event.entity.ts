import { Column, Entity, PrimaryColumn } from 'typeorm';
import { idColumn } from '../../database/decimal';

@Entity('audit_log')
export class AuditEvent {
  @PrimaryColumn({ type: 'bigint', transformer: idColumn })
  id!: string;

  @Column({ name: 'occurred_at', type: 'datetime', precision: 3 })
  occurredAt!: Date;

  @Column({ name: 'actor_kind', type: 'varchar' })
  actorKind!: string;

  @Column({ name: 'actor_id', type: 'varchar' })
  actorId!: string;

  @Column({ name: 'actor_name', type: 'varchar' })
  actorName!: string;

  @Column({ name: 'org_id', type: 'bigint', nullable: true, transformer: idColumn })
  orgId!: string | null;

  @Column({ type: 'varchar' })
  action!: string;

  @Column({ name: 'entity_type', type: 'varchar' })
  entityType!: string;

  @Column({ name: 'entity_id', type: 'varchar' })
  entityId!: string;

  @Column({ name: 'before_json', type: 'text', nullable: true })
  beforeJson!: string | null;

  @Column({ name: 'after_json', type: 'text', nullable: true })
  afterJson!: string | null;

  @Column({ name: 'request_id', type: 'varchar', nullable: true })
  requestId!: string | null;

  @Column({ name: 'prev_hash', type: 'varchar' })
  prevHash!: string;

  @Column({ type: 'varchar' })
  hash!: string;
}

@Entity('audit_head')
export class AuditHead {
  @PrimaryColumn({ type: 'int' })
  id!: number;

  @Column({ name: 'last_id', type: 'bigint', transformer: idColumn })
  lastId!: string;

  @Column({ name: 'last_hash', type: 'varchar' })
  lastHash!: string;
}
