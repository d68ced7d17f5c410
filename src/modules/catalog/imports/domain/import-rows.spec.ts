import type { CellValue } from '../../../imports/import-kind';
import {
  cellDate,
  cellFlag,
  cellText,
  CONSUMABLE_IMPORT_COLUMNS,
  DRUG_IMPORT_COLUMNS,
  LISTING_PRICE_IMPORT_COLUMNS,
  parseConsumableRow,
  parseDrugRow,
  parseListingPriceRow,
} from './import-rows';

const drugCells: Record<string, CellValue> = {
  code: 'XC10AAA021A001010104321',
  name: '阿托伐他汀钙片',
  brandName: '立普妥',
  manufacturerCode: 'm0001',
  dosageForm: '普通片',
  dosageFormClass: null,
  strength: 20,
  strengthUnit: 'mg',
  packSize: 7,
  smallestUnit: '片',
  approvalNumber: '国药准字H20003263',
  consistencyEvaluated: '是',
  originator: 'Y',
  essential: null,
  negotiated: '否',
  reimbursable: true,
};

const consumableCells: Record<string, CellValue> = {
  code: 'C0311201000000300000000',
  name: '药物洗脱冠脉支架系统',
  brandName: null,
  manufacturerCode: 'M0001',
  categoryPath: '血管介入/冠脉支架',
  highValue: '是',
  registrationNumber: '国械注准20153130001',
  specification: '3.0mm×18mm',
  unit: '套',
  udis: '06901234567892; 10690123456784',
};

const listingCells: Record<string, CellValue> = {
  productCode: 'xc10aaa021a001010104321',
  regionCode: 320100,
  packPrice: '35.5',
  validFrom: new Date(Date.UTC(2026, 0, 1)),
  validTo: null,
};

describe('cell conversion', () => {
  it.each([
    [null, null],
    ['  ', null],
    [' a ', 'a'],
    [320100, '320100'],
    [35.5, '35.5'],
    [1e-7, '0.0000001'],
    [1.5e-7, '0.00000015'],
    [0.1, '0.1'],
    [28.571429, '28.571429'],
    [new Date(Date.UTC(2026, 1, 3)), '2026-02-03'],
    [true, 'true'],
  ] as [CellValue, string | null][])('%j → %j', (cell, text) => {
    expect(cellText(cell)).toBe(text);
  });

  it.each([
    ['是', true],
    ['否', false],
    ['Y', true],
    ['n', false],
    ['TRUE', true],
    [1, true],
    [0, false],
    [null, false],
    [true, true],
  ] as [CellValue, boolean][])('flag %j → %s', (cell, value) => {
    const problems: { column: string | null; message: string }[] = [];
    expect(cellFlag(cell, 'essential', problems)).toBe(value);
    expect(problems).toEqual([]);
  });

  it('refuses an unknown flag word naming the column', () => {
    const problems: { column: string | null; message: string }[] = [];
    cellFlag('maybe', 'essential', problems);
    expect(problems).toEqual([
      { column: 'essential', message: expect.stringContaining('essential') },
    ]);
  });

  it.each([
    ['2026/01/02', '2026-01-02'],
    ['2026-01-02', '2026-01-02'],
    [null, null],
  ] as [CellValue, string | null][])('date %j → %j', (cell, date) => {
    expect(cellDate(cell)).toBe(date);
  });
});

describe('template columns', () => {
  it.each([
    ['drugs', DRUG_IMPORT_COLUMNS],
    ['consumables', CONSUMABLE_IMPORT_COLUMNS],
    ['listing prices', LISTING_PRICE_IMPORT_COLUMNS],
  ])('%s: unique keys and bilingual headers', (_name, columns) => {
    expect(new Set(columns.map((c) => c.key)).size).toBe(columns.length);
    for (const c of columns) expect(c.header).toMatch(/[\u4e00-\u9fff].* [A-Za-z]|UDI-DI/);
  });
});

describe('parseDrugRow', () => {
  it('parses a valid row', () => {
    expect(parseDrugRow(drugCells)).toEqual({
      ok: true,
      value: {
        code: 'XC10AAA021A001010104321',
        name: '阿托伐他汀钙片',
        brandName: '立普妥',
        manufacturerCode: 'M0001',
        dosageForm: 'tablet',
        dosageFormClass: 'oral_solid',
        strength: '20',
        strengthUnit: 'mg',
        packSize: 7,
        smallestUnit: '片',
        approvalNumber: '国药准字H20003263',
        consistencyEvaluated: true,
        originator: true,
        essential: false,
        negotiated: false,
        reimbursable: true,
      },
    });
  });

  it.each([
    [{ code: 'C0311201000000300000000' }, 'code'],
    [{ code: null }, 'code'],
    [{ manufacturerCode: null }, 'manufacturerCode'],
    [{ dosageForm: '丸剂' }, 'dosageForm'],
    [{ dosageFormClass: 'large_volume_injection' }, 'dosageFormClass'],
    [{ strength: '-1' }, 'strength'],
    [{ strengthUnit: 'kg' }, 'strengthUnit'],
    [{ packSize: 2.5 }, 'packSize'],
    [{ packSize: null }, 'packSize'],
    [{ smallestUnit: null }, 'smallestUnit'],
    [{ approvalNumber: 'H1' }, 'approvalNumber'],
    [{ essential: 'maybe' }, 'essential'],
  ] as [Record<string, CellValue>, string][])('%j → problem in %s', (change, column) => {
    const r = parseDrugRow({ ...drugCells, ...change });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.column)).toContain(column);
  });
});

describe('parseConsumableRow', () => {
  it('parses a valid row with its UDIs', () => {
    expect(parseConsumableRow(consumableCells)).toEqual({
      ok: true,
      value: {
        code: 'C0311201000000300000000',
        name: '药物洗脱冠脉支架系统',
        brandName: null,
        manufacturerCode: 'M0001',
        categoryPath: '血管介入/冠脉支架',
        highValue: true,
        registrationNumber: '国械注准20153130001',
        specification: '3.0mm×18mm',
        unit: '套',
        udis: ['06901234567892', '10690123456784'],
      },
    });
  });

  it('accepts no UDIs', () => {
    const r = parseConsumableRow({ ...consumableCells, udis: null });
    expect(r.ok && r.value.udis).toEqual([]);
  });

  it.each([
    [{ code: 'XC10AAA021A001010104321' }, 'code'],
    [{ categoryPath: '/' }, 'categoryPath'],
    [{ udis: '06901234567891' }, 'udis'],
    [{ udis: '06901234567892;06901234567892' }, 'udis'],
    [{ registrationNumber: 'abc' }, 'registrationNumber'],
    [{ unit: null }, 'unit'],
    [{ highValue: '?' }, 'highValue'],
  ] as [Record<string, CellValue>, string][])('%j → problem in %s', (change, column) => {
    const r = parseConsumableRow({ ...consumableCells, ...change });
    expect(!r.ok && r.problems.map((p) => p.column)).toContain(column);
  });
});

describe('parseListingPriceRow', () => {
  it('parses a valid row', () => {
    expect(parseListingPriceRow(listingCells)).toEqual({
      ok: true,
      value: {
        productCode: 'XC10AAA021A001010104321',
        regionCode: '320100',
        packPrice: '35.500000',
        validFrom: '2026-01-01',
        validTo: null,
      },
    });
  });

  it.each([
    [{ productCode: null }, 'productCode'],
    [{ regionCode: '3201' }, 'regionCode'],
    [{ packPrice: '0' }, 'packPrice'],
    [{ packPrice: null }, 'packPrice'],
    [{ validFrom: null }, 'validFrom'],
    [{ validFrom: '2026-02-30' }, 'validFrom'],
    [{ validTo: '2025-12-31' }, 'validTo'],
    [{ validTo: 'soon' }, 'validTo'],
  ] as [Record<string, CellValue>, string][])('%j → problem in %s', (change, column) => {
    const r = parseListingPriceRow({ ...listingCells, ...change });
    expect(!r.ok && r.problems.map((p) => p.column)).toContain(column);
  });
});
