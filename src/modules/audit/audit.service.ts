import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Actor } from '../../common/auth/actor';
import { OrganisationScope } from '../../common/auth/organisation-scope';
import { canonicalJson } from '../../common/canonical-json';
import { Clock } from '../../common/clock';
import { currentRequestId } from '../../common/logging/request-context';
import { page, Page, skipTake } from '../../common/pagination';
import { forUpdate } from '../../database/dialect';
import { AuditEvent, AuditHead } from './audit-event.entity';
import {
  AuditContent,
  BrokenLink,
  chainHash,
  ChainedRow,
  GENESIS_HASH,
  verifySegment,
} from './domain/audit-chain';
import { AuditQuery } from './dto/audit.dto';

export interface AuditChange {
  before?: unknown;
  after?: unknown;
}

/** Who acts when no person does: start-up bootstrap, scheduled jobs. */
export const SYSTEM = 'system' as const;

/**
 * An actor recorded under a pseudonym, for actions whose author must stay hidden for a while
 * (§P4: a bidder before opening). The id is a keyed digest of the real actor, so whoever holds
 * the key can link the event later; no organisation is recorded.
 */
export interface SealedActor {
  kind: 'sealed';
  id: string;
  name: string;
}

export type AuditActor = Actor | typeof SYSTEM | SealedActor;

function recordedActor(actor: AuditActor) {
  if (actor === SYSTEM) return { kind: SYSTEM, id: '0', name: SYSTEM, orgId: null };
  if (actor.kind === 'sealed')
    return { kind: actor.kind, id: actor.id, name: actor.name, orgId: null };
  return { kind: actor.kind, id: actor.id, name: actor.name, orgId: actor.orgId };
}

@Injectable()
export class AuditService {
  constructor(
    @InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>,
    private readonly clock: Clock,
    private readonly scope: OrganisationScope,
  ) {}

  /**
   * Appends one event inside the caller's transaction, so the event exists exactly when the
   * change does. The head row lock orders concurrent writers along one chain.
   */
  async record(
    manager: EntityManager,
    actor: AuditActor,
    action: string,
    entity: { type: string; id: string },
    change: AuditChange = {},
  ): Promise<void> {
    const head = await forUpdate(
      manager.getRepository(AuditHead).createQueryBuilder('h').where('h.id = 1'),
    ).getOneOrFail();
    const occurredAt = this.clock.now();
    const who = recordedActor(actor);
    const content: AuditContent = {
      id: String(BigInt(head.lastId) + 1n),
      occurredAt: occurredAt.toISOString(),
      actorKind: who.kind,
      actorId: who.id,
      actorName: who.name,
      orgId: who.orgId,
      action,
      entityType: entity.type,
      entityId: entity.id,
      before: change.before === undefined ? null : canonicalJson(change.before),
      after: change.after === undefined ? null : canonicalJson(change.after),
      requestId: currentRequestId(),
    };
    const hash = chainHash(head.lastHash, content);
    await manager.getRepository(AuditEvent).insert({
      id: content.id,
      occurredAt,
      actorKind: content.actorKind,
      actorId: content.actorId,
      actorName: content.actorName,
      orgId: content.orgId,
      action,
      entityType: content.entityType,
      entityId: content.entityId,
      beforeJson: content.before,
      afterJson: content.after,
      requestId: content.requestId,
      prevHash: head.lastHash,
      hash,
    });
    await manager
      .getRepository(AuditHead)
      .update({ id: 1 }, { lastId: content.id, lastHash: hash });
  }

  /**
   * A regional auditor sees what organisations in its subtree (and suppliers) did; system
   * events and other regions' events are for platform-wide auditors.
   */
  async list(actor: Actor, query: AuditQuery): Promise<Page<AuditEvent>> {
    const qb = this.scope.restrictByOrganisationColumn(
      this.events.createQueryBuilder('e'),
      actor,
      'e.org_id',
    );
    if (query.action) qb.andWhere('e.action = :action', { action: query.action });
    if (query.actionPrefix) qb.andWhere('e.action LIKE :ap', { ap: `${query.actionPrefix}%` });
    if (query.entityType) qb.andWhere('e.entity_type = :et', { et: query.entityType });
    if (query.entityId) qb.andWhere('e.entity_id = :eid', { eid: query.entityId });
    if (query.actorId)
      qb.andWhere("e.actor_id = :aid AND e.actor_kind <> 'system'", { aid: query.actorId });
    if (query.orgId) qb.andWhere('e.org_id = :oid', { oid: query.orgId });
    if (query.requestId) qb.andWhere('e.request_id = :rid', { rid: query.requestId });
    if (query.from) qb.andWhere('e.occurred_at >= :from', { from: new Date(query.from) });
    if (query.to) qb.andWhere('e.occurred_at < :to', { to: new Date(query.to) });
    qb.orderBy('e.id', query.order === 'desc' ? 'DESC' : 'ASC');
    const { skip, take } = skipTake(query);
    const [items, total] = await qb.skip(skip).take(take).getManyAndCount();
    return page(items, total, query);
  }

  /** Walks the whole chain in id order, a batch at a time, and names the first broken link. */
  async verify(): Promise<{
    ok: boolean;
    checked: number;
    lastId: string;
    firstBroken: BrokenLink | null;
  }> {
    const batch = 2000;
    let state = { id: '0', hash: GENESIS_HASH };
    let checked = 0;
    for (;;) {
      const rows = await this.events
        .createQueryBuilder('e')
        .where('e.id > :after', { after: state.id })
        .orderBy('e.id', 'ASC')
        .take(batch)
        .getMany();
      if (rows.length === 0) break;
      const { broken, last } = verifySegment(rows.map(toChained), state);
      if (broken)
        return {
          ok: false,
          checked: checked + countUntil(rows, broken.id),
          lastId: last.id,
          firstBroken: broken,
        };
      checked += rows.length;
      state = last;
    }
    const head = await this.events.manager.getRepository(AuditHead).findOneByOrFail({ id: 1 });
    if (head.lastId !== state.id || head.lastHash !== state.hash) {
      // Rows were removed from the end: the head remembers a longer chain.
      return {
        ok: false,
        checked,
        lastId: state.id,
        firstBroken: {
          id: String(BigInt(state.id) + 1n),
          reason: 'head_mismatch',
          expected: `${head.lastId}:${head.lastHash}`,
          actual: `${state.id}:${state.hash}`,
        },
      };
    }
    return { ok: true, checked, lastId: state.id, firstBroken: null };
  }
}

function countUntil(rows: AuditEvent[], id: string): number {
  const i = rows.findIndex((r) => r.id === id);
  return i < 0 ? rows.length : i;
}

function toChained(e: AuditEvent): ChainedRow {
  return {
    id: e.id,
    occurredAt: e.occurredAt.toISOString(),
    actorKind: e.actorKind,
    actorId: e.actorId,
    actorName: e.actorName,
    orgId: e.orgId,
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    before: e.beforeJson,
    after: e.afterJson,
    requestId: e.requestId,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}
