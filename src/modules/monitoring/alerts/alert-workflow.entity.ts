import { Column, Entity } from 'typeorm';
import { idColumn, PrimaryId } from '../../../database/decimal';
import { AlertAction, AlertStatus } from './domain/alert-workflow';

/** §M4 one status change (or assignment) of an alert: who, when, from, to, why. Append-only. */
@Entity('monitoring_alert_events')
export class AlertEvent {
  @PrimaryId()
  id!: string;

  @Column({ name: 'alert_id', type: 'bigint', transformer: idColumn })
  alertId!: string;

  @Column({ type: 'varchar' })
  action!: AlertAction;

  @Column({ name: 'from_status', type: 'varchar' })
  fromStatus!: AlertStatus;

  @Column({ name: 'to_status', type: 'varchar' })
  toStatus!: AlertStatus;

  @Column({ name: 'actor_id', type: 'varchar' })
  actorId!: string;

  @Column({ name: 'actor_name', type: 'varchar' })
  actorName!: string;

  @Column({ name: 'assignee_id', type: 'bigint', nullable: true, transformer: idColumn })
  assigneeId!: string | null;

  @Column({ name: 'case_id', type: 'bigint', nullable: true, transformer: idColumn })
  caseId!: string | null;

  @Column({ type: 'varchar', nullable: true })
  reason!: string | null;

  @Column({ type: 'datetime', precision: 3 })
  at!: Date;
}
