import { Decimal, roundTo, SCALE } from '../../../../database/decimal';
import { BidResult } from '../../selection/domain/select';

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

/**
 * The prices an agreement carries. A bid that won keeps its own pack price; a revived bid
 * (§P6.4) came down to the revival price, so its own prices scale by awarded ÷ own comparable
 * price — the strength and form factors cancel out.
 */
export function awardedPrices(
  result: Pick<
    BidResult,
    'outcome' | 'unitPrice' | 'unitComparablePrice' | 'awardedUnitComparablePrice'
  >,
  packPrice: Decimal.Value,
): { packPrice: string; unitPrice: string } {
  if (result.outcome !== 'won' && result.outcome !== 'revived')
    throw new Error(`only winning bids have agreement prices, got outcome ${result.outcome}`);
  const own = new Decimal(packPrice);
  if (result.outcome === 'won')
    return { packPrice: roundTo(own, PACK_PRICE_SCALE), unitPrice: result.unitPrice! };
  const factor = new Decimal(result.awardedUnitComparablePrice!).div(result.unitComparablePrice!);
  return {
    packPrice: roundTo(own.times(factor), PACK_PRICE_SCALE),
    unitPrice: roundTo(new Decimal(result.unitPrice!).times(factor), SCALE.unitPrice),
  };
}
