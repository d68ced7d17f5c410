import { parseSupplyReportRow } from './supply-report-row';

describe('§K5 supply report rows', () => {
  it.each([
    [
      { productCode: 'x1', stockQuantity: '100', capacityQuantity: '5000', reserveQuantity: '20' },
      true,
      { productCode: 'X1', figures: { stock: '100.000', capacity: '5000.000', reserve: '20.000' } },
    ],
    [{ productCode: 'X1', productName: 'whatever' }, true, { productCode: 'X1', figures: null }],
    [
      { productCode: 'X2', stockQuantity: 7 },
      false,
      { productCode: 'X2', figures: { stock: '7.000', capacity: null, reserve: null } },
    ],
  ])('%j (manufacturer %s) → %j', (cells, manufacturer, value) => {
    expect(parseSupplyReportRow(cells, manufacturer)).toEqual({ ok: true, value });
  });

  it.each([
    [{ stockQuantity: '1' }, false, ['productCode']],
    [{ productCode: 'X', stockQuantity: '1' }, true, ['capacityQuantity', 'reserveQuantity']],
    [
      { productCode: 'X', stockQuantity: '-1', capacityQuantity: '1', reserveQuantity: 'a' },
      true,
      ['stockQuantity', 'reserveQuantity'],
    ],
  ])('%j (manufacturer %s) has problems in %j', (cells, manufacturer, columns) => {
    const parsed = parseSupplyReportRow(cells, manufacturer);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.map((p) => p.column)).toEqual(columns);
  });
});
