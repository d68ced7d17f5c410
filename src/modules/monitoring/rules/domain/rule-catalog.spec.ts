import { DomainError } from '../../../../common/errors/domain-error';
import {
  DEFAULT_PARAMETERS,
  inScope,
  mergeParameters,
  RULE_CODES,
  validateParameters,
  validateScope,
  validateSeverityOverrides,
} from './rule-catalog';
import { applySeverityOverride, maxSeverity, SEVERITIES } from './severity';

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return ((e as DomainError).details as { field: string }).field;
  }
  return undefined;
}

describe('rule catalogue', () => {
  it.each(RULE_CODES.map((c) => [c]))('the defaults of %s validate', (code) => {
    expect(validateParameters(code, DEFAULT_PARAMETERS[code])).toEqual(DEFAULT_PARAMETERS[code]);
  });

  it('listing_multiple: yellow above 1.5 ×, the red bands of §M3.2; an analyst may go to 1', () => {
    expect(DEFAULT_PARAMETERS.listing_multiple).toEqual({
      yellowAbove: '1.5',
      red1From: '2',
      red2From: '5',
      red3From: '10',
    });
    expect(
      mergeParameters('listing_multiple', DEFAULT_PARAMETERS.listing_multiple, {
        yellowAbove: '1',
      }),
    ).toEqual({ yellowAbove: '1', red1From: '2', red2From: '5', red3From: '10' });
    expect(
      fieldOf(() =>
        mergeParameters('listing_multiple', DEFAULT_PARAMETERS.listing_multiple, {
          yellowAbove: '2',
        }),
      ),
    ).toBe('parameters.red1From');
  });

  it.each([
    ['peer_outlier', { threshold: 'abc' }, 'parameters.threshold'],
    ['peer_outlier', { threshold: '0' }, 'parameters.threshold'],
    ['peer_outlier', { minPeers: 2 }, 'parameters.minPeers'],
    ['peer_outlier', { extra: 1 }, 'parameters.extra'],
    ['listing_multiple', { red2From: '1.5' }, 'parameters.red2From'],
    ['abrupt_change', { alertAbove: '0.1' }, 'parameters.alertAbove'],
    ['cross_region_low', { regionLevel: 'street' }, 'parameters.regionLevel'],
    ['abnormally_low', { share: '1' }, 'parameters.share'],
    ['abnormally_low', { references: [] }, 'parameters.references'],
    ['quantity_spike', { minHistoryMonths: 9 }, 'parameters.minHistoryMonths'],
  ] as const)('%s with %j fails on %s', (code, change, field) => {
    expect(fieldOf(() => mergeParameters(code, DEFAULT_PARAMETERS[code], change))).toBe(field);
  });

  it('validates scope and overrides, naming the field', () => {
    expect(fieldOf(() => validateScope({ regionCodes: ['32'] }))).toBe('scope.regionCodes');
    expect(fieldOf(() => validateScope({ other: [] }))).toBe('scope.other');
    expect(fieldOf(() => validateSeverityOverrides({ verify: 'purple' }))).toBe(
      'severityOverrides.verify',
    );
    expect(validateScope({ categories: ['drug', 'drug'] })).toEqual({
      categories: ['drug'],
      regionCodes: [],
      genericKeys: [],
    });
  });

  it.each([
    [
      { categories: ['drug'], regionCodes: [], genericKeys: [] },
      { category: 'consumable', regionCode: null, genericKey: 'g' },
      false,
    ],
    [
      { categories: [], regionCodes: ['320100'], genericKeys: [] },
      { category: 'drug', regionCode: '320102', genericKey: 'g' },
      true,
    ],
    [
      { categories: [], regionCodes: ['320100'], genericKeys: [] },
      { category: 'drug', regionCode: '330102', genericKey: 'g' },
      false,
    ],
    [
      { categories: [], regionCodes: ['320100'], genericKeys: [] },
      { category: 'drug', regionCode: null, genericKey: 'g' },
      true,
    ],
    [
      { categories: [], regionCodes: [], genericKeys: ['h'] },
      { category: 'drug', regionCode: null, genericKey: 'g' },
      false,
    ],
  ])('scope %j, hit %j → %s', (scope, hit, expected) => {
    expect(inScope(scope, hit)).toBe(expected);
  });

  it('orders severities and applies overrides', () => {
    expect(SEVERITIES).toEqual(['verify', 'yellow', 'red_1', 'red_2', 'red_3']);
    expect(maxSeverity('verify', 'red_2')).toBe('red_2');
    expect(applySeverityOverride('verify', { verify: 'yellow' })).toBe('yellow');
    expect(applySeverityOverride('red_1', { verify: 'yellow' })).toBe('red_1');
  });
});
