import { Decimal, roundTo, SCALE } from '../../../../database/decimal';

/**
 * §P9 allocation of a lot's agreed volume: which winning bid supplies each hospital, which winner
 * is primary and which are backups (备供) in each supply region, and each hospital's agreed
 * quantity. Pure: the award service feeds it the selection's winners and the frozen demand.
 */

export interface AllocationWinner {
  bidId: string;
  supplierId: string;
  productId: string;
  /** 1 = cheapest winner; winners may arrive in any order. */
  rank: number;
  /** 6-digit region codes, in the supplier's order of preference. */
  preferredRegions: string[];
}

export interface AllocationHospital {
  hospitalId: string;
  regionCode: string;
  /** Declared annual quantity in smallest units: a decimal string with at most 3 decimals. */
  demand: string;
  /** The product the hospital asked for by brand, or null. */
  brandProductId: string | null;
}

export interface RegionAssignment {
  regionCode: string;
  /** Null only when there is no winner at all. */
  primaryBidId: string | null;
  /** Every other winner, in rank order. */
  backupBidIds: string[];
}

export interface HospitalAllocation {
  hospitalId: string;
  regionCode: string;
  bidId: string;
  /** The demand as given, as a canonical decimal string ("1234.5"). */
  declared: string;
  /** declared × ratio rounded half up to whole smallest units ("179"). */
  agreedQuantity: string;
  brandSpecified: boolean;
}

export interface AllocationTotal {
  bidId: string;
  /** Sum of the rounded per-hospital figures. */
  agreedQuantity: string;
  hospitals: number;
}

export interface AllocationResult {
  /** Sorted by region code. */
  regions: RegionAssignment[];
  /** Input order; hospitals with zero demand have no row. */
  hospitals: HospitalAllocation[];
  /** One per winner, in rank order, winners without hospitals included. */
  totals: AllocationTotal[];
  /** Sum of every rounded per-hospital figure, so it can differ from ratio × total demand. */
  totalAgreed: string;
}

export interface AllocationInput {
  winners: AllocationWinner[];
  hospitals: AllocationHospital[];
  /** The §P9 agreed-volume ratio for the number of winners, 0 to 1 ("0.5"). */
  ratio: string;
}

// Demand of at most 15 + 3 digits times a ratio of at most 6 decimals has at most 25 significant
// digits, inside Decimal's 30, so the per-hospital half-up rounding is the only rounding.
const DEMAND = new RegExp(`^\\d{1,15}(\\.\\d{1,${SCALE.quantity}})?$`);
const RATIO = /^\d(\.\d{1,6})?$/;

/** Code order, locale-independent: for 6-digit region codes it is numeric order too. */
function byCode(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Inputs come from the award service, not from a request, so a bad one is a programming error
 * (a plain Error, answered as a 500) rather than a DomainError naming a field a client sent.
 */
function assertValid(input: AllocationInput): void {
  const bidIds = new Map<string, number>();
  const ranks = new Map<number, number>();
  input.winners.forEach((w, i) => {
    const sameId = bidIds.get(w.bidId);
    if (sameId !== undefined)
      throw new Error(
        `winners[${i}].bidId: bid id "${w.bidId}" is already used by winners[${sameId}].bidId`,
      );
    bidIds.set(w.bidId, i);
    if (!Number.isInteger(w.rank) || w.rank < 1)
      throw new Error(`winners[${i}].rank: must be a whole number from 1, got ${w.rank}`);
    // Region picks follow rank order, so two winners on one rank would make the result depend
    // on input order; selection ranks are distinct by construction.
    const sameRank = ranks.get(w.rank);
    if (sameRank !== undefined)
      throw new Error(`winners[${i}].rank: rank ${w.rank} is already used by winners[${sameRank}]`);
    ranks.set(w.rank, i);
  });

  const hospitalIds = new Map<string, number>();
  input.hospitals.forEach((h, i) => {
    const same = hospitalIds.get(h.hospitalId);
    if (same !== undefined)
      throw new Error(
        `hospitals[${i}].hospitalId: hospital id "${h.hospitalId}" is already used by hospitals[${same}].hospitalId`,
      );
    hospitalIds.set(h.hospitalId, i);
    if (!DEMAND.test(h.demand))
      throw new Error(
        `hospitals[${i}].demand: must be a non-negative decimal string with at most 15 digits before the point and ${SCALE.quantity} after, got "${h.demand}"`,
      );
  });

  if (!RATIO.test(input.ratio) || new Decimal(input.ratio).gt(1))
    throw new Error(
      `ratio: must be a decimal string from 0 to 1 with at most 6 decimals, got "${input.ratio}"`,
    );
}

/**
 * §P9 region picks: winners choose in rank order, one region per pick, round-robin, each taking
 * its first preferred region still free, else the lowest-coded one left, until every region has a
 * primary. With more winners than regions the later winners never get a pick.
 */
function pickRegions(
  ranked: readonly AllocationWinner[],
  regionCodes: readonly string[],
): Map<string, AllocationWinner> {
  const primary = new Map<string, AllocationWinner>();
  if (ranked.length === 0) return primary;
  const free = new Set(regionCodes);
  for (let pick = 0; free.size > 0; pick += 1) {
    const winner = ranked[pick % ranked.length];
    const preferred = winner.preferredRegions.find((code) => free.has(code));
    // `free` keeps the sorted insertion order of regionCodes, so its first entry is the lowest.
    const region = preferred ?? free.values().next().value!;
    free.delete(region);
    primary.set(region, winner);
  }
  return primary;
}

export function allocate(input: AllocationInput): AllocationResult {
  assertValid(input);
  const ranked = [...input.winners].sort((a, b) => a.rank - b.rank);
  const regionCodes = [...new Set(input.hospitals.map((h) => h.regionCode))].sort(byCode);
  const primary = pickRegions(ranked, regionCodes);

  const regions: RegionAssignment[] = regionCodes.map((regionCode) => {
    const winner = primary.get(regionCode);
    return {
      regionCode,
      primaryBidId: winner?.bidId ?? null,
      backupBidIds: ranked.filter((w) => w !== winner).map((w) => w.bidId),
    };
  });

  // Two winners can offer one product (e.g. two authorised distributors of it); the brand then
  // goes to the better-ranked one, which is the first to claim it here.
  const byProduct = new Map<string, AllocationWinner>();
  for (const w of ranked) if (!byProduct.has(w.productId)) byProduct.set(w.productId, w);

  const sums = new Map<string, { agreed: Decimal; hospitals: number }>(
    ranked.map((w) => [w.bidId, { agreed: new Decimal(0), hospitals: 0 }]),
  );
  const hospitals: HospitalAllocation[] = [];
  for (const h of input.hospitals) {
    const declared = new Decimal(h.demand);
    // No demand, nothing to agree; with no winner at all no region has a supplier either.
    if (declared.isZero() || ranked.length === 0) continue;
    // A brand naming a product that did not win is ordinary demand of the hospital's region.
    const brand = h.brandProductId === null ? undefined : byProduct.get(h.brandProductId);
    const winner = brand ?? primary.get(h.regionCode)!;
    // §P9: the one rounding, per hospital, half up to whole smallest units.
    const agreedQuantity = roundTo(declared.times(input.ratio), 0);
    const sum = sums.get(winner.bidId)!;
    sum.agreed = sum.agreed.plus(agreedQuantity);
    sum.hospitals += 1;
    hospitals.push({
      hospitalId: h.hospitalId,
      regionCode: h.regionCode,
      bidId: winner.bidId,
      declared: declared.toFixed(),
      agreedQuantity,
      brandSpecified: brand !== undefined,
    });
  }

  const totals = ranked.map((w) => {
    const sum = sums.get(w.bidId)!;
    return { bidId: w.bidId, agreedQuantity: sum.agreed.toFixed(0), hospitals: sum.hospitals };
  });
  return {
    regions,
    hospitals,
    totals,
    totalAgreed: Decimal.sum(0, ...totals.map((t) => t.agreedQuantity)).toFixed(0),
  };
}
