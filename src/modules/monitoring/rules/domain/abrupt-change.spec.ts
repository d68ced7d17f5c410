import { Decimal } from '../../../../database/decimal';
import { abruptChange, cusum } from './abrupt-change';
import { DEFAULT_PARAMETERS } from './rule-catalog';

const params = DEFAULT_PARAMETERS.abrupt_change;
const series = (pairs: Array<[string, string]>) =>
  pairs.map(([period, median]) => ({ period, median: new Decimal(median) }));

describe('abrupt_change', () => {
  it.each([
    // previous, current, severity (null: no hit)
    ['1.00', '1.15', null], // exactly +15 %
    ['1.00', '1.150001', 'verify'],
    ['1.00', '0.85', null], // exactly −15 %
    ['1.00', '0.849999', 'verify'],
    ['1.00', '1.500001', 'red_1'],
    ['2.00', '0.999999', 'red_1'], // −50.00005 %
  ])('%s → %s gives %s', (previous, current, severity) => {
    const hits = abruptChange(
      '2026-03',
      { productId: '1' },
      series([
        ['2026-02', previous],
        ['2026-03', current],
      ]),
      params,
    );
    expect(hits[0]?.severity ?? null).toBe(severity);
  });

  it('exactly +50 % is verify by the month-on-month test and yellow by the CUSUM: yellow wins', () => {
    const [hit] = abruptChange(
      '2026-03',
      { productId: '1' },
      series([
        ['2026-02', '1'],
        ['2026-03', '1.5'],
      ]),
      params,
    );
    expect(hit.evidence).toMatchObject({ change: '0.500000', cusum: '0.450000', drifting: true });
    expect(hit.severity).toBe('yellow');
  });

  it('needs the previous month for the month-on-month test', () => {
    expect(
      abruptChange(
        '2026-03',
        {},
        series([
          ['2026-01', '1'],
          ['2026-03', '1.1'],
        ]),
        params,
      ),
    ).toEqual([]);
  });

  it.each([
    // months of +10 %: 4 → S = 0.20 (not above h), 5 → 0.25 (fires)
    [4, '0.2', false],
    [5, '0.25', true],
  ])('CUSUM over %i months of +10 %% is %s (fires: %s)', (months, statistic, fires) => {
    const pairs: Array<[string, string]> = [];
    let price = new Decimal(1);
    for (let i = 0; i <= months; i++) {
      pairs.push([`2026-${String(i + 1).padStart(2, '0')}`, price.toString()]);
      price = price.times('1.1');
    }
    const last = pairs[pairs.length - 1][0];
    expect(cusum(series(pairs), last, 12, '0.05').statistic.toDecimalPlaces(12).toString()).toBe(
      statistic,
    );
    const hits = abruptChange(last, {}, series(pairs), params);
    expect(hits.length).toBe(fires ? 1 : 0);
    if (fires)
      expect(hits[0]).toMatchObject({
        severity: 'yellow',
        evidence: { drifting: true, change: '0.100000' },
      });
  });

  it('a missing month adds no change and S decays by k', () => {
    const result = cusum(
      series([
        ['2026-01', '1'],
        ['2026-02', '1.3'],
        ['2026-04', '1.3'],
      ]),
      '2026-04',
      4,
      '0.05',
    );
    // Feb: 0 + 0.3 − 0.05 = 0.25; Mar (missing): 0.20; Apr (Mar missing): 0.15.
    expect(result.statistic.toString()).toBe('0.15');
  });
});
