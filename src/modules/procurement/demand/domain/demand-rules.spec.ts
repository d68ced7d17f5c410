import { DomainError } from '../../../../common/errors/domain-error';
import { checkDemandReport, DemandReportInput, participationOf } from './demand-rules';

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

const report = (patch: Partial<DemandReportInput>): DemandReportInput => ({
  quantity: '1000',
  history: null,
  threshold: '0.8',
  reason: null,
  ...patch,
});

describe('participation', () => {
  it.each([
    [true, 'mandatory'],
    [false, 'opt_in'],
    [null, 'opt_in'],
  ])('isPublic %s → %s', (isPublic, participation) => {
    expect(participationOf({ isPublic })).toBe(participation);
  });
});

describe('quantity', () => {
  it.each([
    ['0', '0.000'],
    ['1000', '1000.000'],
    ['596327', '596327.000'],
    ['12.5', '12.500'],
    ['0.001', '0.001'],
    ['007.25', '7.250'],
    [' 42 ', '42.000'],
    ['999999999999999.999', '999999999999999.999'],
  ])('%j → %s', (quantity, canonical) => {
    expect(checkDemandReport(report({ quantity }), 'reports[0]')).toBe(canonical);
  });

  it.each([
    '-1',
    '1.0001',
    '1e3',
    '',
    ' ',
    '.5',
    '5.',
    '1,000',
    'abc',
    '0x10',
    '1000000000000000',
    '１２',
  ])('%j is refused', (quantity) => {
    const e = errorOf(() => checkDemandReport(report({ quantity }), 'reports[3]'));
    expect(e).toMatchObject({
      code: 'PROCUREMENT.DEMAND_QUANTITY_INVALID',
      status: 400,
      details: { field: 'reports[3].quantity' },
    });
    expect(e.message).toBe(
      `reports[3].quantity must be a decimal of at least 0 with at most 15 integer digits and 3 decimals, got ${JSON.stringify(quantity)}`,
    );
  });

  it('a report without a prefix names the bare field', () => {
    const e = errorOf(() => checkDemandReport(report({ quantity: 'x' }), ''));
    expect(e.details).toEqual({ field: 'quantity' });
  });
});

describe('§P3 a report below the threshold share of 12-month purchases needs a reason', () => {
  it.each<[string, string, string | null, string | null]>([
    // quantity, threshold, history, reason
    ['800', '0.8', '1000', null],
    ['800.000', '0.8', '1000.000', null],
    ['1200', '0.8', '1000', null],
    ['799.999', '0.8', '1000', 'Ward 3 closed for renovation'],
    ['0', '0.8', '1000', 'Switched to another generic'],
    // no history, or none purchased: nothing to compare against
    ['0', '0.8', null, null],
    ['0', '0.8', '0', null],
    ['0', '0.8', '0.000', null],
    // a configured threshold other than 80 %
    ['500', '0.5', '1000', null],
    ['0', '0', '1000', null],
  ])('%s against %s × %s with reason %j passes', (quantity, threshold, history, reason) => {
    expect(() =>
      checkDemandReport(report({ quantity, threshold, history, reason }), 'reports[0]'),
    ).not.toThrow();
  });

  // quantity, threshold, history, reason; canonical quantity, threshold in %, threshold × history
  it.each<[string, string, string, string | null, string, string, string]>([
    ['799.999', '0.8', '1000', null, '799.999', '80', '800'],
    ['0', '0.8', '1000', null, '0.000', '80', '800'],
    ['0', '0.8', '0.001', null, '0.000', '80', '0.0008'],
    ['499.999', '0.5', '1000', '   ', '499.999', '50', '500'],
    ['800.000', '0.8', '1000.001', '', '800.000', '80', '800.0008'],
  ])(
    '%s against %s × %s with reason %j is refused',
    (quantity, threshold, history, reason, canonical, percent, minimum) => {
      const e = errorOf(() =>
        checkDemandReport(report({ quantity, threshold, history, reason }), 'reports[2]'),
      );
      expect(e).toMatchObject({
        code: 'PROCUREMENT.DEMAND_REASON_REQUIRED',
        status: 400,
        details: {
          field: 'reports[2].reason',
          quantity: canonical,
          threshold,
          minimumWithoutReason: minimum,
        },
      });
      expect(e.message).toContain('reports[2].reason is required');
      expect(e.message).toContain(`${canonical} is below ${percent}%`);
      expect(e.message).toContain(`(${minimum})`);
    },
  );

  it('quotes the figures in full', () => {
    const e = errorOf(() =>
      checkDemandReport(report({ quantity: '700', history: '1000.000' }), 'reports[1]'),
    );
    expect(e.message).toBe(
      'reports[1].reason is required: the reported quantity 700.000 is below 80% of the 1000 purchased in the previous 12 months (800)',
    );
    expect(e.details).toEqual({
      field: 'reports[1].reason',
      quantity: '700.000',
      history: '1000',
      threshold: '0.8',
      minimumWithoutReason: '800',
    });
  });
});

describe('reason length', () => {
  it.each<[string, boolean, string]>([
    ['500 Latin letters', true, 'a'.repeat(500)],
    ['500 Chinese characters', true, '原'.repeat(500)],
    // an astral character is one character though two UTF-16 units
    ['500 emoji', true, '😀'.repeat(500)],
    ['500 letters padded with spaces', true, `  ${'a'.repeat(500)}  `],
    ['501 Latin letters', false, 'a'.repeat(501)],
    ['501 Chinese characters', false, '原'.repeat(501)],
  ])('a reason of %s: accepted %s', (_, accepted, reason) => {
    const check = () =>
      checkDemandReport(report({ quantity: '1', history: '1000', reason }), 'reports[0]');
    if (accepted) expect(check).not.toThrow();
    else
      expect(errorOf(check)).toMatchObject({
        code: 'PROCUREMENT.DEMAND_REASON_INVALID',
        status: 400,
        message: 'reports[0].reason must be at most 500 characters, got 501',
        details: { field: 'reports[0].reason' },
      });
  });

  it('a too-long reason is refused even when none is needed', () => {
    expect(
      errorOf(() => checkDemandReport(report({ reason: 'x'.repeat(501) }), 'reports[0]')).code,
    ).toBe('PROCUREMENT.DEMAND_REASON_INVALID');
  });
});
