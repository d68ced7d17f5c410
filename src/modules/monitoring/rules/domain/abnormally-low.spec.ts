import { Decimal } from '../../../../database/decimal';
import { abnormallyLow, LowPriceInput } from './abnormally-low';
import { DEFAULT_PARAMETERS, LowPriceReference } from './rule-catalog';

const input = (over: Partial<Record<keyof LowPriceInput, string | null>>): LowPriceInput => {
  const dec = (v: string | null | undefined) =>
    v === null || v === undefined ? null : new Decimal(v);
  return {
    productId: '12',
    genericKey: 'g',
    category: 'drug',
    medianUnitPrice: new Decimal(over.medianUnitPrice ?? '1'),
    medianComparablePrice: new Decimal(over.medianComparablePrice ?? '1'),
    nationalMonitoringPrice: dec(over.nationalMonitoringPrice),
    genericMedianComparable: dec(over.genericMedianComparable),
  };
};

describe('abnormally_low', () => {
  it.each([
    // unit, comparable, national, generic median, references, fires with
    ['0.5', '0.5', '1', '1', undefined, null], // exactly half the national price
    ['0.499999', '1', '1', null, undefined, 'national_monitoring'],
    ['1', '0.499999', null, '1', undefined, 'generic_median'], // no national: the generic median
    ['1', '0.1', '1.5', '1', undefined, null], // national known: 1 ≥ 0.75, the generic is not tried
    ['1', '0.1', '1.5', '1', ['generic_median', 'national_monitoring'], 'generic_median'],
  ])(
    'unit %s, comparable %s, national %s, generic %s, order %j → %s',
    (unit, cmp, national, generic, refs, fired) => {
      const params = refs
        ? { ...DEFAULT_PARAMETERS.abnormally_low, references: refs as LowPriceReference[] }
        : DEFAULT_PARAMETERS.abnormally_low;
      const hits = abnormallyLow(
        '2026-03',
        input({
          medianUnitPrice: unit,
          medianComparablePrice: cmp,
          nationalMonitoringPrice: national,
          genericMedianComparable: generic,
        }),
        params,
      );
      expect(hits[0]?.evidence.referenceKind ?? null).toBe(fired);
    },
  );
});
