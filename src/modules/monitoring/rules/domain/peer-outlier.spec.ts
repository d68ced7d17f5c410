import { Decimal } from '../../../../database/decimal';
import { logScale, peerOutlier } from './peer-outlier';

const hospitals = (prices: string[]) =>
  prices.map((p, i) => ({
    hospitalId: String(i + 1),
    regionCode: '320102',
    price: new Decimal(p),
  }));
const product = { productId: '12', genericKey: 'g', category: 'drug' };

describe('peer_outlier', () => {
  // [2, 4, 4, 4, 8, 4096]: centre √(4·4) = 4; q = 2 1 1 1 2 1024 → middle √(1·2) = √2, so
  // MAD(ln x) = ln √2 = ½ ln 2 and z(4·2^k) = 0.6745 · k ln 2 / (½ ln 2) = 1.349 k.
  const powers = ['2', '4', '4', '4', '8', '4096'];

  it('computes the log scale through ratios', () => {
    const scale = logScale(powers.map((p) => new Decimal(p)))!;
    expect(scale.method).toBe('mad');
    expect(scale.center.toString()).toBe('4');
    expect(scale.spread.toDecimalPlaces(12).toString()).toBe(
      new Decimal(2).ln().div(2).toDecimalPlaces(12).toString(),
    );
  });

  it.each([
    // threshold, hospitals that fire (z = 13.49 for 4096, ±1.349 for 8 and 2)
    ['3.5', ['6']],
    ['13.49', []], // exactly at the threshold: not above
    ['13.489999', ['6']],
    ['1.349', ['6']],
    ['1.348999', ['1', '5', '6']],
  ])('threshold %s → hospitals %j', (threshold, fired) => {
    const hits = peerOutlier('2026-03', product, hospitals(powers), { threshold, minPeers: 5 });
    expect(hits.map((h) => h.hospitalId)).toEqual(fired);
  });

  it('reports z with its figures', () => {
    const [hit] = peerOutlier('2026-03', product, hospitals(powers), {
      threshold: '3.5',
      minPeers: 5,
    });
    expect(hit).toMatchObject({
      subjectKey: 'product:12|hospital:6',
      severity: 'yellow',
      evidence: { z: '13.490000', peerCenter: '4.000000', spreadMethod: 'mad', peers: 6 },
    });
  });

  it('falls back to the mean absolute deviation when MAD = 0', () => {
    // [5 5 5 5 10]: MAD 0; meanAD = ln 2 / 5; z(10) = 5 / 1.253314 = 3.989423.
    const [hit] = peerOutlier('2026-03', product, hospitals(['5', '5', '5', '5', '10']), {
      threshold: '3.5',
      minPeers: 5,
    });
    expect(hit.evidence).toMatchObject({ z: '3.989423', spreadMethod: 'mean_ad' });
    expect(
      peerOutlier('2026-03', product, hospitals(['5', '5', '5', '5', '10']), {
        threshold: '3.989423',
        minPeers: 5,
      }),
    ).toEqual([]);
  });

  it.each([
    [['5', '5', '5', '5', '5']], // all equal: no spread, no verdict
    [['1', '1', '1', '100']], // fewer than minPeers
  ])('gives no verdict for %j', (prices) => {
    expect(
      peerOutlier('2026-03', product, hospitals(prices), { threshold: '3.5', minPeers: 5 }),
    ).toEqual([]);
  });
});
