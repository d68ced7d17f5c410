import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../../common/canonical-json';
import { procurementError } from '../../procurement.errors';
import { isPresetName, PresetName, RuleSetParameters } from '../../selection/domain/rule-set';

/** Lower-case, URL- and file-name-safe, 3 to 64 characters. */
export const RULE_SET_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;

/** How a stored rule set names another version: `national-batch-10@1`. */
export function ruleSetLabel(name: string, version: number): string {
  return `${name}@${version}`;
}

/**
 * The preset names belong to the engine's presets, seeded as their version 1; a user version of
 * one would make the name mean two things (the simulation API runs the engine's preset by name).
 */
export function checkRuleSetName(name: string): void {
  if (isPresetName(name))
    throw procurementError(
      'RULE_SET_NAME_RESERVED',
      `name ${name} is reserved for the engine's preset; choose another name`,
      { field: 'name' },
    );
}

export type RuleSetBasis = { preset: PresetName } | { ruleSetId: string };

/** `basedOn` names exactly one of a preset or a stored rule set. */
export function basisOf(basedOn: { preset?: string; ruleSetId?: string }): RuleSetBasis {
  const { preset, ruleSetId } = basedOn;
  if (preset !== undefined && ruleSetId !== undefined)
    throw procurementError(
      'RULE_SET_BASIS_INVALID',
      'basedOn must name either a preset or a ruleSetId, not both',
      { field: 'basedOn' },
    );
  if (ruleSetId !== undefined) return { ruleSetId };
  if (preset !== undefined && isPresetName(preset)) return { preset };
  throw procurementError(
    'RULE_SET_BASIS_INVALID',
    preset === undefined
      ? 'basedOn must name a preset or a ruleSetId'
      : `basedOn.preset ${JSON.stringify(preset)} is not a preset`,
    { field: preset === undefined ? 'basedOn' : 'basedOn.preset' },
  );
}

export interface SealedParameters {
  /** Canonical JSON (sorted keys), the form that is stored and hashed. */
  json: string;
  /** Lower-case hex SHA-256 of `json`. */
  sha256: string;
}

export function sealParameters(parameters: RuleSetParameters): SealedParameters {
  const json = canonicalJson(parameters);
  return { json, sha256: sha256Hex(json) };
}

/**
 * Reads stored parameters back, refusing any whose text no longer matches the digest taken when
 * they were written: a round must never run on rules other than the ones it froze.
 */
export function openSealed(label: string, sealed: SealedParameters): RuleSetParameters {
  const actual = sha256Hex(sealed.json);
  if (actual !== sealed.sha256)
    throw new Error(
      `Rule set ${label}: stored parameters do not match their SHA-256 (stored ${sealed.sha256}, computed ${actual}); the row was altered outside the application`,
    );
  return JSON.parse(sealed.json) as RuleSetParameters;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
