import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CatalogDirectory } from '../../catalog/products/catalog-directory.service';
import { OrganisationDirectory } from '../../identity/organisations/organisation-directory.service';
import { latestTraces } from '../awards/awards.service';
import { awardedPrices } from '../awards/domain/award-terms';
import { LotsService } from '../lots/lots.service';
import { Round } from '../rounds/round.entity';
import { PUBLIC_STATES } from './dto/export.dto';

/** One published winning price (§M7 disclosure). */
export interface PublishedWinningPrice {
  roundCode: string;
  roundName: string;
  category: string;
  awardedAt: string | null;
  lotCode: string;
  lotName: string;
  rank: number;
  outcome: 'won' | 'revived';
  productId: string;
  productCode: string;
  productName: string;
  supplierId: string;
  supplierName: string;
  packPrice: string;
  unitPrice: string;
  /** Awarded unit comparable price, per representative unit (§P5). */
  comparablePrice: string | null;
}

export interface WinningPriceFilter {
  roundCode?: string;
  category?: string;
  productCode?: string;
  supplierId?: string;
}

/**
 * The winning prices of every round whose award is public, computed exactly as the per-round
 * public results (§P8) are: from each lot's latest decision trace. Rounds are few and each
 * holds at most a few hundred winners, so the list is assembled round by round, newest award
 * first, and filtered in memory.
 */
@Injectable()
export class PublicWinningPrices {
  constructor(
    private readonly lots: LotsService,
    private readonly orgs: OrganisationDirectory,
    private readonly catalog: CatalogDirectory,
    @InjectRepository(Round) private readonly rounds: Repository<Round>,
  ) {}

  async list(filter: WinningPriceFilter): Promise<PublishedWinningPrice[]> {
    const qb = this.rounds
      .createQueryBuilder('r')
      .where('r.status IN (:...states)', { states: [...PUBLIC_STATES] });
    if (filter.roundCode) qb.andWhere('r.code = :code', { code: filter.roundCode });
    if (filter.category) qb.andWhere('r.category = :category', { category: filter.category });
    const rounds = await qb.orderBy('r.awardedAt', 'DESC').addOrderBy('r.id', 'DESC').getMany();
    const out: PublishedWinningPrice[] = [];
    for (const round of rounds) {
      const [traces, lots] = await Promise.all([
        latestTraces(this.rounds.manager, round.id),
        this.lots.lotsOfRound(undefined, round.id),
      ]);
      const winners = lots.flatMap((lot) => {
        const entry = traces.get(lot.id);
        if (!entry) return [];
        const input = new Map(entry.trace.bids.map((b) => [b.id, b]));
        return entry.trace.output.bids
          .filter((r) => r.outcome === 'won' || r.outcome === 'revived')
          .map((r) => ({ lot, result: r, bid: input.get(r.id)!, trace: entry.trace }));
      });
      const [orgs, products] = await Promise.all([
        this.orgs.findByIds(winners.map((w) => w.bid.supplierId)),
        this.catalog.findByIds(winners.map((w) => w.bid.productId)),
      ]);
      for (const w of winners) {
        const product = products.get(w.bid.productId);
        if (filter.productCode && product?.code !== filter.productCode) continue;
        if (filter.supplierId && w.bid.supplierId !== filter.supplierId) continue;
        const price = awardedPrices(w.result, w.bid, w.trace.lotInput, w.trace.parameters);
        out.push({
          roundCode: round.code,
          roundName: round.name,
          category: round.category,
          awardedAt: round.awardedAt ? round.awardedAt.toISOString() : null,
          lotCode: w.lot.code,
          lotName: w.lot.name,
          rank: w.result.rank!,
          outcome: w.result.outcome as 'won' | 'revived',
          productId: w.bid.productId,
          productCode: product?.code ?? '',
          productName: product?.name ?? '',
          supplierId: w.bid.supplierId,
          supplierName: orgs.get(w.bid.supplierId)?.name ?? '',
          packPrice: price.packPrice,
          unitPrice: price.unitPrice,
          comparablePrice: w.result.awardedUnitComparablePrice ?? null,
        });
      }
    }
    return out;
  }
}
