import { Decimal } from '../../../../database/decimal';

const AMOUNT = /^\d{1,16}(\.\d{1,2})?$/;

/**
 * §K2/§K3 rating schemes as data. A scheme names its levels (mildest first), the rule that turns
 * each catalogue behaviour into a level, and per level the validity, the sanctions it carries and
 * what an approved repair (§K4) does to it. Schemes are versioned rows; a rating stores the
 * version it was made under, so a later scheme never changes an existing rating.
 */

/** §K1 behaviour catalogue. */
export const BEHAVIOURS = [
  'bribery',
  'tax_violation',
  'price_manipulation',
  'bid_rigging',
  'failure_to_supply',
  'false_materials',
  'bribing_insurance_staff',
] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

export const SANCTION_KINDS = [
  'reminder',
  'interview',
  'risk_notice',
  'listing_suspension',
  'bidding_suspension',
  'distribution_bar',
] as const;
export type SanctionKind = (typeof SANCTION_KINDS)[number];

/** Which of the supplier's products listing and bidding suspensions cover. */
export const PRODUCT_SCOPES = ['none', 'involved', 'all'] as const;
export type ProductScope = (typeof PRODUCT_SCOPES)[number];

/** §K4 corrective actions a repair application may list. */
export const REPAIR_ACTIONS = [
  'price_cut',
  'refund',
  'public_apology',
  'staff_discipline',
] as const;
export type RepairAction = (typeof REPAIR_ACTIONS)[number];

export interface LevelDefinition {
  code: string;
  /** The level's name in the notices, e.g. 严重. */
  label: string;
  /** Months from the rating date the rating stays in force. */
  validityMonths: number;
  sanctions: SanctionKind[];
  productScope: ProductScope;
  /** Serious levels are disclosed on the public list (§K3, §M7). */
  public: boolean;
  /**
   * §K4: the level an approved repair leaves (one milder), or null when repair ends the rating;
   * `requiresAnyOf` — at least one of these corrective actions must be shown.
   */
  repair: { to: string | null; requiresAnyOf: RepairAction[] };
}

export type BehaviourRule =
  /** The behaviour is rated at this level whatever the amount. */
  | { kind: 'fixed'; level: string }
  /**
   * By the amount involved (yuan, per case): the level of the highest threshold the amount
   * reaches (`min` inclusive); below the lowest threshold the case is not rated.
   */
  | { kind: 'amount'; thresholds: Array<{ min: string; level: string }> };

export interface SchemeDefinition {
  version: string;
  name: string;
  /** Mildest first. */
  levels: LevelDefinition[];
  rules: Record<Behaviour, BehaviourRule>;
  /** Years a distributor's distribution bar may run (§K3: 1, 3 or 5). */
  distributionBarYears: number[];
}

export function levelOf(scheme: SchemeDefinition, code: string): LevelDefinition {
  const level = scheme.levels.find((l) => l.code === code);
  if (!level) throw new Error(`scheme ${scheme.version} has no level ${code}`);
  return level;
}

export function isBehaviour(value: string): value is Behaviour {
  return (BEHAVIOURS as readonly string[]).includes(value);
}

/**
 * Structural check of a scheme definition (a seeded or stored row): every level a rule or a
 * repair names exists, thresholds ascend, sanctions are known. Answers the problems found.
 */
export function schemeProblems(s: SchemeDefinition): string[] {
  const problems: string[] = [];
  const codes = new Set(s.levels.map((l) => l.code));
  if (codes.size !== s.levels.length) problems.push('level codes repeat');
  for (const l of s.levels) {
    if (!Number.isInteger(l.validityMonths) || l.validityMonths < 1)
      problems.push(`level ${l.code}: validityMonths must be a positive integer`);
    for (const k of l.sanctions)
      if (!(SANCTION_KINDS as readonly string[]).includes(k))
        problems.push(`level ${l.code}: unknown sanction ${k}`);
    if (!(PRODUCT_SCOPES as readonly string[]).includes(l.productScope))
      problems.push(`level ${l.code}: unknown product scope ${l.productScope}`);
    if (l.repair.to !== null && !codes.has(l.repair.to))
      problems.push(`level ${l.code}: repair leads to unknown level ${l.repair.to}`);
  }
  for (const b of BEHAVIOURS) {
    const rule = s.rules[b];
    if (!rule) {
      problems.push(`no rule for behaviour ${b}`);
      continue;
    }
    if (rule.kind === 'fixed') {
      if (!codes.has(rule.level)) problems.push(`rule ${b}: unknown level ${rule.level}`);
      continue;
    }
    let previous: Decimal | null = null;
    for (const t of rule.thresholds) {
      if (!codes.has(t.level)) problems.push(`rule ${b}: unknown level ${t.level}`);
      if (!AMOUNT.test(t.min)) {
        problems.push(`rule ${b}: threshold ${t.min} is not an amount`);
        continue;
      }
      const min = new Decimal(t.min);
      if (previous !== null && min.lte(previous))
        problems.push(`rule ${b}: thresholds must ascend`);
      previous = min;
    }
  }
  return problems;
}
