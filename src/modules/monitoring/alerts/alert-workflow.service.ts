import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { User } from '../../identity/users/user.entity';
import { monitoringError } from '../monitoring.errors';
import { AlertEvent } from './alert-workflow.entity';
import { AlertWorkflowQueries } from './alert-workflow-queries.service';
import {
  AlertAction,
  AlertStatus,
  checkReason,
  checkVersion,
  nextAlertStatus,
} from './domain/alert-workflow';
import {
  AlertActionRequest,
  AlertDetailView,
  AssignAlertRequest,
  DismissAlertRequest,
} from './dto/alert-workflow.dto';
import { PriceAlert } from './price-alert.entity';

/**
 * §M4 the alert workflow: assign, acknowledge, resolve, dismiss — and, for price cases, taking
 * alerts into a case and resolving them when it closes. Each change locks the alert row, checks
 * the caller's expected version, follows the transition table, bumps the version and appends an
 * event row (actor, time, from, to, reason) and an audit record, in one transaction.
 */
@Injectable()
export class AlertWorkflow {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly queries: AlertWorkflowQueries,
    // Read only: a user's organisation, roles and status decide whether it may be an assignee.
    @InjectRepository(User) private readonly users: Repository<User>,
  ) {}

  async assign(actor: Actor, id: string, body: AssignAlertRequest): Promise<AlertDetailView> {
    const assignee = await this.users.findOneBy({ id: body.assigneeId });
    if (
      !assignee ||
      assignee.organisationId !== actor.orgId ||
      assignee.status !== 'active' ||
      !assignee.roles.includes('pricing_analyst')
    )
      throw monitoringError(
        'ALERT_ASSIGNEE_INVALID',
        `assigneeId: user ${body.assigneeId} is not an active pricing analyst of your authority`,
        { field: 'assigneeId', assigneeId: body.assigneeId },
      );
    return this.change(actor, id, 'assign', body, assignee.id);
  }

  acknowledge(actor: Actor, id: string, body: AlertActionRequest): Promise<AlertDetailView> {
    return this.change(actor, id, 'acknowledge', body);
  }

  resolve(actor: Actor, id: string, body: AlertActionRequest): Promise<AlertDetailView> {
    return this.change(actor, id, 'resolve', body);
  }

  dismiss(actor: Actor, id: string, body: DismissAlertRequest): Promise<AlertDetailView> {
    return this.change(actor, id, 'dismiss', body);
  }

  private async change(
    actor: Actor,
    id: string,
    action: AlertAction,
    body: AlertActionRequest,
    assigneeId?: string,
  ): Promise<AlertDetailView> {
    const reason = checkReason(action, body.reason);
    await this.tx.run(async (m) => {
      const alert = await this.queries.visible(actor, id, m, true);
      checkVersion(body.expectedVersion, alert.version, alert.id);
      await this.apply(m, actor, alert, action, { reason, assigneeId, caseId: null });
    });
    return this.queries.detail(actor, id);
  }

  /**
   * Alerts locked by the caller (a case being opened) go `in_case`. Runs in the caller's
   * transaction; a status that does not allow it is a 409 naming the alert.
   */
  async takeIntoCase(
    m: EntityManager,
    actor: Actor,
    alerts: PriceAlert[],
    caseId: string,
    caseCode: string,
  ): Promise<void> {
    for (const alert of alerts)
      await this.apply(m, actor, alert, 'open_case', {
        reason: `case ${caseCode}`,
        caseId,
      });
  }

  /** The case closed: its alerts are resolved, with the outcome as the reason. */
  async resolveWithCase(
    m: EntityManager,
    actor: Actor,
    alertIds: string[],
    caseId: string,
    reason: string,
  ): Promise<void> {
    for (const id of [...alertIds].sort()) {
      // No scope check: the case's own scope was checked, and its alerts go with it.
      const alert = await forUpdate(
        m.getRepository(PriceAlert).createQueryBuilder('a').where('a.id = :id', { id }),
      ).getOne();
      // Only alerts still held by the case; one assigned elsewhere meanwhile is left alone.
      if (!alert || alert.status !== 'in_case') continue;
      await this.apply(m, actor, alert, 'close_case', { reason, caseId });
    }
  }

  private async apply(
    m: EntityManager,
    actor: Actor,
    alert: PriceAlert,
    action: AlertAction,
    opts: { reason: string | null; assigneeId?: string; caseId: string | null },
  ): Promise<void> {
    const from: AlertStatus = alert.status;
    const to = nextAlertStatus(from, action, alert.id);
    const now = this.clock.now();
    const set: Partial<PriceAlert> = { status: to, updatedAt: now, version: alert.version + 1 };
    if (opts.assigneeId !== undefined) set.assigneeId = opts.assigneeId;
    if (action !== 'assign') set.statusReason = opts.reason;
    // The version in the WHERE is the optimistic guard for drivers without row locks.
    const result = await m
      .getRepository(PriceAlert)
      .createQueryBuilder()
      .update()
      .set(set)
      .where('id = :id AND version = :version', { id: alert.id, version: alert.version })
      .execute();
    if (result.affected === 0)
      throw monitoringError(
        'ALERT_VERSION_CONFLICT',
        `Alert ${alert.id} changed meanwhile; reload it`,
        { id: alert.id },
      );
    await m.getRepository(AlertEvent).insert({
      alertId: alert.id,
      action,
      fromStatus: from,
      toStatus: to,
      actorId: actor.id,
      actorName: actor.name,
      assigneeId: opts.assigneeId ?? null,
      caseId: opts.caseId,
      reason: opts.reason,
      at: now,
    });
    await this.audit.record(
      m,
      actor,
      `monitoring_alert.${action}`,
      { type: 'monitoring_alert', id: alert.id },
      {
        before: { status: from, assigneeId: alert.assigneeId, version: alert.version },
        after: {
          status: to,
          assigneeId: opts.assigneeId ?? alert.assigneeId,
          reason: opts.reason,
          caseId: opts.caseId,
          version: alert.version + 1,
        },
      },
    );
    Object.assign(alert, set);
  }
}
