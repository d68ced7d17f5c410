import { Decimal } from '../../../../database/decimal';
import { monitoringError } from '../../monitoring.errors';
import { isSeverity, Severity, SEVERITIES } from './severity';

/** §M3 the nine rules, in the order of the specification. */
export const RULE_CODES = [
  'above_contract',
  'listing_multiple',
  'non_supply_region',
  'cross_region_low',
  'abrupt_change',
  'peer_outlier',
  'price_spread',
  'abnormally_low',
  'quantity_spike',
] as const;
export type RuleCode = (typeof RULE_CODES)[number];

export function isRuleCode(value: unknown): value is RuleCode {
  return typeof value === 'string' && (RULE_CODES as readonly string[]).includes(value);
}

/** Region level at which cross-region comparisons group 6-digit codes (省 / 市 / 县). */
export const REGION_LEVELS = ['province', 'city', 'county'] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];

/** References rule 8 may compare with, tried in the analyst's order. */
export const LOW_PRICE_REFERENCES = ['national_monitoring', 'generic_median'] as const;
export type LowPriceReference = (typeof LOW_PRICE_REFERENCES)[number];

/**
 * Parameters of every rule. Decimals are strings (they are JSON and they are exact); counts are
 * integers. Defaults are the figures of §M3.
 */
export interface RuleParameters {
  above_contract: {
    /** Share above the contract price tolerated; §M3.1 says 0 (any excess fires). */
    tolerance: string;
  };
  listing_multiple: {
    /**
     * A listing above this multiple of the lowest listed price is yellow (1.5). §M3.2 bands
     * everything under 2 × yellow without naming a floor; 1 would flag every listing but the
     * cheapest of its generic/spec, ordinary spreads between makers and packs included.
     */
    yellowAbove: string;
    /** From this multiple red★ (2), red★★ (5), red★★★ (10). */
    red1From: string;
    red2From: string;
    red3From: string;
  };
  non_supply_region: {
    /** Listing in a region the winner does not supply above this × the winning price (1.5). */
    multiple: string;
  };
  cross_region_low: {
    /** Local price above the lowest price of other regions by more than this share (0.10). */
    margin: string;
    /** The level at which regions are told apart (city: 4-digit prefix). */
    regionLevel: RegionLevel;
  };
  abrupt_change: {
    /** |month-on-month change of the median| above this is `verify` (0.15). */
    verifyAbove: string;
    /** … above this is `red_1` (0.50). */
    alertAbove: string;
    /** CUSUM allowance k: monthly rise absorbed without accumulating (0.05). */
    cusumAllowance: string;
    /** CUSUM decision interval h: the accumulated rise that fires (0.20). */
    cusumThreshold: string;
    /** Months of history the CUSUM runs over, ending with the evaluated month (12). */
    cusumWindowMonths: number;
  };
  peer_outlier: {
    /** |robust z| above this fires (3.5, Iglewicz & Hoaglin). */
    threshold: string;
    /** Fewer hospitals than this in the month give no verdict (5). */
    minPeers: number;
  };
  price_spread: {
    /** max / min comparable price across hospitals above this fires (1.8). */
    maxRatio: string;
    /** Fewer hospitals than this give no verdict (2). */
    minPeers: number;
  };
  abnormally_low: {
    /** Below this share of the reference fires (0.5). */
    share: string;
    /** References tried in order; the first one known is used. */
    references: LowPriceReference[];
  };
  quantity_spike: {
    /** Monthly quantity above this × the average of the preceding months fires (3). */
    multiple: string;
    /** Preceding months averaged (6). */
    windowMonths: number;
    /** Fewer preceding months with purchases than this give no verdict (3). */
    minHistoryMonths: number;
  };
}

export const DEFAULT_PARAMETERS: { [C in RuleCode]: RuleParameters[C] } = {
  above_contract: { tolerance: '0' },
  listing_multiple: { yellowAbove: '1.5', red1From: '2', red2From: '5', red3From: '10' },
  non_supply_region: { multiple: '1.5' },
  cross_region_low: { margin: '0.10', regionLevel: 'city' },
  abrupt_change: {
    verifyAbove: '0.15',
    alertAbove: '0.50',
    cusumAllowance: '0.05',
    cusumThreshold: '0.20',
    cusumWindowMonths: 12,
  },
  peer_outlier: { threshold: '3.5', minPeers: 5 },
  price_spread: { maxRatio: '1.8', minPeers: 2 },
  abnormally_low: { share: '0.5', references: ['national_monitoring', 'generic_median'] },
  quantity_spike: { multiple: '3', windowMonths: 6, minHistoryMonths: 3 },
};

export const RULE_TITLES: Record<RuleCode, string> = {
  above_contract: 'Purchase price above the agreement or listing price',
  listing_multiple: 'Listing price as a multiple of the lowest listing of the generic/spec',
  non_supply_region: "VBP winner's listing in a region it does not supply",
  cross_region_low: 'Local price above the lowest price in other regions (价格洼地)',
  abrupt_change: 'Abrupt month-on-month change or slow upward drift of the median price',
  peer_outlier: 'Hospital price far from its peers (robust z on log price)',
  price_spread: 'Spread of comparable prices across hospitals',
  abnormally_low: 'Price abnormally low against the reference (supply risk)',
  quantity_spike: 'Monthly quantity far above the recent average',
};

/** Which subjects a rule applies to; an empty list means "all". */
export interface RuleScope {
  categories: string[];
  /** 6-digit region codes; a hit is in scope when its region is the code or lies under it. */
  regionCodes: string[];
  genericKeys: string[];
}

export const EMPTY_SCOPE: RuleScope = { categories: [], regionCodes: [], genericKeys: [] };

export type SeverityOverrides = Partial<Record<Severity, Severity>>;

/** A rule as the evaluation uses it. */
export interface RuleConfig<C extends RuleCode = RuleCode> {
  code: C;
  enabled: boolean;
  parameters: RuleParameters[C];
  scope: RuleScope;
  severityOverrides: SeverityOverrides;
  version: number;
}

const fail = (field: string, message: string) =>
  monitoringError('RULE_PARAMETERS_INVALID', `${field} ${message}`, { field });

type Raw = Record<string, unknown>;

function decimalField(raw: Raw, key: string, min: string, inclusiveMin: boolean): string {
  const field = `parameters.${key}`;
  const value = raw[key];
  if (typeof value !== 'string' || !/^\d{1,12}(\.\d{1,6})?$/.test(value)) {
    throw fail(field, 'must be a decimal string such as "1.5" (up to 6 decimals)');
  }
  const d = new Decimal(value);
  if (inclusiveMin ? d.lt(min) : d.lte(min)) {
    throw fail(field, `must be ${inclusiveMin ? 'at least' : 'greater than'} ${min}`);
  }
  return value;
}

function intField(raw: Raw, key: string, min: number, max: number): number {
  const value = raw[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw fail(`parameters.${key}`, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

function enumField<T extends string>(raw: Raw, key: string, allowed: readonly T[]): T {
  const value = raw[key];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw fail(`parameters.${key}`, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

function ascending(field: string, lower: string, upper: string): void {
  if (!new Decimal(lower).lt(upper)) throw fail(field, `must be greater than ${lower}`);
}

const VALIDATORS: { [C in RuleCode]: (raw: Raw) => RuleParameters[C] } = {
  above_contract: (raw) => ({ tolerance: decimalField(raw, 'tolerance', '0', true) }),
  listing_multiple: (raw) => {
    const p = {
      yellowAbove: decimalField(raw, 'yellowAbove', '1', true),
      red1From: decimalField(raw, 'red1From', '1', false),
      red2From: decimalField(raw, 'red2From', '1', false),
      red3From: decimalField(raw, 'red3From', '1', false),
    };
    ascending('parameters.red1From', p.yellowAbove, p.red1From);
    ascending('parameters.red2From', p.red1From, p.red2From);
    ascending('parameters.red3From', p.red2From, p.red3From);
    return p;
  },
  non_supply_region: (raw) => ({ multiple: decimalField(raw, 'multiple', '1', true) }),
  cross_region_low: (raw) => ({
    margin: decimalField(raw, 'margin', '0', true),
    regionLevel: enumField(raw, 'regionLevel', REGION_LEVELS),
  }),
  abrupt_change: (raw) => {
    const p = {
      verifyAbove: decimalField(raw, 'verifyAbove', '0', false),
      alertAbove: decimalField(raw, 'alertAbove', '0', false),
      cusumAllowance: decimalField(raw, 'cusumAllowance', '0', true),
      cusumThreshold: decimalField(raw, 'cusumThreshold', '0', false),
      cusumWindowMonths: intField(raw, 'cusumWindowMonths', 2, 60),
    };
    ascending('parameters.alertAbove', p.verifyAbove, p.alertAbove);
    return p;
  },
  peer_outlier: (raw) => ({
    threshold: decimalField(raw, 'threshold', '0', false),
    minPeers: intField(raw, 'minPeers', 3, 100000),
  }),
  price_spread: (raw) => ({
    maxRatio: decimalField(raw, 'maxRatio', '1', true),
    minPeers: intField(raw, 'minPeers', 2, 100000),
  }),
  abnormally_low: (raw) => {
    const share = decimalField(raw, 'share', '0', false);
    if (new Decimal(share).gte(1)) throw fail('parameters.share', 'must be less than 1');
    const refs = raw.references;
    if (
      !Array.isArray(refs) ||
      refs.length === 0 ||
      refs.some((r) => !(LOW_PRICE_REFERENCES as readonly unknown[]).includes(r)) ||
      new Set(refs).size !== refs.length
    ) {
      throw fail(
        'parameters.references',
        `must be a non-empty list of distinct values from ${LOW_PRICE_REFERENCES.join(', ')}`,
      );
    }
    return { share, references: refs as LowPriceReference[] };
  },
  quantity_spike: (raw) => {
    const p = {
      multiple: decimalField(raw, 'multiple', '1', false),
      windowMonths: intField(raw, 'windowMonths', 1, 24),
      minHistoryMonths: intField(raw, 'minHistoryMonths', 1, 24),
    };
    if (p.minHistoryMonths > p.windowMonths) {
      throw fail('parameters.minHistoryMonths', 'must not exceed windowMonths');
    }
    return p;
  },
};

/**
 * Validates a rule's parameters: the full set, no unknown keys, each named in the error when
 * wrong. Returns the normalised parameters.
 */
export function validateParameters<C extends RuleCode>(code: C, input: unknown): RuleParameters[C] {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw fail('parameters', 'must be an object');
  }
  const raw = input as Raw;
  const known = Object.keys(DEFAULT_PARAMETERS[code]);
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) throw fail(`parameters.${key}`, `is not a parameter of ${code}`);
  }
  for (const key of known) {
    if (!(key in raw)) throw fail(`parameters.${key}`, 'is required');
  }
  return (VALIDATORS[code] as (raw: Raw) => RuleParameters[C])(raw);
}

/** Merges a partial change into the current parameters, then validates the whole. */
export function mergeParameters<C extends RuleCode>(
  code: C,
  current: RuleParameters[C],
  change: unknown,
): RuleParameters[C] {
  if (change === null || typeof change !== 'object' || Array.isArray(change)) {
    throw fail('parameters', 'must be an object');
  }
  return validateParameters(code, { ...current, ...(change as Raw) });
}

export function validateScope(input: unknown): RuleScope {
  const scopeFail = (field: string, message: string) =>
    monitoringError('RULE_SCOPE_INVALID', `${field} ${message}`, { field });
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw scopeFail('scope', 'must be an object');
  }
  const raw = input as Raw;
  for (const key of Object.keys(raw)) {
    if (!['categories', 'regionCodes', 'genericKeys'].includes(key)) {
      throw scopeFail(`scope.${key}`, 'is not a scope field');
    }
  }
  const list = (key: string, test: (v: string) => boolean, what: string): string[] => {
    const value = raw[key] ?? [];
    if (!Array.isArray(value) || value.length > 500) {
      throw scopeFail(`scope.${key}`, 'must be a list of at most 500 values');
    }
    for (const v of value) {
      if (typeof v !== 'string' || !test(v)) throw scopeFail(`scope.${key}`, `must hold ${what}`);
    }
    return [...new Set(value as string[])].sort();
  };
  return {
    categories: list('categories', (v) => v === 'drug' || v === 'consumable', 'drug or consumable'),
    regionCodes: list('regionCodes', (v) => /^\d{6}$/.test(v), '6-digit region codes'),
    genericKeys: list('genericKeys', (v) => v.length > 0 && v.length <= 191, 'generic keys'),
  };
}

export function validateSeverityOverrides(input: unknown): SeverityOverrides {
  const sevFail = (field: string, message: string) =>
    monitoringError('RULE_SEVERITY_INVALID', `${field} ${message}`, { field });
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw sevFail('severityOverrides', 'must be an object');
  }
  const out: SeverityOverrides = {};
  for (const [from, to] of Object.entries(input as Raw)) {
    if (!isSeverity(from)) {
      throw sevFail(`severityOverrides.${from}`, `is not a severity (${SEVERITIES.join(', ')})`);
    }
    if (!isSeverity(to)) {
      throw sevFail(`severityOverrides.${from}`, `must be one of ${SEVERITIES.join(', ')}`);
    }
    out[from] = to;
  }
  return out;
}

/** Is the region `code` the scope region or under it (320102 lies under 320100 and 320000)? */
export function regionWithin(code: string, scopeRegion: string): boolean {
  const prefix = scopeRegion.replace(/(00)+$/, '');
  return code.startsWith(prefix);
}

/** Whether a hit falls in the rule's scope. Hits without a region or category pass that test. */
export function inScope(
  scope: RuleScope,
  hit: { category: string | null; regionCode: string | null; genericKey: string | null },
): boolean {
  if (scope.categories.length && hit.category && !scope.categories.includes(hit.category)) {
    return false;
  }
  if (
    scope.regionCodes.length &&
    hit.regionCode &&
    !scope.regionCodes.some((r) => regionWithin(hit.regionCode as string, r))
  ) {
    return false;
  }
  if (scope.genericKeys.length && hit.genericKey && !scope.genericKeys.includes(hit.genericKey)) {
    return false;
  }
  return true;
}
