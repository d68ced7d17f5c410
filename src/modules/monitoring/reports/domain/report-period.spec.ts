import { Decimal } from '../../../../database/decimal';
import { ProductMonth } from '../../index/domain/price-index';
import { checkReportPeriod, lastMonth, reportFileName, topMovers } from './report-period';

const pm = (productId: string, period: string, price: string, quantity: string): ProductMonth => ({
  productId,
  period,
  quantity: new Decimal(quantity),
  value: new Decimal(price).times(quantity),
});

describe('monthly report rules (§M7)', () => {
  it.each([
    ['2026-04-01T00:00:00Z', '2026-03'],
    // 2026-03-31T17:00Z is already 1 April in China.
    ['2026-03-31T17:00:00Z', '2026-03'],
    ['2026-03-31T15:00:00Z', '2026-02'],
    ['2026-01-15T00:00:00Z', '2025-12'],
  ])('at %s the last month is %s', (now, period) => {
    expect(lastMonth(new Date(now))).toBe(period);
  });

  it.each([
    ['2026-03', null],
    ['2026-04', 'MONITORING.REPORT_PERIOD_NOT_ENDED'],
    ['2026-05', 'MONITORING.REPORT_PERIOD_NOT_ENDED'],
    ['2026-3', 'MONITORING.REPORT_PERIOD_INVALID'],
    [42, 'MONITORING.REPORT_PERIOD_INVALID'],
  ])('period %p in April 2026: %p', (period, code) => {
    const run = () => checkReportPeriod(period, new Date('2026-04-10T00:00:00Z'));
    if (code) expect(run).toThrow(expect.objectContaining({ code }));
    else expect(run()).toBe(period);
  });

  it('file names carry period and version', () => {
    expect(reportFileName('2026-03', 2)).toBe('monitoring-report-2026-03-v2.xlsx');
  });

  it('top movers: both months needed, largest absolute change first', () => {
    const movers = topMovers(
      [pm('1', '2026-02', '10', '1'), pm('2', '2026-02', '10', '1'), pm('3', '2026-02', '10', '1')],
      [pm('1', '2026-03', '11', '1'), pm('2', '2026-03', '7', '1'), pm('4', '2026-03', '99', '1')],
      5,
    );
    expect(movers.map((m) => [m.productId, m.change.toFixed(2)])).toEqual([
      ['2', '-0.30'],
      ['1', '0.10'],
    ]);
    expect(topMovers([pm('1', 'a', '1', '1')], [pm('1', 'b', '2', '1')], 0)).toEqual([]);
  });
});
