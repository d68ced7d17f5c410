import { createHash } from 'node:crypto';
import { DomainError } from '../../../../common/errors/domain-error';
import { PRESET_NAMES, presetParameters } from '../../selection/domain/rule-set';
import {
  basisOf,
  checkRuleSetName,
  openSealed,
  RULE_SET_NAME_PATTERN,
  ruleSetLabel,
  sealParameters,
} from './rule-set-versions';

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

describe('rule-set names', () => {
  it.each<[string, boolean]>([
    ['national-batch-7', true],
    ['js-2026.oral_v2', true],
    ['abc', true],
    ['0ab', true],
    ['a'.repeat(64), true],
    ['ab', false],
    ['a'.repeat(65), false],
    ['-abc', false],
    ['.abc', false],
    ['Upper-case', false],
    ['with space', false],
    ['a@1', false],
    ['省级规则', false],
  ])('%s fits the pattern: %s', (name, fits) => {
    expect(RULE_SET_NAME_PATTERN.test(name)).toBe(fits);
  });

  it.each(PRESET_NAMES)('%s is reserved for the engine preset', (name) => {
    const e = errorOf(() => checkRuleSetName(name));
    expect(e).toMatchObject({
      code: 'PROCUREMENT.RULE_SET_NAME_RESERVED',
      status: 400,
      details: { field: 'name' },
    });
    expect(e.message).toContain(name);
  });

  it.each(['national-batch-7b', 'single-winner-2', 'jiangsu'])('%s is free', (name) => {
    expect(() => checkRuleSetName(name)).not.toThrow();
  });

  it('labels a version as name@version', () => {
    expect(ruleSetLabel('jiangsu-oral', 3)).toBe('jiangsu-oral@3');
  });
});

describe('basisOf', () => {
  it.each<[string, { preset?: string; ruleSetId?: string }, unknown]>([
    ['a preset', { preset: 'national-batch-11' }, { preset: 'national-batch-11' }],
    ['a stored rule set', { ruleSetId: '42' }, { ruleSetId: '42' }],
  ])('%s', (_, basedOn, expected) => {
    expect(basisOf(basedOn)).toEqual(expected);
  });

  it.each<[string, { preset?: string; ruleSetId?: string }, string, string]>([
    ['neither', {}, 'basedOn', 'must name a preset or a ruleSetId'],
    ['both', { preset: 'single-winner', ruleSetId: '1' }, 'basedOn', 'not both'],
    ['an unknown preset', { preset: 'national-batch-8' }, 'basedOn.preset', 'national-batch-8'],
  ])('refuses %s, naming the field', (_, basedOn, field, words) => {
    const e = errorOf(() => basisOf(basedOn));
    expect(e).toMatchObject({
      code: 'PROCUREMENT.RULE_SET_BASIS_INVALID',
      status: 400,
      details: { field },
    });
    expect(e.message).toContain(words);
  });
});

describe('sealed parameters', () => {
  it.each(PRESET_NAMES)('%s: canonical JSON, its SHA-256, and back unchanged', (name) => {
    const parameters = presetParameters(name);
    const sealed = sealParameters(parameters);
    expect(sealed.sha256).toBe(createHash('sha256').update(sealed.json).digest('hex'));
    expect(sealed.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(sealed.json.indexOf('"agreedVolumeRatios"')).toBeLessThan(
      sealed.json.indexOf('"anchor"'),
    );
    expect(openSealed(`${name}@1`, sealed)).toEqual(parameters);
  });

  it('key order does not change the digest', () => {
    const parameters = presetParameters('national-batch-7');
    const reversed = Object.fromEntries(Object.entries(parameters).reverse()) as typeof parameters;
    expect(sealParameters(reversed)).toEqual(sealParameters(parameters));
  });

  it('different parameters give different digests', () => {
    expect(sealParameters(presetParameters('national-batch-10')).sha256).not.toBe(
      sealParameters(presetParameters('national-batch-11')).sha256,
    );
  });

  it.each<[string, (json: string) => string, (sha: string) => string]>([
    ['an edited value', (j) => j.replace('"1.8"', '"1.9"'), (s) => s],
    ['an edited digest', (j) => j, (s) => `${s.slice(0, 63)}${s.endsWith('0') ? '1' : '0'}`],
    ['added whitespace', (j) => j.replace(':', ': '), (s) => s],
  ])('refuses %s loudly, naming the version', (_, editJson, editSha) => {
    const sealed = sealParameters(presetParameters('national-batch-7'));
    expect(() =>
      openSealed('jiangsu@2', { json: editJson(sealed.json), sha256: editSha(sealed.sha256) }),
    ).toThrow(/Rule set jiangsu@2: stored parameters do not match their SHA-256/);
  });
});
