import { Decimal } from '../../../../database/decimal';
import { nonSupplyRegion } from './non-supply-region';

const winner = {
  productId: '7',
  supplierId: '3',
  lotId: '11',
  winningUnitPrice: new Decimal('2'),
  suppliedRegions: ['320100'],
};
const listing = (regionCode: string, price: string) => ({
  productId: '7',
  regionCode,
  unitPrice: new Decimal(price),
  listingId: regionCode,
  supplierId: null,
});

describe('non_supply_region', () => {
  it.each([
    // region, listing price, fires
    ['320200', '3.000001', true],
    ['320200', '3', false], // exactly 1.5 × 2
    ['320100', '9', false], // a supplied region
    ['320105', '9', false], // under a supplied region
    ['330000', '4', true],
  ])('listing in %s at %s → %s', (region, price, fires) => {
    const hits = nonSupplyRegion(
      '2026-03',
      { genericKey: 'g', category: 'drug' },
      [winner],
      [listing(region, price)],
      {
        multiple: '1.5',
      },
    );
    expect(hits.length).toBe(fires ? 1 : 0);
    if (fires) {
      expect(hits[0]).toMatchObject({
        subjectKey: `product:7|region:${region}`,
        supplierId: '3',
        severity: 'red_1',
        evidence: { winningUnitPrice: '2.000000', threshold: '1.5', suppliedRegions: ['320100'] },
      });
    }
  });
});
