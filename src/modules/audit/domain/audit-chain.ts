import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../common/canonical-json';

export const GENESIS_HASH = '0'.repeat(64);

/** The content of one audit row that its hash covers. */
export interface AuditContent {
  id: string;
  occurredAt: string;
  actorKind: string;
  actorId: string;
  actorName: string;
  orgId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  before: string | null;
  after: string | null;
  requestId: string | null;
}

export interface ChainedRow extends AuditContent {
  prevHash: string;
  hash: string;
}

/** hash = SHA-256(previous hash ‖ canonical JSON of the row's content). */
export function chainHash(prevHash: string, content: AuditContent): string {
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(canonicalJson(content))
    .digest('hex');
}

export interface BrokenLink {
  id: string;
  reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'sequence_gap' | 'head_mismatch';
  expected: string;
  actual: string;
}

/**
 * Checks a run of consecutive rows given the hash and id of the row before them. Returns the
 * first broken link, or null and the state to continue from.
 */
export function verifySegment(
  rows: ChainedRow[],
  previous: { id: string; hash: string },
): { broken: BrokenLink | null; last: { id: string; hash: string } } {
  let last = previous;
  for (const row of rows) {
    const expectedId = String(BigInt(last.id) + 1n);
    if (row.id !== expectedId) {
      return {
        broken: { id: row.id, reason: 'sequence_gap', expected: expectedId, actual: row.id },
        last,
      };
    }
    if (row.prevHash !== last.hash) {
      return {
        broken: {
          id: row.id,
          reason: 'prev_hash_mismatch',
          expected: last.hash,
          actual: row.prevHash,
        },
        last,
      };
    }
    const { prevHash: _p, hash: _h, ...content } = row;
    const expected = chainHash(row.prevHash, content);
    if (expected !== row.hash) {
      return { broken: { id: row.id, reason: 'hash_mismatch', expected, actual: row.hash }, last };
    }
    last = { id: row.id, hash: row.hash };
  }
  return { broken: null, last };
}
