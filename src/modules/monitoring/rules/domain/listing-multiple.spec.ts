import { Decimal } from '../../../../database/decimal';
import { DEFAULT_PARAMETERS } from './rule-catalog';
import { listingBand, listingMultiple } from './listing-multiple';

const params = DEFAULT_PARAMETERS.listing_multiple;

describe('listing_multiple', () => {
  it.each([
    ['1', null],
    ['1.3', null],
    ['1.5', null],
    ['1.500001', 'yellow'],
    ['1.999999', 'yellow'],
    ['2', 'red_1'],
    ['4.999999', 'red_1'],
    ['5', 'red_2'],
    ['9.999999', 'red_2'],
    ['10', 'red_3'],
    ['25', 'red_3'],
  ])('multiple %s → %s', (multiple, band) => {
    expect(listingBand(new Decimal(multiple), params)).toBe(band);
  });

  it('compares each listing with the lowest of the generic, any region', () => {
    const l = (productId: string, regionCode: string, price: string) => ({
      productId,
      regionCode,
      unitPrice: new Decimal(price),
      listingId: `${productId}${regionCode}`,
      supplierId: null,
    });
    const hits = listingMultiple(
      '2026-03',
      { genericKey: 'g', category: 'drug' },
      [
        l('1', '320100', '0.50'),
        l('2', '320100', '5.00'),
        l('2', '320200', '1.00'),
        l('3', '320100', '0.50'),
        l('3', '320200', '0.80'),
        l('4', '320200', '0.70'),
      ],
      params,
    );
    // 5.00 / 0.50 = 10 → red★★★; 1.00 / 0.50 = 2 → red★; 0.80 / 0.50 = 1.6 → yellow;
    // 0.70 / 0.50 = 1.4 and the two lowest are not above 1.5.
    expect(hits.map((h) => [h.subjectKey, h.severity, h.evidence.multiple])).toEqual([
      ['product:2|region:320100', 'red_3', '10.000000'],
      ['product:2|region:320200', 'red_1', '2.000000'],
      ['product:3|region:320200', 'yellow', '1.600000'],
    ]);
  });

  it('needs two listings', () => {
    const one = [
      {
        productId: '1',
        regionCode: '320100',
        unitPrice: new Decimal('9'),
        listingId: '1',
        supplierId: null,
      },
    ];
    expect(listingMultiple('2026-03', { genericKey: 'g', category: null }, one, params)).toEqual(
      [],
    );
  });
});
