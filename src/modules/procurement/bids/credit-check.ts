import { Injectable } from '@nestjs/common';

export interface BiddingBar {
  barred: boolean;
  /** Why the supplier may not bid (the sanction), for the error message; null when not barred. */
  reason: string | null;
}

/**
 * Port to the credit context (§K3): whether a sanction bars a supplier from bidding at a given
 * moment. Bidding asks it at every submission and amendment.
 */
export abstract class CreditCheck {
  abstract biddingBar(supplierId: string, at: Date): Promise<BiddingBar>;
}

/** Until the credit context records sanctions, nobody is barred. */
@Injectable()
export class NoSanctions extends CreditCheck {
  biddingBar(): Promise<BiddingBar> {
    return Promise.resolve({ barred: false, reason: null });
  }
}
