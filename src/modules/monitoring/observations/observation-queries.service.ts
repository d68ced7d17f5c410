import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, SelectQueryBuilder } from 'typeorm';
import { Actor, isAuthority } from '../../../common/auth/actor';
import { page, Page, skipTake } from '../../../common/pagination';
import { Decimal, roundTo, SCALE } from '../../../database/decimal';
import { exactProductSumSql, exactSum, exactSumSql } from '../../../database/dialect';
import { Region } from '../../identity/regions/region.entity';
import { monitoringError } from '../monitoring.errors';
import {
  ObservationBatchQuery,
  ObservationBatchView,
  ObservationFilter,
  ObservationQuery,
  ObservationSummary,
  ObservationView,
} from './dto/observation.dto';
import { Observation, ObservationBatch } from './observation.entity';

/** What a supplier sees of its own sales: its orders, deliveries, opened bids and listings. */
const SUPPLIER_SOURCES = ['purchase', 'delivery', 'bid', 'listing'];
/** What a hospital sees of its own buying: its orders, accepted deliveries and sentinel reports. */
const HOSPITAL_SOURCES = ['purchase', 'delivery', 'sentinel'];

const SORT_COLUMNS = { observedOn: 'o.observedOn', unitPrice: 'o.unitPrice', id: 'o.id' } as const;

/**
 * §M1 reading observations and their batches. Scope: an authority sees the observations of its
 * region subtree plus every external reference (other regions' and national prices are reference
 * data, not a tenant's); a hospital sees only rows of its own purchases, deliveries and sentinel
 * reports; a supplier only rows of its own sales (orders, deliveries, opened bids, listings).
 */
@Injectable()
export class ObservationQueries {
  constructor(
    @InjectRepository(Observation) private readonly observations: Repository<Observation>,
    @InjectRepository(ObservationBatch) private readonly batches: Repository<ObservationBatch>,
    @InjectRepository(Region) private readonly regions: Repository<Region>,
  ) {}

  async list(actor: Actor, query: ObservationQuery): Promise<Page<ObservationView>> {
    const qb = await this.filtered(actor, query);
    const { skip, take } = skipTake(query);
    const dir = query.order === 'desc' ? 'DESC' : 'ASC';
    const [rows, total] = await qb
      .orderBy(SORT_COLUMNS[query.sort], dir)
      .addOrderBy('o.id', dir)
      .offset(skip)
      .limit(take)
      .getManyAndCount();
    return page(rows.map(ObservationView.of), total, query);
  }

  /**
   * Counts and totals per source and period over the same filters (no paging). The sums are
   * exact on both drivers (SQLite would add doubles): the amount is Σ unit price × quantity,
   * rounded once to the cent.
   */
  async summary(actor: Actor, query: ObservationFilter): Promise<ObservationSummary> {
    const qb = await this.filtered(actor, query);
    const m = this.observations.manager;
    const rows = await qb
      .select('o.source', 'source')
      .addSelect('o.period', 'period')
      .addSelect('COUNT(*)', 'n')
      .addSelect(exactSumSql(m, 'o.quantity', SCALE.quantity), 'quantity')
      .addSelect(
        exactProductSumSql(m, 'o.unit_price', SCALE.unitPrice, 'o.quantity', SCALE.quantity),
        'amount',
      )
      .addSelect('MIN(o.unit_price)', 'min_price')
      .addSelect('MAX(o.unit_price)', 'max_price')
      .groupBy('o.source')
      .addGroupBy('o.period')
      .orderBy('o.period', 'ASC')
      .addOrderBy('o.source', 'ASC')
      .getRawMany<{
        source: string;
        period: string;
        n: string | number;
        quantity: string | number | null;
        amount: string | number | null;
        min_price: string | number;
        max_price: string | number;
      }>();
    const items = rows.map((r) => ({
      source: r.source,
      period: r.period,
      count: Number(r.n),
      quantity: roundTo(exactSum(m, r.quantity, SCALE.quantity), SCALE.quantity),
      amount: roundTo(exactSum(m, r.amount, SCALE.unitPrice + SCALE.quantity), SCALE.amount),
      minUnitPrice: new Decimal(String(r.min_price)).toFixed(SCALE.unitPrice),
      maxUnitPrice: new Decimal(String(r.max_price)).toFixed(SCALE.unitPrice),
    }));
    return { items, count: items.reduce((a, b) => a + b.count, 0) };
  }

  async batchList(actor: Actor, query: ObservationBatchQuery): Promise<Page<ObservationBatchView>> {
    const qb = this.batches.createQueryBuilder('b');
    if (!isAuthority(actor)) qb.where('b.organisationId = :org', { org: actor.orgId });
    if (query.kind) qb.andWhere('b.kind = :kind', { kind: query.kind });
    if (query.source) qb.andWhere('b.source = :source', { source: query.source });
    if (query.status) qb.andWhere('b.status = :status', { status: query.status });
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb
      .orderBy('b.id', query.order === 'desc' ? 'DESC' : 'ASC')
      .skip(skip)
      .take(take)
      .getManyAndCount();
    return page(
      rows.map((b) => ObservationBatchView.of(b)),
      total,
      query,
    );
  }

  async batch(actor: Actor, id: string): Promise<ObservationBatchView> {
    const b = /^\d{1,18}$/.test(id) ? await this.batches.findOneBy({ id }) : null;
    if (!b || (!isAuthority(actor) && b.organisationId !== actor.orgId))
      throw monitoringError('OBSERVATION_BATCH_NOT_FOUND', `Observation batch ${id} not found`, {
        id,
      });
    return ObservationBatchView.of(b);
  }

  private async filtered(
    actor: Actor,
    q: ObservationFilter,
  ): Promise<SelectQueryBuilder<Observation>> {
    if (q.from && q.to && q.from > q.to)
      throw monitoringError('OBSERVATION_QUERY_INVALID', `from: ${q.from} is after to ${q.to}`, {
        field: 'from',
      });
    const qb = this.observations.createQueryBuilder('o');
    this.scope(qb, actor);
    if (q.productId) qb.andWhere('o.productId = :pid', { pid: q.productId });
    if (q.genericKey) qb.andWhere('o.genericKey = :gk', { gk: q.genericKey });
    if (q.source) qb.andWhere('o.source = :src', { src: q.source });
    if (q.hospitalId) qb.andWhere('o.hospitalId = :hid', { hid: q.hospitalId });
    if (q.supplierId) qb.andWhere('o.supplierId = :sid', { sid: q.supplierId });
    if (q.from) qb.andWhere('o.period >= :from', { from: q.from });
    if (q.to) qb.andWhere('o.period <= :to', { to: q.to });
    if (q.regionCode === 'national') qb.andWhere("o.regionCode = 'national'");
    else if (q.regionCode) {
      const region = await this.regions.findOneBy({ code: q.regionCode });
      // An unknown code (another province's) is matched exactly: external references use them.
      if (!region) qb.andWhere('o.regionCode = :rc', { rc: q.regionCode });
      else
        qb.andWhere('o.regionCode IN (SELECT f.code FROM regions f WHERE f.path LIKE :fpath)', {
          fpath: `${region.path}%`,
        });
    }
    return qb;
  }

  private scope(qb: SelectQueryBuilder<Observation>, actor: Actor): void {
    if (actor.orgType === 'hospital') {
      qb.andWhere('o.hospitalId = :scopeOrg AND o.source IN (:...scopeSources)', {
        scopeOrg: actor.orgId,
        scopeSources: HOSPITAL_SOURCES,
      });
      return;
    }
    if (actor.orgType !== 'authority') {
      qb.andWhere('o.supplierId = :scopeOrg AND o.source IN (:...scopeSources)', {
        scopeOrg: actor.orgId,
        scopeSources: SUPPLIER_SOURCES,
      });
      return;
    }
    if (actor.regionPath === null) return;
    qb.andWhere(
      "(o.source = 'external' OR o.regionCode IN (SELECT s.code FROM regions s WHERE s.path LIKE :scopePath))",
      { scopePath: `${actor.regionPath}%` },
    );
  }
}
