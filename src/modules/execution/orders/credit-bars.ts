/** A credit sanction that refuses an order line or a distributor (§K3). */
export interface CreditBar {
  /** Words for the refusal message: the level, the case and the last day in force. */
  reason: string;
  ratingId: string;
  caseCode: string;
  level: string;
  validTo: string;
  /** `listing_suspension` (the product's own) or `distribution_suspension`/`distribution_bar` (the supplier's). */
  sanction: string;
}

/**
 * Port to the credit context (§K3): the sanctions that bite in execution. The credit context
 * binds it from a global module, as procurement's ports are bound, because credit reads execution
 * (a distributor's delivered products) and execution cannot import it back.
 */
export abstract class SupplyCreditBars {
  /**
   * The lines of an order to `supplierId` a sanction refuses on `at`, by product id: a product
   * whose listing and bidding a rating of its holder suspends, or a product the order's
   * distributor is suspended from distributing.
   */
  abstract orderingBars(
    supplierId: string,
    productIds: string[],
    at: Date,
  ): Promise<Map<string, CreditBar>>;

  /** The distribution bar of a distributor on `at` (§K3: 1, 3 or 5 years), or null. */
  abstract distributionBar(supplierId: string, at: Date): Promise<CreditBar | null>;
}
