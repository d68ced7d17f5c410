import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Decimal, roundTo } from '../../../database/decimal';
import { ListingPricesService } from '../../catalog/listing-prices/listing-prices.service';
import { IdentityScope } from '../../identity/scope/identity-scope.service';
import { AwardReferences } from '../../procurement/awards/award-references.service';
import { PaymentStandardReferences } from '../../settlement/standards/payment-standard-references.service';
import { ObservationAggregate } from '../evaluation/domain/evaluate-group';
import { ObservationAggregates } from '../evaluation/observation-aggregates';
import { monitoringError } from '../monitoring.errors';
import { regionAt } from '../rules/domain/cross-region-low';
import { periodBounds } from '../rules/domain/periods';
import { RegionLevel, regionWithin } from '../rules/domain/rule-catalog';
import { RulesService } from '../rules/rules.service';
import { median, peerStatistics } from './domain/peer-stats';
import {
  PeerStatisticsView,
  PriceReferenceView,
  ReferenceQuery,
  ReferencesView,
} from './dto/reference.dto';

interface Peer {
  regionCode: string;
  price: Decimal;
}

/**
 * §M2 references of a product (or a generic/spec) in a region and period: the prices other
 * contexts fix (winning, listing, payment standard, read through their services), the national
 * monitoring price and the lowest price elsewhere (observations), and peer statistics computed
 * with the same aggregate and the same functions as the evaluation runs.
 */
@Injectable()
export class ReferencesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly scope: IdentityScope,
    private readonly aggregates: ObservationAggregates,
    private readonly awards: AwardReferences,
    private readonly listings: ListingPricesService,
    private readonly standards: PaymentStandardReferences,
    private readonly rules: RulesService,
  ) {}

  async references(actor: Actor, query: ReferenceQuery): Promise<ReferencesView> {
    if (!query.productId === !query.genericKey) {
      throw monitoringError(
        'REFERENCE_QUERY_INVALID',
        'give exactly one of productId and genericKey',
        { field: query.productId ? 'genericKey' : 'productId' },
      );
    }
    const regionCode = query.regionCode ?? actor.regionCode;
    // Out of the caller's region subtree: 404 like every other tenant boundary.
    const region = regionCode ? await this.scope.assertRegionInScope(actor, regionCode) : null;
    const lineage = region
      ? region.path
          .split('/')
          .filter((c) => c !== '')
          .reverse()
      : [];
    const { period } = query;
    const { first, last } = periodBounds(period);
    const productId = query.productId ?? null;
    const rows: ObservationAggregate[] = [];
    let genericKey: string | null = null;
    if (productId) {
      // The product's month under the key the evaluation groups it with.
      const own = await this.aggregates.ofProduct(period, productId);
      if (own) rows.push(...own.aggregates);
      genericKey = own?.genericKey ?? (await this.genericOf(productId));
    } else {
      genericKey = query.genericKey as string;
      for (const g of await this.aggregates.read(this.dataSource.manager, period, [genericKey]))
        rows.push(...g.aggregates);
    }
    const mine = productId ? rows.filter((r) => r.productId === productId) : rows;
    const peers: Peer[] = [];
    for (const r of mine) {
      if (r.hospitalId === null || r.transactionCount === 0 || !r.transactionUnitSum) continue;
      const sum = productId
        ? r.transactionUnitSum
        : (r.transactionComparableSum ?? r.transactionUnitSum);
      peers.push({ regionCode: r.regionCode, price: sum.div(r.transactionCount) });
    }
    const basis = productId ? 'unit' : 'comparable';
    const observationCount = (list: ObservationAggregate[]) =>
      list.reduce((n, r) => n + (r.hospitalId !== null ? r.transactionCount : 0), 0);
    const quantity = (list: ObservationAggregate[]) =>
      list.reduce<Decimal | null>(
        (q, r) => (r.purchasedQuantity ? (q ?? new Decimal(0)).plus(r.purchasedQuantity) : q),
        null,
      );
    const inRegion = (code: string) => (regionCode ? regionWithin(code, regionCode) : true);
    const regionRows = mine.filter((r) => inRegion(r.regionCode));

    const view: ReferencesView = {
      period,
      productId,
      genericKey: genericKey ?? null,
      regionCode: regionCode ?? null,
      winningPrice: null,
      listingPrice: null,
      paymentStandard: null,
      nationalMonitoringPrice: null,
      lowestOtherRegionPrice: await this.lowestElsewhere(mine, peers, regionCode),
      peers: statsView(
        basis,
        peers.map((p) => p.price),
        observationCount(mine),
        quantity(mine),
      ),
      regionPeers: statsView(
        basis,
        peers.filter((p) => inRegion(p.regionCode)).map((p) => p.price),
        observationCount(regionRows),
        quantity(regionRows),
      ),
    };
    if (productId) {
      const winners = await this.awards.winnersDuring([productId], first, last);
      const best = winners.reduce<(typeof winners)[number] | null>(
        (a, b) => (!a || b.unitPrice.gt(a.unitPrice) ? b : a),
        null,
      );
      if (best)
        view.winningPrice = ref(`lot:${best.lotId}|bid:${best.bidId}`, best.unitPrice, null);
      if (regionCode) {
        const listing = await this.listings.currentListing(productId, regionCode, last);
        if (listing) {
          view.listingPrice = ref(`listing:${listing.id}`, listing.unitPrice, listing.regionCode);
        }
        const standard = await this.standards.inForce(productId, lineage, last);
        if (standard) {
          view.paymentStandard = ref(
            `payment_standard:${standard.validFrom}`,
            standard.unitPrice,
            standard.regionCode,
          );
        }
      }
      const national = mine
        .map((r) => r.nationalMonitoringPrice)
        .filter((p): p is Decimal => p !== null)
        .reduce<Decimal | null>((a, b) => (!a || b.lt(a) ? b : a), null);
      if (national) view.nationalMonitoringPrice = ref('national_monitoring', national, 'national');
    }
    return view;
  }

  /** Lowest other-region price as rule 4 sees it, at its configured region level. */
  private async lowestElsewhere(
    rows: ObservationAggregate[],
    peers: Peer[],
    regionCode: string | null,
  ): Promise<PriceReferenceView | null> {
    const config = (await this.rules.configs()).find((c) => c.code === 'cross_region_low');
    const level =
      (config?.parameters as { regionLevel?: RegionLevel } | undefined)?.regionLevel ?? 'city';
    const own = regionCode ? regionAt(regionCode, level) : null;
    const byRegion = new Map<string, Decimal[]>();
    for (const p of peers) {
      const at = regionAt(p.regionCode, level);
      byRegion.set(at, [...(byRegion.get(at) ?? []), p.price]);
    }
    const candidates: Array<{ region: string; price: Decimal }> = [...byRegion.entries()].map(
      ([region, prices]) => ({ region, price: median(prices) }),
    );
    for (const r of rows) {
      if (r.otherRegionPrice) {
        candidates.push({ region: regionAt(r.regionCode, level), price: r.otherRegionPrice });
      }
    }
    const lowest = candidates
      .filter((c) => c.region !== own)
      .reduce<{ region: string; price: Decimal } | null>(
        (a, b) => (!a || b.price.lt(a.price) ? b : a),
        null,
      );
    return lowest ? ref(`region:${lowest.region}`, lowest.price, lowest.region) : null;
  }

  /** A product not observed in the period: the generic key of its latest observation. */
  private async genericOf(productId: string): Promise<string | null> {
    const rows = await this.dataSource.query<Array<{ generic_key: string }>>(
      'SELECT generic_key FROM monitoring_observations WHERE product_id = ? ORDER BY observed_on DESC, id DESC LIMIT 1',
      [productId],
    );
    return rows[0]?.generic_key ?? null;
  }
}

function ref(source: string, price: Decimal, regionCode: string | null): PriceReferenceView {
  return { ref: source, unitPrice: roundTo(price, 6), regionCode };
}

function statsView(
  basis: string,
  values: Decimal[],
  observationCount: number,
  quantity: Decimal | null,
): PeerStatisticsView | null {
  if (values.length === 0) return null;
  const s = peerStatistics(values);
  return {
    basis,
    count: s.count,
    observationCount,
    median: roundTo(s.median, 6),
    mad: roundTo(s.mad, 6),
    p10: roundTo(s.p10, 6),
    p25: roundTo(s.p25, 6),
    p75: roundTo(s.p75, 6),
    p90: roundTo(s.p90, 6),
    min: roundTo(s.min, 6),
    max: roundTo(s.max, 6),
    quantity: quantity ? roundTo(quantity, 3) : null,
  };
}
