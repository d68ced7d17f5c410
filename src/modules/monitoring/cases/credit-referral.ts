import { EntityManager } from 'typeorm';

/** What a price case hands to credit evaluation (§M6 outcome "referred to credit", §K1). */
export interface CreditReferralInput {
  supplierId: string;
  /** §K1 behaviour catalogue code, e.g. `price_manipulation`. */
  behaviour: string;
  /** Product ids involved. */
  productIds: string[];
  /** Amount involved in yuan, a decimal string with 2 places, or null when none is known. */
  amount: string | null;
  /** The price case's human code, e.g. `PC2026-0001`; becomes the source document reference. */
  sourceRef: string;
  summary: string;
  /** User id of the analyst who refers the case. */
  referredBy: string;
}

/**
 * Port through which a price case is referred to credit evaluation. The credit context binds
 * it (a global module, as procurement's PurchaseHistory is bound by execution), so monitoring
 * never imports credit. Runs inside the caller's transaction.
 */
export abstract class CreditReferral {
  abstract refer(
    manager: EntityManager,
    input: CreditReferralInput,
  ): Promise<{ creditCaseId: string; creditCaseCode: string }>;
}
