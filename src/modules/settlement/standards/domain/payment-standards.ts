import { Decimal, roundTo, SCALE } from '../../../../database/decimal';
import { addDays, isBusinessDate } from '../../../catalog/listing-prices/domain/listing-rules';

/**
 * §S5 payment standards (支付标准) set when a round is awarded, and their history per product
 * and region. Prices are per unit, at 6 decimals, all on one basis chosen by the caller: the
 * lot's representative unit when the products differ in strength or form (§P5), so that a
 * non-winner's price compares with the winning price; the rule only compares and scales them.
 */

export interface PaymentStandardParameters {
  /** A non-winner priced at or above this multiple of the highest winning price is cut (2). */
  highPriceMultiple: Decimal.Value;
  /** The cut taken off such a non-winner's previous price (0.30: previous − 30 %). */
  highPriceCut: Decimal.Value;
}

/** National batch practice (医保发〔2019〕56号): ≥ 2 × the winning price → previous price − 30 %. */
export const DEFAULT_PAYMENT_STANDARD_PARAMETERS: PaymentStandardParameters = {
  highPriceMultiple: '2',
  highPriceCut: '0.30',
};

export interface WinningProduct {
  productId: string;
  /** The winning unit price. */
  unitPrice: string;
}

export interface NonWinningProduct {
  productId: string;
  /** Its price before the award: its previous payment standard, or its listing price if none. */
  previousPrice: string;
}

export const PAYMENT_STANDARD_RULES = [
  /** A winner's standard is its own winning price. */
  'winning_price',
  /** A non-winner at or above the multiple: its previous price less the cut. */
  'high_price_cut',
  /** Any other non-winner: the highest winning price of the lot. */
  'highest_winning_price',
] as const;
export type PaymentStandardRule = (typeof PAYMENT_STANDARD_RULES)[number];

export interface PaymentStandardDecision {
  productId: string;
  winning: boolean;
  /** The new standard, 6 decimals. */
  standard: string;
  rule: PaymentStandardRule;
  /** The decision with its figures, for the audit trail and the UI. */
  explanation: string;
}

export interface PaymentStandardsResult {
  highestWinningPrice: string;
  /** highestWinningPrice × highPriceMultiple, 6 decimals. */
  highPriceThreshold: string;
  /** Winners first, then non-winners, each in input order. */
  decisions: PaymentStandardDecision[];
}

const PRICE = new RegExp(`^\\d{1,12}(\\.\\d{1,${SCALE.unitPrice}})?$`);

function price(field: string, value: string): Decimal {
  if (typeof value !== 'string' || !PRICE.test(value) || new Decimal(value).lte(0))
    throw new Error(
      `${field}: must be a decimal string greater than 0 with at most ${SCALE.unitPrice} decimals, got ${JSON.stringify(value)}`,
    );
  return new Decimal(value);
}

function checkParameters(params: PaymentStandardParameters): { multiple: Decimal; cut: Decimal } {
  const multiple = new Decimal(params.highPriceMultiple);
  const cut = new Decimal(params.highPriceCut);
  if (!multiple.isFinite() || multiple.lt(1))
    throw new Error(`highPriceMultiple: must be at least 1, got ${multiple.toString()}`);
  if (!cut.isFinite() || cut.lt(0) || cut.gte(1))
    throw new Error(`highPriceCut: must be from 0 to below 1, got ${cut.toString()}`);
  return { multiple, cut };
}

/**
 * The standards a lot's award sets. Inputs come from the award service, so a bad one is a
 * programming error (a plain Error). Two winning bids can offer one product (two authorised
 * distributors); that product's standard is then the higher of its winning prices, so neither
 * bid's price is reimbursed below the price it won at.
 */
export function paymentStandardsOnAward(
  winners: readonly WinningProduct[],
  nonWinners: readonly NonWinningProduct[],
  params: PaymentStandardParameters = DEFAULT_PAYMENT_STANDARD_PARAMETERS,
): PaymentStandardsResult {
  const { multiple, cut } = checkParameters(params);
  if (winners.length === 0)
    throw new Error('winners: a lot without winners sets no payment standards');

  const winning = new Map<string, Decimal>();
  winners.forEach((w, i) => {
    const p = price(`winners[${i}].unitPrice`, w.unitPrice);
    const seen = winning.get(w.productId);
    if (seen === undefined || p.gt(seen)) winning.set(w.productId, p);
  });
  const highest = Decimal.max(...winning.values());
  const threshold = highest.times(multiple);
  const highestText = roundTo(highest, SCALE.unitPrice);
  const thresholdText = roundTo(threshold, SCALE.unitPrice);

  const decisions: PaymentStandardDecision[] = [...winning].map(([productId, p]) => ({
    productId,
    winning: true,
    standard: roundTo(p, SCALE.unitPrice),
    rule: 'winning_price',
    explanation: `winning product: standard = its winning unit price ${roundTo(p, SCALE.unitPrice)}`,
  }));

  const seenNonWinners = new Set<string>();
  nonWinners.forEach((n, i) => {
    if (winning.has(n.productId))
      throw new Error(`nonWinners[${i}].productId: product ${n.productId} is also a winner`);
    if (seenNonWinners.has(n.productId))
      throw new Error(`nonWinners[${i}].productId: product ${n.productId} is listed twice`);
    seenNonWinners.add(n.productId);
    const previous = price(`nonWinners[${i}].previousPrice`, n.previousPrice);
    const previousText = roundTo(previous, SCALE.unitPrice);
    if (previous.gte(threshold)) {
      const reduced = previous.times(new Decimal(1).minus(cut));
      // With the defaults a cut price is ≥ 1.4 × the highest winning price. A configuration
      // whose cut goes deeper would leave the dearer product below a cheaper non-winner (which
      // gets the winning price), so the winning price is also its floor.
      if (reduced.gte(highest)) {
        const standard = roundTo(reduced, SCALE.unitPrice);
        decisions.push({
          productId: n.productId,
          winning: false,
          standard,
          rule: 'high_price_cut',
          explanation: `previous price ${previousText} ≥ ${multiple.toString()} × highest winning price ${highestText} = ${thresholdText}: standard = ${previousText} × (1 − ${cut.toString()}) = ${standard}`,
        });
        return;
      }
      decisions.push({
        productId: n.productId,
        winning: false,
        standard: highestText,
        rule: 'highest_winning_price',
        explanation: `previous price ${previousText} ≥ ${thresholdText} but ${previousText} × (1 − ${cut.toString()}) = ${roundTo(reduced, SCALE.unitPrice)} is below the highest winning price: standard = ${highestText}`,
      });
      return;
    }
    decisions.push({
      productId: n.productId,
      winning: false,
      standard: highestText,
      rule: 'highest_winning_price',
      explanation: `previous price ${previousText} < ${multiple.toString()} × highest winning price ${highestText} = ${thresholdText}: standard = highest winning price ${highestText}`,
    });
  });

  return { highestWinningPrice: highestText, highPriceThreshold: thresholdText, decisions };
}

/** One standard's validity, business dates inclusive on both ends; validTo null = open-ended. */
export interface StandardPeriod {
  id: string;
  validFrom: string;
  validTo: string | null;
}

export interface StandardPeriodProblem {
  field: 'validFrom';
  code: 'STANDARD_DATE_INVALID' | 'STANDARD_DATE_CONFLICT';
  message: string;
}

export type StandardPeriodPlan =
  | {
      ok: true;
      /** The current period to end the day before the new one starts, if it runs into it. */
      close: { id: string; validTo: string } | null;
      /** A period that starts the same day as the new one: the new standard replaces it. */
      supersede: string | null;
      /** The new period, open-ended. */
      open: { validFrom: string; validTo: null };
    }
  | { ok: false; problem: StandardPeriodProblem };

/**
 * Where a new standard goes in a product × region history. Periods never overlap: the latest
 * one is closed the day before the new one starts. A new standard dated the same day as the
 * latest replaces it (an award corrected on its own day), since closing it the day before
 * would give it an empty period. A standard dated before the latest one starts is refused:
 * the history is written forwards only.
 */
export function planStandardPeriod(
  existing: readonly StandardPeriod[],
  validFrom: string,
): StandardPeriodPlan {
  if (typeof validFrom !== 'string' || !isBusinessDate(validFrom))
    return {
      ok: false,
      problem: {
        field: 'validFrom',
        code: 'STANDARD_DATE_INVALID',
        message: `validFrom must be a date YYYY-MM-DD, got ${JSON.stringify(validFrom)}`,
      },
    };

  const sorted = [...existing].sort((a, b) =>
    a.validFrom < b.validFrom ? -1 : a.validFrom > b.validFrom ? 1 : 0,
  );
  sorted.forEach((p, i) => {
    if (p.validTo !== null && p.validTo < p.validFrom)
      throw new Error(`standard period ${p.id} ends ${p.validTo} before it starts ${p.validFrom}`);
    const next = sorted[i + 1];
    if (next && (p.validTo === null || p.validTo >= next.validFrom))
      throw new Error(`standard periods ${p.id} and ${next.id} overlap`);
  });

  const open = { validFrom, validTo: null };
  const latest = sorted.at(-1);
  if (!latest) return { ok: true, close: null, supersede: null, open };
  if (validFrom < latest.validFrom)
    return {
      ok: false,
      problem: {
        field: 'validFrom',
        code: 'STANDARD_DATE_CONFLICT',
        message: `validFrom ${validFrom} is before ${latest.validFrom}, the start of the current payment standard`,
      },
    };
  if (validFrom === latest.validFrom) return { ok: true, close: null, supersede: latest.id, open };
  if (latest.validTo !== null && latest.validTo < validFrom)
    return { ok: true, close: null, supersede: null, open };
  return {
    ok: true,
    close: { id: latest.id, validTo: addDays(validFrom, -1) },
    supersede: null,
    open,
  };
}
