import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor, hasRole } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { registerUniqueConstraint } from '../../../common/errors/unique-constraints';
import { AppConfig } from '../../../config/config';
import { APP_CONFIG } from '../../../config/config.module';
import { Decimal } from '../../../database/decimal';
import { forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService, SYSTEM } from '../../audit/audit.service';
import {
  assertAllows,
  deemable,
  fullyConfirmed,
  nextReviewLevel,
  Party,
  reconciliationDeadline,
  REVIEW_LEVELS,
} from './domain/statement-rules';
import {
  DisputeLineRequest,
  DisputeView,
  RejectReviewRequest,
  ResolveDisputeRequest,
  ReviewRequest,
  StatementDetailView,
} from './dto/statement.dto';
import { Dispute, LineException, Review, Statement } from './statement.entity';
import { statementError } from './statement.errors';
import { disputeView, StatementQueries } from './statement-queries.service';

registerUniqueConstraint('uq_settlement_reviews__statement_id__cycle__officer_id', {
  table: 'settlement_reviews',
  columns: ['statement_id', 'cycle', 'officer_id'],
  code: 'SETTLEMENT.REVIEWER_ALREADY_APPROVED',
  message: 'This officer already decided a level of this statement',
});
registerUniqueConstraint('uq_settlement_reviews__statement_id__cycle__level', {
  table: 'settlement_reviews',
  columns: ['statement_id', 'cycle', 'level'],
  code: 'SETTLEMENT.STATEMENT_STATE_CONFLICT',
  message: 'This review level was decided at the same moment by another officer',
});
registerUniqueConstraint('uq_settlement_line_exceptions__delivery_line_id', {
  table: 'settlement_line_exceptions',
  columns: ['delivery_line_id'],
  code: 'SETTLEMENT.LINE_NOT_DISPUTABLE',
  message: 'The line was disputed at the same moment',
});
registerUniqueConstraint('uq_settlement_disputes__statement_line_id', {
  table: 'settlement_disputes',
  columns: ['statement_line_id'],
  code: 'SETTLEMENT.LINE_NOT_DISPUTABLE',
  message: 'The line was disputed at the same moment',
});

const isId = (v: string) => /^\d{1,18}$/.test(v);

/**
 * Why a line on a statement cannot be disputed there, naming where it stands: the statement
 * that bills it when it was carried onward, the dispute already raised on it (a line is
 * disputed once, wherever it is billed).
 */
function notDisputable(
  statementId: string,
  lineId: string,
  status: string,
  exception: LineException | null,
  earlier: Dispute | null,
) {
  const onward = status === 'carried' ? (exception?.carriedToStatementId ?? null) : null;
  const billedOn = onward !== null && exception?.status === 'carried' ? onward : null;
  let why: string;
  if (billedOn) why = `was carried onto statement ${billedOn}, which bills it; dispute it there`;
  else if (onward) why = `was carried onto statement ${onward}, where it is ${exception!.status}`;
  else if (status === 'carried')
    why = `was carried and waits for the pair's next statement, which will bill it`;
  else if (status === 'struck') why = 'is struck off: its dispute was upheld';
  else if (!earlier) why = `is ${status}`;
  else if (status === 'disputed')
    why = `is under dispute ${earlier.id}, raised on statement ${earlier.statementId}`;
  else
    why = `was disputed on statement ${earlier.statementId} (dispute ${earlier.id}); a line is disputed once`;
  return statementError('LINE_NOT_DISPUTABLE', `Line ${lineId} ${why}`, {
    id: statementId,
    lineId,
    lineStatus: status,
    billedOn,
    disputeId: earlier?.id ?? null,
  });
}

/**
 * §S3.2 reconciliation (confirm, dispute, deemed confirmation at the deadline), dispute
 * resolution and §S3.3 three-level review. Each use case locks the statement row first, so two
 * parties acting at once are applied one after the other.
 */
@Injectable()
export class StatementCycle {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly queries: StatementQueries,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** POST /statements/:id/confirm by the hospital or the supplier of the statement. */
  async confirm(actor: Actor, id: string): Promise<StatementDetailView> {
    await this.tx.run(async (m) => {
      const s = await this.lockVisible(m, actor, id);
      const party = this.partyOf(actor, s);
      assertAllows(s.status, 'confirm', s.id);
      const now = this.clock.now();
      const at = party === 'hospital' ? s.hospitalConfirmedAt : s.supplierConfirmedAt;
      if (at)
        throw statementError(
          'ALREADY_CONFIRMED',
          `The ${party} already confirmed statement ${s.id}`,
          {
            id: s.id,
            party,
          },
        );
      if (party === 'hospital') {
        s.hospitalConfirmedAt = now;
        s.hospitalConfirmedBy = actor.id;
      } else {
        s.supplierConfirmedAt = now;
        s.supplierConfirmedBy = actor.id;
      }
      if (fullyConfirmed(s)) {
        s.status = 'confirmed';
        s.confirmedAt = now;
      }
      s.updatedAt = now;
      await m.getRepository(Statement).save(s);
      await this.audit.record(
        m,
        actor,
        'statement.confirmed',
        { type: 'statement', id: s.id },
        {
          after: { party, status: s.status },
        },
      );
    });
    return this.queries.detail(actor, id);
  }

  /**
   * POST /statements/:id/lines/:lineId/dispute: the line leaves the statement's total until a
   * fund officer resolves it. A party that confirmed has accepted the lines; a dispute by the
   * other party changes the total, so it also withdraws that confirmation.
   */
  async dispute(
    actor: Actor,
    id: string,
    lineId: string,
    body: DisputeLineRequest,
  ): Promise<DisputeView> {
    const disputeId = await this.tx.run(async (m) => {
      const s = await this.lockVisible(m, actor, id);
      const party = this.partyOf(actor, s);
      assertAllows(s.status, 'dispute', s.id);
      if ((party === 'hospital' ? s.hospitalConfirmedAt : s.supplierConfirmedAt) !== null)
        throw statementError(
          'ALREADY_CONFIRMED',
          `The ${party} already confirmed statement ${s.id}`,
          {
            id: s.id,
            party,
          },
        );
      const line = isId(lineId) ? (await this.queries.linesOf(s, m, lineId))[0] : undefined;
      if (!line)
        throw statementError(
          'STATEMENT_LINE_NOT_FOUND',
          `Line ${lineId} is not on statement ${s.id}`,
          {
            id: s.id,
            lineId,
          },
        );
      const exception = await m.getRepository(LineException).findOneBy({ deliveryLineId: line.id });
      const earlier = await m.getRepository(Dispute).findOneBy({ statementLineId: line.id });
      if (line.status !== 'billed' || earlier)
        throw notDisputable(s.id, line.id, line.status, exception, earlier);
      const now = this.clock.now();
      const amount = new Decimal(line.amount);
      if (exception === null) {
        // The exception takes the line out of its window's statement; its unique key holds a
        // line to one.
        await m.getRepository(LineException).insert({
          deliveryLineId: line.id,
          statementId: s.id,
          carriedToStatementId: null,
          hospitalId: s.hospitalId,
          supplierId: s.supplierId,
          amount,
          status: 'disputed',
          updatedAt: now,
        });
      } else {
        // Billed here as carried: the line keeps its window's statement and stays on this one
        // as disputed; resolved for it, it waits for the pair's next statement (resolve()).
        // This statement is locked, and only a dispute on it changes what it carries.
        await m
          .getRepository(LineException)
          .update(
            { id: exception.id, status: 'carried', carriedToStatementId: s.id },
            { status: 'disputed', updatedAt: now },
          );
      }
      s.amount = s.amount.minus(amount);
      s.disputedAmount = s.disputedAmount.plus(amount);
      s.lineCount -= 1;
      s.hospitalConfirmedAt = null;
      s.hospitalConfirmedBy = null;
      s.supplierConfirmedAt = null;
      s.supplierConfirmedBy = null;
      s.updatedAt = now;
      await m.getRepository(Statement).save(s);
      const inserted = await m.getRepository(Dispute).insert({
        statementId: s.id,
        statementLineId: line.id,
        party,
        reason: body.reason.trim(),
        amount,
        raisedBy: actor.id,
        raisedAt: now,
        status: 'open',
      });
      const newId = String((inserted.identifiers[0] as { id: string | number }).id);
      await this.audit.record(
        m,
        actor,
        'statement.line_disputed',
        { type: 'statement', id: s.id },
        {
          after: { lineId: line.id, disputeId: newId, party, amount: amount.toFixed(2) },
        },
      );
      return newId;
    });
    return disputeView(await this.queries.disputeById(disputeId));
  }

  /**
   * POST /disputes/:id/resolve (fund officer): `accept` — the line stands and is billed on the
   * pair's next generated statement; `reject` — the line is struck off and never paid.
   */
  async resolve(
    actor: Actor,
    disputeId: string,
    body: ResolveDisputeRequest,
  ): Promise<DisputeView> {
    await this.tx.run(async (m) => {
      // The statement first, then the dispute: the order dispute() takes, so the two never
      // deadlock, and the statement cannot be paid or regenerated meanwhile.
      const found = await this.queries.visibleDispute(actor, disputeId, m, false);
      await this.queries.visibleStatement(actor, found.statementId, m, true);
      const dispute = await this.queries.visibleDispute(actor, disputeId, m, true);
      if (dispute.status !== 'open')
        throw statementError(
          'DISPUTE_ALREADY_RESOLVED',
          `Dispute ${dispute.id} is ${dispute.status}`,
          {
            id: dispute.id,
            status: dispute.status,
          },
        );
      const now = this.clock.now();
      const accepted = body.outcome === 'accept';
      await m.getRepository(Dispute).update(
        { id: dispute.id },
        {
          status: accepted ? 'accepted' : 'rejected',
          resolutionNote: body.note.trim(),
          resolvedBy: actor.id,
          resolvedAt: now,
        },
      );
      // A line disputed on the statement it was carried onto left that statement's total:
      // accepted, it waits for the pair's next statement like any carried line; struck, it
      // shows there as struck.
      const exception = await m
        .getRepository(LineException)
        .findOneByOrFail({ deliveryLineId: dispute.statementLineId });
      const leftCarrier = accepted && exception.carriedToStatementId === dispute.statementId;
      await m.getRepository(LineException).update(
        { id: exception.id },
        {
          status: accepted ? 'carried' : 'struck',
          ...(leftCarrier ? { carriedToStatementId: null } : {}),
          updatedAt: now,
        },
      );
      // The line no longer waits on its original statement.
      await m
        .getRepository(Statement)
        .createQueryBuilder()
        .update()
        .set({ disputedAmount: () => 'disputed_amount - :amount', updatedAt: now })
        .setParameter('amount', dispute.amount.toFixed(2))
        .where('id = :id', { id: dispute.statementId })
        .execute();
      await this.audit.record(
        m,
        actor,
        'dispute.resolved',
        { type: 'dispute', id: dispute.id },
        {
          after: { outcome: body.outcome, lineId: dispute.statementLineId },
        },
      );
    });
    return disputeView(await this.queries.disputeById(disputeId));
  }

  /** POST /statements/:id/approve: the next review level, by an officer new to this cycle. */
  async approve(actor: Actor, id: string, body: ReviewRequest): Promise<StatementDetailView> {
    await this.tx.run(async (m) => {
      const s = await this.lockVisible(m, actor, id);
      assertAllows(s.status, 'approve', s.id);
      const approvals = await m
        .getRepository(Review)
        .findBy({ statementId: s.id, cycle: s.reviewCycle, decision: 'approved' });
      const level = nextReviewLevel(approvals, actor.id, s.id);
      const now = this.clock.now();
      await m.getRepository(Review).insert({
        statementId: s.id,
        cycle: s.reviewCycle,
        level,
        decision: 'approved',
        officerId: actor.id,
        note: body.note?.trim() || null,
        decidedAt: now,
      });
      s.reviewLevel = level;
      if (level === REVIEW_LEVELS) {
        s.status = 'approved';
        s.approvedAt = now;
      }
      s.updatedAt = now;
      await m.getRepository(Statement).save(s);
      await this.audit.record(
        m,
        actor,
        'statement.approved',
        { type: 'statement', id: s.id },
        {
          after: { cycle: s.reviewCycle, level, status: s.status },
        },
      );
    });
    return this.queries.detail(actor, id);
  }

  /**
   * POST /statements/:id/reject at any level: back to reconciliation with a fresh deadline, both
   * confirmations withdrawn and a new review cycle (the earlier approvals no longer count).
   */
  async reject(actor: Actor, id: string, body: RejectReviewRequest): Promise<StatementDetailView> {
    await this.tx.run(async (m) => {
      const s = await this.lockVisible(m, actor, id);
      assertAllows(s.status, 'reject', s.id);
      const now = this.clock.now();
      await m.getRepository(Review).insert({
        statementId: s.id,
        cycle: s.reviewCycle,
        level: s.reviewLevel + 1,
        decision: 'rejected',
        officerId: actor.id,
        note: body.note.trim(),
        decidedAt: now,
      });
      s.status = 'reconciling';
      s.reviewCycle += 1;
      s.reviewLevel = 0;
      s.hospitalConfirmedAt = null;
      s.hospitalConfirmedBy = null;
      s.supplierConfirmedAt = null;
      s.supplierConfirmedBy = null;
      s.confirmedAt = null;
      s.reconciliationDeadline = reconciliationDeadline(
        now,
        this.config.settlementCycle.reconciliationWorkingDays,
      );
      s.updatedAt = now;
      await m.getRepository(Statement).save(s);
      await this.audit.record(
        m,
        actor,
        'statement.rejected',
        { type: 'statement', id: s.id },
        {
          after: { cycle: s.reviewCycle - 1, note: body.note.trim() },
        },
      );
    });
    return this.queries.detail(actor, id);
  }

  /**
   * The periodic job: statements past their reconciliation deadline are confirmed on behalf of
   * the silent side (when deemed confirmation is on). Each statement in its own transaction,
   * rechecked under its lock, so a doubled or retried tick changes nothing twice.
   */
  async deemDue(): Promise<number> {
    if (!this.config.settlementCycle.deemedConfirmation) return 0;
    const now = this.clock.now();
    const due = await this.queries.dueForDeemedConfirmation(now);
    let deemed = 0;
    for (const id of due) {
      const done = await this.tx.run(async (m) => {
        const s = await forUpdate(
          m.getRepository(Statement).createQueryBuilder('s').where('s.id = :id', { id }),
        ).getOne();
        if (!s || s.status !== 'reconciling' || !deemable(s.reconciliationDeadline, now, true))
          return false;
        const silent: Party[] = [];
        if (!s.hospitalConfirmedAt) {
          s.hospitalConfirmedAt = now;
          s.hospitalConfirmedBy = 'deemed';
          silent.push('hospital');
        }
        if (!s.supplierConfirmedAt) {
          s.supplierConfirmedAt = now;
          s.supplierConfirmedBy = 'deemed';
          silent.push('supplier');
        }
        s.status = 'confirmed';
        s.confirmedAt = now;
        s.updatedAt = now;
        await m.getRepository(Statement).save(s);
        await this.audit.record(
          m,
          SYSTEM,
          'statement.deemed_confirmed',
          { type: 'statement', id: s.id },
          {
            after: { deemedFor: silent },
          },
        );
        return true;
      });
      if (done) deemed += 1;
    }
    return deemed;
  }

  private async lockVisible(m: EntityManager, actor: Actor, id: string): Promise<Statement> {
    return this.queries.visibleStatement(actor, id, m, true);
  }

  private partyOf(actor: Actor, s: Statement): Party {
    if (hasRole(actor, 'hospital_user') && actor.orgId === s.hospitalId) return 'hospital';
    if (hasRole(actor, 'supplier_user') && actor.orgId === s.supplierId) return 'supplier';
    throw statementError(
      'NOT_A_PARTY',
      `Only the hospital or supplier of statement ${s.id} may do this`,
      {
        id: s.id,
      },
    );
  }
}
