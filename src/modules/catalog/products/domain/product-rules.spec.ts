import {
  approvalNumberProblem,
  checkConsumable,
  checkDrug,
  ConsumableInput,
  DrugInput,
  parseCategoryPath,
  parseStrength,
  patchConsumable,
  patchDrug,
  registrationNumberProblem,
} from './product-rules';

const drug: DrugInput = {
  code: 'XC10AAA021A001010104321',
  name: '阿托伐他汀钙片',
  brandName: '立普妥',
  dosageForm: 'tablet',
  strength: '20',
  strengthUnit: 'mg',
  packSize: 7,
  smallestUnit: '片',
  approvalNumber: '国药准字H20003263',
};

const consumable: ConsumableInput = {
  code: 'C0311201000000300000000',
  name: '药物洗脱冠脉支架系统',
  categoryPath: '血管介入/冠脉支架',
  registrationNumber: '国械注准20153130001',
  specification: '3.0mm×18mm',
  unit: '套',
};

describe('strength', () => {
  it.each([
    ['20', '20'],
    ['0.25', '0.25'],
    ['0.250000', '0.25'],
    [' 500 ', '500'],
    ['123456789012.123456', '123456789012.123456'],
  ])('%j → %s', (raw, value) => {
    expect(parseStrength(raw)).toEqual({ ok: true, value });
  });

  it.each(['0', '0.000', '-1', '1.1234567', '1e3', 'abc', '', '1234567890123'])(
    '%j is refused',
    (raw) => {
      const r = parseStrength(raw);
      expect(r.ok).toBe(false);
    },
  );
});

describe('approval and registration numbers', () => {
  it.each([
    ['国药准字H20003263', true],
    ['国药准字Z20050123', true],
    ['国药准字S10980001', true],
    ['国药准字HJ20170123', true],
    ['H20003263', true],
    ['国药准字H2000326', false],
    ['国药准字20003263', false],
    ['国药准字H200032631', false],
    ['药准字H20003263', false],
  ])('approval number %s valid=%s', (n, valid) => {
    expect(approvalNumberProblem(n) === null).toBe(valid);
  });

  it.each([
    ['国械注准20153130001', true],
    ['国械注进20173462100', true],
    ['国械注许20163460001', true],
    ['苏械注准20182220123', true],
    ['苏宁械备20150001', true],
    ['国械备20150001', true],
    ['20153130001', false],
    ['国药准字H20003263', false],
    ['国械注准', false],
  ])('registration number %s valid=%s', (n, valid) => {
    expect(registrationNumberProblem(n) === null).toBe(valid);
  });
});

describe('category path', () => {
  it.each([
    ['血管介入/冠脉支架', '血管介入/冠脉支架'],
    [' 血管介入 / 冠脉支架 ', '血管介入/冠脉支架'],
    ['骨科', '骨科'],
  ])('%j → %s', (raw, value) => {
    expect(parseCategoryPath(raw)).toEqual({ ok: true, value });
  });

  it.each(['', '/血管介入', '血管介入//冠脉支架', '血管介入/', 'a/b/c/d/e/f/g', 'x'.repeat(51)])(
    '%j is refused',
    (raw) => {
      expect(parseCategoryPath(raw).ok).toBe(false);
    },
  );
});

describe('checkDrug', () => {
  it('normalises a valid drug and fills defaults', () => {
    const r = checkDrug({ ...drug, code: ' xc10aaa021a001010104321 ', strengthUnit: 'MG' });
    expect(r).toEqual({
      ok: true,
      value: {
        code: 'XC10AAA021A001010104321',
        name: '阿托伐他汀钙片',
        brandName: '立普妥',
        dosageForm: 'tablet',
        dosageFormClass: 'oral_solid',
        strength: '20',
        strengthUnit: 'mg',
        packSize: 7,
        smallestUnit: '片',
        approvalNumber: '国药准字H20003263',
        consistencyEvaluated: false,
        originator: false,
        essential: false,
        negotiated: false,
        reimbursable: false,
      },
    });
  });

  it('accepts the Chinese dosage-form name and a large-volume injection', () => {
    const r = checkDrug({
      ...drug,
      dosageForm: '注射剂',
      dosageFormClass: 'large_volume_injection',
    });
    expect(r.ok && r.value.dosageForm).toBe('injection');
    expect(r.ok && r.value.dosageFormClass).toBe('large_volume_injection');
  });

  it.each([
    [{ code: 'C0311201000000300000000' }, 'code', 'PRODUCT_CODE_INVALID'],
    [{ name: '  ' }, 'name', 'PRODUCT_FIELDS_INVALID'],
    [{ name: 'x'.repeat(201) }, 'name', 'PRODUCT_FIELDS_INVALID'],
    [{ dosageForm: 'pill' }, 'dosageForm', 'PRODUCT_FIELDS_INVALID'],
    [
      { dosageFormClass: 'large_volume_injection' },
      'dosageFormClass',
      'DOSAGE_FORM_CLASS_MISMATCH',
    ],
    [{ strength: '0' }, 'strength', 'STRENGTH_INVALID'],
    [{ strengthUnit: 'kg' }, 'strengthUnit', 'STRENGTH_INVALID'],
    [{ packSize: 0 }, 'packSize', 'PRODUCT_FIELDS_INVALID'],
    [{ packSize: 2.5 }, 'packSize', 'PRODUCT_FIELDS_INVALID'],
    [{ smallestUnit: '' }, 'smallestUnit', 'PRODUCT_FIELDS_INVALID'],
    [{ approvalNumber: 'H2000' }, 'approvalNumber', 'APPROVAL_NUMBER_INVALID'],
  ] as [Partial<DrugInput>, string, string][])('%j → %s %s', (change, field, code) => {
    const r = checkDrug({ ...drug, ...change });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems).toHaveLength(1);
      expect(r.problems[0]).toMatchObject({ field, code });
      expect(r.problems[0].message).toContain(field);
    }
  });

  it('reports every problem at once', () => {
    const r = checkDrug({ ...drug, code: 'bad', strength: 'x', packSize: 0 });
    expect(!r.ok && r.problems.map((p) => p.field)).toEqual(['code', 'strength', 'packSize']);
  });
});

describe('patchDrug', () => {
  const current = (() => {
    const r = checkDrug({
      ...drug,
      dosageForm: 'injection',
      dosageFormClass: 'large_volume_injection',
    });
    if (!r.ok) throw new Error('fixture');
    return r.value;
  })();

  it.each([
    [{ name: '新名' }, 'injection', 'large_volume_injection'],
    [{ dosageForm: 'injection' }, 'injection', 'large_volume_injection'],
    [{ dosageForm: 'tablet' }, 'tablet', 'oral_solid'],
    [{ dosageFormClass: 'small_volume_injection' }, 'injection', 'small_volume_injection'],
    [{ dosageForm: 'other', dosageFormClass: 'other' }, 'other', 'other'],
  ] as [Partial<DrugInput>, string, string][])(
    '%j keeps the class consistent',
    (patch, form, cls) => {
      const r = checkDrug(patchDrug(current, patch));
      expect(r.ok && [r.value.dosageForm, r.value.dosageFormClass]).toEqual([form, cls]);
    },
  );

  it('clears a nullable field with null and keeps untouched fields', () => {
    const r = checkDrug(patchDrug(current, { brandName: null }));
    expect(r.ok && r.value.brandName).toBeNull();
    expect(r.ok && r.value.approvalNumber).toBe('国药准字H20003263');
  });

  it('refuses clearing a required field', () => {
    const r = checkDrug(patchDrug(current, { name: null as unknown as string }));
    expect(!r.ok && r.problems[0].field).toBe('name');
  });
});

describe('checkConsumable', () => {
  it('normalises a valid consumable', () => {
    const r = checkConsumable({
      ...consumable,
      categoryPath: '血管介入 / 冠脉支架',
      highValue: true,
    });
    expect(r).toEqual({
      ok: true,
      value: {
        code: 'C0311201000000300000000',
        name: '药物洗脱冠脉支架系统',
        brandName: null,
        categoryPath: '血管介入/冠脉支架',
        highValue: true,
        registrationNumber: '国械注准20153130001',
        specification: '3.0mm×18mm',
        unit: '套',
      },
    });
  });

  it.each([
    [{ code: 'XC10AAA021A001010104321' }, 'code', 'PRODUCT_CODE_INVALID'],
    [{ categoryPath: '血管介入//支架' }, 'categoryPath', 'CATEGORY_PATH_INVALID'],
    [{ registrationNumber: '12345' }, 'registrationNumber', 'REGISTRATION_NUMBER_INVALID'],
    [{ unit: '' }, 'unit', 'PRODUCT_FIELDS_INVALID'],
    [{ specification: 'x'.repeat(501) }, 'specification', 'PRODUCT_FIELDS_INVALID'],
  ] as [Partial<ConsumableInput>, string, string][])('%j → %s %s', (change, field, code) => {
    const r = checkConsumable({ ...consumable, ...change });
    expect(!r.ok && r.problems[0]).toMatchObject({ field, code });
  });

  it('patches', () => {
    const base = checkConsumable(consumable);
    if (!base.ok) throw new Error('fixture');
    const r = checkConsumable(
      patchConsumable(base.value, { highValue: true, specification: null }),
    );
    expect(r.ok && [r.value.highValue, r.value.specification, r.value.code]).toEqual([
      true,
      null,
      'C0311201000000300000000',
    ]);
  });
});
