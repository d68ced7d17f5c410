import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Actor, isAuthority } from '../../../common/auth/actor';
import { page, Page, skipTake } from '../../../common/pagination';
import { Decimal } from '../../../database/decimal';
import { LotsService } from '../lots/lots.service';
import { procurementError } from '../procurement.errors';
import { isBefore } from '../rounds/domain/round-state';
import { Round } from '../rounds/round.entity';
import { RoundsService } from '../rounds/rounds.service';
import { Agreement, LotSupplyRegion } from './agreement.entity';
import {
  AgreementQuery,
  AgreementTotalView,
  AgreementView,
  SupplyRegionView,
} from './dto/agreement.dto';

/**
 * Reading §P9 awards: agreements (hospitals see theirs, suppliers theirs, authorities all of a
 * visible round), totals per winner, and each lot's supply regions.
 */
@Injectable()
export class AgreementsService {
  constructor(
    private readonly rounds: RoundsService,
    private readonly lots: LotsService,
    @InjectRepository(Agreement) private readonly agreements: Repository<Agreement>,
    @InjectRepository(LotSupplyRegion) private readonly supply: Repository<LotSupplyRegion>,
  ) {}

  async list(actor: Actor, roundId: string, query: AgreementQuery): Promise<Page<AgreementView>> {
    const round = await this.awardedRound(actor, roundId);
    const qb = this.agreements.createQueryBuilder('a').where('a.roundId = :id', { id: round.id });
    scopeAgreements(qb, actor);
    if (query.lotId) qb.andWhere('a.lotId = :lotId', { lotId: query.lotId });
    if (query.hospitalId)
      qb.andWhere('a.hospitalId = :hospitalId', { hospitalId: query.hospitalId });
    if (query.supplierId)
      qb.andWhere('a.supplierId = :supplierId', { supplierId: query.supplierId });
    qb.orderBy('a.id', query.order === 'desc' ? 'DESC' : 'ASC');
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    return page(rows.map(AgreementView.of), total, query);
  }

  /** Agreed volume per lot × winner: sums of the rounded per-hospital figures (§P9). */
  async totals(actor: Actor, roundId: string): Promise<AgreementTotalView[]> {
    const round = await this.awardedRound(actor, roundId);
    const qb = this.agreements
      .createQueryBuilder('a')
      .select('a.lotId', 'lotId')
      .addSelect('a.supplierId', 'supplierId')
      .addSelect('a.productId', 'productId')
      .addSelect('COUNT(*)', 'hospitals')
      .addSelect('SUM(a.declaredQuantity)', 'declared')
      .addSelect('SUM(a.agreedQuantity)', 'agreed')
      .where('a.roundId = :id', { id: round.id })
      .groupBy('a.lotId')
      .addGroupBy('a.supplierId')
      .addGroupBy('a.productId')
      .orderBy('a.lotId', 'ASC')
      .addOrderBy('a.supplierId', 'ASC');
    scopeAgreements(qb, actor);
    const rows = await qb.getRawMany<Record<string, string | number>>();
    return rows.map((r) => ({
      lotId: String(r.lotId),
      supplierId: String(r.supplierId),
      productId: String(r.productId),
      hospitals: Number(r.hospitals),
      declaredQuantity: new Decimal(String(r.declared)).toFixed(3),
      agreedQuantity: new Decimal(String(r.agreed)).toFixed(3),
    }));
  }

  async supplyRegions(actor: Actor, roundId: string, lotId: string): Promise<SupplyRegionView[]> {
    const round = await this.awardedRound(actor, roundId);
    const lot = await this.lots.lotOfRound(undefined, round.id, lotId);
    const rows = await this.supply.find({
      where: { lotId: lot.id },
      order: { regionCode: 'ASC', position: 'ASC' },
    });
    return rows.map(SupplyRegionView.of);
  }

  /** A visible round that has its agreements: awarded or later, never a cancelled one. */
  async awardedRound(actor: Actor, roundId: string): Promise<Round> {
    const round = await this.rounds.visible(actor, roundId);
    if (round.status === 'cancelled' || isBefore(round.status, 'awarded'))
      throw procurementError(
        'RESULTS_NOT_AVAILABLE',
        `Round ${round.code} is ${round.status}; agreements exist once it is awarded`,
        { state: round.status },
      );
    return round;
  }
}

/**
 * Narrows a query on agreements (alias `a`) to those the actor may read: hospitals their own,
 * suppliers theirs, authorities all.
 */
export function scopeAgreements(
  qb: { andWhere: (sql: string, p: object) => unknown },
  actor: Actor,
): void {
  if (isAuthority(actor)) return;
  const column = actor.orgType === 'hospital' ? 'a.hospitalId' : 'a.supplierId';
  qb.andWhere(`${column} = :scopeOrg`, { scopeOrg: actor.orgId });
}
