import { Decimal } from '../../../../database/decimal';
import {
  DOSAGE_FORM_CLASSES,
  DosageFormClass,
  DosageFormCode,
  defaultDosageFormFactors,
  isDosageFormClass,
  isDosageFormCode,
} from '../../../catalog/products/domain/dosage-forms';
import { procurementError } from '../../procurement.errors';

/**
 * §P6/§P9 rule-set parameters. Decimals are strings so a rule set survives JSON (storage, the
 * decision trace, the API) without ever passing through a binary float.
 */

export const ANCHOR_MODES = ['lowest', 'anchor'] as const;
export type AnchorMode = (typeof ANCHOR_MODES)[number];

export const PRESET_NAMES = [
  'national-batch-7',
  'national-batch-10',
  'national-batch-11',
  'single-winner',
] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** A condition or limit that can be switched off while keeping its value for when it is back on. */
export interface Switchable<T> {
  enabled: boolean;
  value: T;
}

export interface LowPriceExemption {
  enabled: boolean;
  /** Threshold per unit comparable unit, by the lot's dosage-form class; null = no exemption. */
  thresholds: Record<DosageFormClass, string | null>;
}

export interface RuleSetParameters {
  /** `lowest`: the lowest valid price; `anchor`: max(lowest, anchorMeanShare × mean). */
  anchor: AnchorMode;
  anchorMeanShare: string;
  /** Win condition: unit comparable price ≤ value × anchor. */
  ratioToAnchor: Switchable<string>;
  /** Win condition: 1 − unit comparable price ÷ maximum valid unit price ≥ value. */
  dropFromMax: Switchable<string>;
  /** Win condition: unit comparable price ≤ the threshold of the lot's class. */
  lowPriceExemption: LowPriceExemption;
  winnerCap: Switchable<number>;
  /** With two or more valid bidders, at most validBidders − 1 win. */
  excludeHighest: boolean;
  revival: boolean;
  revivalSingleWinnerRatio: string;
  /** §P4 eligibility: drugs must pass consistency evaluation or be the originator. */
  requireConsistencyOrOriginator: boolean;
  /** §P5: doubling the strength costs × this. */
  strengthRatioBase: string;
  dosageFormFactors: Record<DosageFormCode, string>;
  /** §P9 agreed-volume ratio for 1, 2, 3 … winners; the last entry applies to every larger count. */
  agreedVolumeRatios: string[];
  /** §P9 agreement term in years, indexed like agreedVolumeRatios. */
  termYears: number[];
}

export type ParameterName = keyof RuleSetParameters;

const LOW_PRICE_THRESHOLDS: Record<DosageFormClass, string | null> = {
  oral_solid: '0.10',
  small_volume_injection: '1.00',
  large_volume_injection: '2.00',
  other: null,
};

function nationalBatch7(): RuleSetParameters {
  return {
    anchor: 'lowest',
    anchorMeanShare: '0.5',
    ratioToAnchor: { enabled: true, value: '1.8' },
    dropFromMax: { enabled: true, value: '0.5' },
    lowPriceExemption: { enabled: true, thresholds: { ...LOW_PRICE_THRESHOLDS } },
    winnerCap: { enabled: true, value: 10 },
    excludeHighest: true,
    revival: false,
    revivalSingleWinnerRatio: '1.8',
    requireConsistencyOrOriginator: true,
    strengthRatioBase: '1.7',
    dosageFormFactors: defaultDosageFormFactors(),
    agreedVolumeRatios: ['0.5', '0.6', '0.7', '0.8'],
    termYears: [1, 1, 2, 3],
  };
}

/** §P6.7 presets, each built fresh so a caller can never alter another's copy. */
const PRESETS: Record<PresetName, () => RuleSetParameters> = {
  'national-batch-7': nationalBatch7,
  // National batch 10: the drop-from-max condition is gone and losers may revive.
  'national-batch-10': () => ({
    ...nationalBatch7(),
    dropFromMax: { enabled: false, value: '0.5' },
    revival: true,
  }),
  // National batch 11: the ratio test is anchored on max(lowest, half the mean).
  'national-batch-11': () => ({
    ...nationalBatch7(),
    anchor: 'anchor',
    dropFromMax: { enabled: false, value: '0.5' },
    revival: true,
  }),
  // The 4+7 pilot: only the lowest price wins. Expressed with the ordinary parameters — a ratio of
  // 1 to the lowest price qualifies only bids at that price, and a cap of 1 lets ties lose in
  // rank order — so overrides work on it like on any other preset.
  'single-winner': () => ({
    ...nationalBatch7(),
    ratioToAnchor: { enabled: true, value: '1' },
    dropFromMax: { enabled: false, value: '0.5' },
    lowPriceExemption: { enabled: false, thresholds: { ...LOW_PRICE_THRESHOLDS } },
    winnerCap: { enabled: true, value: 1 },
    excludeHighest: false,
  }),
};

export function isPresetName(value: string): value is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(value);
}

export function presetParameters(name: PresetName): RuleSetParameters {
  return PRESETS[name]();
}

interface Problem {
  parameter: string;
  message: string;
}

class Invalid extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

function fail(parameter: string, message: string): never {
  throw new Invalid({ parameter, message: `${parameter} ${message}` });
}

const DECIMAL = /^\d{1,12}(\.\d{1,6})?$/;
const INTEGER = /^\d{1,9}$/;

function show(raw: unknown): string {
  return raw === undefined ? 'nothing' : JSON.stringify(raw);
}

interface Bounds {
  /** Inclusive lower bound; exclusive when `above` is set instead. */
  min?: string;
  above?: string;
  max?: string;
}

function describe(b: Bounds): string {
  const parts = [
    b.above !== undefined ? `> ${b.above}` : undefined,
    b.min !== undefined ? `≥ ${b.min}` : undefined,
    b.max !== undefined ? `≤ ${b.max}` : undefined,
  ].filter(Boolean);
  return parts.join(' and ');
}

function decimalParam(parameter: string, raw: unknown, bounds: Bounds): string {
  const expected = `must be a decimal string ${describe(bounds)} with at most 6 decimals (e.g. "1.8"), got ${show(raw)}`;
  if (typeof raw !== 'string' || !DECIMAL.test(raw)) fail(parameter, expected);
  const d = new Decimal(raw);
  if (bounds.above !== undefined && !d.gt(bounds.above)) fail(parameter, expected);
  if (bounds.min !== undefined && d.lt(bounds.min)) fail(parameter, expected);
  if (bounds.max !== undefined && d.gt(bounds.max)) fail(parameter, expected);
  return d.toFixed();
}

function integerParam(parameter: string, raw: unknown, min: number, max: number): number {
  const expected = `must be a whole number from ${min} to ${max}, got ${show(raw)}`;
  const value =
    typeof raw === 'number' && Number.isInteger(raw)
      ? raw
      : typeof raw === 'string' && INTEGER.test(raw)
        ? Number(raw)
        : NaN;
  if (!(value >= min && value <= max)) fail(parameter, expected);
  return value;
}

function booleanParam(parameter: string, raw: unknown): boolean {
  if (typeof raw !== 'boolean') fail(parameter, `must be true or false, got ${show(raw)}`);
  return raw;
}

function isPlainObject(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

function onlyKeys(parameter: string, raw: Record<string, unknown>, allowed: readonly string[]) {
  for (const key of Object.keys(raw))
    if (!allowed.includes(key))
      fail(`${parameter}.${key}`, `is not a known field (allowed: ${allowed.join(', ')})`);
}

/**
 * A switchable parameter takes a value (sets it and switches the parameter on), `true` (on with
 * the current value), `false` or `null` (off), or the full `{ enabled, value }` form.
 */
function switchable<T>(
  parameter: string,
  raw: unknown,
  current: Switchable<T>,
  parse: (parameter: string, raw: unknown) => T,
): Switchable<T> {
  if (raw === null || raw === false) return { enabled: false, value: current.value };
  if (raw === true) return { enabled: true, value: current.value };
  if (isPlainObject(raw)) {
    onlyKeys(parameter, raw, ['enabled', 'value']);
    return {
      enabled: 'enabled' in raw ? booleanParam(`${parameter}.enabled`, raw.enabled) : true,
      value: 'value' in raw ? parse(`${parameter}.value`, raw.value) : current.value,
    };
  }
  return { enabled: true, value: parse(parameter, raw) };
}

function thresholds(
  parameter: string,
  raw: Record<string, unknown>,
  current: Record<DosageFormClass, string | null>,
): Record<DosageFormClass, string | null> {
  const next = { ...current };
  for (const [key, value] of Object.entries(raw)) {
    if (!isDosageFormClass(key))
      fail(
        `${parameter}.${key}`,
        `is not a dosage-form class (allowed: ${DOSAGE_FORM_CLASSES.join(', ')})`,
      );
    next[key] = value === null ? null : decimalParam(`${parameter}.${key}`, value, { above: '0' });
  }
  return next;
}

function positiveList<T>(
  parameter: string,
  raw: unknown,
  parse: (parameter: string, raw: unknown) => T,
): T[] {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > 20)
    fail(parameter, `must be a list of 1 to 20 entries (winner count 1, 2, …), got ${show(raw)}`);
  return raw.map((entry, i) => parse(`${parameter}[${i}]`, entry));
}

type Apply = (raw: unknown, current: RuleSetParameters) => Partial<RuleSetParameters>;

/** Every parameter a caller may override, by its §P6/§P9 name. */
const OVERRIDES: ReadonlyMap<ParameterName, Apply> = new Map<ParameterName, Apply>([
  [
    'anchor',
    (raw) => {
      if (typeof raw !== 'string' || !(ANCHOR_MODES as readonly string[]).includes(raw))
        fail('anchor', `must be one of ${ANCHOR_MODES.join(', ')}, got ${show(raw)}`);
      return { anchor: raw as AnchorMode };
    },
  ],
  [
    'anchorMeanShare',
    (raw) => ({ anchorMeanShare: decimalParam('anchorMeanShare', raw, { above: '0', max: '1' }) }),
  ],
  [
    'ratioToAnchor',
    (raw, c) => ({
      ratioToAnchor: switchable('ratioToAnchor', raw, c.ratioToAnchor, (p, v) =>
        decimalParam(p, v, { above: '0' }),
      ),
    }),
  ],
  [
    'dropFromMax',
    (raw, c) => ({
      dropFromMax: switchable('dropFromMax', raw, c.dropFromMax, (p, v) =>
        decimalParam(p, v, { above: '0', max: '1' }),
      ),
    }),
  ],
  [
    'lowPriceExemption',
    (raw, c) => {
      const current = c.lowPriceExemption;
      if (raw === null || raw === false)
        return { lowPriceExemption: { ...current, enabled: false } };
      if (raw === true) return { lowPriceExemption: { ...current, enabled: true } };
      if (!isPlainObject(raw))
        fail(
          'lowPriceExemption',
          `must be true, false, null, thresholds by class ({ "oral_solid": "0.10", … }) or { enabled, thresholds }, got ${show(raw)}`,
        );
      if ('enabled' in raw || 'thresholds' in raw) {
        onlyKeys('lowPriceExemption', raw, ['enabled', 'thresholds']);
        if ('thresholds' in raw && !isPlainObject(raw.thresholds))
          fail(
            'lowPriceExemption.thresholds',
            `must be an object by class, got ${show(raw.thresholds)}`,
          );
        return {
          lowPriceExemption: {
            enabled:
              'enabled' in raw ? booleanParam('lowPriceExemption.enabled', raw.enabled) : true,
            thresholds: isPlainObject(raw.thresholds)
              ? thresholds('lowPriceExemption.thresholds', raw.thresholds, current.thresholds)
              : current.thresholds,
          },
        };
      }
      return {
        lowPriceExemption: {
          enabled: true,
          thresholds: thresholds('lowPriceExemption', raw, current.thresholds),
        },
      };
    },
  ],
  [
    'winnerCap',
    (raw, c) => ({
      winnerCap: switchable('winnerCap', raw, c.winnerCap, (p, v) => integerParam(p, v, 1, 10000)),
    }),
  ],
  ['excludeHighest', (raw) => ({ excludeHighest: booleanParam('excludeHighest', raw) })],
  ['revival', (raw) => ({ revival: booleanParam('revival', raw) })],
  [
    'revivalSingleWinnerRatio',
    (raw) => ({
      revivalSingleWinnerRatio: decimalParam('revivalSingleWinnerRatio', raw, { min: '1' }),
    }),
  ],
  [
    'requireConsistencyOrOriginator',
    (raw) => ({
      requireConsistencyOrOriginator: booleanParam('requireConsistencyOrOriginator', raw),
    }),
  ],
  [
    'strengthRatioBase',
    (raw) => ({ strengthRatioBase: decimalParam('strengthRatioBase', raw, { above: '0' }) }),
  ],
  [
    'dosageFormFactors',
    (raw, c) => {
      if (!isPlainObject(raw))
        fail(
          'dosageFormFactors',
          `must be an object { "<form code>": "<factor>" }, got ${show(raw)}`,
        );
      const next = { ...c.dosageFormFactors };
      for (const [code, value] of Object.entries(raw)) {
        if (!isDosageFormCode(code)) fail(`dosageFormFactors.${code}`, 'is not a dosage-form code');
        next[code] = decimalParam(`dosageFormFactors.${code}`, value, { above: '0' });
      }
      return { dosageFormFactors: next };
    },
  ],
  [
    'agreedVolumeRatios',
    (raw) => ({
      agreedVolumeRatios: positiveList('agreedVolumeRatios', raw, (p, v) =>
        decimalParam(p, v, { above: '0', max: '1' }),
      ),
    }),
  ],
  [
    'termYears',
    (raw) => ({ termYears: positiveList('termYears', raw, (p, v) => integerParam(p, v, 1, 30)) }),
  ],
]);

export const PARAMETER_NAMES: readonly ParameterName[] = [...OVERRIDES.keys()];

/**
 * Applies overrides to a parameter set: every key must be a known parameter and every value must
 * fit it, or a RULE_SET_INVALID (400) names the parameter. Returns a new parameter set.
 */
export function applyOverrides(base: RuleSetParameters, overrides: unknown): RuleSetParameters {
  if (overrides === undefined || overrides === null) return structuredClone(base);
  if (!isPlainObject(overrides))
    throw procurementError(
      'RULE_SET_INVALID',
      `overrides must be an object of parameters, got ${show(overrides)}`,
      { parameter: 'overrides' },
    );
  let next = structuredClone(base);
  const problems: Problem[] = [];
  for (const [name, raw] of Object.entries(overrides)) {
    const apply = OVERRIDES.get(name as ParameterName);
    if (!apply) {
      problems.push({
        parameter: name,
        message: `${name} is not a rule-set parameter (known: ${PARAMETER_NAMES.join(', ')})`,
      });
      continue;
    }
    try {
      next = { ...next, ...apply(raw, next) };
    } catch (e) {
      if (!(e instanceof Invalid)) throw e;
      problems.push(e.problem);
    }
  }
  if (problems.length > 0) {
    const [first] = problems;
    throw procurementError('RULE_SET_INVALID', `Rule-set override ${first.message}`, {
      parameter: first.parameter,
      problems,
    });
  }
  return next;
}

/** A preset with overrides applied: what a simulation, and later a lot, runs with. */
export function resolveRuleSet(preset: string, overrides?: unknown): RuleSetParameters {
  if (!isPresetName(preset))
    throw procurementError(
      'RULE_SET_INVALID',
      `preset must be one of ${PRESET_NAMES.join(', ')}, got ${show(preset)}`,
      { parameter: 'preset' },
    );
  return applyOverrides(presetParameters(preset), overrides);
}
