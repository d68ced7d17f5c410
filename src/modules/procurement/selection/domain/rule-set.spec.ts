import { DomainError } from '../../../../common/errors/domain-error';
import { defaultDosageFormFactors } from '../../../catalog/products/domain/dosage-forms';
import {
  PARAMETER_NAMES,
  PRESET_NAMES,
  presetParameters,
  resolveRuleSet,
  RuleSetParameters,
} from './rule-set';

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

const batch7: RuleSetParameters = {
  anchor: 'lowest',
  anchorMeanShare: '0.5',
  ratioToAnchor: { enabled: true, value: '1.8' },
  dropFromMax: { enabled: true, value: '0.5' },
  lowPriceExemption: {
    enabled: true,
    thresholds: {
      oral_solid: '0.10',
      small_volume_injection: '1.00',
      large_volume_injection: '2.00',
      other: null,
    },
  },
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

describe('§P6.7 presets', () => {
  it('national-batch-7: lowest anchor, ratio 1.8, drop 0.5 and exemption on, cap 10, highest excluded, no revival', () => {
    expect(presetParameters('national-batch-7')).toEqual(batch7);
  });

  it.each<[string, Partial<RuleSetParameters>]>([
    ['national-batch-10', { dropFromMax: { enabled: false, value: '0.5' }, revival: true }],
    [
      'national-batch-11',
      { anchor: 'anchor', dropFromMax: { enabled: false, value: '0.5' }, revival: true },
    ],
    [
      'single-winner',
      {
        ratioToAnchor: { enabled: true, value: '1' },
        dropFromMax: { enabled: false, value: '0.5' },
        lowPriceExemption: { ...batch7.lowPriceExemption, enabled: false },
        winnerCap: { enabled: true, value: 1 },
        excludeHighest: false,
      },
    ],
  ])('%s differs from batch 7 exactly by %j', (name, diff) => {
    expect(resolveRuleSet(name)).toEqual({ ...batch7, ...diff });
  });

  it('every call builds a fresh copy', () => {
    const a = presetParameters('national-batch-7');
    a.ratioToAnchor.value = '9';
    a.lowPriceExemption.thresholds.oral_solid = '9';
    a.agreedVolumeRatios.push('1');
    expect(presetParameters('national-batch-7')).toEqual(batch7);
  });

  it('ships exactly the four presets', () => {
    expect(PRESET_NAMES).toEqual([
      'national-batch-7',
      'national-batch-10',
      'national-batch-11',
      'single-winner',
    ]);
  });
});

describe('overrides', () => {
  it.each<[string, Record<string, unknown>, Partial<RuleSetParameters>]>([
    ['a decimal sets a value', { ratioToAnchor: '1.8' }, {}],
    [
      'a decimal sets and enables',
      { ratioToAnchor: '2' },
      { ratioToAnchor: { enabled: true, value: '2' } },
    ],
    [
      'the value is canonical',
      { ratioToAnchor: '2.50' },
      { ratioToAnchor: { enabled: true, value: '2.5' } },
    ],
    ['null disables', { dropFromMax: null }, { dropFromMax: { enabled: false, value: '0.5' } }],
    [
      'false disables',
      { ratioToAnchor: false },
      { ratioToAnchor: { enabled: false, value: '1.8' } },
    ],
    [
      'full form',
      { dropFromMax: { enabled: true, value: '0.4' } },
      { dropFromMax: { enabled: true, value: '0.4' } },
    ],
    [
      'full form without value',
      { dropFromMax: { enabled: false } },
      { dropFromMax: { enabled: false, value: '0.5' } },
    ],
    ['anchor mode', { anchor: 'anchor' }, { anchor: 'anchor' }],
    ['anchorMeanShare', { anchorMeanShare: '0.6' }, { anchorMeanShare: '0.6' }],
    ['winnerCap as a number', { winnerCap: 3 }, { winnerCap: { enabled: true, value: 3 } }],
    ['winnerCap as digits', { winnerCap: '3' }, { winnerCap: { enabled: true, value: 3 } }],
    ['winnerCap off', { winnerCap: null }, { winnerCap: { enabled: false, value: 10 } }],
    ['excludeHighest', { excludeHighest: false }, { excludeHighest: false }],
    ['revival', { revival: true }, { revival: true }],
    [
      'revivalSingleWinnerRatio',
      { revivalSingleWinnerRatio: '1.5' },
      { revivalSingleWinnerRatio: '1.5' },
    ],
    [
      'requireConsistencyOrOriginator',
      { requireConsistencyOrOriginator: false },
      { requireConsistencyOrOriginator: false },
    ],
    ['strengthRatioBase', { strengthRatioBase: '2' }, { strengthRatioBase: '2' }],
    [
      'lowPriceExemption off',
      { lowPriceExemption: false },
      { lowPriceExemption: { ...batch7.lowPriceExemption, enabled: false } },
    ],
    [
      'lowPriceExemption thresholds by class merge',
      { lowPriceExemption: { other: '0.50', oral_solid: null } },
      {
        lowPriceExemption: {
          enabled: true,
          thresholds: { ...batch7.lowPriceExemption.thresholds, other: '0.5', oral_solid: null },
        },
      },
    ],
    [
      'lowPriceExemption full form',
      { lowPriceExemption: { enabled: true, thresholds: { oral_solid: '0.2' } } },
      {
        lowPriceExemption: {
          enabled: true,
          thresholds: { ...batch7.lowPriceExemption.thresholds, oral_solid: '0.2' },
        },
      },
    ],
    [
      'dosageFormFactors merge',
      { dosageFormFactors: { soft_capsule: '1.25' } },
      { dosageFormFactors: { ...defaultDosageFormFactors(), soft_capsule: '1.25' } },
    ],
    [
      'special-category ratios 30/40/50 %',
      { agreedVolumeRatios: ['0.3', '0.4', '0.5'] },
      { agreedVolumeRatios: ['0.3', '0.4', '0.5'] },
    ],
    ['termYears', { termYears: [2, '3'] }, { termYears: [2, 3] }],
    ['nothing', {}, {}],
  ])('%s: %j', (_, overrides, diff) => {
    expect(resolveRuleSet('national-batch-7', overrides)).toEqual({ ...batch7, ...diff });
  });

  it('overrides apply on top of the chosen preset', () => {
    expect(resolveRuleSet('national-batch-10', { revival: false }).dropFromMax.enabled).toBe(false);
  });

  it('accepts every §P6/§P9 parameter by name', () => {
    expect([...PARAMETER_NAMES].sort()).toEqual(Object.keys(batch7).sort());
  });

  it.each<[Record<string, unknown>, string]>([
    [{ maxWinners: 3 }, 'maxWinners'],
    [{ ratio: '1.8' }, 'ratio'],
    [{ ratioToAnchor: 1.8 }, 'ratioToAnchor'],
    [{ ratioToAnchor: 'abc' }, 'ratioToAnchor'],
    [{ ratioToAnchor: '0' }, 'ratioToAnchor'],
    [{ ratioToAnchor: '-1' }, 'ratioToAnchor'],
    [{ ratioToAnchor: '1.1234567' }, 'ratioToAnchor'],
    [{ ratioToAnchor: { enabled: 'yes' } }, 'ratioToAnchor.enabled'],
    [{ ratioToAnchor: { value: 2 } }, 'ratioToAnchor.value'],
    [{ ratioToAnchor: { on: true } }, 'ratioToAnchor.on'],
    [{ dropFromMax: '1.5' }, 'dropFromMax'],
    [{ anchor: 'mean' }, 'anchor'],
    [{ anchorMeanShare: '1.2' }, 'anchorMeanShare'],
    [{ winnerCap: 0 }, 'winnerCap'],
    [{ winnerCap: 2.5 }, 'winnerCap'],
    [{ winnerCap: '3.0' }, 'winnerCap'],
    [{ excludeHighest: 'true' }, 'excludeHighest'],
    [{ revival: null }, 'revival'],
    [{ revivalSingleWinnerRatio: '0.9' }, 'revivalSingleWinnerRatio'],
    [{ strengthRatioBase: '0' }, 'strengthRatioBase'],
    [{ lowPriceExemption: '0.10' }, 'lowPriceExemption'],
    [{ lowPriceExemption: { pills: '0.1' } }, 'lowPriceExemption.pills'],
    [{ lowPriceExemption: { oral_solid: 0.1 } }, 'lowPriceExemption.oral_solid'],
    [{ lowPriceExemption: { enabled: true, oral_solid: '0.1' } }, 'lowPriceExemption.oral_solid'],
    [{ lowPriceExemption: { thresholds: [] } }, 'lowPriceExemption.thresholds'],
    [{ dosageFormFactors: { suppository: '1.1' } }, 'dosageFormFactors.suppository'],
    [{ dosageFormFactors: { tablet: '0' } }, 'dosageFormFactors.tablet'],
    [{ dosageFormFactors: 'x' }, 'dosageFormFactors'],
    [{ agreedVolumeRatios: [] }, 'agreedVolumeRatios'],
    [{ agreedVolumeRatios: ['0.5', '1.5'] }, 'agreedVolumeRatios[1]'],
    [{ agreedVolumeRatios: '0.5' }, 'agreedVolumeRatios'],
    [{ termYears: [1, 0] }, 'termYears[1]'],
    [{ termYears: [1, 31] }, 'termYears[1]'],
  ])('%j is refused naming %s', (overrides, parameter) => {
    const e = errorOf(() => resolveRuleSet('national-batch-7', overrides));
    expect(e.code).toBe('PROCUREMENT.RULE_SET_INVALID');
    expect(e.status).toBe(400);
    expect(e.details).toMatchObject({ parameter });
    expect(e.message).toContain(parameter);
  });

  it('lists every problem, the first one in the message', () => {
    const e = errorOf(() =>
      resolveRuleSet('national-batch-7', { bogus: 1, winnerCap: -1, ratioToAnchor: '1.8' }),
    );
    expect(e.details).toEqual({
      parameter: 'bogus',
      problems: [
        expect.objectContaining({ parameter: 'bogus' }),
        expect.objectContaining({ parameter: 'winnerCap' }),
      ],
    });
  });

  it.each([['x'], [[]], [1]])('overrides %j that are not an object are refused', (overrides) => {
    expect(errorOf(() => resolveRuleSet('national-batch-7', overrides)).details).toEqual({
      parameter: 'overrides',
    });
  });

  it('__proto__ is not a parameter', () => {
    const e = errorOf(() => resolveRuleSet('national-batch-7', JSON.parse('{"__proto__": {}}')));
    expect(e.details).toMatchObject({ parameter: '__proto__' });
  });

  it.each(['national-batch-8', '', 'NATIONAL-BATCH-7'])('unknown preset %j', (preset) => {
    const e = errorOf(() => resolveRuleSet(preset));
    expect(e.code).toBe('PROCUREMENT.RULE_SET_INVALID');
    expect(e.details).toEqual({ parameter: 'preset' });
  });
});
