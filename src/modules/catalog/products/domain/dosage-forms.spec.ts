import {
  defaultDosageFormFactors,
  DOSAGE_FORM_CODES,
  DOSAGE_FORMS,
  dosageFormByCodeOrName,
  resolveDosageFormClass,
} from './dosage-forms';

describe('§P5 dosage-form table', () => {
  it.each([
    ['tablet', '普通片', '1.00', 'oral_solid'],
    ['chewable_tablet', '咀嚼片', '1.05', 'oral_solid'],
    ['buccal_tablet', '口含片', '1.05', 'oral_solid'],
    ['soluble_tablet', '可溶片', '1.05', 'oral_solid'],
    ['enteric_coated_tablet', '肠溶片', '1.10', 'oral_solid'],
    ['dispersible_tablet', '分散片', '1.20', 'oral_solid'],
    ['effervescent_tablet', '泡腾片', '1.30', 'oral_solid'],
    ['hard_capsule', '硬胶囊', '1.00', 'oral_solid'],
    ['enteric_capsule', '肠溶胶囊', '1.10', 'oral_solid'],
    ['soft_capsule', '软胶囊', '1.20', 'oral_solid'],
    ['granules', '颗粒剂', '1.00', 'oral_solid'],
    ['injection', '注射剂', '1.00', 'small_volume_injection'],
    ['oral_solution', '口服溶液', '1.00', 'other'],
    ['other', '其他', '1.00', 'other'],
  ])('%s is %s, factor %s, default class %s', (code, name, factor, cls) => {
    const form = dosageFormByCodeOrName(code);
    expect(form).toMatchObject({ code, name, factor, defaultClass: cls });
    expect(dosageFormByCodeOrName(name)).toBe(form);
  });

  it('has exactly the 14 forms of the specification, codes unique', () => {
    expect(DOSAGE_FORMS).toHaveLength(14);
    expect(new Set(DOSAGE_FORM_CODES).size).toBe(14);
  });

  it('gives the default rule-set factors as decimal strings', () => {
    const factors = defaultDosageFormFactors();
    expect(factors.effervescent_tablet).toBe('1.30');
    expect(Object.keys(factors)).toEqual(DOSAGE_FORM_CODES);
    expect(Object.values(factors).every((f) => typeof f === 'string')).toBe(true);
  });

  it.each([
    ['tablet', undefined, { ok: true, value: 'oral_solid' }],
    ['tablet', null, { ok: true, value: 'oral_solid' }],
    ['tablet', 'oral_solid', { ok: true, value: 'oral_solid' }],
    ['injection', undefined, { ok: true, value: 'small_volume_injection' }],
    ['injection', 'large_volume_injection', { ok: true, value: 'large_volume_injection' }],
    ['injection', 'small_volume_injection', { ok: true, value: 'small_volume_injection' }],
    ['other', 'large_volume_injection', { ok: true, value: 'large_volume_injection' }],
    ['tablet', 'large_volume_injection', { ok: false }],
    ['injection', 'oral_solid', { ok: false }],
    ['oral_solution', 'oral_solid', { ok: false }],
    ['tablet', 'liquid', { ok: false }],
  ] as const)('form %s with class %s → %j', (form, requested, expected) => {
    const result = resolveDosageFormClass(form, requested);
    expect(result).toMatchObject(expected);
    if (!result.ok) expect(result.message).toMatch(/dosageFormClass/);
  });
});
