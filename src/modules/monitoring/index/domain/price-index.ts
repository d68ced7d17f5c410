import { Decimal, roundTo } from '../../../../database/decimal';
import { monitoringError } from '../../monitoring.errors';

/**
 * §M5 the price index and the VBP savings series, as pure functions over per-product monthly
 * aggregates (the SQL does the per-row work: Σ quantity and Σ price × quantity per product and
 * month; everything below is arithmetic on those sums).
 *
 * Prices are unit comparable prices (an observation's comparable price when it has one, else
 * its unit price); a product's price in a month is the quantity-weighted average of its
 * observations, p = Σ(p·q) / Σq, and its quantity is Σq.
 *
 * One month-on-month link from month t−1 to t, over the products bought in BOTH months (a
 * product missing from either month is left out of that link only):
 *   Laspeyres  L = Σ p_t·q_{t−1} / Σ p_{t−1}·q_{t−1}   (last month's basket)
 *   Paasche    P = Σ p_t·q_t     / Σ p_{t−1}·q_t       (this month's basket)
 *   Fisher     F = √(L · P)
 * The chained index is 100 in the base month and multiplies the links forwards
 * (I_t = I_{t−1} · link_t) and divides them backwards (I_{t−1} = I_t / link_t). A month whose
 * link has no product in common with the month before cannot be linked: the chain breaks there
 * and every month beyond the break, seen from the base, is null.
 */

export const INDEX_FORMULAS = ['laspeyres', 'paasche', 'fisher'] as const;
export type IndexFormula = (typeof INDEX_FORMULAS)[number];

/** Σ over one product's purchase observations in one month. */
export interface ProductMonth {
  productId: string;
  period: string;
  /** Σ quantity (smallest units). */
  quantity: Decimal;
  /** Σ unit comparable price × quantity. */
  value: Decimal;
}

export interface IndexLink {
  laspeyres: Decimal;
  paasche: Decimal;
  fisher: Decimal;
  /** Products bought in both months. */
  products: number;
}

export interface IndexPoint {
  period: string;
  laspeyres: Decimal | null;
  paasche: Decimal | null;
  fisher: Decimal | null;
  /** The link from the previous month to this one; null for the first month or a break. */
  link: IndexLink | null;
  /** Products with purchases this month. */
  products: number;
}

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isPeriod(value: unknown): value is string {
  return typeof value === 'string' && PERIOD.test(value);
}

/** The month after (or `n` months after; negative goes back) `YYYY-MM`. */
export function addMonths(period: string, n: number): string {
  const [y, m] = period.split('-').map(Number);
  const total = y * 12 + (m - 1) + n;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}

/** Every month from `from` to `to`, both included. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let p = from; p <= to; p = addMonths(p, 1)) out.push(p);
  return out;
}

/** The most months an index or savings request may span (ten years). */
export const MAX_MONTHS = 120;

/** Checks `from ≤ base ≤ to` (base optional) and the span; 400 naming the field otherwise. */
export function checkRange(from: string, to: string, base?: string): void {
  const fail = (field: string, message: string) =>
    monitoringError('INDEX_QUERY_INVALID', `${field}: ${message}`, { field });
  if (!isPeriod(from)) throw fail('from', 'must be a month YYYY-MM');
  if (!isPeriod(to)) throw fail('to', 'must be a month YYYY-MM');
  if (from > to) throw fail('to', `must not be before from (${from})`);
  if (monthsBetween(from, to).length > MAX_MONTHS)
    throw fail('to', `the range may span at most ${MAX_MONTHS} months`);
  if (base !== undefined) {
    if (!isPeriod(base)) throw fail('base', 'must be a month YYYY-MM');
    if (base < from || base > to) throw fail('base', `must lie between ${from} and ${to}`);
  }
}

interface PQ {
  p: Decimal;
  q: Decimal;
}

function byPeriod(rows: readonly ProductMonth[]): Map<string, Map<string, PQ>> {
  const out = new Map<string, Map<string, PQ>>();
  for (const r of rows) {
    if (r.quantity.lte(0)) continue; // no weight: nothing to price
    let month = out.get(r.period);
    if (!month) out.set(r.period, (month = new Map<string, PQ>()));
    const seen = month.get(r.productId);
    // Callers aggregate per product and month already; merging keeps the function total.
    const q = r.quantity.plus(seen ? seen.q : 0);
    const value = r.value.plus(seen ? seen.p.times(seen.q) : 0);
    month.set(r.productId, { p: value.div(q), q });
  }
  return out;
}

/** The link between two months' baskets, or null when they share no product. */
export function indexLink(
  previous: ReadonlyMap<string, PQ>,
  current: ReadonlyMap<string, PQ>,
): IndexLink | null {
  let p1q0 = new Decimal(0);
  let p0q0 = new Decimal(0);
  let p1q1 = new Decimal(0);
  let p0q1 = new Decimal(0);
  let products = 0;
  for (const [id, now] of current) {
    const before = previous.get(id);
    if (!before) continue;
    products += 1;
    p1q0 = p1q0.plus(now.p.times(before.q));
    p0q0 = p0q0.plus(before.p.times(before.q));
    p1q1 = p1q1.plus(now.p.times(now.q));
    p0q1 = p0q1.plus(before.p.times(now.q));
  }
  if (products === 0 || p0q0.isZero() || p0q1.isZero()) return null;
  const laspeyres = p1q0.div(p0q0);
  const paasche = p1q1.div(p0q1);
  return { laspeyres, paasche, fisher: laspeyres.times(paasche).sqrt(), products };
}

/** The chained Laspeyres, Paasche and Fisher indices from `from` to `to`, `base` = 100. */
export function chainedIndex(
  rows: readonly ProductMonth[],
  range: { from: string; to: string; base: string },
): IndexPoint[] {
  checkRange(range.from, range.to, range.base);
  const months = monthsBetween(range.from, range.to);
  const baskets = byPeriod(rows);
  const empty = new Map<string, PQ>();
  const links = months.map((m, i) =>
    i === 0 ? null : indexLink(baskets.get(months[i - 1]) ?? empty, baskets.get(m) ?? empty),
  );
  const baseAt = months.indexOf(range.base);
  const values: Record<IndexFormula, (Decimal | null)[]> = {
    laspeyres: months.map(() => null),
    paasche: months.map(() => null),
    fisher: months.map(() => null),
  };
  for (const f of INDEX_FORMULAS) {
    const series = values[f];
    series[baseAt] = new Decimal(100);
    for (let i = baseAt + 1; i < months.length; i++) {
      const link = links[i];
      const prev = series[i - 1];
      series[i] = link && prev ? prev.times(link[f]) : null;
    }
    for (let i = baseAt - 1; i >= 0; i--) {
      const link = links[i + 1];
      const next = series[i + 1];
      series[i] = link && next ? next.div(link[f]) : null;
    }
  }
  return months.map((period, i) => ({
    period,
    laspeyres: values.laspeyres[i],
    paasche: values.paasche[i],
    fisher: values.fisher[i],
    link: links[i],
    products: baskets.get(period)?.size ?? 0,
  }));
}

/** Index values as they leave the service: 4 decimals, rounded once. */
export function indexValue(value: Decimal | null): string | null {
  return value === null ? null : roundTo(value, 4);
}

/** A link ratio as it leaves the service: 6 decimals, rounded once. */
export function linkValue(value: Decimal): string {
  return roundTo(value, 6);
}

/* ───────────────────────────── VBP savings ───────────────────────────── */

/** How many months before the agreements start make up the pre-VBP baseline. */
export const PRE_VBP_MONTHS = 12;

/** One awarded lot, as procurement describes it. */
export interface VbpLot {
  lotId: string;
  lotCode: string;
  roundCode: string;
  /** Month of the lot's earliest agreement start. */
  startPeriod: string;
  /** Products that won the lot (the products of its agreements). */
  winningProductIds: readonly string[];
  /** Every product admitted to the lot (its specs): the generic as bought before VBP. */
  lotProductIds: readonly string[];
  /** Region codes the lot's award covers (its supply regions): only purchases there are its. */
  regionCodes: readonly string[];
}

/** Σ over one product's purchase observations in one region and month. */
export interface ProductRegionMonth extends ProductMonth {
  regionCode: string;
}

export interface LotBaseline {
  lotId: string;
  lotCode: string;
  roundCode: string;
  startPeriod: string;
  /** First and last month of the baseline window. */
  baselineFrom: string;
  baselineTo: string;
  baselineQuantity: Decimal;
  /** Quantity-weighted average unit comparable price before VBP; null without purchases. */
  preVbpPrice: Decimal | null;
}

export interface SavingsPoint {
  period: string;
  /** Σ quantity of the winning products bought this month (lots with a baseline). */
  vbpQuantity: Decimal;
  /** Σ q_t × the lot's pre-VBP price: what those quantities would have cost before VBP. */
  atPreVbpPrices: Decimal;
  /** Σ p_t × q_t: what they cost. */
  actualCost: Decimal;
  /** atPreVbpPrices − actualCost. */
  savings: Decimal;
  /** Lots that contributed (in force this month and with a baseline). */
  lots: number;
}

/** The window of months whose purchases make a lot's pre-VBP baseline. */
export function baselineWindow(startPeriod: string): { from: string; to: string } {
  return { from: addMonths(startPeriod, -PRE_VBP_MONTHS), to: addMonths(startPeriod, -1) };
}

/** Numeric ids compare as numbers (by length, then digits); others as text. */
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * §M5 VBP savings. A lot covers the purchases made in its supply regions.
 * - Pre-VBP price of a lot = Σ(p·q) / Σq over purchases of ALL the lot's admitted products in
 *   its regions in the PRE_VBP_MONTHS months before the month its first agreement starts (the
 *   whole generic as it was bought there, winners and non-winners alike).
 * - Each purchase of a winning product counts once, for ONE lot: among the lots the product won
 *   whose regions include the purchase's region and which had started by its month, the one
 *   that started last (a renewal replaces the round before it; ties go to the later lot id).
 *   A product that won several lots (in several rounds or regions) is never counted twice.
 * - Each month: savings = Σ q_t × that lot's pre-VBP price − Σ p_t × q_t.
 * A lot without purchases in its baseline window has no pre-VBP price (its baseline is reported
 * with preVbpPrice null) and the purchases it covers are left out. Months are summed over lots.
 */
export function vbpSavings(
  lots: readonly VbpLot[],
  rows: readonly ProductRegionMonth[],
  range: { from: string; to: string },
): { baselines: LotBaseline[]; series: SavingsPoint[] } {
  checkRange(range.from, range.to);
  const byProduct = new Map<string, ProductRegionMonth[]>();
  for (const r of rows) {
    if (r.quantity.lte(0)) continue;
    const list = byProduct.get(r.productId) ?? [];
    list.push(r);
    byProduct.set(r.productId, list);
  }

  const baselines: LotBaseline[] = [];
  const preVbpPrices = new Map<string, Decimal>();
  for (const lot of lots) {
    const window = baselineWindow(lot.startPeriod);
    const regions = new Set(lot.regionCodes);
    let q = new Decimal(0);
    let v = new Decimal(0);
    for (const id of new Set(lot.lotProductIds))
      for (const r of byProduct.get(id) ?? [])
        if (regions.has(r.regionCode) && r.period >= window.from && r.period <= window.to) {
          q = q.plus(r.quantity);
          v = v.plus(r.value);
        }
    const preVbpPrice = q.isZero() ? null : v.div(q);
    baselines.push({
      lotId: lot.lotId,
      lotCode: lot.lotCode,
      roundCode: lot.roundCode,
      startPeriod: lot.startPeriod,
      baselineFrom: window.from,
      baselineTo: window.to,
      baselineQuantity: q,
      preVbpPrice,
    });
    if (preVbpPrice) preVbpPrices.set(lot.lotId, preVbpPrice);
  }

  // The lots each product won, the latest start first: the first one covering a purchase is it.
  const wonBy = new Map<string, Array<{ lot: VbpLot; regions: Set<string> }>>();
  for (const lot of lots)
    for (const id of new Set(lot.winningProductIds)) {
      const list = wonBy.get(id) ?? [];
      list.push({ lot, regions: new Set(lot.regionCodes) });
      wonBy.set(id, list);
    }
  for (const list of wonBy.values())
    list.sort(
      (a, b) =>
        b.lot.startPeriod.localeCompare(a.lot.startPeriod) || compareIds(b.lot.lotId, a.lot.lotId),
    );

  const months = monthsBetween(range.from, range.to);
  const acc = new Map(
    months.map((m) => [
      m,
      {
        vbpQuantity: new Decimal(0),
        atPreVbpPrices: new Decimal(0),
        actualCost: new Decimal(0),
        lots: new Set<string>(),
      },
    ]),
  );
  for (const [productId, list] of byProduct) {
    const won = wonBy.get(productId);
    if (!won) continue;
    for (const r of list) {
      const month = acc.get(r.period);
      if (!month) continue;
      const covering = won.find(
        (w) => w.lot.startPeriod <= r.period && w.regions.has(r.regionCode),
      );
      const preVbpPrice = covering && preVbpPrices.get(covering.lot.lotId);
      if (!covering || !preVbpPrice) continue;
      month.vbpQuantity = month.vbpQuantity.plus(r.quantity);
      month.atPreVbpPrices = month.atPreVbpPrices.plus(r.quantity.times(preVbpPrice));
      month.actualCost = month.actualCost.plus(r.value);
      month.lots.add(covering.lot.lotId);
    }
  }
  const series = months.map((period) => {
    const m = acc.get(period)!;
    return {
      period,
      vbpQuantity: m.vbpQuantity,
      atPreVbpPrices: m.atPreVbpPrices,
      actualCost: m.actualCost,
      savings: m.atPreVbpPrices.minus(m.actualCost),
      lots: m.lots.size,
    };
  });
  return { baselines, series };
}
