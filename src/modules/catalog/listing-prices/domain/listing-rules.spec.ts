import { DomainError } from '../../../../common/errors/domain-error';
import {
  addDays,
  checkManualReinstate,
  checkManualSuspend,
  chinaDate,
  isActiveOn,
  isBusinessDate,
  OpenSuspension,
  parsePackPrice,
  planNewListing,
  suspensionSummary,
  unitPriceOf,
} from './listing-rules';

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    return e instanceof DomainError ? e.code : 'not a DomainError';
  }
}

describe('business dates', () => {
  it.each([
    ['2026-01-01', true],
    ['2024-02-29', true],
    ['2026-02-29', false],
    ['2026-13-01', false],
    ['2026-1-01', false],
    ['20260101', false],
    ['', false],
  ])('%s valid=%s', (d, valid) => {
    expect(isBusinessDate(d)).toBe(valid);
  });

  it.each([
    ['2026-03-01', -1, '2026-02-28'],
    ['2024-03-01', -1, '2024-02-29'],
    ['2026-01-01', -1, '2025-12-31'],
    ['2026-12-31', 1, '2027-01-01'],
  ])('%s %+i day → %s', (d, n, expected) => {
    expect(addDays(d, n)).toBe(expected);
  });

  it.each([
    ['2026-01-01T15:59:59.999Z', '2026-01-01'],
    ['2026-01-01T16:00:00.000Z', '2026-01-02'],
  ])('instant %s is %s in China', (iso, date) => {
    expect(chinaDate(new Date(iso))).toBe(date);
  });
});

describe('pack price and unit price', () => {
  it.each([
    ['35.5', '35.500000'],
    ['0.000001', '0.000001'],
    [' 12 ', '12.000000'],
    ['999999999999.999999', '999999999999.999999'],
  ])('%j → %s', (raw, value) => {
    expect(parsePackPrice(raw)).toEqual({ ok: true, value });
  });

  it.each(['0', '0.0000001', '-1', '1,5', '1e2', '', 'abc', '1234567890123'])(
    '%j is refused naming packPrice',
    (raw) => {
      const r = parsePackPrice(raw);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.problem).toMatchObject({ field: 'packPrice', code: 'PRICE_INVALID' });
    },
  );

  it.each([
    ['35.5', 7, '5.071429'],
    ['10', 3, '3.333333'],
    ['20', 3, '6.666667'],
    ['0.000001', 2, '0.000001'],
    ['100', 1, '100.000000'],
    ['999999999999.999999', 1000000, '1000000.000000'],
  ])('%s per pack of %i → %s per unit', (pack, size, unit) => {
    expect(unitPriceOf(pack, size)).toBe(unit);
  });
});

describe('planNewListing', () => {
  it.each([
    ['first listing', null, { validFrom: '2026-01-01', validTo: null }, null],
    [
      'closes the open row the day before',
      { validFrom: '2026-01-01', validTo: null },
      { validFrom: '2026-03-01', validTo: null },
      '2026-02-28',
    ],
    [
      'shortens a fixed-term row that would overlap',
      { validFrom: '2026-01-01', validTo: '2026-12-31' },
      { validFrom: '2026-07-01', validTo: null },
      '2026-06-30',
    ],
    [
      'leaves a row that ended before alone',
      { validFrom: '2026-01-01', validTo: '2026-01-31' },
      { validFrom: '2026-03-01', validTo: null },
      null,
    ],
    [
      'a new row starting the day after the old one ended',
      { validFrom: '2026-01-01', validTo: '2026-01-31' },
      { validFrom: '2026-02-01', validTo: null },
      null,
    ],
    [
      'a row starting one day later',
      { validFrom: '2026-01-01', validTo: null },
      { validFrom: '2026-01-02', validTo: null },
      '2026-01-01',
    ],
  ])('%s', (_name, latest, next, close) => {
    expect(planNewListing(latest, next)).toEqual({ closeLatestOn: close });
  });

  it.each([
    [
      'same start date',
      { validFrom: '2026-01-01', validTo: null },
      { validFrom: '2026-01-01', validTo: null },
      'CATALOG.LISTING_DATE_CONFLICT',
    ],
    [
      'earlier start date',
      { validFrom: '2026-03-01', validTo: null },
      { validFrom: '2026-02-01', validTo: null },
      'CATALOG.LISTING_DATE_CONFLICT',
    ],
    [
      'end before start',
      null,
      { validFrom: '2026-03-01', validTo: '2026-02-28' },
      'CATALOG.LISTING_PERIOD_INVALID',
    ],
  ])('%s → %s', (_name, latest, next, code) => {
    expect(codeOf(() => planNewListing(latest, next))).toBe(code);
  });

  it.each([
    [{ validFrom: '2026-01-01', validTo: null }, '2025-12-31', false],
    [{ validFrom: '2026-01-01', validTo: null }, '2026-01-01', true],
    [{ validFrom: '2026-01-01', validTo: null }, '2099-01-01', true],
    [{ validFrom: '2026-01-01', validTo: '2026-01-31' }, '2026-01-31', true],
    [{ validFrom: '2026-01-01', validTo: '2026-01-31' }, '2026-02-01', false],
  ])('%j active on %s = %s', (period, date, active) => {
    expect(isActiveOn(period, date)).toBe(active);
  });
});

describe('suspensions by source', () => {
  const manual: OpenSuspension = { source: 'manual', reference: null, reason: '企业申请' };
  const kase: OpenSuspension = { source: 'price_case', reference: 'PC2026-0001', reason: 'x' };
  const credit: OpenSuspension = { source: 'credit_sanction', reference: '7', reason: 'y' };

  it.each([
    [[], 'active', null],
    [[kase], 'suspended', kase],
    [[credit, manual], 'suspended', credit],
  ] as const)('%j → %s showing %j', (open, status, first) => {
    expect(suspensionSummary(open)).toEqual({ status, first });
  });

  it.each([
    [[], null],
    [[kase], null],
    [[credit], null],
    [[manual], 'CATALOG.LISTING_ALREADY_SUSPENDED'],
    [[credit, manual], 'CATALOG.LISTING_ALREADY_SUSPENDED'],
  ] as const)('manual suspend over %j → %s', (open, error) => {
    expect(codeOf(() => checkManualSuspend(open, '1'))).toBe(error);
  });

  it.each([
    [[], 'CATALOG.LISTING_NOT_SUSPENDED'],
    [[manual], null],
    [[kase], 'CATALOG.LISTING_HELD'],
    [[credit], 'CATALOG.LISTING_HELD'],
    [[manual, credit], 'CATALOG.LISTING_HELD'],
  ] as const)('manual reinstate of %j → %s', (open, error) => {
    expect(codeOf(() => checkManualReinstate(open, '1'))).toBe(error);
  });

  it('names every source that holds the listing', () => {
    try {
      checkManualReinstate([manual, kase, credit], '42');
      throw new Error('not refused');
    } catch (e) {
      expect(e).toMatchObject({
        status: 409,
        message:
          'Listing price 42 is held by price_case PC2026-0001, credit_sanction 7; it is reinstated when those end',
        details: {
          listingId: '42',
          holds: [
            { source: 'price_case', reference: 'PC2026-0001', reason: 'x' },
            { source: 'credit_sanction', reference: '7', reason: 'y' },
          ],
        },
      });
    }
  });
});
