import { EntityManager } from 'typeorm';

/** §S2: how much of a hospital's outstanding prepayment a statement of `amount` offsets, and its ledger account. */
export abstract class PrepaymentOffsets {
  /** Inside the payment's transaction; must be deterministic for the same statement (a retry gets the same figure). */
  abstract offsetFor(
    m: EntityManager,
    input: { hospitalId: string; statementId: string; period: string; amount: string },
  ): Promise<{ offset: string; prepaymentAccountId: string | null }>;
}

/** Until a prepayment exists for the hospital: no offset. */
export class NoPrepaymentOffsets extends PrepaymentOffsets {
  offsetFor(): Promise<{ offset: string; prepaymentAccountId: string | null }> {
    return Promise.resolve({ offset: '0.00', prepaymentAccountId: null });
  }
}
