import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, SelectQueryBuilder } from 'typeorm';
import { Decimal, roundTo } from '../../../database/decimal';
import { Region } from '../../identity/regions/region.entity';
import { VbpLots } from '../../procurement/awards/vbp-lots.service';
import { monitoringError } from '../monitoring.errors';
import { Observation } from '../observations/observation.entity';
import {
  baselineWindow,
  chainedIndex,
  checkRange,
  indexValue,
  linkValue,
  ProductMonth,
  vbpSavings,
} from './domain/price-index';
import {
  INDEX_DEFINITION,
  IndexQuery,
  IndexView,
  SAVINGS_DEFINITION,
  SavingsQuery,
  SavingsView,
} from './dto/price-index.dto';

/**
 * §M5 the price index and VBP savings: one SQL aggregate per product × month over purchase
 * observations (Σ quantity, Σ comparable-or-unit price × quantity), then the maths in
 * domain/price-index.ts.
 */
@Injectable()
export class PriceIndexService {
  constructor(
    private readonly vbpLots: VbpLots,
    @InjectRepository(Observation) private readonly observations: Repository<Observation>,
    @InjectRepository(Region) private readonly regions: Repository<Region>,
  ) {}

  async index(query: IndexQuery): Promise<IndexView> {
    const base = query.base ?? query.from;
    checkRange(query.from, query.to, base);
    const formula = query.formula ?? 'fisher';
    const category = query.category?.trim() || 'all';
    const rows = await this.productMonths(query.from, query.to, {
      category,
      regionCode: query.regionCode,
    });
    const points = chainedIndex(rows, { from: query.from, to: query.to, base });
    return {
      category,
      regionCode: query.regionCode ?? null,
      from: query.from,
      to: query.to,
      base,
      formula,
      definition: INDEX_DEFINITION,
      points: points.map((p) => ({
        period: p.period,
        index: indexValue(p[formula]),
        laspeyres: indexValue(p.laspeyres),
        paasche: indexValue(p.paasche),
        fisher: indexValue(p.fisher),
        products: p.products,
        linkProducts: p.link?.products ?? null,
        laspeyresLink: p.link ? linkValue(p.link.laspeyres) : null,
        paascheLink: p.link ? linkValue(p.link.paasche) : null,
        fisherLink: p.link ? linkValue(p.link.fisher) : null,
      })),
    };
  }

  async savings(query: SavingsQuery): Promise<SavingsView> {
    checkRange(query.from, query.to);
    const lots = (await this.vbpLots.awardedLots())
      .map((l) => ({ ...l, startPeriod: l.startDate.slice(0, 7) }))
      .filter((l) => l.startPeriod <= query.to);
    const productIds = [
      ...new Set(lots.flatMap((l) => [...l.lotProductIds, ...l.winningProductIds])),
    ];
    const earliest = lots.reduce(
      (min, l) =>
        baselineWindow(l.startPeriod).from < min ? baselineWindow(l.startPeriod).from : min,
      query.from,
    );
    const rows = productIds.length
      ? await this.productMonths(earliest, query.to, { productIds, regionCode: query.regionCode })
      : [];
    const { baselines, series } = vbpSavings(lots, rows, { from: query.from, to: query.to });
    const total = series.reduce((s, p) => s.plus(p.savings), new Decimal(0));
    return {
      from: query.from,
      to: query.to,
      regionCode: query.regionCode ?? null,
      definition: SAVINGS_DEFINITION,
      lots: baselines.map((b) => ({
        lotCode: b.lotCode,
        roundCode: b.roundCode,
        startPeriod: b.startPeriod,
        baselineFrom: b.baselineFrom,
        baselineTo: b.baselineTo,
        baselineQuantity: roundTo(b.baselineQuantity, 3),
        preVbpPrice: b.preVbpPrice ? roundTo(b.preVbpPrice, 6) : null,
      })),
      series: series.map((p) => ({
        period: p.period,
        vbpQuantity: roundTo(p.vbpQuantity, 3),
        atPreVbpPrices: roundTo(p.atPreVbpPrices, 2),
        actualCost: roundTo(p.actualCost, 2),
        savings: roundTo(p.savings, 2),
        lots: p.lots,
      })),
      totalSavings: roundTo(total, 2),
    };
  }

  /** Σq and Σ(p·q) per product and month of purchase observations, p comparable else unit. */
  async productMonths(
    from: string,
    to: string,
    opts: { category?: string; productIds?: string[]; regionCode?: string },
  ): Promise<ProductMonth[]> {
    const qb = this.observations
      .createQueryBuilder('o')
      .select('o.productId', 'productId')
      .addSelect('o.period', 'period')
      .addSelect('SUM(o.quantity)', 'quantity')
      .addSelect('SUM(COALESCE(o.comparablePrice, o.unitPrice) * o.quantity)', 'value')
      .where("o.source = 'purchase'")
      .andWhere('o.quantity > 0')
      .andWhere('o.period >= :from AND o.period <= :to', { from, to })
      .groupBy('o.productId')
      .addGroupBy('o.period');
    this.categoryFilter(qb, opts.category ?? 'all');
    if (opts.productIds) qb.andWhere('o.productId IN (:...pids)', { pids: opts.productIds });
    if (opts.regionCode) {
      const region = await this.regions.findOneBy({ code: opts.regionCode });
      if (!region)
        throw monitoringError(
          'INDEX_QUERY_INVALID',
          `regionCode: region ${opts.regionCode} not found`,
          {
            field: 'regionCode',
          },
        );
      qb.andWhere('o.regionCode IN (SELECT r.code FROM regions r WHERE r.path LIKE :regionPath)', {
        regionPath: `${region.path}%`,
      });
    }
    const raw = await qb.getRawMany<Record<string, string | number>>();
    return raw.map((r) => ({
      productId: String(r.productId),
      period: String(r.period),
      quantity: new Decimal(String(r.quantity)),
      value: new Decimal(String(r.value)),
    }));
  }

  private categoryFilter(qb: SelectQueryBuilder<Observation>, category: string): void {
    if (category === 'all') return;
    if (category === 'drug' || category === 'consumable') {
      qb.andWhere('o.category = :kind', { kind: category });
      return;
    }
    // A category path covers its sub-categories: `血管介入` takes `血管介入/冠脉支架`.
    const escaped = category.replace(/[!%_]/g, (c) => `!${c}`);
    qb.andWhere("(o.categoryPath = :cpath OR o.categoryPath LIKE :cprefix ESCAPE '!')", {
      cpath: category,
      cprefix: `${escaped}/%`,
    });
  }
}
