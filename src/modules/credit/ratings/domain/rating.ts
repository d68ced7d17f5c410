import { Decimal } from '../../../../database/decimal';
import { creditError } from '../../credit.errors';
import {
  Behaviour,
  levelOf,
  ProductScope,
  REPAIR_ACTIONS,
  RepairAction,
  SanctionKind,
  SchemeDefinition,
} from './scheme';

export type SupplierType = 'manufacturer' | 'distributor';

/**
 * What a sanction means for a distributor. A distributor holds no listings and bids for no
 * product (the marketing-authorisation holder does), so the listing and bidding suspensions of
 * its level become a suspension of its distribution of the products concerned: orders naming it
 * for them are refused. The listings of the manufacturers' products stay untouched — the
 * misconduct is the distributor's.
 */
export type EffectiveSanction = SanctionKind | 'distribution_suspension';

export interface RatingInput {
  behaviour: Behaviour;
  /** Yuan, a decimal string, or null when the case records no amount. */
  amount: string | null;
  supplierType: SupplierType;
  /** §K3: 1, 3 or 5 years; required for a distributor rated at a level with a distribution bar. */
  distributionBarYears: number | null;
  /** Business date (China) of the rating: the first day it is in force. */
  ratedOn: string;
}

export interface RatingOutcome {
  level: string;
  label: string;
  /** Why this level, in words a notice can quote. */
  reasons: string[];
  sanctions: EffectiveSanction[];
  productScope: ProductScope;
  riskNotice: boolean;
  public: boolean;
  distributionBarYears: number | null;
  validFrom: string;
  validTo: string;
}

/** §K2: the level a behaviour (and, where the scheme measures it, the amount) earns. */
export function levelFor(
  scheme: SchemeDefinition,
  behaviour: Behaviour,
  amount: string | null,
): { level: string; reasons: string[] } {
  const rule = scheme.rules[behaviour];
  if (rule.kind === 'fixed')
    return {
      level: rule.level,
      reasons: [`${behaviour} is rated ${levelOf(scheme, rule.level).label} whatever the amount`],
    };
  if (amount === null)
    throw creditError(
      'RATING_AMOUNT_REQUIRED',
      `amount: scheme ${scheme.version} rates ${behaviour} by the amount involved; record the case's amount first`,
      { field: 'amount', behaviour },
    );
  const value = new Decimal(amount);
  let reached: { min: string; level: string } | null = null;
  for (const t of rule.thresholds) if (value.gte(t.min)) reached = t;
  if (!reached)
    throw creditError(
      'CASE_NOT_RATABLE',
      `amount: ${value.toFixed(2)} yuan is below ${rule.thresholds[0].min}, the least amount scheme ${scheme.version} rates for ${behaviour}`,
      { field: 'amount', behaviour, least: rule.thresholds[0].min },
    );
  return {
    level: reached.level,
    reasons: [
      `${behaviour} of ${value.toFixed(2)} yuan reaches ${reached.min} yuan: ${levelOf(scheme, reached.level).label}`,
    ],
  };
}

/** The sanctions a level carries for this kind of supplier (§K3). */
export function sanctionsFor(
  scheme: SchemeDefinition,
  level: string,
  supplierType: SupplierType,
): { sanctions: EffectiveSanction[]; productScope: ProductScope; riskNotice: boolean } {
  const def = levelOf(scheme, level);
  const out: EffectiveSanction[] = [];
  for (const k of def.sanctions) {
    if (supplierType === 'manufacturer' && k === 'distribution_bar') continue;
    if (
      supplierType === 'distributor' &&
      (k === 'listing_suspension' || k === 'bidding_suspension')
    ) {
      if (!out.includes('distribution_suspension')) out.push('distribution_suspension');
      continue;
    }
    out.push(k);
  }
  const suspends = out.some(
    (k) =>
      k === 'listing_suspension' || k === 'bidding_suspension' || k === 'distribution_suspension',
  );
  return {
    sanctions: out,
    productScope: suspends ? def.productScope : 'none',
    riskNotice: out.includes('risk_notice'),
  };
}

/** Rates a case: level, sanctions and the period in force. */
export function rateCase(scheme: SchemeDefinition, input: RatingInput): RatingOutcome {
  const { level, reasons } = levelFor(scheme, input.behaviour, input.amount);
  const def = levelOf(scheme, level);
  const { sanctions, productScope, riskNotice } = sanctionsFor(scheme, level, input.supplierType);
  const barred = sanctions.includes('distribution_bar');
  let years: number | null = null;
  if (barred) {
    if (input.distributionBarYears === null)
      throw creditError(
        'RATING_BAR_YEARS_REQUIRED',
        `distributionBarYears: a distributor rated ${def.label} is barred from distribution; choose ${scheme.distributionBarYears.join(', ')} years`,
        { field: 'distributionBarYears', options: scheme.distributionBarYears },
      );
    if (!scheme.distributionBarYears.includes(input.distributionBarYears))
      throw creditError(
        'RATING_BAR_YEARS_INVALID',
        `distributionBarYears must be one of ${scheme.distributionBarYears.join(', ')}, got ${input.distributionBarYears}`,
        { field: 'distributionBarYears', options: scheme.distributionBarYears },
      );
    years = input.distributionBarYears;
  } else if (input.distributionBarYears !== null)
    throw creditError(
      'RATING_BAR_YEARS_INVALID',
      `distributionBarYears: a ${input.supplierType} rated ${def.label} is not barred from distribution; leave it out`,
      { field: 'distributionBarYears' },
    );
  // The bar lasts its years even where the level's own validity is shorter: the rating carries it.
  const months = Math.max(def.validityMonths, years === null ? 0 : years * 12);
  return {
    level,
    label: def.label,
    reasons: years === null ? reasons : [...reasons, `distribution barred for ${years} year(s)`],
    sanctions,
    productScope,
    riskNotice,
    public: def.public,
    distributionBarYears: years,
    validFrom: input.ratedOn,
    validTo: lastDayOf(input.ratedOn, months),
  };
}

/**
 * §K4: what an approved repair does to a rating at `level`: one level milder, or the end of the
 * rating (`to: null`). The application must show at least one of the corrective actions the
 * scheme asks of that level.
 */
export function repairOutcome(
  scheme: SchemeDefinition,
  level: string,
  actions: RepairAction[],
): { to: string | null } {
  const def = levelOf(scheme, level);
  const shown = new Set(actions);
  if (!def.repair.requiresAnyOf.some((a) => shown.has(a)))
    throw creditError(
      'REPAIR_ACTIONS_INVALID',
      `actions: repairing a ${def.label} rating needs at least one of ${def.repair.requiresAnyOf.join(', ')}`,
      { field: 'actions', requiresAnyOf: def.repair.requiresAnyOf },
    );
  return { to: def.repair.to };
}

/**
 * The period a repaired rating keeps: its start, and the earlier of its own end and the end the
 * milder level would have had — a repair never lengthens a rating.
 */
export function repairedValidTo(
  scheme: SchemeDefinition,
  validFrom: string,
  validTo: string,
  to: string,
  distributionBarYears: number | null,
): string {
  const months = Math.max(
    levelOf(scheme, to).validityMonths,
    distributionBarYears === null ? 0 : distributionBarYears * 12,
  );
  const milder = lastDayOf(validFrom, months);
  return milder < validTo ? milder : validTo;
}

export const RATING_STATUSES = ['in_force', 'lapsed', 'repaired'] as const;
export type RatingStatus = (typeof RATING_STATUSES)[number];

/**
 * The status on a date: a rating past its last day has lapsed even before the periodic job
 * writes it down, so every reader agrees with the clock.
 */
export function statusOn(stored: RatingStatus, validTo: string, date: string): RatingStatus {
  return stored === 'in_force' && validTo < date ? 'lapsed' : stored;
}

export function isRepairAction(value: string): value is RepairAction {
  return (REPAIR_ACTIONS as readonly string[]).includes(value);
}

/** The business date (China Standard Time, UTC+8, no daylight saving) of an instant. */
export function chinaDate(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/**
 * The last day of a period of `months` starting on `from` (both inclusive): 2026-03-15 + 12
 * months → 2027-03-14. When the end month lacks the start's day number (31 January + 1 month),
 * the period runs to that month's last day: 2026-01-31 + 1 month → 2026-02-28.
 */
export function lastDayOf(from: string, months: number): string {
  const [y, m, d] = from.split('-').map(Number);
  const monthIndex = m - 1 + months;
  const year = y + Math.floor(monthIndex / 12);
  const month = monthIndex % 12;
  const daysInMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  // The same day number `months` later is the first day after the period.
  const next = new Date(Date.UTC(year, month, Math.min(d, daysInMonth)));
  if (d > daysInMonth) return next.toISOString().slice(0, 10);
  return new Date(next.getTime() - 86400_000).toISOString().slice(0, 10);
}
