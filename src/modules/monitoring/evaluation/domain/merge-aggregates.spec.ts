import { Decimal } from '../../../../database/decimal';
import type { ObservationAggregate } from './evaluate-group';
import { mergeAggregates } from './merge-aggregates';

type Figures = [
  count: number,
  unitSum: string | null,
  comparableSum: string | null,
  maxPaid: string | null,
  paid: number,
  quantity: string | null,
  otherRegion: string | null,
  national: string | null,
  supplier: string | null,
];

const dec = (v: string | null) => (v === null ? null : new Decimal(v));

function aggregate(genericKey: string, f: Figures): ObservationAggregate {
  return {
    productId: '7',
    genericKey,
    category: 'drug',
    regionCode: '320102',
    hospitalId: '11',
    supplierId: f[8],
    transactionCount: f[0],
    transactionUnitSum: dec(f[1]),
    transactionComparableSum: dec(f[2]),
    maxPaidUnitPrice: dec(f[3]),
    paidCount: f[4],
    purchasedQuantity: dec(f[5]),
    otherRegionPrice: dec(f[6]),
    nationalMonitoringPrice: dec(f[7]),
  };
}

function figures(a: ObservationAggregate): Figures {
  const s = (v: Decimal | null) => (v === null ? null : v.toString());
  return [
    a.transactionCount,
    s(a.transactionUnitSum),
    s(a.transactionComparableSum),
    s(a.maxPaidUnitPrice),
    a.paidCount,
    s(a.purchasedQuantity),
    s(a.otherRegionPrice),
    s(a.nationalMonitoringPrice),
    a.supplierId,
  ];
}

describe('merging one group observed under two generic keys (hand-computed)', () => {
  it.each<[string, Figures, Figures, Figures]>([
    [
      'counts and sums add, the highest paid price stays',
      [2, '3.000003', '3.000003', '2.000002', 2, '4.5', null, null, '9'],
      [1, '0.1', '0.2', '0.1', 1, '3', null, null, '9'],
      [3, '3.100003', '3.200003', '2.000002', 3, '7.5', null, null, '9'],
    ],
    [
      'a side without transactions or purchases keeps the other side’s figures',
      [0, null, null, null, 0, null, '0.8', '0.9', null],
      [1, '1.6', '1.6', '1.6', 1, '400', null, null, '12'],
      [1, '1.6', '1.6', '1.6', 1, '400', '0.8', '0.9', '12'],
    ],
    [
      'the lowest reference prices and the lowest supplier id stay',
      [0, null, null, null, 0, null, '0.8', '1.1', '100'],
      [0, null, null, null, 0, null, '0.75', '1.2', '99'],
      [0, null, null, null, 0, null, '0.75', '1.1', '99'],
    ],
  ])('%s', (_case, first, other, expected) => {
    const merged = mergeAggregates(
      aggregate('new|oral_solid|20mg', first),
      aggregate('old', other),
    );
    expect(figures(merged)).toEqual(expected);
    expect(merged).toMatchObject({
      genericKey: 'new|oral_solid|20mg',
      productId: '7',
      regionCode: '320102',
      hospitalId: '11',
    });
  });

  it('is the same whichever side comes first, but for the key', () => {
    const a = aggregate('a', [2, '3', '3', '2', 2, '4.5', '1', null, '5']);
    const b = aggregate('b', [1, '0.5', '0.5', '2.5', 1, null, '0.9', '2', '4']);
    const ab = mergeAggregates(a, b);
    const ba = mergeAggregates(b, a);
    expect(figures(ab)).toEqual(figures(ba));
    expect([ab.genericKey, ba.genericKey]).toEqual(['a', 'b']);
  });
});
