import { DomainError } from '../../../../common/errors/domain-error';
import {
  checkMonth,
  checkQuantity,
  checkReportMonth,
  deliveryDelay,
  lowFillRate,
  lowStock,
  monthWindow,
  nextAlertStatus,
  shortageReported,
} from './supply-rules';

describe('§K5 supply rules', () => {
  // Daily demand = agreed annual ÷ 365; required = daily × days; cover = stock ÷ daily.
  it.each([
    // 36500 a year = 100 a day; 30 days need 3000.
    ['2999.999', '36500', 30, true, '100.000', '3000.000', '30.0'],
    ['3000', '36500', 30, false, '100.000', '3000.000', '30.0'],
    ['1000', '36500', 30, true, '100.000', '3000.000', '10.0'],
    // 7000 a year: 19.178 a day; 30 days = 575.342; 500 covers 26.1 days.
    ['500', '7000', 30, true, '19.178', '575.342', '26.1'],
    ['600', '7000', 30, false, '19.178', '575.342', '31.3'],
    // 15 days of the same demand: 287.671.
    ['500', '7000', 15, false, '19.178', '287.671', '26.1'],
    // Nothing agreed: no demand to cover, never breached.
    ['0', '0', 30, false, '0.000', '0.000', null],
  ])(
    'stock %s against %s a year over %i days → breached %s',
    (stock, agreed, days, breached, daily, required, cover) => {
      expect(lowStock({ stock, agreedAnnual: agreed, stockDays: days })).toEqual({
        breached,
        dailyDemand: daily,
        requiredStock: required,
        daysOfCover: cover,
      });
    },
  );

  it.each([
    ['100', '80', '0.8', false, '0.8000'],
    ['100', '79.999', '0.8', true, '0.8000'],
    ['100', '0', '0.8', true, '0.0000'],
    ['3', '2', '0.8', true, '0.6667'],
    ['0', '0', '0.8', false, null],
    ['50', '45', '0.9', false, '0.9000'],
  ])('ordered %s, accepted %s, minimum %s → breached %s', (o, a, min, breached, rate) => {
    expect(lowFillRate(o, a, min)).toEqual({ breached, fillRate: rate });
  });

  it.each([
    [0, 0, false],
    [1, 0, true],
    [0, 2, true],
    [3, 1, true],
  ])('late %i, overdue %i → delay %s', (late, overdue, breached) => {
    expect(deliveryDelay(late, overdue)).toEqual({ breached });
  });

  it.each([
    [0, false],
    [1, true],
  ])('%i shortage reports → %s', (n, breached) => {
    expect(shortageReported(n)).toEqual({ breached });
  });

  it.each([
    ['2026-02', '2026-02-01', '2026-02-28'],
    ['2028-02', '2028-02-01', '2028-02-29'],
    ['2026-12', '2026-12-01', '2026-12-31'],
  ])('month %s runs %s to %s', (month, from, to) => {
    expect(monthWindow(month)).toEqual({ from, to });
  });

  it.each([['2026-13'], ['2026-1'], ['26-01'], [202601], [null]])('refuses month %p', (m) => {
    expect(() => checkMonth(m, 'month')).toThrow(DomainError);
  });

  it('refuses a future report month and accepts the current one', () => {
    expect(checkReportMonth('2026-03', 'month', '2026-03-31')).toBe('2026-03');
    expect(() => checkReportMonth('2026-04', 'month', '2026-03-31')).toThrow(/future/);
  });

  it.each([
    ['12', '12.000'],
    [' 0.5 ', '0.500'],
    ['0', '0.000'],
  ])('quantity %p → %s', (v, out) => {
    expect(checkQuantity(v, 'stockQuantity')).toBe(out);
  });

  it.each([['-1'], ['1.2345'], ['abc'], [12], ['']])(
    'refuses quantity %p naming the field',
    (v) => {
      expect(() => checkQuantity(v, 'items[0].stockQuantity')).toThrow(/items\[0\]\.stockQuantity/);
    },
  );

  it.each([
    ['open', 'acknowledge', 'acknowledged'],
    ['open', 'resolve', 'resolved'],
    ['acknowledged', 'resolve', 'resolved'],
  ] as const)('%s --%s--> %s', (from, action, to) => {
    expect(nextAlertStatus(from, action, '1')).toBe(to);
  });

  it.each([
    ['acknowledged', 'acknowledge'],
    ['resolved', 'acknowledge'],
    ['resolved', 'resolve'],
  ] as const)('%s cannot %s', (from, action) => {
    expect(() => nextAlertStatus(from, action, '1')).toThrow(DomainError);
  });
});
