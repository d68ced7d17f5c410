import { Decimal, roundTo, SCALE } from '../../../../database/decimal';
import { DosageFormClass } from '../../../catalog/products/domain/dosage-forms';
import { procurementError } from '../../procurement.errors';
import { agreedVolumeRatio, termYears } from './agreed-volume';
import { RuleSetParameters } from './rule-set';
import { comparablePrice, PRICE_INVALID_REASONS, Spec, StrengthFactorCache } from './unit-price';

/**
 * §P6 selection engine: a pure function of (lot, rule set, bids, revival answers). It has no
 * clock, no randomness and no I/O, so the opening, the replay of a stored result and the
 * simulation API all get the same answer from the same input.
 */

/** Bumped whenever a rule change could alter a stored result, so a replay knows what ran it. */
export const ENGINE_VERSION = '1.0.0';

export const WIN_CONDITIONS = ['ratio_to_anchor', 'drop_from_max', 'low_price_exemption'] as const;
export type WinCondition = (typeof WIN_CONDITIONS)[number];

export const DECISION_REASONS = [
  'winner_cap',
  'highest_price_excluded',
  'not_qualifying',
  'duplicate_supplier',
  'revival_accepted',
  'revival_declined',
] as const;
export type DecisionReason = (typeof DECISION_REASONS)[number];

export const INVALID_REASONS = [...PRICE_INVALID_REASONS, 'above_max_valid_price'] as const;
export type InvalidReason = (typeof INVALID_REASONS)[number];

export type Reason = WinCondition | DecisionReason | InvalidReason;
export const REASONS: readonly Reason[] = [
  ...WIN_CONDITIONS,
  ...DECISION_REASONS,
  ...INVALID_REASONS,
];

export const OUTCOMES = ['won', 'revived', 'lost', 'invalid'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface LotInput {
  /** Maximum valid price per representative unit; a bid converted above it is invalid. */
  maxValidUnitPrice: Decimal.Value;
  representative: Spec;
  dosageFormClass: DosageFormClass;
}

export interface BidInput {
  id: string;
  supplierId: string;
  packPrice: Decimal.Value;
  packSize: number;
  strength: Decimal.Value;
  strengthUnit: string;
  dosageForm: string;
  /** Final submission time: the first tie-breaker. */
  submittedAt: Date;
  /** Annual supply capacity: the second tie-breaker (larger first). */
  capacity: Decimal.Value;
  /** The bidder's revival answer; absent means it did not accept. */
  acceptsRevival?: boolean;
}

export interface SelectionOptions {
  /** Revival answers by bid id, collected in the revival window; they win over `acceptsRevival`. */
  revivalAnswers?: Readonly<Record<string, boolean>>;
}

export interface BidResult {
  id: string;
  supplierId: string;
  unitPrice: string | null;
  unitComparablePrice: string | null;
  valid: boolean;
  /** 1 = cheapest valid bid; null for invalid bids. */
  rank: number | null;
  outcome: Outcome;
  /** Own price for `won`, the revival price for `revived`, otherwise null. */
  awardedUnitComparablePrice: string | null;
  reasons: Reason[];
}

export interface SelectionResult {
  engineVersion: string;
  /** The reference price of the ratio test; null without valid bids. */
  anchorPrice: string | null;
  /** Distinct suppliers with at least one valid bid. */
  validBidders: number;
  /** The price revived bids win at; null when revival is off or nobody won the first pass. */
  revivalPrice: string | null;
  /** In input order. */
  bids: BidResult[];
  /** Ids of won and revived bids, in rank order. */
  winners: string[];
  agreedVolumeRatio: string;
  termYears: number;
}

interface Working {
  input: BidInput;
  index: number;
  result: BidResult;
  price: Decimal | null;
}

/**
 * §P6.5 ties: equal unit comparable price ranks the earlier final submission first, then the
 * larger supply capacity. Bid id and input position settle anything left so the order never
 * depends on the sort algorithm.
 */
function byRank(a: Working, b: Working): number {
  const price = a.price!.comparedTo(b.price!);
  if (price !== 0) return price;
  const time = a.input.submittedAt.getTime() - b.input.submittedAt.getTime();
  if (time !== 0) return time;
  const capacity = new Decimal(b.input.capacity).comparedTo(a.input.capacity);
  if (capacity !== 0) return capacity;
  if (a.input.id !== b.input.id) return a.input.id < b.input.id ? -1 : 1;
  return a.index - b.index;
}

function assertUniqueIds(bids: readonly BidInput[]): void {
  const seen = new Map<string, number>();
  bids.forEach((bid, i) => {
    const first = seen.get(bid.id);
    if (first !== undefined)
      throw procurementError(
        'DUPLICATE_BID_ID',
        `bids[${i}].id: bid id "${bid.id}" is already used by bids[${first}].id`,
        { field: `bids[${i}].id`, id: bid.id },
      );
    seen.set(bid.id, i);
  });
}

/** §P6.1 anchor: the lowest price, or max(lowest, share × mean of one price per supplier). */
function anchorOf(leads: readonly Working[], params: RuleSetParameters): Decimal | null {
  if (leads.length === 0) return null;
  const lowest = leads[0].price!;
  if (params.anchor === 'lowest') return lowest;
  const mean = Decimal.sum(...leads.map((w) => w.price!)).div(leads.length);
  return new Decimal(
    roundTo(Decimal.max(lowest, mean.times(params.anchorMeanShare)), SCALE.unitPrice),
  );
}

/** §P6.2 win conditions that hold for one price, in §P6 order. */
function conditionsHeld(
  price: Decimal,
  anchor: Decimal,
  lot: LotInput,
  params: RuleSetParameters,
): WinCondition[] {
  const held: WinCondition[] = [];
  if (params.ratioToAnchor.enabled && price.lte(anchor.times(params.ratioToAnchor.value)))
    held.push('ratio_to_anchor');
  // 1 − price ÷ max ≥ v, multiplied out so no division rounds at the boundary.
  if (
    params.dropFromMax.enabled &&
    price.lte(
      new Decimal(lot.maxValidUnitPrice).times(new Decimal(1).minus(params.dropFromMax.value)),
    )
  )
    held.push('drop_from_max');
  const threshold = params.lowPriceExemption.thresholds[lot.dosageFormClass] ?? null;
  if (params.lowPriceExemption.enabled && threshold !== null && price.lte(threshold))
    held.push('low_price_exemption');
  return held;
}

export function selectWinners(
  lot: LotInput,
  params: RuleSetParameters,
  bids: readonly BidInput[],
  options: SelectionOptions = {},
): SelectionResult {
  assertUniqueIds(bids);
  const maxValid = new Decimal(lot.maxValidUnitPrice);

  const strengthFactors: StrengthFactorCache = new Map();
  const working: Working[] = bids.map((input, index) => {
    const priced = comparablePrice(input, lot.representative, params, strengthFactors);
    const invalid: InvalidReason[] = [...priced.invalid];
    const price =
      priced.unitComparablePrice === null ? null : new Decimal(priced.unitComparablePrice);
    if (invalid.length === 0 && price && price.gt(maxValid)) invalid.push('above_max_valid_price');
    const valid = invalid.length === 0;
    return {
      input,
      index,
      price: valid ? price : null,
      result: {
        id: input.id,
        supplierId: input.supplierId,
        unitPrice: priced.unitPrice,
        unitComparablePrice: priced.unitComparablePrice,
        valid,
        rank: null,
        outcome: valid ? 'lost' : 'invalid',
        awardedUnitComparablePrice: null,
        reasons: invalid,
      },
    };
  });

  const ranked = working.filter((w) => w.result.valid).sort(byRank);
  ranked.forEach((w, i) => (w.result.rank = i + 1));

  // §P6.6 one win per supplier: its best-ranked bid stands for it; the others only lose.
  const leads: Working[] = [];
  const duplicates: Working[] = [];
  const suppliers = new Set<string>();
  for (const w of ranked) {
    if (suppliers.has(w.input.supplierId)) duplicates.push(w);
    else {
      suppliers.add(w.input.supplierId);
      leads.push(w);
    }
  }
  const validBidders = leads.length;

  const anchor = anchorOf(leads, params);
  const held = new Map<Working, WinCondition[]>(
    ranked.map((w) => [w, conditionsHeld(w.price!, anchor!, lot, params)]),
  );

  // §P6.3 every condition is "price ≤ something", so the qualifiers are a prefix of the ranking.
  const highestExcluded = params.excludeHighest && validBidders >= 2;
  const limit = Math.min(
    params.winnerCap.enabled ? params.winnerCap.value : Infinity,
    highestExcluded ? validBidders - 1 : Infinity,
  );
  const won: Working[] = [];
  const firstPassLosers: Working[] = [];
  let qualifierPosition = 0;
  for (const w of leads) {
    const conditions = held.get(w)!;
    w.result.reasons = [...conditions];
    if (conditions.length === 0) {
      w.result.reasons.push('not_qualifying');
      firstPassLosers.push(w);
      continue;
    }
    qualifierPosition += 1;
    if (qualifierPosition <= limit) {
      w.result.outcome = 'won';
      w.result.awardedUnitComparablePrice = roundTo(w.price!, SCALE.unitPrice);
      won.push(w);
      continue;
    }
    // The validBidders − 1 limit only ever cuts the last valid bidder; anything cut before it
    // was cut by the cap.
    w.result.reasons.push(
      highestExcluded && qualifierPosition > validBidders - 1
        ? 'highest_price_excluded'
        : 'winner_cap',
    );
    firstPassLosers.push(w);
  }
  for (const w of duplicates) w.result.reasons = [...held.get(w)!, 'duplicate_supplier'];

  // §P6.4 revival (national batch 10): losers may accept the highest winning price, or
  // revivalSingleWinnerRatio × the only winner's price; the cap does not limit them.
  let revivalPrice: string | null = null;
  if (params.revival && won.length > 0) {
    revivalPrice =
      won.length === 1
        ? roundTo(won[0].price!.times(params.revivalSingleWinnerRatio), SCALE.unitPrice)
        : roundTo(Decimal.max(...won.map((w) => w.price!)), SCALE.unitPrice);
    for (const w of firstPassLosers) {
      const answers = options.revivalAnswers;
      const answer =
        answers && Object.hasOwn(answers, w.input.id)
          ? answers[w.input.id]
          : (w.input.acceptsRevival ?? false);
      if (answer) {
        w.result.outcome = 'revived';
        // Reviving means agreeing to come down to the revival price; a bid already below it
        // (possible only under the single-winner ratio) keeps its own, lower price.
        w.result.awardedUnitComparablePrice = roundTo(
          Decimal.min(revivalPrice, w.price!),
          SCALE.unitPrice,
        );
        w.result.reasons.push('revival_accepted');
      } else {
        w.result.reasons.push('revival_declined');
      }
    }
  }

  const winners = ranked.filter(
    (w) => w.result.outcome === 'won' || w.result.outcome === 'revived',
  );
  return {
    engineVersion: ENGINE_VERSION,
    anchorPrice: anchor ? roundTo(anchor, SCALE.unitPrice) : null,
    validBidders,
    revivalPrice,
    bids: working.map((w) => w.result),
    winners: winners.map((w) => w.input.id),
    agreedVolumeRatio: agreedVolumeRatio(winners.length, params.agreedVolumeRatios),
    termYears: termYears(winners.length, params.termYears),
  };
}
