import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Clock } from '../../../common/clock';
import { Decimal } from '../../../database/decimal';
import { forUpdate } from '../../../database/dialect';
import { Product } from '../../catalog/products/product.entity';
import { Region } from '../../identity/regions/region.entity';
import { Bid } from '../bids/bid.entity';
import { Lot } from '../lots/lot.entity';
import { Round, RoundParticipant } from '../rounds/round.entity';
import { Agreement, LotSupplyRegion } from './agreement.entity';
import { latestTraces } from './awards.service';
import { BackupActivation } from './backup-activation.entity';
import { backupActivationError } from './backup-activation.errors';
import { awardedPrices } from './domain/award-terms';
import {
  chooseBackup,
  packsInRepresentativeUnits,
  remainingAgreed,
} from './domain/backup-activation';

export interface ActivationRequest {
  lotId: string;
  regionCode: string;
  /** A backup of the region chosen by the officer, or null for the next one in rank order. */
  backupBidId: string | null;
  /** China business date from which the backup supplies the region. */
  effectiveFrom: string;
  reason: string;
  activatedBy: string;
  /**
   * Packs the hospitals bought under each replaced agreement so far (execution's figure): the
   * caller owns the orders, procurement only converts and deducts.
   */
  purchasedPacks: (agreementIds: string[]) => Promise<Map<string, Decimal>>;
}

export interface ActivationResult {
  activation: BackupActivation;
  /** Ids of the failing winner's agreements now `replaced`. */
  replacedAgreementIds: string[];
  /** The backup's new agreements with the region's hospitals. */
  created: Agreement[];
}

/** What the supply rules need to know about an agreement in force (§K5). */
export interface SupplyPosition {
  supplierId: string;
  productId: string;
  lotId: string;
  roundId: string;
  /** The hospital's supply region (its region at the award, §P9). */
  regionCode: string;
  /** Sum of the agreed (annual) quantities of the region's agreements, scale 3. */
  agreedQuantity: Decimal;
  agreements: number;
}

const CHUNK = 500;

/**
 * §K5 backup-supplier activation, where agreements live (§P9): the failing winner's agreements
 * with the region's hospitals are marked `replaced` from the activation date (kept for history,
 * completion and settlement), and the backup gets an agreement with each of those hospitals at
 * its own winning price for what was left of the agreed quantity, to the end of the term. Order
 * pricing then finds the backup's agreement through AgreementDirectory like any other.
 */
@Injectable()
export class BackupActivationService {
  constructor(private readonly clock: Clock) {}

  /** Runs inside the caller's transaction; the region's supply rows are locked first. */
  async activate(m: EntityManager, req: ActivationRequest): Promise<ActivationResult> {
    const supplyRows = await forUpdate(
      m
        .getRepository(LotSupplyRegion)
        .createQueryBuilder('s')
        .where('s.lotId = :lotId AND s.regionCode = :region', {
          lotId: req.lotId,
          region: req.regionCode,
        })
        .orderBy('s.position', 'ASC'),
    ).getMany();
    if (supplyRows.length === 0)
      throw backupActivationError(
        'SUPPLY_REGION_NOT_FOUND',
        `regionCode: lot ${req.lotId} has no supply region ${req.regionCode}`,
        { field: 'regionCode', lotId: req.lotId, regionCode: req.regionCode },
      );
    const round = await m.getRepository(Round).findOneByOrFail({ id: supplyRows[0].roundId });
    if (round.status !== 'awarded' && round.status !== 'in_execution')
      throw backupActivationError(
        'AGREEMENTS_NOT_ACTIVE',
        `Round ${round.code} is ${round.status}; only the agreements of an awarded round in force can be taken over`,
        { state: round.status },
      );
    const past = await m
      .getRepository(BackupActivation)
      .find({ where: { lotId: req.lotId, regionCode: req.regionCode }, order: { id: 'ASC' } });
    const choice = chooseBackup(supplyRows, past, req.backupBidId);
    if (!choice.ok)
      throw choice.reason === 'no_backup'
        ? backupActivationError(
            'NO_BACKUP_AVAILABLE',
            `Region ${req.regionCode} of lot ${req.lotId} has no backup supplier left to activate`,
            { regionCode: req.regionCode, currentBidId: choice.currentBidId },
          )
        : backupActivationError(
            'BACKUP_NOT_ELIGIBLE',
            `backupBidId: bid ${req.backupBidId} is not a backup of region ${req.regionCode} that can still take over`,
            { field: 'backupBidId', currentBidId: choice.currentBidId },
          );

    const bids = await m
      .getRepository(Bid)
      .findBy({ id: In([choice.currentBidId, choice.backupBidId]) });
    const failing = bids.find((b) => b.id === choice.currentBidId)!;
    const backup = bids.find((b) => b.id === choice.backupBidId)!;
    const price = await this.winningPrice(m, round.id, req.lotId, backup.id);

    const hospitals = await m
      .getRepository(RoundParticipant)
      .findBy({ roundId: round.id, regionCode: req.regionCode });
    const replaced =
      hospitals.length === 0
        ? []
        : await forUpdate(
            m
              .getRepository(Agreement)
              .createQueryBuilder('a')
              .where('a.lotId = :lotId AND a.bidId = :bidId', {
                lotId: req.lotId,
                bidId: failing.id,
              })
              .andWhere("a.status = 'active'")
              .andWhere('a.hospitalId IN (:...hospitalIds)', {
                hospitalIds: hospitals.map((h) => h.hospitalId),
              })
              .andWhere('a.endDate >= :from', { from: req.effectiveFrom })
              .orderBy('a.id', 'ASC'),
          ).getMany();

    const now = this.clock.now();
    const activation = await m.getRepository(BackupActivation).save(
      m.create(BackupActivation, {
        roundId: round.id,
        lotId: req.lotId,
        regionCode: req.regionCode,
        failingBidId: failing.id,
        failingSupplierId: failing.supplierId,
        backupBidId: backup.id,
        backupSupplierId: backup.supplierId,
        backupProductId: backup.productId,
        backupPackPrice: new Decimal(price.packPrice),
        backupUnitPrice: new Decimal(price.unitPrice),
        effectiveFrom: req.effectiveFrom,
        agreementsReplaced: replaced.length,
        reason: req.reason,
        activatedBy: req.activatedBy,
        activatedAt: now,
      }),
    );
    if (replaced.length === 0) return { activation, replacedAgreementIds: [], created: [] };

    const lot = await m.getRepository(Lot).findOneByOrFail({ id: req.lotId });
    const product = await m.getRepository(Product).findOneByOrFail({ id: failing.productId });
    const packs = await req.purchasedPacks(replaced.map((a) => a.id));
    const ids = replaced.map((a) => a.id);
    for (let i = 0; i < ids.length; i += CHUNK)
      await m.getRepository(Agreement).update(
        { id: In(ids.slice(i, i + CHUNK)) },
        {
          status: 'replaced',
          replacedFrom: req.effectiveFrom,
          replacedByActivationId: activation.id,
        },
      );

    let sequence = await m.getRepository(Agreement).countBy({ roundId: round.id });
    const rows = replaced.map((a) => {
      const bought = packs.get(a.id);
      const purchased =
        bought === undefined
          ? null
          : packsInRepresentativeUnits(
              bought,
              {
                strength: product.strength === null ? null : product.strength.toFixed(),
                strengthUnit: product.strengthUnit,
                packSize: product.packSize,
              },
              { strength: lot.repStrength.toFixed(), strengthUnit: lot.repStrengthUnit },
            );
      sequence += 1;
      return m.create(Agreement, {
        code: `${round.code}-A${String(sequence).padStart(6, '0')}`,
        roundId: round.id,
        lotId: req.lotId,
        hospitalId: a.hospitalId,
        supplierId: backup.supplierId,
        productId: backup.productId,
        bidId: backup.id,
        declaredQuantity: a.declaredQuantity,
        agreedQuantity: new Decimal(remainingAgreed(a.agreedQuantity, purchased)),
        packPrice: new Decimal(price.packPrice),
        unitPrice: new Decimal(price.unitPrice),
        brandSpecified: false,
        // The later of the activation date and the term's start: an activation before the
        // contract starts hands over the whole term.
        startDate: a.startDate > req.effectiveFrom ? a.startDate : req.effectiveFrom,
        endDate: a.endDate,
        status: 'active' as const,
        replacedFrom: null,
        replacedByActivationId: null,
        activationId: activation.id,
        createdAt: now,
      });
    });
    const created: Agreement[] = [];
    for (let i = 0; i < rows.length; i += CHUNK)
      created.push(...(await m.getRepository(Agreement).save(rows.slice(i, i + CHUNK))));
    return { activation, replacedAgreementIds: ids, created };
  }

  /** §P9 the backup's own winning prices, from the lot's latest result, as in the award. */
  private async winningPrice(
    m: EntityManager,
    roundId: string,
    lotId: string,
    bidId: string,
  ): Promise<{ packPrice: string; unitPrice: string }> {
    const entry = (await latestTraces(m, roundId)).get(lotId);
    const traceBid = entry?.trace.bids.find((b) => b.bidId === bidId);
    const result = traceBid && entry!.trace.output.bids.find((b) => b.id === traceBid.id);
    // Supply rows are written from this very result, so a backup is always one of its winners.
    if (!entry || !traceBid || !result)
      throw new Error(`bid ${bidId} is not a winner of the latest result of lot ${lotId}`);
    return awardedPrices(result, traceBid, entry.trace.lotInput, entry.trace.parameters);
  }

  /**
   * A page of activations, newest first unless `order` is asc, limited to regions under
   * `regionPath` (an authority's scope; null = everywhere).
   */
  async activations(
    m: EntityManager,
    filter: { lotId?: string; regionCode?: string; regionPath: string | null },
    paging: { skip: number; take: number; order: 'asc' | 'desc' },
  ): Promise<[BackupActivation[], number]> {
    const qb = m.getRepository(BackupActivation).createQueryBuilder('b');
    if (filter.lotId) qb.andWhere('b.lotId = :lotId', { lotId: filter.lotId });
    if (filter.regionCode) qb.andWhere('b.regionCode = :region', { region: filter.regionCode });
    if (filter.regionPath !== null)
      qb.andWhere(
        `b.regionCode IN ${qb
          .subQuery()
          .select('r.code')
          .from(Region, 'r')
          .where('r.path LIKE :activationScope')
          .getQuery()}`,
        { activationScope: `${filter.regionPath}%` },
      );
    const dir = paging.order === 'asc' ? 'ASC' : 'DESC';
    return qb.orderBy('b.id', dir).skip(paging.skip).take(paging.take).getManyAndCount();
  }

  async lotExists(m: EntityManager, lotId: string): Promise<boolean> {
    return (await m.getRepository(Lot).countBy({ id: lotId })) > 0;
  }

  async activation(id: string, manager: EntityManager): Promise<BackupActivation | null> {
    return manager.getRepository(BackupActivation).findOneBy({ id });
  }

  /**
   * Agreements in force at some point of [from, to] (business dates), summed per supplier ×
   * product × lot × supply region: the agreed demand a winner's stock is measured against.
   */
  async supplyPositions(m: EntityManager, from: string, to: string): Promise<SupplyPosition[]> {
    const rows = await m
      .getRepository(Agreement)
      .createQueryBuilder('a')
      .innerJoin(RoundParticipant, 'p', 'p.roundId = a.roundId AND p.hospitalId = a.hospitalId')
      .select('a.supplierId', 'supplierId')
      .addSelect('a.productId', 'productId')
      .addSelect('a.lotId', 'lotId')
      .addSelect('a.roundId', 'roundId')
      .addSelect('p.regionCode', 'regionCode')
      .addSelect('SUM(a.agreedQuantity)', 'agreed')
      .addSelect('COUNT(*)', 'agreements')
      .where("a.status = 'active'")
      .andWhere('a.startDate <= :to AND a.endDate >= :from', { from, to })
      .groupBy('a.supplierId')
      .addGroupBy('a.productId')
      .addGroupBy('a.lotId')
      .addGroupBy('a.roundId')
      .addGroupBy('p.regionCode')
      .getRawMany<Record<string, string | number>>();
    return rows.map((r) => ({
      supplierId: String(r.supplierId),
      productId: String(r.productId),
      lotId: String(r.lotId),
      roundId: String(r.roundId),
      regionCode: String(r.regionCode),
      agreedQuantity: new Decimal(String(r.agreed)),
      agreements: Number(r.agreements),
    }));
  }

  /**
   * Products under an active agreement in force at some point of [from, to], of one supplier or
   * of anyone (null).
   */
  async awardedProductIds(
    m: EntityManager,
    supplierId: string | null,
    from: string,
    to: string,
  ): Promise<Set<string>> {
    const qb = m
      .getRepository(Agreement)
      .createQueryBuilder('a')
      .select('DISTINCT a.productId', 'productId')
      .where("a.status = 'active'")
      .andWhere('a.startDate <= :to AND a.endDate >= :from', { from, to });
    if (supplierId !== null) qb.andWhere('a.supplierId = :supplierId', { supplierId });
    const rows = await qb.getRawMany<{ productId: string | number }>();
    return new Set(rows.map((r) => String(r.productId)));
  }

  /** A hospital's agreement by id (any status), for shortage reports. */
  async agreementOf(m: EntityManager, id: string): Promise<Agreement | null> {
    return m.getRepository(Agreement).findOneBy({ id });
  }

  /** The supply region (award-time region) of a hospital in a round. */
  async supplyRegionOf(
    m: EntityManager,
    roundId: string,
    hospitalId: string,
  ): Promise<string | null> {
    const p = await m.getRepository(RoundParticipant).findOneBy({ roundId, hospitalId });
    return p?.regionCode ?? null;
  }
}
