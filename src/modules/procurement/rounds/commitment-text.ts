import { EntityManager } from 'typeorm';

/** The integrity commitment text a signature names: its version and the SHA-256 of its body. */
export interface CommitmentTextRef {
  version: string;
  sha256: string;
}

/**
 * Port to the credit context (§K4), which publishes the integrity commitment text (信用承诺书):
 * the version in force, which a supplier signing a round's commitment (§P4) signs. Read in the
 * caller's transaction. The credit context binds it (CommitmentTextsModule).
 */
export abstract class CurrentCommitmentText {
  abstract current(m?: EntityManager): Promise<CommitmentTextRef>;
}
