import { Inject, Injectable } from '@nestjs/common';
import { EntityManager, In, Repository } from 'typeorm';
import { InjectRepository } from '@nestjs/typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { page, Page, skipTake } from '../../../common/pagination';
import { APP_CONFIG } from '../../../config/config.module';
import { AppConfig } from '../../../config/config';
import { Decimal, roundTo, SCALE } from '../../../database/decimal';
import { forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { IdentityScope } from '../../identity/scope/identity-scope.service';
import { chinaDate } from '../../catalog/listing-prices/domain/listing-rules';
import { EffectiveAgreement } from '../../procurement/awards/agreement-directory.service';
import { LedgerService } from '../ledger/ledger.service';
import { settlementError } from '../settlement.errors';
import { AwardedRounds } from '../standards/awarded-rounds.service';
import { agreementYear } from './domain/agreement-year';
import { prepayment, prepaymentShareProblem } from './domain/prepayment';
import {
  PrepaymentDetailView,
  PrepaymentQuery,
  PrepaymentRunView,
  PrepaymentView,
  RunPrepaymentsRequest,
} from './dto/prepayment.dto';
import { Prepayment, PrepaymentOffset } from './prepayment.entity';

const isId = (value: string) => /^\d{1,18}$/.test(value);

/**
 * §S2 prepayment (预付). A fund officer runs it for an awarded round and an agreement year
 * (an explicit decision, since the fund "may" prepay): each hospital in the officer's scope
 * with agreements gets share × its annual agreed amount, posted fund → the hospital's
 * prepayment account. Idempotent per round × hospital × year: a re-run reports what exists.
 * Statements' payments offset it (LedgerPrepaymentOffsets); after the year ends the officer
 * settles what is left, which the fund collects back as a receivable (托收).
 */
@Injectable()
export class PrepaymentsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ledger: LedgerService,
    private readonly rounds: AwardedRounds,
    private readonly scope: IdentityScope,
    @InjectRepository(Prepayment) private readonly prepayments: Repository<Prepayment>,
  ) {}

  async run(actor: Actor, body: RunPrepaymentsRequest): Promise<PrepaymentRunView> {
    const year = body.agreementYear ?? 1;
    const requested = body.share ?? null;
    if (requested !== null) {
      const problem = prepaymentShareProblem(requested);
      if (problem)
        throw settlementError('PREPAYMENT_SHARE_INVALID', problem.message, { field: 'share' });
    }
    const result = await this.tx.run(async (m) => {
      const round = await this.rounds.awarded(m, body.roundId);
      const agreements = await this.rounds.agreements(m, round.id, actor);
      const byHospital = new Map<string, EffectiveAgreement[]>();
      for (const a of agreements)
        byHospital.set(a.hospitalId, [...(byHospital.get(a.hospitalId) ?? []), a]);
      const regions = await this.rounds.regionsOf(m, [...byHospital.keys()]);
      const existing = new Map(
        (await m.getRepository(Prepayment).findBy({ roundId: round.id, agreementYear: year })).map(
          (p) => [p.hospitalId, p],
        ),
      );
      const items: Prepayment[] = [];
      const skipped: Array<{ hospitalId: string; reason: string }> = [];
      let created = 0;
      let yearFound = false;
      for (const [hospitalId, own] of byHospital) {
        const start = own.map((a) => a.startDate).sort()[0];
        const end = own.map((a) => a.endDate).sort()[own.length - 1];
        const span = agreementYear(start, end, year);
        if (!span) continue;
        yearFound = true;
        const done = existing.get(hospitalId);
        if (done) {
          items.push(done);
          continue;
        }
        const region = regions.get(hospitalId);
        if (!region) {
          skipped.push({ hospitalId, reason: 'the hospital has no region, so no fund to pay it' });
          continue;
        }
        const figures = prepayment(
          own.map((a) => ({
            agreedQuantity: a.agreedQuantity.toFixed(SCALE.quantity),
            unitPrice: a.unitPrice.toFixed(SCALE.unitPrice),
          })),
          requested,
          this.config.prepaymentShare,
        );
        if (new Decimal(figures.amount).isZero()) {
          skipped.push({ hospitalId, reason: 'the annual agreed amount is 0.00' });
          continue;
        }
        items.push(
          await this.post(m, actor, {
            roundId: round.id,
            roundCode: round.code,
            hospitalId,
            year,
            span,
            fundRegion: region.poolingRegion,
            figures,
          }),
        );
        created++;
      }
      if (byHospital.size > 0 && !yearFound)
        throw settlementError(
          'AGREEMENT_YEAR_INVALID',
          `agreementYear: round ${round.code}'s agreements have no year ${year}`,
          { field: 'agreementYear' },
        );
      return { items, skipped, created };
    });
    return {
      created: result.created,
      existing: result.items.length - result.created,
      items: await this.views(result.items),
      skipped: result.skipped,
    };
  }

  async list(actor: Actor, query: PrepaymentQuery): Promise<Page<PrepaymentView>> {
    const qb = this.prepayments.createQueryBuilder('p');
    this.scope.restrictByOrganisationColumn(qb, actor, 'p.hospitalId');
    if (query.roundId) qb.andWhere('p.roundId = :roundId', { roundId: query.roundId });
    if (query.hospitalId) qb.andWhere('p.hospitalId = :hid', { hid: query.hospitalId });
    if (query.status) qb.andWhere('p.status = :status', { status: query.status });
    if (query.agreementYear) qb.andWhere('p.agreementYear = :year', { year: query.agreementYear });
    qb.orderBy('p.id', query.order === 'desc' ? 'DESC' : 'ASC');
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    return page(await this.views(rows), total, query);
  }

  async get(actor: Actor, id: string): Promise<PrepaymentDetailView> {
    const row = await this.visible(this.prepayments.manager, actor, id, false);
    return this.detail(row);
  }

  /**
   * Settles what the statements did not offset once the agreement year is over: debit the
   * hospital's receivable, credit its prepayment account, so the fund collects it back (托收)
   * and the prepayment account of the year nets to zero. Settling again answers the same.
   */
  async settle(actor: Actor, id: string): Promise<PrepaymentDetailView> {
    const row = await this.tx.run(async (m) => {
      const p = await this.visible(m, actor, id, true);
      if (p.status === 'settled') return p;
      const today = chinaDate(this.clock.now());
      if (today <= p.yearEnd)
        throw settlementError(
          'PREPAYMENT_YEAR_NOT_OVER',
          `Prepayment ${p.id}: agreement year ${p.agreementYear} runs until ${p.yearEnd}; settle it after that day`,
          { yearEnd: p.yearEnd },
        );
      const offset = await offsetTotal(m, p.id);
      const remainder = p.amount.minus(offset);
      let journalId: string | null = null;
      if (remainder.gt(0)) {
        const receivable = await this.ledger.account(m, {
          type: 'receivable',
          ownerId: p.hospitalId,
        });
        const journal = await this.ledger.post(m, actor, {
          kind: 'receivable',
          memo: `预付年终清算 prepayment ${p.id} year ${p.agreementYear}: remainder ${roundTo(remainder, SCALE.amount)}`,
          idempotencyKey: `prepayment-settle:${p.id}`,
          lines: [
            { accountId: receivable.id, debit: remainder },
            { accountId: p.prepaymentAccountId, credit: remainder },
          ],
        });
        journalId = journal.id;
      }
      p.status = 'settled';
      p.settledRemainder = remainder;
      p.settleJournalId = journalId;
      p.settledAt = this.clock.now();
      await m.getRepository(Prepayment).save(p);
      await this.audit.record(
        m,
        actor,
        'prepayment.settled',
        { type: 'prepayment', id: p.id },
        {
          before: { status: 'active' },
          after: {
            status: 'settled',
            offsetTotal: roundTo(offset, SCALE.amount),
            remainder: roundTo(remainder, SCALE.amount),
            journalId,
          },
        },
      );
      return p;
    });
    return this.detail(row);
  }

  private async post(
    m: EntityManager,
    actor: Actor,
    input: {
      roundId: string;
      roundCode: string;
      hospitalId: string;
      year: number;
      span: { start: string; end: string };
      fundRegion: string;
      figures: { annualAgreedAmount: string; share: string; amount: string };
    },
  ): Promise<Prepayment> {
    const fund = await this.ledger.account(m, { type: 'fund', regionCode: input.fundRegion });
    const account = await this.ledger.account(m, {
      type: 'prepayment',
      ownerId: input.hospitalId,
    });
    const journal = await this.ledger.post(m, actor, {
      kind: 'prepayment',
      memo: `预付 round ${input.roundCode} year ${input.year}: ${input.figures.share} × ${input.figures.annualAgreedAmount}`,
      idempotencyKey: `prepayment:${input.roundId}:${input.hospitalId}:${input.year}`,
      lines: [
        { accountId: account.id, debit: input.figures.amount },
        { accountId: fund.id, credit: input.figures.amount },
      ],
    });
    const repo = m.getRepository(Prepayment);
    const inserted = await repo.insert({
      roundId: input.roundId,
      hospitalId: input.hospitalId,
      agreementYear: input.year,
      yearStart: input.span.start,
      yearEnd: input.span.end,
      fundRegionCode: input.fundRegion,
      annualAgreedAmount: new Decimal(input.figures.annualAgreedAmount),
      share: new Decimal(input.figures.share),
      amount: new Decimal(input.figures.amount),
      fundAccountId: fund.id,
      prepaymentAccountId: account.id,
      journalId: journal.id,
      status: 'active',
      settledRemainder: null,
      settleJournalId: null,
      settledAt: null,
      createdBy: actor.kind === 'user' ? actor.id : null,
      createdAt: this.clock.now(),
    });
    const id = String((inserted.identifiers[0] as { id: string | number }).id);
    const row = await repo.findOneByOrFail({ id });
    await this.audit.record(
      m,
      actor,
      'prepayment.posted',
      { type: 'prepayment', id },
      {
        after: {
          roundId: row.roundId,
          hospitalId: row.hospitalId,
          agreementYear: row.agreementYear,
          annualAgreedAmount: input.figures.annualAgreedAmount,
          share: input.figures.share,
          amount: input.figures.amount,
          journalId: journal.id,
        },
      },
    );
    return row;
  }

  private async visible(
    m: EntityManager,
    actor: Actor,
    id: string,
    lock: boolean,
  ): Promise<Prepayment> {
    let row: Prepayment | null = null;
    if (isId(id)) {
      const qb = m.getRepository(Prepayment).createQueryBuilder('p').where('p.id = :id', { id });
      this.scope.restrictByOrganisationColumn(qb, actor, 'p.hospitalId');
      row = await (lock ? forUpdate(qb) : qb).getOne();
    }
    if (!row)
      throw settlementError('PREPAYMENT_NOT_FOUND', `Prepayment ${id} not found`, {
        id: String(id),
      });
    return row;
  }

  private async detail(p: Prepayment): Promise<PrepaymentDetailView> {
    const [view] = await this.views([p]);
    const offsets = await this.prepayments.manager
      .getRepository(PrepaymentOffset)
      .find({ where: { prepaymentId: p.id }, order: { periodNo: 'ASC', id: 'ASC' } });
    return {
      ...view,
      offsets: offsets.map((o) => ({
        statementId: o.statementId,
        period: o.period,
        periodNo: o.periodNo,
        statementAmount: o.statementAmount.toFixed(2),
        offset: o.offsetAmount.toFixed(2),
      })),
    };
  }

  private async views(rows: Prepayment[]): Promise<PrepaymentView[]> {
    const ids = rows.map((p) => p.id);
    const totals = new Map<string, Decimal>();
    // Summed as Decimals: SQLite's SUM over DECIMAL columns is a float.
    if (ids.length)
      for (const o of await this.prepayments.manager
        .getRepository(PrepaymentOffset)
        .findBy({ prepaymentId: In(ids) }))
        totals.set(
          o.prepaymentId,
          (totals.get(o.prepaymentId) ?? new Decimal(0)).plus(o.offsetAmount),
        );
    return rows.map((p) => {
      const offset = totals.get(p.id) ?? new Decimal(0);
      return {
        id: p.id,
        roundId: p.roundId,
        hospitalId: p.hospitalId,
        agreementYear: p.agreementYear,
        yearStart: p.yearStart,
        yearEnd: p.yearEnd,
        fundRegionCode: p.fundRegionCode,
        annualAgreedAmount: p.annualAgreedAmount.toFixed(2),
        share: p.share.toFixed(),
        amount: p.amount.toFixed(2),
        offsetTotal: roundTo(offset, SCALE.amount),
        remaining: roundTo(p.amount.minus(offset), SCALE.amount),
        status: p.status,
        settledRemainder: p.settledRemainder ? p.settledRemainder.toFixed(2) : null,
        journalId: p.journalId,
        settleJournalId: p.settleJournalId,
        settledAt: p.settledAt ? p.settledAt.toISOString() : null,
        createdAt: p.createdAt.toISOString(),
      };
    });
  }
}

/** Σ offsets a prepayment has given, read under the caller's locks. */
export async function offsetTotal(m: EntityManager, prepaymentId: string): Promise<Decimal> {
  // Summed as Decimals: SQLite's SUM over DECIMAL columns is a float.
  const rows = await m.getRepository(PrepaymentOffset).findBy({ prepaymentId });
  return rows.reduce((sum, o) => sum.plus(o.offsetAmount), new Decimal(0));
}
