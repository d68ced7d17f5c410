import { Decimal } from '../../../../database/decimal';
import { quantitySpike } from './quantity-spike';
import { DEFAULT_PARAMETERS } from './rule-catalog';

const params = DEFAULT_PARAMETERS.quantity_spike;
const series = (pairs: Array<[string, string]>) =>
  pairs.map(([period, quantity]) => ({ period, quantity: new Decimal(quantity) }));
const sixMonths = (q: string): Array<[string, string]> =>
  ['2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02'].map((p) => [p, q]);

describe('quantity_spike', () => {
  it.each([
    ['300', false], // exactly 3 × 100
    ['300.001', true],
    ['50', false],
  ])('six months of 100, then %s → %s', (current, fires) => {
    const hits = quantitySpike(
      '2026-03',
      { productId: '1' },
      series([...sixMonths('100'), ['2026-03', current]]),
      params,
    );
    expect(hits.length).toBe(fires ? 1 : 0);
  });

  it('counts months without purchases as 0 in the average', () => {
    // 600 × 3 months / 6 = 300; limit 900.
    const hits = quantitySpike(
      '2026-04',
      {},
      series([
        ['2026-01', '600'],
        ['2026-02', '600'],
        ['2026-03', '600'],
        ['2026-04', '900.001'],
      ]),
      params,
    );
    expect(hits[0].evidence).toMatchObject({
      averageQuantity: '300.000',
      limit: '900.000',
      monthsWithPurchases: 3,
    });
  });

  it('needs minHistoryMonths months with purchases', () => {
    expect(
      quantitySpike(
        '2026-04',
        {},
        series([
          ['2026-02', '1'],
          ['2026-03', '1'],
          ['2026-04', '99'],
        ]),
        params,
      ),
    ).toEqual([]);
  });
});
