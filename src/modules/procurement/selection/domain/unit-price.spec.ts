import {
  DOSAGE_FORMS,
  defaultDosageFormFactors,
} from '../../../catalog/products/domain/dosage-forms';
import {
  comparablePrice,
  formFactor,
  strengthFactor,
  strengthInBase,
  unitPrice,
} from './unit-price';

const params = { strengthRatioBase: '1.7', dosageFormFactors: defaultDosageFormFactors() };
const tablet10mg = { strength: '10', strengthUnit: 'mg', dosageForm: 'tablet' };

describe('unitPrice = packPrice / packSize (unrounded)', () => {
  it.each([
    // 200 / 7 = 28.571428…, carried at 30 significant digits
    ['200.00', 7, '28.5714285714285714285714285714'],
    // 35.5 / 7 = 5.0714285714…
    ['35.5', 7, '5.07142857142857142857142857143'],
    ['23.80', 7, '3.4'],
    ['12', 10, '1.2'],
    ['0.000001', 1, '0.000001'],
  ])('%s / %i = %s', (pack, size, unit) => {
    expect(unitPrice(pack, size).toString()).toBe(unit);
  });
});

describe('strengths convert within a dimension', () => {
  it.each([
    ['0.02', 'g', 'mass', '20'],
    ['1', 'g', 'mass', '1000'],
    ['500', 'µg', 'mass', '0.5'],
    ['500', 'ug', 'mass', '0.5'],
    ['250', 'mcg', 'mass', '0.25'],
    ['1', 'l', 'volume', '1000'],
    ['5', 'ml', 'volume', '5'],
    ['5', 'mL', 'volume', '5'],
    ['40', '万IU', 'activity', '400000'],
    ['800', 'IU', 'activity', '800'],
  ])('%s %s is %s %s in the base unit', (strength, unit, dimension, value) => {
    const base = strengthInBase(strength, unit)!;
    expect(base.dimension).toBe(dimension);
    expect(base.value.toString()).toBe(value);
  });

  it('an unknown unit has no base', () => {
    expect(strengthInBase('1', 'kg')).toBeNull();
  });
});

describe('strengthFactor = 1.7 ^ log2(strength / representative strength)', () => {
  it.each([
    // same strength: 1.7^0 = 1
    ['30', 'mg', '30', 'mg', '1'],
    // doubling: 1.7^log2(2) = 1.7^1
    ['20', 'mg', '10', 'mg', '1.7'],
    // half: 1.7^-1 = 1/1.7 = 0.5882352941…
    ['10', 'mg', '20', 'mg', '0.588235294117647058823529411765'],
    // four times: 1.7^2 = 2.89
    ['40', 'mg', '10', 'mg', '2.89'],
    // a quarter: 1.7^-2 = 1/2.89 = 0.3460207612…
    ['5', 'mg', '20', 'mg', '0.346020761245674740484429065744'],
    // 30/20 = 1.5: 1.7^log2(1.5) = e^(ln 1.7 × ln 1.5 / ln 2) = e^(0.5306282511 × 0.5849625007)
    //   = e^0.3103976... = 1.3639673588794142844680871871811… (checked at 40 digits)
    ['30', 'mg', '20', 'mg', '1.36396735887941428446808718718'],
    // 0.02 g = 20 mg against 10 mg: a doubling
    ['0.02', 'g', '10', 'mg', '1.7'],
    // 10000 µg = 10 mg against 20 mg: a halving
    ['10000', 'µg', '20', 'mg', '0.588235294117647058823529411765'],
    // 1 l = 1000 ml against 500 ml: a doubling
    ['1', 'l', '500', 'ml', '1.7'],
    // 1 万IU = 10000 IU against 5000 IU: a doubling
    ['1', '万IU', '5000', 'IU', '1.7'],
  ])('%s %s against %s %s → %s', (s, u, rs, ru, factor) => {
    const f = strengthFactor(
      { strength: s, strengthUnit: u },
      { strength: rs, strengthUnit: ru },
      '1.7',
    );
    expect(f!.toString()).toBe(factor);
  });

  it('uses the rule set base: 2 ^ log2(4) = 4', () => {
    const f = strengthFactor(
      { strength: '40', strengthUnit: 'mg' },
      { strength: '10', strengthUnit: 'mg' },
      '2',
    );
    expect(f!.toString()).toBe('4');
  });

  it.each([
    ['10', 'mg', '10', 'ml'],
    ['10', 'IU', '10', 'mg'],
    ['10', 'l', '10', 'g'],
    ['10', 'kg', '10', 'mg'],
  ])('%s %s against %s %s is incomparable', (s, u, rs, ru) => {
    expect(
      strengthFactor({ strength: s, strengthUnit: u }, { strength: rs, strengthUnit: ru }, '1.7'),
    ).toBeNull();
  });
});

describe('formFactor = factor(form) / factor(representative form)', () => {
  it.each(DOSAGE_FORMS.map((f) => [f.code, f.factor] as const))(
    '%s against tablet = %s',
    (code, factor) => {
      // tablet is 1.00, so the quotient is the form's own factor
      expect(formFactor(code, 'tablet', params.dosageFormFactors)!.eq(factor)).toBe(true);
    },
  );

  it.each([
    // 1.20 / 1.10
    ['dispersible_tablet', 'enteric_coated_tablet', '1.09090909090909090909090909091'],
    // 1.00 / 1.20
    ['tablet', 'dispersible_tablet', '0.833333333333333333333333333333'],
    // 1.30 / 1.30
    ['effervescent_tablet', 'effervescent_tablet', '1'],
  ])('%s against %s = %s', (form, rep, factor) => {
    expect(formFactor(form, rep, params.dosageFormFactors)!.toString()).toBe(factor);
  });

  it('a form missing from the table has no factor', () => {
    expect(formFactor('suppository', 'tablet', params.dosageFormFactors)).toBeNull();
  });
});

describe('unitComparablePrice = unitPrice / strengthFactor / formFactor, rounded once', () => {
  it.each([
    // §P11 example: 200.00 / 7 = 28.5714285… → 28.571429; same spec as the representative
    ['200.00', 7, '30', 'mg', 'tablet', '30', 'mg', 'tablet', '28.571429', '28.571429'],
    // 23.80 / 7 = 3.4 per 20 mg tablet; against 10 mg: 3.4 / 1.7 = 2
    ['23.80', 7, '20', 'mg', 'tablet', '10', 'mg', 'tablet', '3.400000', '2.000000'],
    // 14 / 7 = 2 per 10 mg tablet; against 20 mg: 2 / (1/1.7) = 3.4
    ['14', 7, '10', 'mg', 'tablet', '20', 'mg', 'tablet', '2.000000', '3.400000'],
    // 0.02 g = 20 mg: 34 / 10 = 3.4 → 3.4 / 1.7 = 2
    ['34', 10, '0.02', 'g', 'tablet', '10', 'mg', 'tablet', '3.400000', '2.000000'],
    // dispersible tablet, same strength: 12 / 10 = 1.2 → 1.2 / 1.2 = 1
    ['12', 10, '10', 'mg', 'dispersible_tablet', '10', 'mg', 'tablet', '1.200000', '1.000000'],
    // tablet against a dispersible representative: 1 / (1.00/1.20) = 1.2
    ['10', 10, '10', 'mg', 'tablet', '10', 'mg', 'dispersible_tablet', '1.000000', '1.200000'],
    // both: 20.40 / 10 = 2.04 per 20 mg soft capsule; / 1.7 = 1.2; / 1.20 = 1
    ['20.40', 10, '20', 'mg', 'soft_capsule', '10', 'mg', 'tablet', '2.040000', '1.000000'],
    // 30 mg against 20 mg: 10 / 1.36396735887941428… = 7.3315537464… → 7.331554
    ['10', 1, '30', 'mg', 'tablet', '20', 'mg', 'tablet', '10.000000', '7.331554'],
    // 10 mg against 30 mg: 1 / 1.7^log2(1/3) = 1 / 0.43126786743… = 2.3187445100… → 2.318745
    ['1', 1, '10', 'mg', 'tablet', '30', 'mg', 'tablet', '1.000000', '2.318745'],
    // Rounded once: 5 mg against 40 mg is 1.7^-3, so (1/3) × 4.913 = 1.6376666… → 1.637667.
    // Rounding the unit price first (0.333333 × 4.913 = 1.637665029) would give 1.637665.
    ['1', 3, '5', 'mg', 'tablet', '40', 'mg', 'tablet', '0.333333', '1.637667'],
    // 500 ml infusion at 8.50 against a 250 ml representative: 8.5 / 1.7 = 5
    ['8.50', 1, '500', 'ml', 'injection', '250', 'ml', 'injection', '8.500000', '5.000000'],
  ])(
    '%s / %i of %s %s %s against %s %s %s → unit %s, comparable %s',
    (packPrice, packSize, strength, unit, form, rs, ru, rf, unitP, comparable) => {
      const r = comparablePrice(
        { packPrice, packSize, strength, strengthUnit: unit, dosageForm: form },
        { strength: rs, strengthUnit: ru, dosageForm: rf },
        params,
      );
      expect(r).toEqual({ unitPrice: unitP, unitComparablePrice: comparable, invalid: [] });
    },
  );

  it('uses the rule set factors: an override of dispersible_tablet to 1.5 gives 1.5 / 1.5 = 1', () => {
    const r = comparablePrice(
      {
        packPrice: '15',
        packSize: 10,
        strength: '10',
        strengthUnit: 'mg',
        dosageForm: 'dispersible_tablet',
      },
      tablet10mg,
      { ...params, dosageFormFactors: { ...params.dosageFormFactors, dispersible_tablet: '1.5' } },
    );
    expect(r.unitComparablePrice).toBe('1.000000');
  });

  it.each([
    // A non-positive price still converts; the reason alone makes the bid invalid.
    ['0', 7, '10', 'mg', 'tablet', '0.000000', '0.000000', ['non_positive_price']],
    ['-1', 1, '10', 'mg', 'tablet', '-1.000000', '-1.000000', ['non_positive_price']],
    ['7', 0, '10', 'mg', 'tablet', null, null, ['invalid_pack_size']],
    ['7', 7, '0', 'mg', 'tablet', '1.000000', null, ['non_positive_strength']],
    ['7', 7, '10', 'ml', 'tablet', '1.000000', null, ['incomparable_strength']],
    ['7', 7, '10', 'kg', 'tablet', '1.000000', null, ['incomparable_strength']],
    ['7', 7, '10', 'mg', 'suppository', '1.000000', null, ['unknown_dosage_form']],
    [
      '0',
      7,
      '10',
      'IU',
      'tablet',
      '0.000000',
      null,
      ['non_positive_price', 'incomparable_strength'],
    ],
  ])(
    '%s / %i of %s %s %s is invalid',
    (packPrice, packSize, strength, unit, form, unitP, comparable, invalid) => {
      const r = comparablePrice(
        { packPrice, packSize, strength, strengthUnit: unit, dosageForm: form },
        tablet10mg,
        params,
      );
      expect(r).toEqual({ unitPrice: unitP, unitComparablePrice: comparable, invalid });
    },
  );
});
