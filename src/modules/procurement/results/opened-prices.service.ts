import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, Not, Repository } from 'typeorm';
import { Lot, LotSpec } from '../lots/lot.entity';
import { Round } from '../rounds/round.entity';
import { RuleSetParameters } from '../selection/domain/rule-set';
import { Spec } from '../selection/domain/unit-price';
import { DecisionTrace } from './domain/decision-trace';
import { LotResult } from './lot-result.entity';

/** A final bid's prices as the latest result of its opened lot states them (§P5, §P7). */
export interface OpenedBidPrice {
  bidId: string;
  roundId: string;
  roundCode: string;
  lotId: string;
  productId: string;
  supplierId: string;
  /** Per smallest unit, 6 decimals; null when the bid's pack size was unusable. */
  unitPrice: string | null;
  /** Per representative unit, 6 decimals; null when the bid could not be converted. */
  unitComparablePrice: string | null;
  valid: boolean;
  openedAt: Date;
  /** The round's region, null for alliance and hospital-list rounds. */
  regionCode: string | null;
  organiserId: string;
}

/** How a product's price converts to its lot's representative unit (§P5). */
export interface ComparableBasisView {
  lotId: string;
  roundId: string;
  representative: Spec;
  repPackSize: number;
  params: Pick<RuleSetParameters, 'strengthRatioBase' | 'dosageFormFactors'>;
}

/**
 * Read access for other contexts (price monitoring §M1) to prices that are public inside the
 * platform once a round is opened. Everything comes from stored lot results, which exist only
 * after the opening: sealed bids are never read here, so they stay sealed.
 */
@Injectable()
export class OpenedPrices {
  constructor(
    @InjectRepository(Round) private readonly rounds: Repository<Round>,
    @InjectRepository(Lot) private readonly lots: Repository<Lot>,
    @InjectRepository(LotSpec) private readonly specs: Repository<LotSpec>,
    @InjectRepository(LotResult) private readonly results: Repository<LotResult>,
  ) {}

  /** Final bids of every round opened in [from, to) (cancelled rounds excluded). */
  async bidsOpenedBetween(from: Date, to: Date): Promise<OpenedBidPrice[]> {
    const rounds = await this.rounds
      .createQueryBuilder('r')
      .where('r.openedAt IS NOT NULL AND r.openedAt >= :from AND r.openedAt < :to', { from, to })
      .andWhere("r.status <> 'cancelled'")
      .orderBy('r.id', 'ASC')
      .getMany();
    const out: OpenedBidPrice[] = [];
    for (const round of rounds) {
      for (const trace of await this.latestTraces({ roundId: round.id })) {
        const byCode = new Map(trace.bids.map((b) => [b.id, b]));
        for (const r of trace.output.bids) {
          const input = byCode.get(r.id);
          if (!input) continue;
          out.push({
            bidId: input.bidId,
            roundId: round.id,
            roundCode: round.code,
            lotId: trace.lot.id,
            productId: input.productId,
            supplierId: input.supplierId,
            unitPrice: r.unitPrice,
            unitComparablePrice: r.unitComparablePrice,
            valid: r.valid,
            openedAt: round.openedAt!,
            regionCode: round.regionCode,
            organiserId: round.organiserId,
          });
        }
      }
    }
    return out;
  }

  /**
   * For each product admitted to a lot of an opened round, the representative spec and price
   * parameters of the most recently opened such lot.
   */
  async comparableBases(productIds: string[]): Promise<Map<string, ComparableBasisView>> {
    const ids = [...new Set(productIds)].filter((id) => /^\d{1,18}$/.test(id));
    const out = new Map<string, ComparableBasisView>();
    if (ids.length === 0) return out;
    const specs = await this.specs.findBy({ productId: In(ids) });
    if (specs.length === 0) return out;
    const lots = await this.lots.findBy({ id: In([...new Set(specs.map((s) => s.lotId))]) });
    const rounds = await this.rounds.findBy({
      id: In([...new Set(lots.map((l) => l.roundId))]),
      openedAt: Not(IsNull()),
    });
    const openedAt = new Map(rounds.map((r) => [r.id, r.openedAt!.getTime()]));
    const opened = lots.filter((l) => openedAt.has(l.roundId));
    const traces = new Map(
      (await this.latestTraces({ lotIds: opened.map((l) => l.id) })).map((t) => [t.lot.id, t]),
    );
    const lotById = new Map(opened.map((l) => [l.id, l]));
    for (const spec of specs) {
      const lot = lotById.get(spec.lotId);
      const trace = lot ? traces.get(lot.id) : undefined;
      if (!lot || !trace) continue;
      const current = out.get(spec.productId);
      const at = openedAt.get(lot.roundId)!;
      if (current && openedAt.get(current.roundId)! >= at) continue;
      out.set(spec.productId, {
        lotId: lot.id,
        roundId: lot.roundId,
        representative: trace.lotInput.representative,
        repPackSize: lot.repPackSize,
        params: {
          strengthRatioBase: trace.parameters.strengthRatioBase,
          dosageFormFactors: trace.parameters.dosageFormFactors,
        },
      });
    }
    return out;
  }

  /** The latest result version of each lot (of a round, or of the given lots). */
  private async latestTraces(
    where: { roundId: string } | { lotIds: string[] },
  ): Promise<DecisionTrace[]> {
    if ('lotIds' in where && where.lotIds.length === 0) return [];
    const qb = this.results.createQueryBuilder('x');
    if ('roundId' in where) qb.where('x.roundId = :rid', { rid: where.roundId });
    else qb.where('x.lotId IN (:...lids)', { lids: where.lotIds });
    const rows = await qb
      .andWhere('x.version = (SELECT MAX(y.version) FROM lot_results y WHERE y.lot_id = x.lot_id)')
      .orderBy('x.lotId', 'ASC')
      .getMany();
    return rows.map((r) => JSON.parse(r.traceJson) as DecisionTrace);
  }
}
