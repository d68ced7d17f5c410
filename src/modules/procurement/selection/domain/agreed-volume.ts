import { Decimal } from '../../../../database/decimal';

/**
 * §P9 agreed volume by number of winners (revived winners included). The tables are indexed by
 * winner count − 1 and their last entry covers every larger count; with no winner nothing is
 * agreed, so the ratio is 0 and there is no term.
 */

function byWinnerCount<T>(table: readonly T[], winners: number): T | undefined {
  if (winners < 1 || table.length === 0) return undefined;
  return table[Math.min(winners, table.length) - 1];
}

/** The agreed-volume ratio as a canonical decimal string ("0.5"). */
export function agreedVolumeRatio(winners: number, ratios: readonly Decimal.Value[]): string {
  const ratio = byWinnerCount(ratios, winners);
  return ratio === undefined ? '0' : new Decimal(ratio).toFixed();
}

export function termYears(winners: number, terms: readonly number[]): number {
  return byWinnerCount(terms, winners) ?? 0;
}

/**
 * Declared demand × ratio, unrounded: the simulation's figure from the lot total alone. Real
 * allocations round per hospital, so their totals differ slightly.
 */
export function agreedVolume(totalDemand: Decimal.Value, ratio: Decimal.Value): string {
  return new Decimal(totalDemand).times(ratio).toFixed();
}
