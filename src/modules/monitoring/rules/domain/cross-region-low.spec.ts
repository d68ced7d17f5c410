import { Decimal } from '../../../../database/decimal';
import { crossRegionLow, regionAt } from './cross-region-low';

const h = (hospitalId: string, regionCode: string, price: string) => ({
  hospitalId,
  regionCode,
  price: new Decimal(price),
});
const product = { productId: '12', genericKey: 'g', category: 'drug' };

describe('cross_region_low', () => {
  it.each([
    ['320102', 'province', '320000'],
    ['320102', 'city', '320100'],
    ['320102', 'county', '320102'],
  ] as const)('%s at %s level is %s', (code, level, expected) => {
    expect(regionAt(code, level)).toBe(expected);
  });

  it.each([
    // local prices (city 3201), other city price (3202), fires, excess
    [['1.10', '1.10'], '1.00', false], // exactly 10 % above
    [['1.100001', '1.100001'], '1.00', true],
    [['1.00', '1.30', '2.00'], '1.00', true], // local median 1.30
  ])('local %j vs 3202 at %s → %s', (local, otherPrice, fires) => {
    const hospitals = [
      ...local.map((p, i) => h(String(i + 1), '320102', p)),
      h('99', '320201', otherPrice),
    ];
    const hits = crossRegionLow('2026-03', product, hospitals, [], {
      margin: '0.10',
      regionLevel: 'city',
    });
    expect(hits.map((x) => x.subjectKey)).toEqual(fires ? ['product:12|region:320100'] : []);
    if (fires)
      expect(hits[0].evidence).toMatchObject({ lowestRegionCode: '320200', lowestSource: 'local' });
  });

  it('counts external other-region prices, but not those of the region itself', () => {
    const hospitals = [h('1', '320102', '1.00')];
    const hits = crossRegionLow(
      '2026-03',
      product,
      hospitals,
      [
        { regionCode: '320105', price: new Decimal('0.10') }, // same city: not "elsewhere"
        { regionCode: '110000', price: new Decimal('0.80') },
      ],
      { margin: '0.10', regionLevel: 'city' },
    );
    expect(hits).toHaveLength(1);
    expect(hits[0].evidence).toMatchObject({
      lowestPrice: '0.800000',
      lowestRegionCode: '110000',
      lowestSource: 'external',
      limit: '0.880000',
    });
  });
});
