import { Decimal, roundTo, SCALE } from '../../../../database/decimal';
import { procurementError } from '../../procurement.errors';

export const PARTICIPATIONS = ['mandatory', 'opt_in'] as const;
export type Participation = (typeof PARTICIPATIONS)[number];

/**
 * §1: public hospitals in a round's scope must take part; private hospitals and retail pharmacies
 * may opt in. A hospital whose `public` flag was never set is not assumed to be public.
 */
export function participationOf(h: { isPublic: boolean | null }): Participation {
  return h.isPublic === true ? 'mandatory' : 'opt_in';
}

export const DEMAND_REASON_MAX_LENGTH = 500;

/** Quantities are DECIMAL(18,3): at most 15 integer digits and 3 decimals. */
const QUANTITY = /^\d{1,15}(\.\d{1,3})?$/;

function fieldOf(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}

export interface DemandReportInput {
  /** Annual quantity in smallest units of the representative spec. */
  quantity: string;
  /** The hospital's purchases of the lot's generic over the previous 12 months (§E), if any. */
  history: string | null;
  /** The share of history below which a reason is required (§P3, configurable; "0.8"). */
  threshold: string;
  reason: string | null;
}

/**
 * §P3 check of one demand report. A report below `threshold` × the 12-month purchase history
 * needs a written reason; with no purchase history there is nothing to compare against. Returns
 * the quantity as its canonical scale-3 string.
 */
export function checkDemandReport(r: DemandReportInput, fieldPrefix: string): string {
  const quantityField = fieldOf(fieldPrefix, 'quantity');
  const reasonField = fieldOf(fieldPrefix, 'reason');
  const raw = r.quantity.trim();
  if (!QUANTITY.test(raw))
    throw procurementError(
      'DEMAND_QUANTITY_INVALID',
      `${quantityField} must be a decimal of at least 0 with at most 15 integer digits and 3 decimals, got ${JSON.stringify(r.quantity)}`,
      { field: quantityField },
    );
  const quantity = roundTo(raw, SCALE.quantity);

  const reason = r.reason?.trim() ?? '';
  // Characters as the database counts them (code points), not UTF-16 units.
  const reasonLength = Array.from(reason).length;
  if (reasonLength > DEMAND_REASON_MAX_LENGTH)
    throw procurementError(
      'DEMAND_REASON_INVALID',
      `${reasonField} must be at most ${DEMAND_REASON_MAX_LENGTH} characters, got ${reasonLength}`,
      { field: reasonField },
    );

  if (r.history === null) return quantity;
  const history = new Decimal(r.history);
  if (history.lte(0)) return quantity;
  const minimum = new Decimal(r.threshold).times(history);
  if (new Decimal(quantity).lt(minimum) && reason === '') {
    const percent = new Decimal(r.threshold).times(100).toFixed();
    throw procurementError(
      'DEMAND_REASON_REQUIRED',
      `${reasonField} is required: the reported quantity ${quantity} is below ${percent}% of the ${history.toFixed()} purchased in the previous 12 months (${minimum.toFixed()})`,
      {
        field: reasonField,
        quantity,
        history: history.toFixed(),
        threshold: new Decimal(r.threshold).toFixed(),
        minimumWithoutReason: minimum.toFixed(),
      },
    );
  }
  return quantity;
}
