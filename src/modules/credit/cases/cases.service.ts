import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { page, Page, skipTake } from '../../../common/pagination';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { OrganisationDirectory } from '../../identity/organisations/organisation-directory.service';
import { creditError } from '../credit.errors';
import { CreditRating } from '../ratings/credit-rating.entity';
import { chinaDate } from '../ratings/domain/rating';
import { RatingsService } from '../ratings/ratings.service';
import { caseAudit, CaseRecorder, caseRef } from './case-recorder.service';
import { CreditCase, CreditCaseProduct } from './credit-case.entity';
import { caseVisible, restrictCases } from './credit-scope';
import { checkAmount, checkBehaviour, checkSourceDate, checkSourceType } from './domain/case-rules';
import { CaseQuery, CaseView, CreateCaseRequest, DismissCaseRequest } from './dto/case.dto';

const SORT = { recordedAt: 'c.recordedAt', code: 'c.code' } as const;

/** §K1 credit cases: recorded by a supervisor (or escalated through CreditIntake), read in scope. */
@Injectable()
export class CasesService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly recorder: CaseRecorder,
    private readonly ratings: RatingsService,
    private readonly orgs: OrganisationDirectory,
    @InjectRepository(CreditCase) private readonly cases: Repository<CreditCase>,
  ) {}

  async create(actor: Actor, body: CreateCaseRequest): Promise<CaseView> {
    const now = this.clock.now();
    const draft = {
      supplierId: body.supplierId,
      behaviour: checkBehaviour(body.behaviour),
      amount: checkAmount(body.amount ?? null),
      productIds: body.productIds,
      sourceType: checkSourceType(body.source.type),
      sourceRef: body.source.ref.trim(),
      sourceDate: checkSourceDate(body.source.date, chinaDate(now)),
      summary: body.summary?.trim() || null,
      fields: { supplier: 'supplierId', products: 'productIds' },
    };
    if (draft.sourceRef === '')
      throw creditError('CASE_SOURCE_INVALID', 'source.ref must not be blank', {
        field: 'source.ref',
      });
    const { case: saved } = await this.tx.run((m) => this.recorder.record(m, actor, draft, now));
    return this.get(actor, saved.id);
  }

  async list(actor: Actor, query: CaseQuery): Promise<Page<CaseView>> {
    const qb = this.cases.createQueryBuilder('c');
    restrictCases(qb, actor, 'c');
    if (query.supplierId) qb.andWhere('c.supplierId = :sid', { sid: query.supplierId });
    if (query.status) qb.andWhere('c.status = :status', { status: query.status });
    if (query.behaviour) qb.andWhere('c.behaviour = :b', { b: query.behaviour });
    if (query.sourceType) qb.andWhere('c.sourceType = :st', { st: query.sourceType });
    if (query.code) qb.andWhere('c.code = :code', { code: query.code });
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    qb.orderBy(SORT[query.sort], direction).addOrderBy('c.id', direction);
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    return page(await this.views(rows), total, query);
  }

  async get(actor: Actor, id: string): Promise<CaseView> {
    const found = /^\d{1,18}$/.test(id) ? await this.cases.findOneBy({ id }) : null;
    if (!found || !caseVisible(actor, found))
      throw creditError('CASE_NOT_FOUND', `Credit case ${id} not found`, { id });
    return (await this.views([found]))[0];
  }

  /** A recorded case the supervisor decides not to rate (below the scheme's amounts, unproven). */
  async dismiss(actor: Actor, id: string, body: DismissCaseRequest): Promise<CaseView> {
    await this.tx.run(async (m) => {
      const found = await this.ratings.lockCase(m, actor, id);
      if (found.status !== 'recorded')
        throw creditError(
          'CASE_STATE_CONFLICT',
          `Case ${found.code} is ${found.status}; only a recorded case is dismissed`,
          { state: found.status },
        );
      const products = await m.getRepository(CreditCaseProduct).findBy({ caseId: found.id });
      const before = caseAudit(
        found,
        products.map((p) => p.productId),
      );
      found.status = 'dismissed';
      found.updatedAt = this.clock.now();
      await m
        .getRepository(CreditCase)
        .update({ id: found.id }, { status: found.status, updatedAt: found.updatedAt });
      await this.audit.record(m, actor, 'credit_case.dismissed', caseRef(found), {
        before,
        after: { ...caseAudit(found, before.productIds as string[]), reason: body.reason.trim() },
      });
    });
    return this.get(actor, id);
  }

  private async views(rows: CreditCase[]): Promise<CaseView[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((c) => c.id);
    const products = await this.cases.manager
      .getRepository(CreditCaseProduct)
      .find({ where: { caseId: In(ids) }, order: { id: 'ASC' } });
    const ratingRows = await this.cases.manager
      .getRepository(CreditRating)
      .findBy({ caseId: In(ids) });
    const ratingViews = new Map((await this.ratings.views(ratingRows)).map((v) => [v.caseId, v]));
    const suppliers = await this.orgs.findByIds([...new Set(rows.map((c) => c.supplierId))]);
    return rows.map((c) =>
      CaseView.of(c, {
        supplierName: suppliers.get(c.supplierId)?.name ?? '',
        productIds: products.filter((p) => p.caseId === c.id).map((p) => p.productId),
        rating: ratingViews.get(c.id) ?? null,
      }),
    );
  }
}
