import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository, SelectQueryBuilder } from 'typeorm';
import { Decimal, roundTo, SCALE } from '../../../database/decimal';
import { exactProductSumSql, exactSum, exactSumSql } from '../../../database/dialect';
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
  ProductRegionMonth,
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

/** Products or region codes per `IN (…)` list. */
const CHUNK = 500;

/**
 * §M5 the price index and VBP savings: one SQL aggregate per product × month (× region for the
 * savings) over purchase observations (Σ quantity, Σ comparable-or-unit price × quantity), then
 * the maths in domain/price-index.ts.
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
    const scope = query.regionCode ? await this.region(query.regionCode) : null;
    let lots = (await this.vbpLots.awardedLots())
      .map((l) => ({ ...l, startPeriod: l.startDate.slice(0, 7) }))
      .filter((l) => l.startPeriod <= query.to);
    // For a region, only the lots whose award covers some of it.
    if (scope) {
      const paths = await this.regionPaths([...new Set(lots.flatMap((l) => l.regionCodes))]);
      lots = lots.filter((l) =>
        l.regionCodes.some((c) => paths.get(c)?.startsWith(scope.path) ?? false),
      );
    }
    const productIds = [
      ...new Set(lots.flatMap((l) => [...l.lotProductIds, ...l.winningProductIds])),
    ];
    const earliest = lots.reduce(
      (min, l) =>
        baselineWindow(l.startPeriod).from < min ? baselineWindow(l.startPeriod).from : min,
      query.from,
    );
    const rows = productIds.length
      ? await this.productRegionMonths(earliest, query.to, productIds, scope?.path ?? null)
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
    opts: { category?: string; regionCode?: string },
  ): Promise<ProductMonth[]> {
    const qb = this.purchases(from, to);
    this.categoryFilter(qb, opts.category ?? 'all');
    if (opts.regionCode) this.regionFilter(qb, (await this.region(opts.regionCode)).path);
    const raw = await qb.getRawMany<Record<string, string | number>>();
    return raw.map((r) => this.sums(r));
  }

  /** The same sums per product, region and month, for the given products (VBP savings). */
  private async productRegionMonths(
    from: string,
    to: string,
    productIds: string[],
    regionPath: string | null,
  ): Promise<ProductRegionMonth[]> {
    const out: ProductRegionMonth[] = [];
    for (let i = 0; i < productIds.length; i += CHUNK) {
      const qb = this.purchases(from, to)
        .addSelect('o.regionCode', 'regionCode')
        .addGroupBy('o.regionCode')
        .andWhere('o.productId IN (:...pids)', { pids: productIds.slice(i, i + CHUNK) });
      if (regionPath) this.regionFilter(qb, regionPath);
      const raw = await qb.getRawMany<Record<string, string | number>>();
      for (const r of raw) out.push({ ...this.sums(r), regionCode: String(r.regionCode) });
    }
    return out;
  }

  /**
   * Purchases with a quantity in [from, to], grouped by product and month: Σq and Σ(p·q), exact
   * on both dialects (SQLite would otherwise add doubles).
   */
  private purchases(from: string, to: string): SelectQueryBuilder<Observation> {
    const m = this.observations.manager;
    return this.observations
      .createQueryBuilder('o')
      .select('o.productId', 'productId')
      .addSelect('o.period', 'period')
      .addSelect(exactSumSql(m, 'o.quantity', SCALE.quantity), 'quantity')
      .addSelect(
        exactProductSumSql(
          m,
          'COALESCE(o.comparablePrice, o.unitPrice)',
          SCALE.unitPrice,
          'o.quantity',
          SCALE.quantity,
        ),
        'value',
      )
      .where("o.source = 'purchase'")
      .andWhere('o.quantity > 0')
      .andWhere('o.period >= :from AND o.period <= :to', { from, to })
      .groupBy('o.productId')
      .addGroupBy('o.period');
  }

  private sums(r: Record<string, string | number>): ProductMonth {
    const m = this.observations.manager;
    return {
      productId: String(r.productId),
      period: String(r.period),
      quantity: exactSum(m, r.quantity, SCALE.quantity),
      value: exactSum(m, r.value, SCALE.unitPrice + SCALE.quantity),
    };
  }

  private async region(code: string): Promise<Region> {
    const region = await this.regions.findOneBy({ code });
    if (!region)
      throw monitoringError('INDEX_QUERY_INVALID', `regionCode: region ${code} not found`, {
        field: 'regionCode',
      });
    return region;
  }

  /** Region code → path, for the codes that exist. */
  private async regionPaths(codes: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < codes.length; i += CHUNK)
      for (const r of await this.regions.findBy({ code: In(codes.slice(i, i + CHUNK)) }))
        out.set(r.code, r.path);
    return out;
  }

  private regionFilter(qb: SelectQueryBuilder<Observation>, path: string): void {
    qb.andWhere('o.regionCode IN (SELECT r.code FROM regions r WHERE r.path LIKE :regionPath)', {
      regionPath: `${path}%`,
    });
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
