import { Decimal } from '../../../../database/decimal';
import { priceSpread } from './price-spread';

const hospitals = (prices: string[]) =>
  prices.map((p, i) => ({
    hospitalId: String(i + 1),
    regionCode: '320102',
    price: new Decimal(p),
  }));

describe('price_spread', () => {
  it.each([
    [['1', '1.8'], false], // exactly 1.8
    [['1', '1.800001'], true],
    [['0.5', '1', '1'], true],
    [['2'], false], // one hospital
  ])('%j → %s', (prices, fires) => {
    const hits = priceSpread('2026-03', { genericKey: 'g', category: 'drug' }, hospitals(prices), {
      maxRatio: '1.8',
      minPeers: 2,
    });
    expect(hits.length).toBe(fires ? 1 : 0);
  });

  it('names the extremes', () => {
    const [hit] = priceSpread(
      '2026-03',
      { genericKey: 'g', category: 'drug' },
      hospitals(['1', '0.5', '2', '0.5']),
      { maxRatio: '1.8', minPeers: 2 },
    );
    expect(hit).toMatchObject({
      subjectKey: 'generic:g',
      evidence: { spread: '4.000000', maxHospitalId: '3', minHospitalId: '2', peers: 4 },
    });
  });
});
