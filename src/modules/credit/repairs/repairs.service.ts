import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { page, Page, skipTake } from '../../../common/pagination';
import { forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { CreditCase } from '../cases/credit-case.entity';
import { caseVisible, restrictCases } from '../cases/credit-scope';
import { creditError } from '../credit.errors';
import { ListingEnforcement } from '../enforcement/listing-enforcement.service';
import { CreditRating } from '../ratings/credit-rating.entity';
import {
  chinaDate,
  repairedValidTo,
  repairOutcome,
  sanctionsFor,
  statusOn,
} from '../ratings/domain/rating';
import { RepairAction } from '../ratings/domain/scheme';
import { ratingAudit, ratingRef } from '../ratings/ratings.service';
import { SchemesService } from '../ratings/schemes.service';
import { CreditRepair } from './credit-repair.entity';
import { ApplyRepairRequest, DecideRepairRequest, RepairQuery, RepairView } from './dto/repair.dto';

const isId = (v: string) => /^\d{1,18}$/.test(v);

function repairRef(r: CreditRepair): { type: string; id: string } {
  return { type: 'credit_repair', id: r.id };
}

/**
 * §K4 credit repair (信用修复): the rated supplier applies with its corrective actions; a
 * supervisor approves or rejects. Approval lowers the level by one or ends the rating as the
 * rating's own scheme says, recomputes its sanctions and updates the listings they hold, in
 * the approval's transaction.
 */
@Injectable()
export class RepairsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly schemes: SchemesService,
    private readonly enforcement: ListingEnforcement,
    @InjectRepository(CreditRepair) private readonly repairs: Repository<CreditRepair>,
  ) {}

  async apply(actor: Actor, ratingId: string, body: ApplyRepairRequest): Promise<RepairView> {
    const row = await this.tx.run(async (m) => {
      const rating = await this.lockRating(m, actor, ratingId);
      const now = this.clock.now();
      this.assertInForce(rating, now);
      const pending = await m
        .getRepository(CreditRepair)
        .existsBy({ ratingId: rating.id, status: 'pending' });
      if (pending)
        throw creditError(
          'REPAIR_PENDING',
          `Rating ${rating.id} already has a repair application awaiting a decision`,
          { ratingId: rating.id },
        );
      const actions = body.actions.map((a) => ({
        kind: a.kind as RepairAction,
        evidence: a.evidence.trim(),
      }));
      // Checked now as well as at approval, so the supplier learns at once what is missing.
      repairOutcome(
        await this.schemes.definition(rating.schemeVersion, m),
        rating.level,
        actions.map((a) => a.kind),
      );
      const saved = await m.getRepository(CreditRepair).save(
        m.create(CreditRepair, {
          ratingId: rating.id,
          supplierId: rating.supplierId,
          actions: JSON.stringify(actions),
          status: 'pending',
          levelBefore: rating.level,
          levelAfter: null,
          appliedBy: actor.id,
          appliedAt: now,
          decidedBy: null,
          decidedAt: null,
          decisionNote: null,
        }),
      );
      await this.audit.record(m, actor, 'credit_repair.applied', repairRef(saved), {
        after: { ratingId: rating.id, actions, levelBefore: rating.level },
      });
      return saved;
    });
    return RepairView.of(row);
  }

  async approve(actor: Actor, id: string, body: DecideRepairRequest): Promise<RepairView> {
    const row = await this.tx.run(async (m) => {
      const { repair, rating } = await this.lockPending(m, actor, id);
      const now = this.clock.now();
      this.assertInForce(rating, now);
      const scheme = await this.schemes.definition(rating.schemeVersion, m);
      const actions = JSON.parse(repair.actions) as Array<{ kind: RepairAction }>;
      const { to } = repairOutcome(
        scheme,
        rating.level,
        actions.map((a) => a.kind),
      );
      const before = ratingAudit(rating);
      if (to === null) {
        rating.status = 'repaired';
        rating.endedAt = now;
        rating.endedReason = 'repaired';
      } else {
        const supplierType = (
          await m.getRepository(CreditCase).findOneByOrFail({ id: rating.caseId })
        ).supplierType;
        const effect = sanctionsFor(scheme, to, supplierType);
        const years = effect.sanctions.includes('distribution_bar')
          ? rating.distributionBarYears
          : null;
        rating.validTo = repairedValidTo(scheme, rating.validFrom, rating.validTo, to, years);
        rating.level = to;
        rating.sanctions = JSON.stringify(effect.sanctions);
        rating.productScope = effect.productScope;
        rating.riskNotice = effect.riskNotice;
        rating.distributionBarYears = years;
      }
      rating.updatedAt = now;
      await m.getRepository(CreditRating).save(rating);
      repair.status = 'approved';
      repair.levelAfter = to;
      repair.decidedBy = actor.id;
      repair.decidedAt = now;
      repair.decisionNote = body.note?.trim() || null;
      await m.getRepository(CreditRepair).save(repair);
      await this.audit.record(m, actor, 'credit_repair.approved', repairRef(repair), {
        before: { status: 'pending' },
        after: { status: 'approved', levelAfter: to, note: repair.decisionNote },
      });
      await this.audit.record(m, actor, 'credit_rating.repaired', ratingRef(rating), {
        before,
        after: ratingAudit(rating),
      });
      await this.enforcement.reconcile(m, rating.supplierId, actor, now);
      return repair;
    });
    return RepairView.of(row);
  }

  async reject(actor: Actor, id: string, body: DecideRepairRequest): Promise<RepairView> {
    const note = body.note?.trim() ?? '';
    if (note.length < 2)
      throw creditError('REPAIR_NOTE_REQUIRED', 'note: say why the repair is rejected', {
        field: 'note',
      });
    const row = await this.tx.run(async (m) => {
      const { repair } = await this.lockPending(m, actor, id);
      repair.status = 'rejected';
      repair.decidedBy = actor.id;
      repair.decidedAt = this.clock.now();
      repair.decisionNote = note;
      await m.getRepository(CreditRepair).save(repair);
      await this.audit.record(m, actor, 'credit_repair.rejected', repairRef(repair), {
        before: { status: 'pending' },
        after: { status: 'rejected', note },
      });
      return repair;
    });
    return RepairView.of(row);
  }

  async list(actor: Actor, query: RepairQuery): Promise<Page<RepairView>> {
    const qb = this.repairs
      .createQueryBuilder('p')
      .innerJoin(CreditRating, 'r', 'r.id = p.ratingId')
      .innerJoin(CreditCase, 'c', 'c.id = r.caseId');
    restrictCases(qb, actor, 'c');
    if (query.status) qb.andWhere('p.status = :status', { status: query.status });
    if (query.ratingId) qb.andWhere('p.ratingId = :rid', { rid: query.ratingId });
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    qb.orderBy('p.appliedAt', direction).addOrderBy('p.id', direction);
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    return page(
      rows.map((r) => RepairView.of(r)),
      total,
      query,
    );
  }

  async get(actor: Actor, id: string): Promise<RepairView> {
    const repair = isId(id) ? await this.repairs.findOneBy({ id }) : null;
    if (!repair || !(await this.visibleRating(this.repairs.manager, actor, repair.ratingId)))
      throw creditError('REPAIR_NOT_FOUND', `Repair application ${id} not found`, { id });
    return RepairView.of(repair);
  }

  private assertInForce(rating: CreditRating, now: Date): void {
    const status = statusOn(rating.status, rating.validTo, chinaDate(now));
    if (status !== 'in_force')
      throw creditError(
        'REPAIR_NOT_AVAILABLE',
        `Rating ${rating.id} is ${status}; only a rating in force can be repaired`,
        { ratingId: rating.id, status },
      );
  }

  private async lockPending(
    m: EntityManager,
    actor: Actor,
    id: string,
  ): Promise<{ repair: CreditRepair; rating: CreditRating }> {
    const repair = isId(id)
      ? await forUpdate(
          m.getRepository(CreditRepair).createQueryBuilder('p').where('p.id = :id', { id }),
        ).getOne()
      : null;
    const rating = repair ? await this.visibleRating(m, actor, repair.ratingId, true) : null;
    if (!repair || !rating)
      throw creditError('REPAIR_NOT_FOUND', `Repair application ${id} not found`, { id });
    if (repair.status !== 'pending')
      throw creditError('REPAIR_DECIDED', `Repair application ${id} was already ${repair.status}`, {
        id,
        status: repair.status,
      });
    return { repair, rating };
  }

  private async lockRating(m: EntityManager, actor: Actor, id: string): Promise<CreditRating> {
    const rating = await this.visibleRating(m, actor, id, true);
    if (!rating) throw creditError('RATING_NOT_FOUND', `Credit rating ${id} not found`, { id });
    return rating;
  }

  private async visibleRating(
    m: EntityManager,
    actor: Actor,
    id: string,
    lock = false,
  ): Promise<CreditRating | null> {
    if (!isId(id)) return null;
    const qb = m.getRepository(CreditRating).createQueryBuilder('r').where('r.id = :id', { id });
    const rating = await (lock ? forUpdate(qb) : qb).getOne();
    if (!rating) return null;
    const found = await m.getRepository(CreditCase).findOneBy({ id: rating.caseId });
    return found && caseVisible(actor, found) ? rating : null;
  }
}
