import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { page, Page, skipTake } from '../../../common/pagination';
import { forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService, SYSTEM } from '../../audit/audit.service';
import { OrganisationDirectory } from '../../identity/organisations/organisation-directory.service';
import { CreditCase, CreditCaseProduct } from '../cases/credit-case.entity';
import { caseVisible, restrictCases } from '../cases/credit-scope';
import { creditError } from '../credit.errors';
import { ListingEnforcement } from '../enforcement/listing-enforcement.service';
import { CreditRating } from './credit-rating.entity';
import { chinaDate, rateCase } from './domain/rating';
import { levelOf } from './domain/scheme';
import {
  PublicRatingQuery,
  PublicRatingView,
  RateCaseRequest,
  RatingQuery,
  RatingView,
} from './dto/rating.dto';
import { SchemesService } from './schemes.service';

const isId = (v: string) => /^\d{1,18}$/.test(v);

export function ratingRef(r: CreditRating): { type: string; id: string } {
  return { type: 'credit_rating', id: r.id };
}

export function ratingAudit(r: CreditRating): Record<string, unknown> {
  return {
    caseId: r.caseId,
    supplierId: r.supplierId,
    schemeVersion: r.schemeVersion,
    level: r.level,
    sanctions: JSON.parse(r.sanctions) as unknown,
    productScope: r.productScope,
    distributionBarYears: r.distributionBarYears,
    validFrom: r.validFrom,
    validTo: r.validTo,
    status: r.status,
  };
}

/**
 * §K2 ratings: a supervisor rates a recorded case under the active scheme; the rating carries
 * its level's sanctions (§K3), which take effect in the same transaction (listings suspended;
 * bidding, ordering and distribution ask SanctionQueries). Ratings lapse by date; the periodic
 * lapse check writes that down and lifts what the lapsed ratings held.
 */
@Injectable()
export class RatingsService {
  private readonly logger = new Logger(RatingsService.name);

  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly schemes: SchemesService,
    private readonly orgs: OrganisationDirectory,
    private readonly enforcement: ListingEnforcement,
    @InjectRepository(CreditRating) private readonly ratings: Repository<CreditRating>,
  ) {}

  async rate(actor: Actor, caseId: string, body: RateCaseRequest): Promise<RatingView> {
    const rating = await this.tx.run(async (m) => {
      const found = await this.lockCase(m, actor, caseId);
      if (found.status !== 'recorded')
        throw creditError(
          'CASE_STATE_CONFLICT',
          `Case ${found.code} is ${found.status}; only a recorded case is rated`,
          { state: found.status },
        );
      const now = this.clock.now();
      const scheme = await this.schemes.active(m);
      const outcome = rateCase(scheme, {
        behaviour: found.behaviour,
        amount: found.amount?.toFixed(2) ?? null,
        supplierType: found.supplierType,
        distributionBarYears: body.distributionBarYears ?? null,
        ratedOn: chinaDate(now),
      });
      // §K3: a level that suspends the involved products must have products to suspend, or the
      // rating would be published as serious while barring nothing.
      if (
        outcome.productScope === 'involved' &&
        !(await m.getRepository(CreditCaseProduct).existsBy({ caseId: found.id }))
      )
        throw creditError(
          'CASE_NOT_RATABLE',
          `productIds: case ${found.code} names no involved products, and level ${outcome.level} suspends the involved products; record the products first`,
          { field: 'productIds', level: outcome.level },
        );
      const row = await m.getRepository(CreditRating).save(
        m.create(CreditRating, {
          caseId: found.id,
          supplierId: found.supplierId,
          schemeVersion: scheme.version,
          level: outcome.level,
          initialLevel: outcome.level,
          reasons: JSON.stringify(outcome.reasons),
          sanctions: JSON.stringify(outcome.sanctions),
          productScope: outcome.productScope,
          riskNotice: outcome.riskNotice,
          distributionBarYears: outcome.distributionBarYears,
          validFrom: outcome.validFrom,
          validTo: outcome.validTo,
          status: 'in_force',
          ratedBy: actor.id,
          ratedAt: now,
          endedAt: null,
          endedReason: null,
          updatedAt: now,
        }),
      );
      await m
        .getRepository(CreditCase)
        .update({ id: found.id }, { status: 'rated', updatedAt: now });
      await this.audit.record(m, actor, 'credit_rating.rated', ratingRef(row), {
        after: { caseCode: found.code, ...ratingAudit(row) },
      });
      await this.enforcement.reconcile(m, found.supplierId, actor, now);
      return row;
    });
    return (await this.views([rating]))[0];
  }

  async list(actor: Actor, query: RatingQuery): Promise<Page<RatingView>> {
    const qb = this.ratings.createQueryBuilder('r').innerJoin(CreditCase, 'c', 'c.id = r.caseId');
    restrictCases(qb, actor, 'c');
    const today = chinaDate(this.clock.now());
    if (query.supplierId) qb.andWhere('r.supplierId = :sid', { sid: query.supplierId });
    if (query.level) qb.andWhere('r.level = :level', { level: query.level });
    if (query.riskNotice) qb.andWhere('r.riskNotice = :rn', { rn: query.riskNotice === 'true' });
    if (query.status === 'in_force')
      qb.andWhere("r.status = 'in_force' AND r.validTo >= :today", { today });
    else if (query.status === 'lapsed')
      qb.andWhere("(r.status = 'lapsed' OR (r.status = 'in_force' AND r.validTo < :today))", {
        today,
      });
    else if (query.status === 'repaired') qb.andWhere("r.status = 'repaired'");
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    qb.orderBy(query.sort === 'validTo' ? 'r.validTo' : 'r.ratedAt', direction).addOrderBy(
      'r.id',
      direction,
    );
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    return page(await this.views(rows), total, query);
  }

  async get(actor: Actor, id: string): Promise<RatingView> {
    const row = isId(id) ? await this.ratings.findOneBy({ id }) : null;
    const found = row
      ? await this.ratings.manager.getRepository(CreditCase).findOneBy({ id: row.caseId })
      : null;
    if (!row || !found || !caseVisible(actor, found))
      throw creditError('RATING_NOT_FOUND', `Credit rating ${id} not found`, { id });
    return (await this.views([row]))[0];
  }

  /**
   * §K3 risk notices to purchasers: ratings in force whose level carries one. They are addressed
   * to every purchaser, so hospitals see all of them, not only their own suppliers'.
   */
  async riskNotices(query: RatingQuery): Promise<Page<RatingView>> {
    const today = chinaDate(this.clock.now());
    const qb = this.ratings
      .createQueryBuilder('r')
      .where('r.riskNotice = :rn', { rn: true })
      .andWhere("r.status = 'in_force' AND r.validFrom <= :today AND r.validTo >= :today", {
        today,
      });
    if (query.supplierId) qb.andWhere('r.supplierId = :sid', { sid: query.supplierId });
    if (query.level) qb.andWhere('r.level = :level', { level: query.level });
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    qb.orderBy(query.sort === 'validTo' ? 'r.validTo' : 'r.ratedAt', direction).addOrderBy(
      'r.id',
      direction,
    );
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    return page(await this.views(rows), total, query);
  }

  /** §K3 the public list: serious and particularly serious ratings in force, no login. */
  async publicSerious(query: PublicRatingQuery): Promise<Page<PublicRatingView>> {
    const today = chinaDate(this.clock.now());
    const publicLevels: Array<{ version: string; codes: string[] }> = [];
    for (const s of await this.schemes.list())
      publicLevels.push({
        version: s.version,
        codes: s.levels.filter((l) => l.public).map((l) => l.code),
      });
    const qb = this.ratings
      .createQueryBuilder('r')
      .where("r.status = 'in_force' AND r.validFrom <= :today AND r.validTo >= :today", {
        today,
      });
    const clauses = publicLevels
      .filter((p) => p.codes.length > 0)
      .map((p, i) => {
        qb.setParameter(`pv${i}`, p.version).setParameter(`pl${i}`, p.codes);
        return `(r.schemeVersion = :pv${i} AND r.level IN (:...pl${i}))`;
      });
    qb.andWhere(clauses.length > 0 ? `(${clauses.join(' OR ')})` : '1 = 0');
    if (query.supplierId) qb.andWhere('r.supplierId = :sid', { sid: query.supplierId });
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    qb.orderBy('r.ratedAt', direction).addOrderBy('r.id', direction);
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    const cases = await this.casesOf(rows);
    const suppliers = await this.orgs.findByIds([...new Set(rows.map((r) => r.supplierId))]);
    const items: PublicRatingView[] = [];
    for (const r of rows) {
      const c = cases.get(r.caseId)!;
      const supplier = suppliers.get(r.supplierId);
      items.push({
        supplierId: r.supplierId,
        supplierName: supplier?.name ?? '',
        supplierCreditCode: supplier?.creditCode ?? null,
        level: r.level,
        levelLabel: levelOf(await this.schemes.definition(r.schemeVersion), r.level).label,
        behaviour: c.behaviour,
        validFrom: r.validFrom,
        validTo: r.validTo,
        caseCode: c.code,
        schemeVersion: r.schemeVersion,
      });
    }
    return page(items, total, query);
  }

  /**
   * Marks lapsed every rating in force past its last day and lifts the listing suspensions it
   * held, one supplier per transaction. A second run finds nothing to do.
   */
  async lapseDue(): Promise<number> {
    const now = this.clock.now();
    const today = chinaDate(now);
    const due = await this.ratings
      .createQueryBuilder('r')
      .select('DISTINCT r.supplierId', 'supplierId')
      .where("r.status = 'in_force' AND r.validTo < :today", { today })
      .getRawMany<{ supplierId: string | number }>();
    let lapsed = 0;
    for (const { supplierId } of due)
      lapsed += await this.tx.run(async (m) => {
        const rows = await forUpdate(
          m
            .getRepository(CreditRating)
            .createQueryBuilder('r')
            .where('r.supplierId = :sid', { sid: String(supplierId) })
            .andWhere("r.status = 'in_force' AND r.validTo < :today", { today }),
        ).getMany();
        for (const r of rows) {
          const before = ratingAudit(r);
          r.status = 'lapsed';
          r.endedAt = now;
          r.endedReason = 'lapsed';
          r.updatedAt = now;
          await m.getRepository(CreditRating).save(r);
          await this.audit.record(m, SYSTEM, 'credit_rating.lapsed', ratingRef(r), {
            before,
            after: ratingAudit(r),
          });
        }
        await this.enforcement.reconcile(m, String(supplierId), SYSTEM, now);
        return rows.length;
      });
    if (lapsed > 0) this.logger.log(`Marked ${lapsed} credit rating(s) lapsed`);
    return lapsed;
  }

  /** Views of ratings: cases, suppliers and involved products in one query each. */
  async views(rows: CreditRating[], m?: EntityManager): Promise<RatingView[]> {
    if (rows.length === 0) return [];
    const em = m ?? this.ratings.manager;
    const cases = await this.casesOf(rows, em);
    const products = await em
      .getRepository(CreditCaseProduct)
      .find({ where: { caseId: In(rows.map((r) => r.caseId)) }, order: { id: 'ASC' } });
    const suppliers = await this.orgs.findByIds([...new Set(rows.map((r) => r.supplierId))]);
    const today = chinaDate(this.clock.now());
    const out: RatingView[] = [];
    for (const r of rows) {
      const scheme = await this.schemes.definition(r.schemeVersion, em);
      out.push(
        RatingView.of(
          r,
          {
            caseCode: cases.get(r.caseId)?.code ?? '',
            supplierName: suppliers.get(r.supplierId)?.name ?? '',
            levelLabel: levelOf(scheme, r.level).label,
            productIds: products.filter((p) => p.caseId === r.caseId).map((p) => p.productId),
          },
          today,
        ),
      );
    }
    return out;
  }

  /** The case, locked and in the actor's scope (else 404). */
  async lockCase(m: EntityManager, actor: Actor, id: string): Promise<CreditCase> {
    const found = isId(id)
      ? await forUpdate(
          m.getRepository(CreditCase).createQueryBuilder('c').where('c.id = :id', { id }),
        ).getOne()
      : null;
    if (!found || !caseVisible(actor, found))
      throw creditError('CASE_NOT_FOUND', `Credit case ${id} not found`, { id });
    return found;
  }

  private async casesOf(rows: CreditRating[], m?: EntityManager): Promise<Map<string, CreditCase>> {
    const found = await (m ?? this.ratings.manager)
      .getRepository(CreditCase)
      .findBy({ id: In([...new Set(rows.map((r) => r.caseId))]) });
    return new Map(found.map((c) => [c.id, c]));
  }
}
