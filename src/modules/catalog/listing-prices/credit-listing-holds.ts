import { EntityManager } from 'typeorm';

/** A credit sanction holding a product's listings suspended (§K3). */
export interface CreditListingHold {
  /** The credit rating that holds the product. */
  ratingId: string;
  /** The suspension reason the hold writes on the product's listings. */
  reason: string;
}

/**
 * Port to the credit context (§K3): the products whose listings a credit sanction holds
 * suspended, so that a listing created while the hold is in force — through the API or an
 * import — starts suspended. Read in the caller's transaction after the products are locked
 * (credit records and releases its holds under the same product locks), and locking on MySQL so
 * a hold committed meanwhile is seen. The credit context binds it (CreditSanctionsModule), as it
 * binds procurement's and execution's ports: credit reads the catalogue and cannot be imported
 * back.
 */
export abstract class CreditListingHolds {
  abstract holdsOn(
    manager: EntityManager,
    productIds: string[],
  ): Promise<Map<string, CreditListingHold>>;
}
