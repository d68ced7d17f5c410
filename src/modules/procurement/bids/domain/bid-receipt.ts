import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../../common/canonical-json';
import { Decimal } from '../../../../database/decimal';

/** What a §P4 receipt attests to: one version of one bid, by public codes and ids. */
export interface CanonicalBid {
  /** Round code (R2026-0001). */
  round: string;
  /** Lot code. */
  lot: string;
  supplierId: string;
  productId: string;
  packPrice: string;
  capacity: string;
  preferredRegions: string[];
  version: number;
  /**
   * A random value sealed with the price. The digest is kept in plain beside the sealed price,
   * and every other field is readable before opening, so without a nonce the price could be
   * recovered from a dump by hashing candidate prices until one matches.
   */
  nonce?: string;
}

const PACK_PRICE_SCALE = 4;
const CAPACITY_SCALE = 3;

/**
 * A fixed-scale string of a value that already fits the scale. A receipt commits to the stored
 * bid, so a value that would need rounding means the caller skipped validation: refuse it rather
 * than attest to a figure the supplier never sent.
 */
function fixed(name: string, value: string, scale: number): string {
  const d = new Decimal(value);
  if (d.decimalPlaces() > scale)
    throw new Error(`bid receipt: ${name} ${value} has more than ${scale} decimals`);
  return d.toFixed(scale);
}

/**
 * The canonical JSON of a bid version: keys sorted, pack price at scale 4, capacity at scale 3,
 * regions in the supplier's order of preference (it decides the §P9 region picks), so that the
 * same bid always gives the same text and digest. Without a nonce the key is left out.
 */
export function canonicalBidJson(b: CanonicalBid): string {
  return canonicalJson({
    round: b.round,
    lot: b.lot,
    supplierId: b.supplierId,
    productId: b.productId,
    packPrice: fixed('packPrice', b.packPrice, PACK_PRICE_SCALE),
    capacity: fixed('capacity', b.capacity, CAPACITY_SCALE),
    preferredRegions: [...b.preferredRegions],
    version: b.version,
    nonce: b.nonce,
  });
}

/** Lower-case hex SHA-256 of the canonical JSON: the digest on the supplier's receipt. */
export function bidDigest(b: CanonicalBid): string {
  return createHash('sha256').update(canonicalBidJson(b), 'utf8').digest('hex');
}
