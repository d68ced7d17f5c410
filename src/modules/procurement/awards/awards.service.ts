import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { Decimal } from '../../../database/decimal';
import { SYSTEM } from '../../audit/audit.service';
import { Bid } from '../bids/bid.entity';
import { DemandReport } from '../demand/demand-report.entity';
import { LotsService } from '../lots/lots.service';
import { procurementError } from '../procurement.errors';
import { DecisionTrace } from '../results/domain/decision-trace';
import { LotResult, Objection } from '../results/lot-result.entity';
import { Round, RoundParticipant } from '../rounds/round.entity';
import { Agreement, LotSupplyRegion } from './agreement.entity';
import { allocate } from './domain/allocation';
import { agreementTerm, awardedPrices } from './domain/award-terms';

const CHUNK = 500;

/** The latest result version of every lot of a round, parsed. */
export async function latestTraces(
  m: EntityManager,
  roundId: string,
): Promise<Map<string, { row: LotResult; trace: DecisionTrace }>> {
  const rows = await m
    .getRepository(LotResult)
    .createQueryBuilder('r')
    .where('r.roundId = :roundId', { roundId })
    .andWhere('r.version = (SELECT MAX(r2.version) FROM lot_results r2 WHERE r2.lot_id = r.lot_id)')
    .getMany();
  return new Map(
    rows.map((row) => [row.lotId, { row, trace: JSON.parse(row.traceJson) as DecisionTrace }]),
  );
}

/**
 * §P9 the award: agreed volumes by winner count, supply regions picked round-robin in rank
 * order, and one agreement per hospital × winning product, from each lot's latest result.
 */
@Injectable()
export class AwardsService {
  constructor(
    private readonly clock: Clock,
    private readonly lots: LotsService,
  ) {}

  async award(
    m: EntityManager,
    round: Round,
    _who: Actor | typeof SYSTEM,
  ): Promise<Record<string, unknown>> {
    const open = await m.getRepository(Objection).countBy({ roundId: round.id, status: 'open' });
    if (open > 0)
      throw procurementError(
        'ROUND_NOT_READY',
        `Round ${round.code} has ${open} unanswered objection(s); answer them before the award`,
        { openObjections: open },
      );
    const traces = await latestTraces(m, round.id);
    const lots = await this.lots.lotsOfRound(m, round.id);
    const participants = await m.getRepository(RoundParticipant).findBy({ roundId: round.id });
    const regionOf = new Map(participants.map((p) => [p.hospitalId, p.regionCode]));
    const now = this.clock.now();
    let agreements = 0;
    let sequence = await m.getRepository(Agreement).countBy({ roundId: round.id });
    const totals: Record<string, string> = {};
    for (const lot of lots) {
      const entry = traces.get(lot.id);
      if (!entry) continue;
      const { trace } = entry;
      const winnerResults = trace.output.bids.filter(
        (b) => b.outcome === 'won' || b.outcome === 'revived',
      );
      const traceBids = new Map(trace.bids.map((b) => [b.id, b]));
      const bidRows = await m.getRepository(Bid).findBy({
        id: In(winnerResults.map((w) => traceBids.get(w.id)!.bidId)),
      });
      const bidById = new Map(bidRows.map((b) => [b.id, b]));
      const winners = winnerResults.map((w) => {
        const tb = traceBids.get(w.id)!;
        const bid = bidById.get(tb.bidId)!;
        return {
          result: w,
          traceBid: tb,
          bid,
          alloc: {
            bidId: bid.id,
            supplierId: bid.supplierId,
            productId: bid.productId,
            rank: w.rank!,
            preferredRegions: JSON.parse(bid.preferredRegionsJson) as string[],
          },
        };
      });
      const reports = await m
        .getRepository(DemandReport)
        .createQueryBuilder('d')
        .where('d.lotId = :lotId', { lotId: lot.id })
        .andWhere("d.status <> 'returned'")
        .getMany();
      const allocation = allocate({
        winners: winners.map((w) => w.alloc),
        hospitals: reports
          .filter((r) => regionOf.has(r.hospitalId))
          .map((r) => ({
            hospitalId: r.hospitalId,
            regionCode: regionOf.get(r.hospitalId)!,
            demand: r.quantity.toFixed(),
            brandProductId: r.brandProductId,
          })),
        ratio: trace.output.agreedVolumeRatio,
      });
      const supply: Partial<LotSupplyRegion>[] = allocation.regions.flatMap((region) =>
        [
          ...(region.primaryBidId
            ? [{ duty: 'primary' as const, bidId: region.primaryBidId, position: 0 }]
            : []),
          ...region.backupBidIds.map((bidId, i) => ({
            duty: 'backup' as const,
            bidId,
            position: i + 1,
          })),
        ].map((s) => ({ roundId: round.id, lotId: lot.id, regionCode: region.regionCode, ...s })),
      );
      for (let i = 0; i < supply.length; i += CHUNK)
        await m.getRepository(LotSupplyRegion).insert(supply.slice(i, i + CHUNK));

      const term = agreementTerm(round.contractStart, trace.output.termYears);
      const priceOf = new Map(
        winners.map((w) => [
          w.bid.id,
          awardedPrices(w.result, w.traceBid, trace.lotInput, trace.parameters),
        ]),
      );
      const rows = allocation.hospitals.map((h) => {
        const bid = bidById.get(h.bidId)!;
        const price = priceOf.get(h.bidId)!;
        sequence += 1;
        return {
          code: `${round.code}-A${String(sequence).padStart(6, '0')}`,
          roundId: round.id,
          lotId: lot.id,
          hospitalId: h.hospitalId,
          supplierId: bid.supplierId,
          productId: bid.productId,
          bidId: bid.id,
          declaredQuantity: new Decimal(h.declared),
          agreedQuantity: new Decimal(h.agreedQuantity),
          packPrice: new Decimal(price.packPrice),
          unitPrice: new Decimal(price.unitPrice),
          brandSpecified: h.brandSpecified,
          startDate: term.startDate,
          endDate: term.endDate,
          status: 'active' as const,
          createdAt: now,
        };
      });
      for (let i = 0; i < rows.length; i += CHUNK)
        await m.getRepository(Agreement).insert(rows.slice(i, i + CHUNK));
      agreements += rows.length;
      totals[lot.code] = allocation.totalAgreed;
    }
    return { agreements, agreedVolumes: totals };
  }

  /** Completing the round ends its agreements. */
  async complete(m: EntityManager, round: Round): Promise<Record<string, unknown>> {
    const result = await m
      .getRepository(Agreement)
      .update({ roundId: round.id, status: 'active' }, { status: 'completed' });
    return { agreementsCompleted: result.affected ?? 0 };
  }
}
