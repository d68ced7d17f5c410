import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { page, Page, skipTake } from '../../../common/pagination';
import { forUpdate } from '../../../database/dialect';
import { IdentityScope } from '../../identity/scope/identity-scope.service';
import { statementCode } from './domain/statement-rules';
import { DisputeListItem, DisputeQuery } from './dto/dispute-query.dto';
import {
  DisputeView,
  StatementDetailView,
  StatementLineView,
  StatementQuery,
  StatementView,
} from './dto/statement.dto';
import { DeliveryLine } from '../../execution/deliveries/delivery.entity';
import { Dispute, LineException, LineStatus, Review, Statement } from './statement.entity';
import { statementError } from './statement.errors';

const isId = (v: string) => /^\d{1,18}$/.test(v);
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function statementView(s: Statement): StatementView {
  return {
    id: s.id,
    code: statementCode(s.period, s.id),
    hospitalId: s.hospitalId,
    supplierId: s.supplierId,
    period: s.period,
    status: s.status,
    amount: s.amount.toFixed(2),
    disputedAmount: s.disputedAmount.toFixed(2),
    lineCount: s.lineCount,
    generatedAt: s.generatedAt.toISOString(),
    reconciliationDeadline: s.reconciliationDeadline.toISOString(),
    hospitalConfirmedAt: iso(s.hospitalConfirmedAt),
    hospitalConfirmedBy: s.hospitalConfirmedBy,
    supplierConfirmedAt: iso(s.supplierConfirmedAt),
    supplierConfirmedBy: s.supplierConfirmedBy,
    confirmedAt: iso(s.confirmedAt),
    reviewLevel: s.reviewLevel,
    reviewCycle: s.reviewCycle,
    approvedAt: iso(s.approvedAt),
    paidAt: iso(s.paidAt),
  };
}

export function disputeView(d: Dispute): DisputeView {
  return {
    id: d.id,
    statementId: d.statementId,
    statementLineId: d.statementLineId,
    party: d.party,
    reason: d.reason,
    amount: d.amount.toFixed(2),
    raisedBy: d.raisedBy,
    raisedAt: d.raisedAt.toISOString(),
    status: d.status,
    resolutionNote: d.resolutionNote,
    resolvedBy: d.resolvedBy,
    resolvedAt: iso(d.resolvedAt),
  };
}

/**
 * Reading statements in the caller's scope (§1): a hospital sees its own, a supplier its own,
 * an authority those of hospitals in its region subtree. Out of scope is 404.
 */
@Injectable()
export class StatementQueries {
  constructor(
    private readonly scope: IdentityScope,
    @InjectRepository(Statement) private readonly statements: Repository<Statement>,
    @InjectRepository(DeliveryLine) private readonly deliveryLines: Repository<DeliveryLine>,
    @InjectRepository(Review) private readonly reviews: Repository<Review>,
    @InjectRepository(Dispute) private readonly disputes: Repository<Dispute>,
  ) {}

  /** Restricts a query with `alias.hospitalId` / `alias.supplierId` columns to the actor's scope. */
  restrict<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, actor: Actor, alias: string) {
    if (actor.orgType === 'hospital')
      return qb.andWhere(`${alias}.hospitalId = :scopeOrgId`, { scopeOrgId: actor.orgId });
    if (actor.orgType === 'manufacturer' || actor.orgType === 'distributor')
      return qb.andWhere(`${alias}.supplierId = :scopeOrgId`, { scopeOrgId: actor.orgId });
    return this.scope.restrictByOrganisationColumn(qb, actor, `${alias}.hospitalId`);
  }

  async visibleStatement(
    actor: Actor,
    id: string,
    m?: EntityManager,
    lock = false,
  ): Promise<Statement> {
    const repo = m ? m.getRepository(Statement) : this.statements;
    let found: Statement | null = null;
    if (isId(id)) {
      const qb = repo.createQueryBuilder('s').where('s.id = :id', { id });
      this.restrict(qb, actor, 's');
      found = await (lock ? forUpdate(qb) : qb).getOne();
    }
    if (!found) throw statementError('STATEMENT_NOT_FOUND', `Statement ${id} not found`, { id });
    return found;
  }

  async list(actor: Actor, query: StatementQuery): Promise<Page<StatementView>> {
    const qb = this.statements.createQueryBuilder('s');
    this.restrict(qb, actor, 's');
    if (query.period) qb.andWhere('s.period = :period', { period: query.period });
    if (query.hospitalId) qb.andWhere('s.hospitalId = :hid', { hid: query.hospitalId });
    if (query.supplierId) qb.andWhere('s.supplierId = :sid', { sid: query.supplierId });
    if (query.status) qb.andWhere('s.status = :status', { status: query.status });
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb
      .orderBy('s.id', query.order === 'desc' ? 'DESC' : 'ASC')
      .skip(skip)
      .take(take)
      .getManyAndCount();
    return page(rows.map(statementView), total, query);
  }

  async detail(actor: Actor, id: string): Promise<StatementDetailView> {
    const s = await this.visibleStatement(actor, id);
    const lines = await this.linesOf(s);
    const reviews = await this.reviews.find({
      where: { statementId: s.id },
      order: { cycle: 'ASC', level: 'ASC' },
    });
    return {
      ...statementView(s),
      lines,
      reviews: reviews.map((r) => ({
        cycle: r.cycle,
        level: r.level,
        decision: r.decision,
        officerId: r.officerId,
        note: r.note,
        decidedAt: r.decidedAt.toISOString(),
      })),
    };
  }

  /**
   * A statement's lines by the membership rule (statement-membership.ts): the pair's accepted
   * delivery lines of its window and scope, with the status of their exception (a line excepted
   * here keeps showing here: disputed, struck, or carried onward), then the lines carried onto
   * it, billed here — once, also when that is the statement of their own window — or disputed
   * or struck here after they were carried here. A line this statement bills whose dispute was
   * raised on another statement (carriedHere in statement-membership.ts) shows as billed here,
   * where it was paid. A line is named by its delivery line's id.
   * `lineId` narrows to one line.
   */
  async linesOf(s: Statement, m?: EntityManager, lineId?: string): Promise<StatementLineView[]> {
    const repo = (m ?? this.deliveryLines.manager).getRepository(DeliveryLine);
    const one = (qb: SelectQueryBuilder<DeliveryLine>) =>
      lineId === undefined ? qb : qb.andWhere('dl.id = :lineId', { lineId });
    const own = repo
      .createQueryBuilder('dl')
      .leftJoinAndMapOne('dl.exception', LineException, 'e', 'e.deliveryLineId = dl.id')
      .where('dl.hospitalId = :hid AND dl.supplierId = :sid', {
        hid: s.hospitalId,
        sid: s.supplierId,
      })
      .andWhere("dl.decision = 'accepted'")
      .andWhere('dl.acceptedAt >= :start AND dl.acceptedAt < :end', {
        start: s.periodStart,
        end: s.periodEnd,
      })
      .andWhere(
        `(e.id IS NULL OR (e.statementId = :statementId AND e.status <> 'excluded'
          AND (e.carriedToStatementId IS NULL OR e.carriedToStatementId <> :statementId)))`,
        { statementId: s.id },
      );
    if (s.scope === 'vbp')
      own.andWhere(
        'EXISTS (SELECT 1 FROM purchase_order_lines pol WHERE pol.id = dl.order_line_id AND pol.agreement_id IS NOT NULL)',
      );
    const carried = repo
      .createQueryBuilder('dl')
      .innerJoinAndMapOne(
        'dl.exception',
        LineException,
        'e',
        "e.deliveryLineId = dl.id AND e.status IN ('carried', 'disputed', 'struck') AND e.carriedToStatementId = :statementId",
        { statementId: s.id },
      )
      .leftJoinAndMapOne(
        'dl.disputeHere',
        Dispute,
        'd',
        'd.statementLineId = dl.id AND d.statementId = :statementId',
        { statementId: s.id },
      );
    type Row = DeliveryLine & { exception: LineException | null; disputeHere?: Dispute | null };
    const view = (l: Row, status: LineStatus): StatementLineView => ({
      id: l.id,
      deliveryLineId: l.id,
      deliveryId: l.deliveryId,
      productId: l.productId,
      quantity: l.quantity.toFixed(3),
      unitPrice: l.unitPrice.toFixed(6),
      amount: l.amount.toFixed(2),
      acceptedAt: l.acceptedAt!.toISOString(),
      status,
    });
    // 'excluded' exceptions were filtered out above; the others are line statuses. A line of
    // this window carried onto another statement shows as carried here, whatever it became
    // there; one carried here is billed unless disputed (or struck) here.
    const rows = [
      ...((await one(own).getMany()) as Row[]).map((l) =>
        view(
          l,
          l.exception?.carriedToStatementId
            ? 'carried'
            : ((l.exception?.status as LineStatus | undefined) ?? 'billed'),
        ),
      ),
      ...((await one(carried).getMany()) as Row[]).map((l) =>
        view(
          l,
          l.exception!.status === 'carried' || !l.disputeHere
            ? 'billed'
            : (l.exception!.status as LineStatus),
        ),
      ),
    ];
    const byId = (a: StatementLineView, b: StatementLineView) =>
      a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    return rows.sort(byId);
  }

  /** Disputes on statements the actor sees, oldest first unless `order=desc`. */
  async listDisputes(actor: Actor, query: DisputeQuery): Promise<Page<DisputeListItem>> {
    const qb = this.disputes
      .createQueryBuilder('d')
      .innerJoinAndMapOne('d.statement', Statement, 's', 's.id = d.statementId');
    this.restrict(qb, actor, 's');
    if (query.status === 'open') qb.andWhere("d.status = 'open'");
    if (query.status === 'resolved') qb.andWhere("d.status IN ('accepted', 'rejected')");
    if (query.period) qb.andWhere('s.period = :period', { period: query.period });
    if (query.hospitalId) qb.andWhere('s.hospitalId = :hid', { hid: query.hospitalId });
    if (query.supplierId) qb.andWhere('s.supplierId = :sid', { sid: query.supplierId });
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb
      .orderBy('d.id', query.order === 'desc' ? 'DESC' : 'ASC')
      .skip(skip)
      .take(take)
      .getManyAndCount();
    return page(
      rows.map((d) => {
        const s = (d as Dispute & { statement: Statement }).statement;
        return {
          ...disputeView(d),
          statementCode: statementCode(s.period, s.id),
          period: s.period,
          hospitalId: s.hospitalId,
          supplierId: s.supplierId,
        };
      }),
      total,
      query,
    );
  }

  async disputeById(id: string): Promise<Dispute> {
    return this.disputes.findOneByOrFail({ id });
  }

  /** A dispute on a statement the actor sees, else 404. */
  async visibleDispute(
    actor: Actor,
    id: string,
    m: EntityManager,
    lock: boolean,
  ): Promise<Dispute> {
    const dispute = isId(id)
      ? await (
          lock
            ? forUpdate(
                m.getRepository(Dispute).createQueryBuilder('d').where('d.id = :id', { id }),
              )
            : m.getRepository(Dispute).createQueryBuilder('d').where('d.id = :id', { id })
        ).getOne()
      : null;
    if (dispute) {
      const qb = m
        .getRepository(Statement)
        .createQueryBuilder('s')
        .where('s.id = :sid', { sid: dispute.statementId });
      this.restrict(qb, actor, 's');
      if (await qb.getExists()) return dispute;
    }
    throw statementError('DISPUTE_NOT_FOUND', `Dispute ${id} not found`, { id });
  }

  /** Ids of reconciling statements whose deadline has passed. */
  async dueForDeemedConfirmation(now: Date): Promise<string[]> {
    const rows = await this.statements
      .createQueryBuilder('s')
      .select('s.id', 'id')
      .where("s.status = 'reconciling'")
      .andWhere('s.reconciliationDeadline <= :now', { now })
      .orderBy('s.id', 'ASC')
      .getRawMany<{ id: string | number }>();
    return rows.map((r) => String(r.id));
  }
}
