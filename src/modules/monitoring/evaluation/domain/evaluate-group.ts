import { Decimal } from '../../../../database/decimal';
import { median, peerStatistics, PeerStatistics } from '../../references/domain/peer-stats';
import { abnormallyLow } from '../../rules/domain/abnormally-low';
import { abruptChange, MonthlyMedian } from '../../rules/domain/abrupt-change';
import { aboveContract, ContractPrice, PurchasedItem } from '../../rules/domain/above-contract';
import { crossRegionLow, ExternalPrice, HospitalPrice } from '../../rules/domain/cross-region-low';
import { Listing, listingMultiple } from '../../rules/domain/listing-multiple';
import { nonSupplyRegion, WinningProduct } from '../../rules/domain/non-supply-region';
import { peerOutlier } from '../../rules/domain/peer-outlier';
import { priceSpread } from '../../rules/domain/price-spread';
import { MonthlyQuantity, quantitySpike } from '../../rules/domain/quantity-spike';
import { inScope, RuleCode, RuleConfig, RuleParameters } from '../../rules/domain/rule-catalog';
import { genericSubject, RuleHit } from '../../rules/domain/rule-hit';
import { applySeverityOverride, severityRank } from '../../rules/domain/severity';

/**
 * One (product, region, hospital) group of a period's observations, as the scan's single SQL
 * aggregate returns it. "Transaction" rows are `purchase`, `delivery` and `sentinel`: prices
 * actually paid. Rows without a hospital (listings, bids, external references) come as their own
 * groups with hospitalId null.
 */
export interface ObservationAggregate {
  productId: string;
  genericKey: string;
  category: string | null;
  regionCode: string;
  hospitalId: string | null;
  supplierId: string | null;
  transactionCount: number;
  /** Sum of transaction unit prices (mean = sum / count). */
  transactionUnitSum: Decimal | null;
  /** Sum of transaction comparable prices, the unit price standing in where none. */
  transactionComparableSum: Decimal | null;
  /** Highest `purchase` / `delivery` unit price: what rule 1 holds against the contract. */
  maxPaidUnitPrice: Decimal | null;
  paidCount: number;
  /** Sum of `purchase` quantities (hospital-reported purchases, §E3). */
  purchasedQuantity: Decimal | null;
  /** Lowest `external` other-region and national monitoring prices. */
  otherRegionPrice: Decimal | null;
  nationalMonitoringPrice: Decimal | null;
}

/** Earlier months of a product, from the stored peer statistics. */
export interface ProductHistory {
  medians: MonthlyMedian[];
  quantities: MonthlyQuantity[];
}

/** Everything the rules need about one generic/spec in one period. */
export interface GroupInput {
  period: string;
  genericKey: string;
  aggregates: readonly ObservationAggregate[];
  /** Keyed by product id. */
  history: ReadonlyMap<string, ProductHistory>;
  /** Keyed by `productId|hospitalId`. */
  contracts: ReadonlyMap<string, ContractPrice>;
  /** Listings of the group's products in force on the period's last day (not suspended). */
  listings: readonly Listing[];
  winners: readonly WinningProduct[];
  /** Product id → marketing-authorisation holder, the supplier of product-level alerts. */
  manufacturers: ReadonlyMap<string, string>;
}

/** A §M2 statistics row to store. */
export interface StatsRow {
  period: string;
  subjectKey: string;
  productId: string | null;
  genericKey: string;
  category: string | null;
  basis: 'unit' | 'comparable';
  stats: PeerStatistics;
  observationCount: number;
  comparableMedian: Decimal | null;
  quantity: Decimal | null;
}

export interface GroupResult {
  hits: RuleHit[];
  stats: StatsRow[];
}

interface ProductView {
  productId: string;
  category: string | null;
  hospitals: HospitalPrice[];
  comparable: HospitalPrice[];
  external: ExternalPrice[];
  nationalMonitoring: Decimal | null;
  quantity: Decimal | null;
  observationCount: number;
}

function productViews(aggregates: readonly ObservationAggregate[]): ProductView[] {
  const byProduct = new Map<string, ProductView>();
  for (const a of aggregates) {
    let v = byProduct.get(a.productId);
    if (!v) {
      v = {
        productId: a.productId,
        category: a.category,
        hospitals: [],
        comparable: [],
        external: [],
        nationalMonitoring: null,
        quantity: null,
        observationCount: 0,
      };
      byProduct.set(a.productId, v);
    }
    if (a.hospitalId !== null && a.transactionCount > 0 && a.transactionUnitSum) {
      v.hospitals.push({
        hospitalId: a.hospitalId,
        regionCode: a.regionCode,
        price: a.transactionUnitSum.div(a.transactionCount),
        supplierId: a.supplierId,
      });
      v.comparable.push({
        hospitalId: a.hospitalId,
        regionCode: a.regionCode,
        price: (a.transactionComparableSum ?? a.transactionUnitSum).div(a.transactionCount),
        supplierId: a.supplierId,
      });
      v.observationCount += a.transactionCount;
    }
    if (a.purchasedQuantity) v.quantity = (v.quantity ?? new Decimal(0)).plus(a.purchasedQuantity);
    if (a.otherRegionPrice)
      v.external.push({ regionCode: a.regionCode, price: a.otherRegionPrice });
    if (
      a.nationalMonitoringPrice &&
      (!v.nationalMonitoring || a.nationalMonitoringPrice.lt(v.nationalMonitoring))
    ) {
      v.nationalMonitoring = a.nationalMonitoringPrice;
    }
  }
  const byHospital = (a: HospitalPrice, b: HospitalPrice) =>
    Number(a.hospitalId) - Number(b.hospitalId);
  const views = [...byProduct.values()].sort((a, b) => Number(a.productId) - Number(b.productId));
  for (const v of views) {
    v.hospitals.sort(byHospital);
    v.comparable.sort(byHospital);
    v.external.sort((a, b) => a.regionCode.localeCompare(b.regionCode));
  }
  return views;
}

type Enabled = { [C in RuleCode]?: RuleConfig<C> };

function params<C extends RuleCode>(rules: Enabled, code: C): RuleParameters[C] | null {
  const rule = rules[code];
  return rule && rule.enabled ? rule.parameters : null;
}

/**
 * Evaluates every enabled rule on one generic/spec in one period and computes its §M2 peer
 * statistics. Pure: the same input gives the same hits and statistics in the same order,
 * which is what lets an incremental run (the keys a batch touched) and a full scan (every key
 * of a period) agree alert for alert.
 */
export function evaluateGroup(input: GroupInput, rules: readonly RuleConfig[]): GroupResult {
  const { period, genericKey } = input;
  const enabled: Enabled = {};
  for (const r of rules) (enabled as Record<string, RuleConfig>)[r.code] = r;
  const views = productViews(input.aggregates);
  const category = views.find((v) => v.category)?.category ?? null;
  const group = { genericKey, category };
  const hits: RuleHit[] = [];
  const stats: StatsRow[] = [];

  const genericComparable = views.flatMap((v) => v.comparable);
  const genericStats = genericComparable.length
    ? peerStatistics(genericComparable.map((h) => h.price))
    : null;
  if (genericStats) {
    stats.push({
      period,
      subjectKey: genericSubject(genericKey),
      productId: null,
      genericKey,
      category,
      basis: 'comparable',
      stats: genericStats,
      observationCount: views.reduce((n, v) => n + v.observationCount, 0),
      comparableMedian: genericStats.median,
      quantity: views.reduce<Decimal | null>(
        (q, v) => (v.quantity ? (q ?? new Decimal(0)).plus(v.quantity) : q),
        null,
      ),
    });
  }

  for (const v of views) {
    const product = {
      productId: v.productId,
      genericKey,
      category: v.category,
      supplierId: input.manufacturers.get(v.productId) ?? null,
    };
    const history = input.history.get(v.productId) ?? { medians: [], quantities: [] };
    let unitStats: PeerStatistics | null = null;
    let comparableMedian: Decimal | null = null;
    if (v.hospitals.length) {
      unitStats = peerStatistics(v.hospitals.map((h) => h.price));
      comparableMedian = median(v.comparable.map((h) => h.price));
      stats.push({
        period,
        subjectKey: `product:${v.productId}`,
        productId: v.productId,
        genericKey,
        category: v.category,
        basis: 'unit',
        stats: unitStats,
        observationCount: v.observationCount,
        comparableMedian,
        quantity: v.quantity,
      });
    }

    const cross = params(enabled, 'cross_region_low');
    if (cross) hits.push(...crossRegionLow(period, product, v.hospitals, v.external, cross));
    const outlier = params(enabled, 'peer_outlier');
    if (outlier) hits.push(...peerOutlier(period, product, v.hospitals, outlier));
    const abrupt = params(enabled, 'abrupt_change');
    if (abrupt && unitStats) {
      const series = [...history.medians, { period, median: unitStats.median }];
      hits.push(...abruptChange(period, product, series, abrupt));
    }
    const low = params(enabled, 'abnormally_low');
    if (low && unitStats && comparableMedian) {
      hits.push(
        ...abnormallyLow(
          period,
          {
            ...product,
            medianUnitPrice: unitStats.median,
            medianComparablePrice: comparableMedian,
            nationalMonitoringPrice: v.nationalMonitoring,
            genericMedianComparable: genericStats?.median ?? null,
          },
          low,
        ),
      );
    }
    const spike = params(enabled, 'quantity_spike');
    if (spike && v.quantity) {
      const series = [...history.quantities, { period, quantity: v.quantity }];
      hits.push(...quantitySpike(period, product, series, spike));
    }
  }

  const contract = params(enabled, 'above_contract');
  if (contract) {
    const items: PurchasedItem[] = [];
    for (const a of input.aggregates) {
      if (a.hospitalId === null || a.paidCount === 0 || !a.maxPaidUnitPrice) continue;
      items.push({
        productId: a.productId,
        hospitalId: a.hospitalId,
        regionCode: a.regionCode,
        genericKey,
        category: a.category,
        supplierId: a.supplierId ?? input.manufacturers.get(a.productId) ?? null,
        maxUnitPrice: a.maxPaidUnitPrice,
        observationCount: a.paidCount,
        contract: input.contracts.get(`${a.productId}|${a.hospitalId}`) ?? null,
      });
    }
    hits.push(...aboveContract(period, items, contract));
  }
  const listingWithSupplier = input.listings.map((l) => ({
    ...l,
    supplierId: l.supplierId ?? input.manufacturers.get(l.productId) ?? null,
  }));
  const multiple = params(enabled, 'listing_multiple');
  if (multiple) hits.push(...listingMultiple(period, group, listingWithSupplier, multiple));
  const nonSupply = params(enabled, 'non_supply_region');
  if (nonSupply) {
    hits.push(...nonSupplyRegion(period, group, input.winners, listingWithSupplier, nonSupply));
  }
  const spread = params(enabled, 'price_spread');
  if (spread) hits.push(...priceSpread(period, group, genericComparable, spread));

  return { hits: finalise(hits, enabled), stats };
}

/**
 * Applies each rule's scope and severity overrides, and keeps one hit per rule × subject ×
 * period (the most severe; the first on a tie): the alert key allows no more.
 */
function finalise(hits: readonly RuleHit[], rules: Enabled): RuleHit[] {
  const out = new Map<string, RuleHit>();
  for (const h of hits) {
    const rule = rules[h.ruleCode];
    if (!rule || !inScope(rule.scope, h)) continue;
    const final = { ...h, severity: applySeverityOverride(h.severity, rule.severityOverrides) };
    const key = `${h.ruleCode}\u0000${h.subjectKey}\u0000${h.period}`;
    const seen = out.get(key);
    if (!seen || severityRank(final.severity) > severityRank(seen.severity)) out.set(key, final);
  }
  return [...out.values()];
}
