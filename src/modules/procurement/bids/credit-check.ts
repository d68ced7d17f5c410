export interface BiddingBar {
  barred: boolean;
  /** Why the supplier may not bid (the sanction), for the error message; null when not barred. */
  reason: string | null;
  /** The credit rating behind the bar, for the error details; absent when not barred. */
  rating?: { id: string; caseCode: string; level: string; validTo: string };
}

/**
 * Port to the credit context (§K3): whether a sanction bars a supplier from bidding at a given
 * moment — for every product (`productId` null: a bar on all its products), or for one product
 * (any bar that covers it, product-specific or supplier-wide). Bidding asks it at every
 * submission and amendment. The credit context binds it (CreditSanctionsModule).
 */
export abstract class CreditCheck {
  abstract biddingBar(supplierId: string, productId: string | null, at: Date): Promise<BiddingBar>;
}
