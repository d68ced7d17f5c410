import { DomainError } from '../../../../common/errors/domain-error';
import {
  chinaDate,
  lastDayOf,
  levelFor,
  rateCase,
  RatingInput,
  repairedValidTo,
  repairOutcome,
  sanctionsFor,
  statusOn,
} from './rating';
import { Behaviour, schemeProblems } from './scheme';
import { SCHEME_2020, SCHEME_2025 } from './seed-schemes';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
  return 'no error';
}

const input = (over: Partial<RatingInput>): RatingInput => ({
  behaviour: 'bribery',
  amount: null,
  supplierType: 'manufacturer',
  distributionBarYears: null,
  ratedOn: '2026-03-15',
  ...over,
});

describe('seeded schemes', () => {
  it.each([SCHEME_2020, SCHEME_2025])('scheme $version is well formed', (scheme) => {
    expect(schemeProblems(scheme)).toEqual([]);
  });

  it('finds a broken scheme', () => {
    const broken = {
      ...SCHEME_2020,
      rules: {
        ...SCHEME_2020.rules,
        bribery: {
          kind: 'amount' as const,
          thresholds: [
            { min: '100', level: 'general' },
            { min: '50', level: 'nowhere' },
          ],
        },
      },
    };
    expect(schemeProblems(broken)).toEqual([
      'rule bribery: unknown level nowhere',
      'rule bribery: thresholds must ascend',
    ]);
  });
});

describe('2020 scheme: level by behaviour and amount (§K2)', () => {
  it.each<[Behaviour, string | null, string]>([
    ['bribery', '10000', 'general'],
    ['bribery', '10000.00', 'general'],
    ['bribery', '99999.99', 'general'],
    ['bribery', '100000', 'medium'],
    ['bribery', '299999.99', 'medium'],
    ['bribery', '300000.00', 'serious'],
    ['bribery', '1999999.99', 'serious'],
    ['bribery', '2000000', 'particularly_serious'],
    ['bribery', '85000000', 'particularly_serious'],
    ['tax_violation', '10000', 'general'],
    ['tax_violation', '300000', 'serious'],
    ['price_manipulation', '100000', 'medium'],
    ['price_manipulation', '2000000', 'particularly_serious'],
    ['bid_rigging', null, 'particularly_serious'],
    ['bid_rigging', '1.00', 'particularly_serious'],
    ['bribing_insurance_staff', '5000', 'particularly_serious'],
    ['failure_to_supply', null, 'medium'],
    ['false_materials', null, 'serious'],
  ])('%s of %s → %s', (behaviour, amount, level) => {
    expect(levelFor(SCHEME_2020, behaviour, amount).level).toBe(level);
  });

  it.each<[Behaviour, string | null, string]>([
    ['bribery', '9999.99', 'CREDIT.CASE_NOT_RATABLE'],
    ['bribery', '0', 'CREDIT.CASE_NOT_RATABLE'],
    ['bribery', null, 'CREDIT.RATING_AMOUNT_REQUIRED'],
    ['tax_violation', null, 'CREDIT.RATING_AMOUNT_REQUIRED'],
  ])('%s of %s is refused with %s', (behaviour, amount, error) => {
    expect(code(() => levelFor(SCHEME_2020, behaviour, amount))).toBe(error);
  });
});

describe('2025 scheme: 失信 / 严重失信 500 k–1 M / 特别严重失信 ≥ 1 M', () => {
  it.each<[Behaviour, string | null, string]>([
    ['bribery', '10000', 'dishonest'],
    ['bribery', '499999.99', 'dishonest'],
    ['bribery', '500000', 'seriously_dishonest'],
    ['bribery', '999999.99', 'seriously_dishonest'],
    ['bribery', '1000000', 'particularly_seriously_dishonest'],
    ['bid_rigging', null, 'particularly_seriously_dishonest'],
    ['bribing_insurance_staff', null, 'particularly_seriously_dishonest'],
    ['failure_to_supply', null, 'dishonest'],
    ['false_materials', null, 'seriously_dishonest'],
  ])('%s of %s → %s', (behaviour, amount, level) => {
    expect(levelFor(SCHEME_2025, behaviour, amount).level).toBe(level);
  });

  it('does not rate kickbacks below 10 000', () => {
    expect(code(() => levelFor(SCHEME_2025, 'bribery', '9999.99'))).toBe('CREDIT.CASE_NOT_RATABLE');
  });
});

describe('sanctions by level (§K3)', () => {
  it.each<[string, 'manufacturer' | 'distributor', string[], string, boolean]>([
    ['general', 'manufacturer', ['reminder'], 'none', false],
    ['medium', 'manufacturer', ['reminder', 'interview', 'risk_notice'], 'none', true],
    [
      'serious',
      'manufacturer',
      ['interview', 'risk_notice', 'listing_suspension', 'bidding_suspension'],
      'involved',
      true,
    ],
    [
      'particularly_serious',
      'manufacturer',
      ['interview', 'risk_notice', 'listing_suspension', 'bidding_suspension'],
      'all',
      true,
    ],
    [
      'serious',
      'distributor',
      ['interview', 'risk_notice', 'distribution_suspension'],
      'involved',
      true,
    ],
    [
      'particularly_serious',
      'distributor',
      ['interview', 'risk_notice', 'distribution_suspension', 'distribution_bar'],
      'all',
      true,
    ],
  ])('%s for a %s → %j over %s products', (level, type, sanctions, scope, notice) => {
    expect(sanctionsFor(SCHEME_2020, level, type)).toEqual({
      sanctions,
      productScope: scope,
      riskNotice: notice,
    });
  });
});

describe('rateCase: validity and the distribution bar', () => {
  it.each<[string, Partial<RatingInput>, string, string, number | null]>([
    ['general: 12 months', { amount: '10000' }, 'general', '2027-03-14', null],
    ['medium: 12 months', { amount: '100000' }, 'medium', '2027-03-14', null],
    ['serious: 24 months', { amount: '300000' }, 'serious', '2028-03-14', null],
    [
      'particularly serious: 36 months',
      { amount: '2000000' },
      'particularly_serious',
      '2029-03-14',
      null,
    ],
    [
      'a distributor barred 1 year keeps the 36 months of its level',
      { behaviour: 'bid_rigging', supplierType: 'distributor', distributionBarYears: 1 },
      'particularly_serious',
      '2029-03-14',
      1,
    ],
    [
      'a distributor barred 5 years: the bar outlasts the level',
      { behaviour: 'bid_rigging', supplierType: 'distributor', distributionBarYears: 5 },
      'particularly_serious',
      '2031-03-14',
      5,
    ],
  ])('%s', (_, over, level, validTo, years) => {
    const out = rateCase(SCHEME_2020, input(over));
    expect(out).toMatchObject({
      level,
      validFrom: '2026-03-15',
      validTo,
      distributionBarYears: years,
    });
  });

  it.each<[string, Partial<RatingInput>, string]>([
    [
      'a barred distributor without years',
      { behaviour: 'bid_rigging', supplierType: 'distributor' },
      'CREDIT.RATING_BAR_YEARS_REQUIRED',
    ],
    [
      'years outside 1/3/5',
      { behaviour: 'bid_rigging', supplierType: 'distributor', distributionBarYears: 2 },
      'CREDIT.RATING_BAR_YEARS_INVALID',
    ],
    [
      'years for a manufacturer',
      { behaviour: 'bid_rigging', distributionBarYears: 3 },
      'CREDIT.RATING_BAR_YEARS_INVALID',
    ],
    [
      'years for a distributor rated serious',
      { behaviour: 'false_materials', supplierType: 'distributor', distributionBarYears: 3 },
      'CREDIT.RATING_BAR_YEARS_INVALID',
    ],
  ])('refuses %s', (_, over, error) => {
    expect(code(() => rateCase(SCHEME_2020, input(over)))).toBe(error);
  });

  it('marks serious levels public', () => {
    expect(rateCase(SCHEME_2020, input({ amount: '299999.99' })).public).toBe(false);
    expect(rateCase(SCHEME_2020, input({ amount: '300000' })).public).toBe(true);
    expect(rateCase(SCHEME_2025, input({ amount: '500000' })).public).toBe(true);
  });
});

describe('repair (§K4)', () => {
  it.each<[string, string, string[], string | null]>([
    ['2020', 'general', ['public_apology'], null],
    ['2020', 'medium', ['refund'], 'general'],
    ['2020', 'serious', ['price_cut'], 'medium'],
    ['2020', 'particularly_serious', ['refund', 'public_apology'], 'serious'],
    ['2025', 'dishonest', ['public_apology'], null],
    ['2025', 'seriously_dishonest', ['refund'], 'dishonest'],
    ['2025', 'particularly_seriously_dishonest', ['price_cut'], 'seriously_dishonest'],
  ])('scheme %s: %s repaired with %j → %s', (version, level, actions, to) => {
    const scheme = version === '2020' ? SCHEME_2020 : SCHEME_2025;
    expect(repairOutcome(scheme, level, actions as never)).toEqual({ to });
  });

  it('asks a serious rating for a price cut or refund', () => {
    expect(code(() => repairOutcome(SCHEME_2020, 'serious', ['public_apology']))).toBe(
      'CREDIT.REPAIR_ACTIONS_INVALID',
    );
  });

  it.each<[string, string, string, number | null, string]>([
    ['serious → medium shortens 24 to 12 months', '2028-03-14', 'medium', null, '2027-03-14'],
    ['a shorter remaining period is kept', '2026-06-30', 'medium', null, '2026-06-30'],
    ['a 5-year bar survives the repair', '2031-03-14', 'serious', 5, '2031-03-14'],
  ])('%s', (_, validTo, to, years, expected) => {
    expect(repairedValidTo(SCHEME_2020, '2026-03-15', validTo, to, years)).toBe(expected);
  });
});

describe('dates', () => {
  it.each<[string, number, string]>([
    ['2026-03-15', 12, '2027-03-14'],
    ['2026-01-01', 12, '2026-12-31'],
    ['2026-01-31', 1, '2026-02-28'],
    ['2028-01-31', 1, '2028-02-29'],
    ['2026-12-01', 1, '2026-12-31'],
    ['2024-02-29', 12, '2025-02-28'],
  ])('%s + %i months ends on %s', (from, months, last) => {
    expect(lastDayOf(from, months)).toBe(last);
  });

  it.each<[string, string, string]>([
    ['2026-03-14T15:59:59.999Z', '2026-03-14', 'just before midnight in Beijing'],
    ['2026-03-14T16:00:00.000Z', '2026-03-15', 'midnight in Beijing'],
  ])('%s is %s (%s)', (iso, date) => {
    expect(chinaDate(new Date(iso))).toBe(date);
  });

  it.each<[string, string, string]>([
    ['2027-03-14', '2027-03-14', 'in_force'],
    ['2027-03-14', '2027-03-15', 'lapsed'],
  ])('a rating in force until %s, on %s, is %s', (validTo, date, status) => {
    expect(statusOn('in_force', validTo, date)).toBe(status);
    expect(statusOn('repaired', validTo, date)).toBe('repaired');
  });
});
