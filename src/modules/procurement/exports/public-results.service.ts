import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { page, Page, PageQuery, skipTake } from '../../../common/pagination';
import { Decimal } from '../../../database/decimal';
import { CatalogDirectory } from '../../catalog/products/catalog-directory.service';
import { OrganisationDirectory } from '../../identity/organisations/organisation-directory.service';
import { Agreement } from '../awards/agreement.entity';
import { latestTraces } from '../awards/awards.service';
import { awardedPrices } from '../awards/domain/award-terms';
import { LotsService } from '../lots/lots.service';
import { procurementError } from '../procurement.errors';
import { Round } from '../rounds/round.entity';
import {
  PUBLIC_STATES,
  PublicLotResultView,
  PublicRoundResultsView,
  PublicRoundView,
} from './dto/export.dto';

/**
 * §P8 public disclosure: once a round is awarded, anyone may see which products won each lot,
 * at what price and for what agreed volume — no login, no bidder other than the winners, no
 * hospital. Until then the round answers exactly like one that does not exist.
 */
@Injectable()
export class PublicResultsService {
  constructor(
    private readonly lots: LotsService,
    private readonly orgs: OrganisationDirectory,
    private readonly catalog: CatalogDirectory,
    @InjectRepository(Round) private readonly roundRepo: Repository<Round>,
    @InjectRepository(Agreement) private readonly agreements: Repository<Agreement>,
  ) {}

  async list(query: PageQuery): Promise<Page<PublicRoundView>> {
    const { skip, take } = skipTake(query);
    const [rows, total] = await this.roundRepo
      .createQueryBuilder('r')
      .where('r.status IN (:...states)', { states: [...PUBLIC_STATES] })
      .orderBy('r.awardedAt', query.order === 'desc' ? 'DESC' : 'ASC')
      .addOrderBy('r.id', query.order === 'desc' ? 'DESC' : 'ASC')
      .skip(skip)
      .take(take)
      .getManyAndCount();
    return page(rows.map(publicRound), total, query);
  }

  async results(code: string): Promise<PublicRoundResultsView> {
    const round = await this.roundRepo.findOneBy({
      code,
      status: In([...PUBLIC_STATES]),
    });
    if (!round) throw procurementError('ROUND_NOT_FOUND', `Round ${code} not found`, { code });
    const [traces, lots, volumes] = await Promise.all([
      latestTraces(this.roundRepo.manager, round.id),
      this.lots.lotsOfRound(undefined, round.id),
      this.agreedVolumes(round.id),
    ]);
    const winners = lots.flatMap((lot) => {
      const entry = traces.get(lot.id);
      if (!entry) return [];
      const { trace } = entry;
      const input = new Map(trace.bids.map((b) => [b.id, b]));
      return trace.output.bids
        .filter((r) => r.outcome === 'won' || r.outcome === 'revived')
        .map((r) => ({ lot, result: r, bid: input.get(r.id)!, trace }));
    });
    const [orgs, products] = await Promise.all([
      this.orgs.findByIds(winners.map((w) => w.bid.supplierId)),
      this.catalog.findByIds(winners.map((w) => w.bid.productId)),
    ]);
    const byLot = new Map<string, PublicLotResultView>();
    for (const lot of lots) {
      const entry = traces.get(lot.id);
      if (entry)
        byLot.set(lot.id, {
          lotCode: lot.code,
          lotName: lot.name,
          termYears: entry.trace.output.termYears,
          winners: [],
        });
    }
    for (const w of winners) {
      const price = awardedPrices(w.result, w.bid, w.trace.lotInput, w.trace.parameters);
      const product = products.get(w.bid.productId);
      byLot.get(w.lot.id)!.winners.push({
        rank: w.result.rank!,
        productCode: product?.code ?? '',
        productName: product?.name ?? '',
        supplierName: orgs.get(w.bid.supplierId)?.name ?? '',
        packPrice: price.packPrice,
        unitPrice: price.unitPrice,
        agreedVolume: volumes.get(`${w.lot.id}:${w.bid.bidId}`) ?? new Decimal(0).toFixed(3),
      });
    }
    for (const lot of byLot.values()) lot.winners.sort((a, b) => a.rank - b.rank);
    return { ...publicRound(round), lots: [...byLot.values()] };
  }

  /** Agreed volume per lot × winning bid: the sum of its rounded per-hospital figures (§P9). */
  private async agreedVolumes(roundId: string): Promise<Map<string, string>> {
    const rows = await this.agreements
      .createQueryBuilder('a')
      .select('a.lotId', 'lotId')
      .addSelect('a.bidId', 'bidId')
      .addSelect('SUM(a.agreedQuantity)', 'agreed')
      .where('a.roundId = :roundId', { roundId })
      .groupBy('a.lotId')
      .addGroupBy('a.bidId')
      .getRawMany<Record<string, string | number>>();
    return new Map(
      rows.map((r) => [
        `${String(r.lotId)}:${String(r.bidId)}`,
        new Decimal(String(r.agreed)).toFixed(3),
      ]),
    );
  }
}

function publicRound(r: Round): PublicRoundView {
  return {
    code: r.code,
    name: r.name,
    level: r.level,
    category: r.category,
    status: r.status,
    awardedAt: r.awardedAt ? r.awardedAt.toISOString() : null,
  };
}
