import { Decimal } from '../../../../database/decimal';
import { defaultDosageFormFactors } from '../../../catalog/products/domain/dosage-forms';
import {
  ComparableBasis,
  genericKey,
  observationOf,
  packSizeOf,
  pricesOf,
  ProductFacts,
  unitsOf,
} from './observation-rows';

const drug = (over: Partial<ProductFacts> = {}): ProductFacts => ({
  id: '1',
  category: 'drug',
  name: ' 阿托伐他汀钙片 ',
  dosageForm: 'tablet',
  dosageFormClass: 'oral_solid',
  strength: new Decimal('20'),
  strengthUnit: 'mg',
  packSize: 7,
  categoryPath: null,
  specification: null,
  ...over,
});

const consumable = (over: Partial<ProductFacts> = {}): ProductFacts => ({
  id: '2',
  category: 'consumable',
  name: '药物洗脱支架',
  dosageForm: null,
  dosageFormClass: null,
  strength: null,
  strengthUnit: null,
  packSize: null,
  categoryPath: '血管介入/冠脉支架',
  specification: '3.0 x 18 mm',
  ...over,
});

const basis: ComparableBasis = {
  representative: { strength: '20', strengthUnit: 'mg', dosageForm: 'tablet' },
  repPackSize: 7,
  params: { strengthRatioBase: '1.7', dosageFormFactors: defaultDosageFormFactors() },
};

describe('observation rows', () => {
  it.each([
    [drug(), '阿托伐他汀钙片|oral_solid|20mg'],
    [drug({ strength: '20.000000', strengthUnit: 'MG' }), '阿托伐他汀钙片|oral_solid|20mg'],
    [drug({ strength: '40' }), '阿托伐他汀钙片|oral_solid|40mg'],
    [consumable(), '血管介入/冠脉支架|3.0 x 18 mm'],
    [consumable({ categoryPath: null }), '药物洗脱支架|3.0 x 18 mm'],
  ])('generic key of %j is %s', (p, key) => expect(genericKey(p)).toBe(key));

  it('bounds the generic key to its column', () => {
    expect(genericKey(drug({ name: 'x'.repeat(400) })).length).toBe(191);
  });

  it.each([
    // Same spec as the representative: comparable = unit.
    [drug(), '10.50', 7, basis, '1.500000', '1.500000'],
    // Double strength costs × 1.7 under the national rule: 3.4 / 1.7 = 2.
    [drug({ strength: '40' }), '23.80', 7, basis, '3.400000', '2.000000'],
    // No lot with a representative spec: no comparable price.
    [drug(), '10.00', 3, null, '3.333333', null],
    // A drug without a full spec cannot be converted.
    [drug({ strength: null }), '10.00', 10, basis, '1.000000', null],
    // Consumables compare per bidding unit, which is the representative.
    [
      consumable(),
      '590',
      1,
      { ...basis, representative: { strength: '1', strengthUnit: 'mg', dosageForm: 'tablet' } },
      '590.000000',
      '590.000000',
    ],
  ])('prices %j at %s / %i', (p, packPrice, size, b, unit, comparable) =>
    expect(pricesOf(p, packPrice, size, b)).toEqual({
      unitPrice: unit,
      comparablePrice: comparable,
    }),
  );

  it.each([
    [drug(), 7],
    [drug({ packSize: null }), 1],
    [consumable(), 1],
  ])('pack size of %j is %i', (p, n) => expect(packSizeOf(p)).toBe(n));

  it('converts packs to smallest units at scale 3', () => {
    expect(unitsOf('10', 7)).toBe('70.000');
    expect(unitsOf('0.5', 3)).toBe('1.500');
  });

  it('fills the product part and the period', () => {
    const row = observationOf(drug(), {
      source: 'purchase',
      sourceRef: 'order_line:1',
      regionCode: '320102',
      hospitalId: '5',
      supplierId: '6',
      unitPrice: '1.500000',
      comparablePrice: null,
      quantity: '7.000',
      observedOn: '2026-03-17',
      referenceKind: null,
    });
    expect(row).toEqual({
      source: 'purchase',
      sourceRef: 'order_line:1',
      productId: '1',
      genericKey: '阿托伐他汀钙片|oral_solid|20mg',
      category: 'drug',
      categoryPath: null,
      regionCode: '320102',
      hospitalId: '5',
      supplierId: '6',
      unitPrice: '1.500000',
      comparablePrice: null,
      quantity: '7.000',
      observedOn: '2026-03-17',
      period: '2026-03',
      referenceKind: null,
    });
  });

  it('takes the generic key the caller already has', () => {
    const row = observationOf(
      drug(),
      {
        source: 'external',
        sourceRef: 'import:1:2',
        regionCode: '330100',
        hospitalId: null,
        supplierId: '6',
        unitPrice: '0.198000',
        comparablePrice: null,
        quantity: null,
        observedOn: '2026-03-01',
        referenceKind: 'other_region',
      },
      'known|key',
    );
    expect(row.genericKey).toBe('known|key');
    expect(row.period).toBe('2026-03');
  });
});
