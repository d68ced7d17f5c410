import { DomainError } from '../../../../common/errors/domain-error';
import { checkCapacity, checkPackPrice, checkPreferredRegions } from './bid-rules';

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

describe('pack price', () => {
  it.each([
    ['28.5', '28.5000'],
    ['200.00', '200.0000'],
    ['0.0001', '0.0001'],
    ['12', '12.0000'],
    [' 35.5 ', '35.5000'],
    ['007.10', '7.1000'],
    ['999999999999.9999', '999999999999.9999'],
  ])('%j → %s', (value, canonical) => {
    expect(checkPackPrice(value, 'bids[0].packPrice')).toBe(canonical);
  });

  it.each([
    '0',
    '0.0000',
    '-1',
    '28.50001',
    '1000000000000',
    '1e3',
    '',
    '.5',
    '5.',
    '28,50',
    '¥28.5',
    'NaN',
    'Infinity',
  ])('%j is refused', (value) => {
    const e = errorOf(() => checkPackPrice(value, 'bids[2].packPrice'));
    expect(e).toMatchObject({
      code: 'PROCUREMENT.BID_PRICE_INVALID',
      status: 400,
      message: `bids[2].packPrice must be a decimal greater than 0 with at most 12 integer digits and 4 decimals, got ${JSON.stringify(value)}`,
      details: { field: 'bids[2].packPrice' },
    });
  });
});

describe('capacity', () => {
  it.each([
    ['1000000', '1000000.000'],
    ['0.001', '0.001'],
    ['596327.5', '596327.500'],
    [' 10 ', '10.000'],
    ['999999999999999.999', '999999999999999.999'],
  ])('%j → %s', (value, canonical) => {
    expect(checkCapacity(value, 'capacity')).toBe(canonical);
  });

  it.each(['0', '0.000', '-5', '1.0001', '1000000000000000', '1e6', '', 'abc'])(
    '%j is refused',
    (value) => {
      const e = errorOf(() => checkCapacity(value, 'bids[1].capacity'));
      expect(e).toMatchObject({
        code: 'PROCUREMENT.BID_CAPACITY_INVALID',
        status: 400,
        message: `bids[1].capacity must be a decimal greater than 0 with at most 15 integer digits and 3 decimals, got ${JSON.stringify(value)}`,
        details: { field: 'bids[1].capacity' },
      });
    },
  );
});

describe('preferred regions', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => String(320100 + i));

  it.each<[string, string[], string[]]>([
    ['none', [], []],
    ['one', ['320100'], ['320100']],
    [
      'several, kept in preference order',
      ['320500', '320100', '110000'],
      ['320500', '320100', '110000'],
    ],
    ['100 of them', [...hundred].reverse(), [...hundred].reverse()],
  ])('%s', (_, codes, expected) => {
    expect(checkPreferredRegions(codes, 'preferredRegions')).toEqual(expected);
  });

  it('does not reorder the caller’s array', () => {
    const codes = ['320500', '320100'];
    checkPreferredRegions(codes, 'preferredRegions');
    expect(codes).toEqual(['320500', '320100']);
  });

  it.each<[string, string[], string, string]>([
    [
      'a 5-digit code',
      ['320100', '320200', '32030'],
      'bids[0].preferredRegions[2]',
      'bids[0].preferredRegions[2] must be a 6-digit region code, got "32030"',
    ],
    ['a 7-digit code', ['3201001'], 'bids[0].preferredRegions[0]', 'must be a 6-digit region code'],
    ['letters', ['32010A'], 'bids[0].preferredRegions[0]', 'got "32010A"'],
    ['an empty code', ['320100', ''], 'bids[0].preferredRegions[1]', 'got ""'],
    ['a padded code', [' 320100'], 'bids[0].preferredRegions[0]', 'got " 320100"'],
    [
      'a repeated code',
      ['320100', '320200', '320100'],
      'bids[0].preferredRegions[2]',
      'bids[0].preferredRegions[2] repeats region 320100, already given at bids[0].preferredRegions[0]',
    ],
    [
      '101 codes',
      [...hundred, '330100'],
      'bids[0].preferredRegions',
      'bids[0].preferredRegions must list at most 100 regions, got 101',
    ],
  ])('%s is refused', (_, codes, field, message) => {
    const e = errorOf(() => checkPreferredRegions(codes, 'bids[0].preferredRegions'));
    expect(e).toMatchObject({
      code: 'PROCUREMENT.BID_REGIONS_INVALID',
      status: 400,
      details: { field },
    });
    expect(e.message).toContain(message);
  });
});
