import { Decimal } from '../../../../database/decimal';
import { aboveContract, PurchasedItem } from './above-contract';

const item = (max: string, contract: string | null): PurchasedItem => ({
  productId: '12',
  hospitalId: '5',
  regionCode: '320102',
  genericKey: 'g',
  category: 'drug',
  supplierId: '9',
  maxUnitPrice: new Decimal(max),
  observationCount: 2,
  contract: contract
    ? { kind: 'agreement', unitPrice: new Decimal(contract), ref: 'A2026-0001' }
    : null,
});

describe('above_contract', () => {
  it.each([
    // max paid, contract, tolerance, fires, limit
    ['1.500001', '1.5', '0', true, '1.500000'],
    ['1.5', '1.5', '0', false, null],
    ['1.4', '1.5', '0', false, null],
    ['1.65', '1.5', '0.1', false, null], // exactly at 1.5 × 1.1
    ['1.650001', '1.5', '0.1', true, '1.650000'],
  ])('paid %s vs contract %s, tolerance %s → %s', (max, contract, tolerance, fires, limit) => {
    const hits = aboveContract('2026-03', [item(max, contract)], { tolerance });
    expect(hits.length).toBe(fires ? 1 : 0);
    if (fires) {
      expect(hits[0]).toMatchObject({
        subjectKey: 'product:12|hospital:5',
        severity: 'red_1',
        evidence: { limit, contractKind: 'agreement', contractRef: 'A2026-0001' },
      });
    }
  });

  it('gives no verdict without a contract price', () => {
    expect(aboveContract('2026-03', [item('99', null)], { tolerance: '0' })).toEqual([]);
  });
});
