import { parseExternalRow, parseSentinelRow } from './import-rows';

describe('sentinel rows', () => {
  it('parses a row, normalising code, price and quantity', () => {
    expect(
      parseSentinelRow({
        productCode: ' xa01baa0001010101234 ',
        date: '2026-03-03',
        unitPrice: '0.35',
        quantity: '100',
      }),
    ).toEqual({
      ok: true,
      value: {
        productCode: 'XA01BAA0001010101234',
        date: '2026-03-03',
        unitPrice: '0.350000',
        quantity: '100.000',
      },
    });
  });

  it('takes a date cell and an empty quantity', () => {
    const parsed = parseSentinelRow({
      productCode: 'C1',
      date: new Date(Date.UTC(2026, 2, 3)),
      unitPrice: 2,
      quantity: null,
    });
    expect(parsed).toEqual({
      ok: true,
      value: { productCode: 'C1', date: '2026-03-03', unitPrice: '2.000000', quantity: null },
    });
  });

  it.each([
    [{ date: '2026-02-30' }, ['date']],
    [{ unitPrice: '0' }, ['unitPrice']],
    [{ unitPrice: '-1' }, ['unitPrice']],
    [{ unitPrice: '1.1234567' }, ['unitPrice']],
    [{ quantity: '1.2345' }, ['quantity']],
    [{ productCode: null }, ['productCode']],
    [{ productCode: null, date: null }, ['productCode', 'date']],
  ])('refuses %j in %j', (over, columns) => {
    const parsed = parseSentinelRow({
      productCode: 'C1',
      date: '2026-03-03',
      unitPrice: '1',
      quantity: null,
      ...over,
    });
    expect(parsed.ok ? [] : parsed.problems.map((p) => p.column)).toEqual(columns);
  });
});

describe('external rows', () => {
  const base = {
    productCode: 'C1',
    referenceKind: 'other_region',
    regionCode: '330100',
    date: '2026-03-01',
    unitPrice: '0.2',
    quantity: null,
  };

  it.each([
    [{}, '330100', 'other_region'],
    [{ referenceKind: 'national_monitoring', regionCode: null }, 'national', 'national_monitoring'],
    [
      { referenceKind: 'national_monitoring', regionCode: 'NATIONAL' },
      'national',
      'national_monitoring',
    ],
  ])('%j → region %s, kind %s', (over, region, kind) => {
    const parsed = parseExternalRow({ ...base, ...over });
    expect(parsed.ok && [parsed.value.regionCode, parsed.value.referenceKind]).toEqual([
      region,
      kind,
    ]);
  });

  it.each([
    [{ referenceKind: 'other' }, ['referenceKind']],
    [{ regionCode: null }, ['regionCode']],
    [{ regionCode: '33010' }, ['regionCode']],
    [{ referenceKind: 'national_monitoring', regionCode: '330100' }, ['regionCode']],
    [{ unitPrice: 'abc', date: '2026/03/01' }, ['date', 'unitPrice']],
  ])('refuses %j in %j', (over, columns) => {
    const parsed = parseExternalRow({ ...base, ...over });
    expect(parsed.ok ? [] : parsed.problems.map((p) => p.column)).toEqual(columns);
  });
});
