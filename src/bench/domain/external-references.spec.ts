import { parseExternalRow } from '../../modules/monitoring/observations/domain/import-rows';
import { planDataset } from './dataset-plan';
import {
  EXTERNAL_REFERENCE_PERIOD,
  externalReferenceCapacity,
  externalReferenceCells,
  OTHER_REGIONS,
} from './external-references';
import { SCALES } from './scale';

const codes = (n: number) =>
  Array.from({ length: n }, (_, i) => `XBENCH${String(i).padStart(4, '0')}`);

describe('externalReferenceCells', () => {
  const three = codes(3);

  it('starts with every product’s national monitoring price on the first day', () => {
    expect(externalReferenceCells(0, three)).toEqual({
      productCode: 'XBENCH0000',
      referenceKind: 'national_monitoring',
      regionCode: 'national',
      date: '2024-03-01',
      unitPrice: '0.042500',
      quantity: null,
    });
    expect(externalReferenceCells(4, three)).toEqual({
      productCode: 'XBENCH0001',
      referenceKind: 'national_monitoring',
      regionCode: 'national',
      date: '2024-03-02',
      unitPrice: '0.067890',
      quantity: null,
    });
  });

  it('moves to the other regions after 28 days, with a quantity', () => {
    expect(externalReferenceCells(86, three)).toEqual({
      productCode: 'XBENCH0002',
      referenceKind: 'other_region',
      regionCode: '110100',
      date: '2024-03-01',
      unitPrice: '0.093120',
      quantity: '870',
    });
  });

  it('writes prices of one unit and more with six decimals', () => {
    expect(externalReferenceCells(96, codes(100)).unitPrice).toBe('1.987040');
  });

  it('ends at the last region on the 28th and refuses rows beyond', () => {
    expect(externalReferenceCapacity(3)).toBe(1596);
    expect(externalReferenceCells(1595, three)).toMatchObject({
      productCode: 'XBENCH0002',
      regionCode: '610100',
      date: '2024-03-28',
    });
    expect(() => externalReferenceCells(1596, three)).toThrow(
      'row 1596 is beyond the 1596 distinct references of 3 products',
    );
    expect(() => externalReferenceCells(-1, three)).toThrow('row -1 is beyond');
  });

  it('uses valid region codes outside the bench province', () => {
    expect(new Set(OTHER_REGIONS).size).toBe(OTHER_REGIONS.length);
    for (const code of OTHER_REGIONS) expect(code).toMatch(/^(1[1-9]|[2-6]\d)\d{2}00$/);
  });

  it('gives the small-scale workbook valid rows, unique as the import requires', () => {
    const plan = planDataset('RUN0001', SCALES.small);
    const products = [...plan.drugs, ...plan.consumables].map((p) => p.spec.code);
    const rows = SCALES.small.observationImportRows;
    const keys = new Set<string>();
    const periods = new Set<string>();
    let national = 0;
    for (let i = 0; i < rows; i++) {
      const parsed = parseExternalRow(externalReferenceCells(i, products));
      if (!parsed.ok) throw new Error(`row ${i}: ${JSON.stringify(parsed.problems)}`);
      const r = parsed.value;
      periods.add(r.date.slice(0, 7));
      if (r.referenceKind === 'national_monitoring') national++;
      keys.add(`${r.productCode}|${r.referenceKind}|${r.regionCode}|${r.date}`);
    }
    expect(keys.size).toBe(rows);
    expect([...periods]).toEqual([EXTERNAL_REFERENCE_PERIOD]);
    // 500 products × 28 days of national prices.
    expect(national).toBe(14_000);
  });

  it('has room for the province-scale workbook', () => {
    const products = SCALES.province.drugs + SCALES.province.consumables;
    expect(externalReferenceCapacity(products)).toBeGreaterThanOrEqual(
      SCALES.province.observationImportRows,
    );
  });
});
