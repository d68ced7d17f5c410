import { Lot } from '../lots/lot.entity';

/**
 * §P3: what a hospital bought of a lot's generic in the 12 months before `asOf`, in smallest units
 * of the lot's representative spec, as a decimal string; null when nothing is known. The
 * execution context answers it from reported usage (UsagePurchaseHistory); procurement only asks.
 */
export abstract class PurchaseHistory {
  abstract twelveMonths(hospitalId: string, lot: Lot, asOf: Date): Promise<string | null>;
}
