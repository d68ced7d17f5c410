import { Decimal, roundTo, SCALE } from '../../../../database/decimal';
import { strengthInBase } from '../../selection/domain/unit-price';

/**
 * §K5 / §P9 backup-supplier activation: who takes a region over, and what is left of each
 * replaced agreement for the backup's agreement. Pure: the activation service feeds it the
 * region's supply rows, earlier activations and the packs bought so far.
 */

export interface RegionSupplyRow {
  bidId: string;
  duty: 'primary' | 'backup';
  /** 0 for the primary, 1… for the backups in rank order (§P9). */
  position: number;
}

export interface PastActivation {
  failingBidId: string;
  backupBidId: string;
}

export type BackupChoice =
  | { ok: true; currentBidId: string; backupBidId: string }
  | { ok: false; reason: 'no_backup' | 'not_eligible'; currentBidId: string };

/**
 * The supplier currently serving the region is the primary, or the backup of the latest
 * activation. The next one is the first backup in rank order that neither serves nor has
 * served (a supplier that failed once is not called back), or the `chosen` one if it is such a
 * backup.
 */
export function chooseBackup(
  rows: readonly RegionSupplyRow[],
  past: readonly PastActivation[],
  chosen: string | null,
): BackupChoice {
  const primary = rows.find((r) => r.duty === 'primary');
  const currentBidId = past.length > 0 ? past[past.length - 1].backupBidId : primary!.bidId;
  const used = new Set<string>([
    currentBidId,
    ...(primary ? [primary.bidId] : []),
    ...past.flatMap((p) => [p.failingBidId, p.backupBidId]),
  ]);
  const candidates = rows
    .filter((r) => r.duty === 'backup' && !used.has(r.bidId))
    .sort((a, b) => a.position - b.position);
  if (chosen !== null) {
    return candidates.some((c) => c.bidId === chosen)
      ? { ok: true, currentBidId, backupBidId: chosen }
      : { ok: false, reason: 'not_eligible', currentBidId };
  }
  return candidates.length > 0
    ? { ok: true, currentBidId, backupBidId: candidates[0].bidId }
    : { ok: false, reason: 'no_backup', currentBidId };
}

export interface ProductSpec {
  strength: string | null;
  strengthUnit: string | null;
  packSize: number | null;
}

/**
 * Packs bought of a product as smallest units of the lot's representative spec (§E4 counts
 * purchases this way): packs × pack size × own strength ÷ representative strength. Null when
 * the strengths cannot be compared; the caller then deducts nothing.
 */
export function packsInRepresentativeUnits(
  packs: Decimal.Value,
  product: ProductSpec,
  representative: { strength: string; strengthUnit: string },
): string | null {
  if (product.packSize === null || product.strength === null || product.strengthUnit === null)
    return null;
  const own = strengthInBase(product.strength, product.strengthUnit);
  const rep = strengthInBase(representative.strength, representative.strengthUnit);
  if (!own || !rep || own.dimension !== rep.dimension || rep.value.lte(0)) return null;
  return roundTo(
    new Decimal(packs).times(product.packSize).times(own.value).div(rep.value),
    SCALE.quantity,
  );
}

/**
 * What the backup's agreement takes over: the replaced agreement's agreed quantity less what the
 * hospital already bought under it, never below zero (a hospital past its agreed volume still
 * buys at the winning price, §P9, with nothing left to agree).
 */
export function remainingAgreed(agreed: Decimal.Value, purchased: Decimal.Value | null): string {
  const left = new Decimal(agreed).minus(purchased ?? 0);
  return roundTo(Decimal.max(left, 0), SCALE.quantity);
}
