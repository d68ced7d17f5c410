import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Actor, isAuthority } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { page, Page, PageQuery, skipTake } from '../../../common/pagination';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { CatalogDirectory } from '../../catalog/products/catalog-directory.service';
import { OrganisationDirectory } from '../../identity/organisations/organisation-directory.service';
import { latestTraces } from '../awards/awards.service';
import { Bid } from '../bids/bid.entity';
import { Lot } from '../lots/lot.entity';
import { LotsService } from '../lots/lots.service';
import { procurementError } from '../procurement.errors';
import { isBefore, RoundState } from '../rounds/domain/round-state';
import { Round } from '../rounds/round.entity';
import { isId, RoundsService } from '../rounds/rounds.service';
import { ENGINE_VERSION } from '../selection/domain/select';
import { DecisionTrace, replay } from './domain/decision-trace';
import { LotResultView, ObjectionView, ReplayView, ResultBidView } from './dto/result.dto';
import { LotResult, Objection } from './lot-result.entity';
import { OpeningService } from './opening.service';

/** States in which the provisional result may be re-run (§P8). */
const RERUN_STATES: RoundState[] = ['opened', 'publicity'];

/**
 * §P7/§P8 reading results with their decision traces, replaying them, excluding a bid,
 * revival answers, and objections during publicity.
 */
@Injectable()
export class ResultsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly rounds: RoundsService,
    private readonly lots: LotsService,
    private readonly opening: OpeningService,
    private readonly orgs: OrganisationDirectory,
    private readonly catalog: CatalogDirectory,
    @InjectRepository(LotResult) private readonly results: Repository<LotResult>,
    @InjectRepository(Objection) private readonly objections: Repository<Objection>,
    @InjectRepository(Bid) private readonly bids: Repository<Bid>,
  ) {}

  /** The latest result of every lot (or one lot). */
  async latest(actor: Actor, roundId: string, lotId?: string): Promise<LotResultView[]> {
    const round = await this.readableRound(actor, roundId);
    const traces = await latestTraces(this.results.manager, round.id);
    const lots = await this.lots.lotsOfRound(undefined, round.id);
    const chosen = lotId ? lots.filter((l) => l.id === lotId) : lots;
    if (lotId && chosen.length === 0)
      throw procurementError('LOT_NOT_FOUND', `Lot ${lotId} not found in this round`, {
        id: lotId,
      });
    const entries = chosen.flatMap((lot) => {
      const e = traces.get(lot.id);
      return e ? [{ lot, ...e }] : [];
    });
    return this.views(entries);
  }

  async versions(actor: Actor, roundId: string, lotId: string): Promise<LotResultView[]> {
    const round = await this.readableRound(actor, roundId);
    const lot = await this.lots.lotOfRound(undefined, round.id, lotId);
    const rows = await this.results.find({ where: { lotId: lot.id }, order: { version: 'ASC' } });
    return this.views(
      rows.map((row) => ({ lot, row, trace: JSON.parse(row.traceJson) as DecisionTrace })),
    );
  }

  /** The full decision trace (§P7): authorities only. */
  async trace(
    actor: Actor,
    roundId: string,
    lotId: string,
    version: number,
  ): Promise<DecisionTrace> {
    return JSON.parse(
      (await this.resultRow(actor, roundId, lotId, version)).traceJson,
    ) as DecisionTrace;
  }

  async replay(actor: Actor, roundId: string, lotId: string, version: number): Promise<ReplayView> {
    const row = await this.resultRow(actor, roundId, lotId, version);
    const outcome = replay(JSON.parse(row.traceJson) as DecisionTrace);
    return {
      lotId: row.lotId,
      version: row.version,
      currentEngineVersion: ENGINE_VERSION,
      ...outcome,
    };
  }

  async exclude(actor: Actor, bidId: string, reason: string): Promise<LotResultView> {
    const { lot, row } = await this.tx.run(async (m) => {
      const { round, lot, bid } = await this.bidForRerun(m, actor, bidId);
      if (bid.excludedReason !== null)
        throw procurementError('BID_ALREADY_EXCLUDED', `Bid ${bid.code} is already excluded`, {
          bid: bid.code,
        });
      bid.excludedReason = reason.trim();
      bid.excludedBy = actor.id;
      bid.excludedAt = this.clock.now();
      await m.getRepository(Bid).save(bid);
      const row = await this.opening.rerun(
        m,
        round,
        lot,
        'rerun',
        `excluded ${bid.code}: ${bid.excludedReason}`,
        actor,
      );
      await this.audit.record(
        m,
        actor,
        'bid.excluded',
        { type: 'bid', id: bid.id },
        {
          after: { bid: bid.code, reason: bid.excludedReason, resultVersion: row.version },
        },
      );
      return { lot, row };
    });
    return (await this.views([{ lot, row, trace: JSON.parse(row.traceJson) as DecisionTrace }]))[0];
  }

  /**
   * §P6.4 revival window: while the round is opened (before the result is published), each
   * losing valid bidder answers once; the answer is final and re-runs the lot.
   */
  async answerRevival(actor: Actor, bidId: string, accept: boolean): Promise<LotResultView> {
    const { lot, row } = await this.tx.run(async (m) => {
      const found = isId(bidId)
        ? await m.getRepository(Bid).findOneBy({ id: bidId, supplierId: actor.orgId })
        : null;
      if (!found) throw procurementError('BID_NOT_FOUND', `Bid ${bidId} not found`, { id: bidId });
      const round = await this.rounds.lock(m, found.roundId);
      // Read again under the round's lock: a concurrent answer has been written by now.
      const bid = await m.getRepository(Bid).findOneByOrFail({ id: found.id });
      if (round.status !== 'opened')
        throw procurementError(
          'REVIVAL_CLOSED',
          `Round ${round.code} is ${round.status}; revival is answered while the round is opened, before publicity`,
          { state: round.status },
        );
      if (bid.revivalAnswer)
        throw procurementError(
          'REVIVAL_ANSWERED',
          `Bid ${bid.code} has already ${bid.revivalAnswer} revival; the answer is final`,
          { bid: bid.code, answer: bid.revivalAnswer },
        );
      const lot = await this.lots.lotOfRound(m, round.id, bid.lotId);
      const current = (await latestTraces(m, round.id)).get(lot.id);
      const mine = current?.trace.output.bids.find((b) => b.id === bid.code);
      const offered =
        current?.trace.parameters.revival === true &&
        current.trace.output.revivalPrice !== null &&
        mine !== undefined &&
        mine.valid &&
        mine.outcome !== 'won' &&
        !mine.reasons.includes('duplicate_supplier') &&
        bid.excludedReason === null;
      if (!offered)
        throw procurementError(
          'REVIVAL_NOT_OFFERED',
          `Bid ${bid.code} is not offered revival: the lot's rule set has no revival, or the bid is not its supplier's best valid bid that lost the first pass`,
          { bid: bid.code },
        );
      bid.revivalAnswer = accept ? 'accepted' : 'declined';
      bid.revivalAnsweredAt = this.clock.now();
      await m.getRepository(Bid).save(bid);
      const row = await this.opening.rerun(
        m,
        round,
        lot,
        'revival',
        `${bid.code} ${bid.revivalAnswer} revival`,
        actor,
      );
      await this.audit.record(
        m,
        actor,
        'bid.revival_answered',
        { type: 'bid', id: bid.id },
        {
          after: { bid: bid.code, answer: bid.revivalAnswer, resultVersion: row.version },
        },
      );
      return { lot, row };
    });
    return (await this.views([{ lot, row, trace: JSON.parse(row.traceJson) as DecisionTrace }]))[0];
  }

  // --- objections ---------------------------------------------------------------------------

  async fileObjection(
    actor: Actor,
    roundId: string,
    lotId: string,
    reason: string,
  ): Promise<ObjectionView> {
    return this.tx.run(async (m) => {
      const round = await this.rounds.lockVisible(m, actor, roundId);
      if (round.status !== 'publicity')
        throw procurementError(
          'OBJECTION_CLOSED',
          `Round ${round.code} is ${round.status}; objections are filed during publicity`,
          { state: round.status },
        );
      const lot = await this.lots.lotOfRound(m, round.id, lotId);
      const bidder = await m
        .getRepository(Bid)
        .existsBy({ lotId: lot.id, supplierId: actor.orgId });
      if (!bidder)
        throw procurementError(
          'NOT_A_BIDDER',
          `Only suppliers that bid in lot ${lot.code} may object to its result`,
          { lotId: lot.id },
        );
      const repo = m.getRepository(Objection);
      const row = await repo.save(
        repo.create({
          roundId: round.id,
          lotId: lot.id,
          supplierId: actor.orgId,
          reason: reason.trim(),
          status: 'open',
          answer: null,
          filedBy: actor.id,
          answeredBy: null,
          answeredAt: null,
          createdAt: this.clock.now(),
        }),
      );
      await this.audit.record(
        m,
        actor,
        'objection.filed',
        { type: 'objection', id: row.id },
        {
          after: objectionView(row),
        },
      );
      return objectionView(row);
    });
  }

  async listObjections(
    actor: Actor,
    roundId: string,
    query: PageQuery,
  ): Promise<Page<ObjectionView>> {
    const round = await this.rounds.visible(actor, roundId);
    const qb = this.objections.createQueryBuilder('o').where('o.roundId = :id', { id: round.id });
    if (!isAuthority(actor)) qb.andWhere('o.supplierId = :org', { org: actor.orgId });
    qb.orderBy('o.id', query.order === 'desc' ? 'DESC' : 'ASC');
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    return page(rows.map(objectionView), total, query);
  }

  async answerObjection(actor: Actor, id: string, answer: string): Promise<ObjectionView> {
    return this.tx.run(async (m) => {
      const row = isId(id) ? await m.getRepository(Objection).findOneBy({ id }) : null;
      if (!row) throw procurementError('OBJECTION_NOT_FOUND', `Objection ${id} not found`, { id });
      const round = await this.rounds.lockVisible(m, actor, row.roundId).catch(() => {
        throw procurementError('OBJECTION_NOT_FOUND', `Objection ${id} not found`, { id });
      });
      if (row.status !== 'open')
        throw procurementError('OBJECTION_ANSWERED', `Objection ${id} is already answered`, { id });
      if (!['publicity', 'opened'].includes(round.status))
        throw procurementError('OBJECTION_CLOSED', `Round ${round.code} is ${round.status}`, {
          state: round.status,
        });
      const before = objectionView(row);
      row.status = 'answered';
      row.answer = answer.trim();
      row.answeredBy = actor.id;
      row.answeredAt = this.clock.now();
      await m.getRepository(Objection).save(row);
      await this.audit.record(
        m,
        actor,
        'objection.answered',
        { type: 'objection', id: row.id },
        {
          before,
          after: objectionView(row),
        },
      );
      return objectionView(row);
    });
  }

  // --- helpers ------------------------------------------------------------------------------

  /**
   * Results exist from the opening on. Authorities read them from then; suppliers and
   * hospitals once they are published for publicity.
   */
  private async readableRound(actor: Actor, roundId: string): Promise<Round> {
    const round = await this.rounds.visible(actor, roundId);
    const from: RoundState = isAuthority(actor) ? 'opened' : 'publicity';
    if (round.status === 'cancelled' ? !round.openedAt : isBefore(round.status, from))
      throw procurementError(
        'RESULTS_NOT_AVAILABLE',
        `Round ${round.code} is ${round.status}; results are available from ${from}`,
        { state: round.status },
      );
    return round;
  }

  private async resultRow(
    actor: Actor,
    roundId: string,
    lotId: string,
    version: number,
  ): Promise<LotResult> {
    if (!isAuthority(actor))
      throw procurementError('RESULT_NOT_FOUND', `Result ${lotId}/${version} not found`, {
        lotId,
        version,
      });
    const round = await this.readableRound(actor, roundId);
    const lot = await this.lots.lotOfRound(undefined, round.id, lotId);
    const row = await this.results.findOneBy({ lotId: lot.id, version });
    if (!row)
      throw procurementError(
        'RESULT_NOT_FOUND',
        `Lot ${lot.code} has no result version ${version}`,
        {
          lotId,
          version,
        },
      );
    return row;
  }

  private async bidForRerun(m: EntityManager, actor: Actor, bidId: string) {
    const found = isId(bidId) ? await m.getRepository(Bid).findOneBy({ id: bidId }) : null;
    if (!found) throw procurementError('BID_NOT_FOUND', `Bid ${bidId} not found`, { id: bidId });
    const round = await this.rounds.lockVisible(m, actor, found.roundId).catch(() => {
      throw procurementError('BID_NOT_FOUND', `Bid ${bidId} not found`, { id: bidId });
    });
    // Read again under the round's lock: a concurrent exclusion has been written by now.
    const bid = await m.getRepository(Bid).findOneByOrFail({ id: found.id });
    // Before the opening a bid id must not even confirm that the bid exists.
    if (isBefore(round.status, 'opened') || (round.status === 'cancelled' && !round.openedAt))
      throw procurementError('BID_NOT_FOUND', `Bid ${bidId} not found`, { id: bidId });
    this.assertRerunState(round);
    const lot = await this.lots.lotOfRound(m, round.id, bid.lotId);
    return { round, lot, bid };
  }

  private assertRerunState(round: Round): void {
    if (!RERUN_STATES.includes(round.status))
      throw procurementError(
        'ROUND_STATE_CONFLICT',
        `Round ${round.code} is ${round.status}; results change only while opened or in publicity`,
        { state: round.status, allowedFrom: RERUN_STATES },
      );
  }

  private async views(
    entries: Array<{ lot: Lot; row: LotResult; trace: DecisionTrace }>,
  ): Promise<LotResultView[]> {
    const supplierIds = entries.flatMap((e) => e.trace.bids.map((b) => b.supplierId));
    const productIds = entries.flatMap((e) => e.trace.bids.map((b) => b.productId));
    const [orgs, products] = await Promise.all([
      this.orgs.findByIds(supplierIds),
      this.catalog.findByIds(productIds),
    ]);
    return entries.map(({ lot, row, trace }) => {
      const input = new Map(trace.bids.map((b) => [b.id, b]));
      const bids: ResultBidView[] = trace.output.bids.map((r) => {
        const b = input.get(r.id)!;
        return {
          bid: r.id,
          bidId: b.bidId,
          supplierId: b.supplierId,
          supplierName: orgs.get(b.supplierId)?.name ?? '',
          productId: b.productId,
          productCode: products.get(b.productId)?.code ?? '',
          packPrice: b.packPrice,
          unitPrice: r.unitPrice,
          unitComparablePrice: r.unitComparablePrice,
          valid: r.valid,
          rank: r.rank,
          outcome: r.outcome,
          awardedUnitComparablePrice: r.awardedUnitComparablePrice,
          reasons: r.reasons,
        };
      });
      bids.sort(
        (a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.bid.localeCompare(b.bid),
      );
      return {
        lotId: lot.id,
        lotCode: lot.code,
        lotName: lot.name,
        version: row.version,
        cause: row.cause,
        note: row.note,
        engineVersion: row.engineVersion,
        ruleSet: `${trace.ruleSet.name}@${trace.ruleSet.version}`,
        anchorPrice: trace.output.anchorPrice,
        validBidders: trace.output.validBidders,
        revivalPrice: trace.output.revivalPrice,
        winners: trace.output.winners,
        agreedVolumeRatio: trace.output.agreedVolumeRatio,
        termYears: trace.output.termYears,
        bids,
        excluded: trace.excluded,
        traceSha256: row.traceSha256,
        createdAt: row.createdAt.toISOString(),
      };
    });
  }
}

function objectionView(o: Objection): ObjectionView {
  return {
    id: o.id,
    roundId: o.roundId,
    lotId: o.lotId,
    supplierId: o.supplierId,
    reason: o.reason,
    status: o.status,
    answer: o.answer,
    answeredAt: o.answeredAt ? o.answeredAt.toISOString() : null,
    createdAt: o.createdAt.toISOString(),
  };
}
