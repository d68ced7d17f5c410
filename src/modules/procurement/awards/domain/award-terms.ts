import { Decimal, roundTo, SCALE } from '../../../../database/decimal';
import { BidResult } from '../../selection/domain/select';
import {
  formFactor,
  PriceParameters,
  Spec,
  strengthFactor,
} from '../../selection/domain/unit-price';
import { TraceBid } from '../../results/domain/decision-trace';

const PACK_PRICE_SCALE = 4;

/**
 * §P9 the agreement's dates: it starts on the round's contract start and runs `termYears` whole
 * years, ending the day before the anniversary. Dates are business dates, YYYY-MM-DD in UTC.
 */
export function agreementTerm(
  contractStart: string,
  termYears: number,
): { startDate: string; endDate: string } {
  if (!Number.isInteger(termYears) || termYears < 1)
    throw new Error(`agreement term must be a whole number of years ≥ 1, got ${termYears}`);
  const [y, mo, d] = contractStart.split('-').map((part) => Number.parseInt(part, 10));
  const anniversary = new Date(Date.UTC(y + termYears, mo - 1, d));
  // 29 February has no anniversary in a common year: Date.UTC rolls it to 1 March, whose eve is 28 February.
  const end = new Date(anniversary.getTime() - 24 * 3600 * 1000);
  return { startDate: contractStart, endDate: end.toISOString().slice(0, 10) };
}

/** What the conversion needs of a bid: the trace's view of it. */
export type PricedBid = Pick<
  TraceBid,
  'packPrice' | 'packSize' | 'strength' | 'strengthUnit' | 'dosageForm'
>;

/**
 * The prices an agreement carries. A bid that won keeps its own pack price. A revived bid
 * (§P6.4) came down to the revival price, a unit comparable price: it is converted back to the
 * bid's own unit and pack by the same strength and form factors, at full precision, and rounded
 * once (unit price 6 decimals, pack price 4).
 */
export function awardedPrices(
  result: Pick<BidResult, 'outcome' | 'unitPrice' | 'awardedUnitComparablePrice'>,
  bid: PricedBid,
  lot: { representative: Spec },
  params: PriceParameters,
): { packPrice: string; unitPrice: string } {
  if (result.outcome !== 'won' && result.outcome !== 'revived')
    throw new Error(`only winning bids have agreement prices, got outcome ${result.outcome}`);
  if (result.outcome === 'won')
    return { packPrice: roundTo(bid.packPrice, PACK_PRICE_SCALE), unitPrice: result.unitPrice! };
  const sf = strengthFactor(bid, lot.representative, params.strengthRatioBase);
  const ff = formFactor(bid.dosageForm, lot.representative.dosageForm, params.dosageFormFactors);
  if (!sf || !ff) throw new Error('a revived bid must be comparable to the representative spec');
  const unit = new Decimal(result.awardedUnitComparablePrice!).times(sf).times(ff);
  return {
    packPrice: roundTo(unit.times(bid.packSize), PACK_PRICE_SCALE),
    unitPrice: roundTo(unit, SCALE.unitPrice),
  };
}
