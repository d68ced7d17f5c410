import type { CellValue } from '../../../imports/import-kind';
import { parseBidRow, splitRegionCodes } from './bid-import-row';

const ROW: Record<string, CellValue> = {
  lotCode: 'L01',
  lotName: '阿托伐他汀钙 口服常释剂型',
  productCode: 'xa01abcdefghijklmnop123',
  productName: '阿托伐他汀钙片 20mg tablet ×7',
  packPrice: '28.5',
  capacity: '1000000',
  preferredRegions: '320200, 320100',
};

describe('region codes in one cell', () => {
  it.each<[string | null, string[]]>([
    [null, []],
    ['320100', ['320100']],
    ['320100,320200', ['320100', '320200']],
    ['320100， 320200；320300 320400', ['320100', '320200', '320300', '320400']],
    [' ,320100,, ', ['320100']],
  ])('%j → %j', (text, codes) => {
    expect(splitRegionCodes(text)).toEqual(codes);
  });
});

describe('a bid template row', () => {
  it.each<[string, Record<string, CellValue>, unknown]>([
    [
      'filled in: canonical terms, upper-case product code, regions in preference order',
      {},
      {
        lotCode: 'L01',
        productCode: 'XA01ABCDEFGHIJKLMNOP123',
        terms: {
          packPrice: '28.5000',
          capacity: '1000000.000',
          preferredRegions: ['320200', '320100'],
        },
      },
    ],
    [
      'numbers typed as numbers',
      { packPrice: 12.25, capacity: 5000, preferredRegions: 320100 },
      {
        lotCode: 'L01',
        productCode: 'XA01ABCDEFGHIJKLMNOP123',
        terms: { packPrice: '12.2500', capacity: '5000.000', preferredRegions: ['320100'] },
      },
    ],
    [
      'no preferred regions',
      { preferredRegions: null },
      {
        lotCode: 'L01',
        productCode: 'XA01ABCDEFGHIJKLMNOP123',
        terms: { packPrice: '28.5000', capacity: '1000000.000', preferredRegions: [] },
      },
    ],
    [
      'left empty: not bid',
      { packPrice: null, capacity: null, preferredRegions: '  ' },
      { lotCode: 'L01', productCode: 'XA01ABCDEFGHIJKLMNOP123', terms: null },
    ],
  ])('%s', (_, patch, value) => {
    expect(parseBidRow({ ...ROW, ...patch })).toEqual({ ok: true, value });
  });

  it.each<[string, Record<string, CellValue>, Array<{ column: string; message: string }>]>([
    ['no lot code', { lotCode: null }, [{ column: 'lotCode', message: 'lotCode is required' }]],
    [
      'no product code',
      { productCode: ' ' },
      [{ column: 'productCode', message: 'productCode is required' }],
    ],
    [
      'a capacity without a price',
      { packPrice: null },
      [
        {
          column: 'packPrice',
          message:
            'packPrice is required to bid this product (leave the whole row empty to not bid it)',
        },
      ],
    ],
    [
      'a price without a capacity',
      { capacity: null },
      [{ column: 'capacity', message: 'capacity is required with a pack price' }],
    ],
    [
      'regions only',
      { packPrice: null, capacity: null },
      [
        {
          column: 'packPrice',
          message:
            'packPrice is required to bid this product (leave the whole row empty to not bid it)',
        },
        { column: 'capacity', message: 'capacity is required with a pack price' },
      ],
    ],
    [
      'a zero price',
      { packPrice: '0' },
      [
        {
          column: 'packPrice',
          message:
            'packPrice must be a decimal greater than 0 with at most 12 integer digits and 4 decimals, got "0"',
        },
      ],
    ],
    [
      'a price with 5 decimals',
      { packPrice: 1.23456 },
      [
        {
          column: 'packPrice',
          message:
            'packPrice must be a decimal greater than 0 with at most 12 integer digits and 4 decimals, got "1.23456"',
        },
      ],
    ],
    [
      'a negative capacity',
      { capacity: '-5' },
      [
        {
          column: 'capacity',
          message:
            'capacity must be a decimal greater than 0 with at most 15 integer digits and 3 decimals, got "-5"',
        },
      ],
    ],
    [
      'a malformed region',
      { preferredRegions: '320100,3202' },
      [
        {
          column: 'preferredRegions',
          message: 'preferredRegions[1] must be a 6-digit region code, got "3202"',
        },
      ],
    ],
    [
      'a repeated region',
      { preferredRegions: '320100,320100' },
      [
        {
          column: 'preferredRegions',
          message:
            'preferredRegions[1] repeats region 320100, already given at preferredRegions[0]',
        },
      ],
    ],
  ])('refuses %s', (_, patch, problems) => {
    expect(parseBidRow({ ...ROW, ...patch })).toEqual({ ok: false, problems });
  });
});
