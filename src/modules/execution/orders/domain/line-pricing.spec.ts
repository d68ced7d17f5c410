import { DomainError } from '../../../../common/errors/domain-error';
import { checkQuantity, lineAmount, orderTotal, priceLine, PriceReferences } from './line-pricing';

const AGREEMENT = { id: '7', packPrice: '10.5000' };
const LISTING = { id: '9', packPrice: '35.5', suspended: false };

function failure(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    return err as DomainError;
  }
  throw new Error('expected an error');
}

describe('line price defaulting (§E1)', () => {
  it.each<[string, PriceReferences, { unitPrice?: string; priceReason?: string }, object]>([
    [
      'agreement price when an agreement is in force',
      { agreement: AGREEMENT, listing: LISTING },
      {},
      { unitPrice: '10.500000', priceSource: 'agreement', agreementId: '7', listingPriceId: null },
    ],
    [
      'listing price without an agreement',
      { agreement: null, listing: LISTING },
      {},
      { unitPrice: '35.500000', priceSource: 'listing', agreementId: null, listingPriceId: '9' },
    ],
    [
      'the default price given explicitly stays the default, no reason needed',
      { agreement: AGREEMENT, listing: null },
      { unitPrice: '10.5' },
      { unitPrice: '10.500000', priceSource: 'agreement', priceReason: null },
    ],
    [
      'a different price with a reason is manual and keeps the agreement it departs from',
      { agreement: AGREEMENT, listing: LISTING },
      { unitPrice: '9.8', priceReason: ' 院内议价 ' },
      {
        unitPrice: '9.800000',
        priceSource: 'manual',
        agreementId: '7',
        referencePrice: '10.500000',
        priceReason: '院内议价',
      },
    ],
    [
      'an agreement outranks a suspended listing',
      { agreement: AGREEMENT, listing: { ...LISTING, suspended: true } },
      {},
      { priceSource: 'agreement' },
    ],
  ])('%s', (_name, refs, price, expected) => {
    expect(priceLine({ quantity: '10', ...price }, refs, 'lines[0]')).toMatchObject(expected);
  });

  it.each<[string, PriceReferences, object, string, string]>([
    [
      'no agreement and no listing',
      { agreement: null, listing: null },
      {},
      'EXECUTION.PRICE_UNAVAILABLE',
      'lines[2].productId',
    ],
    [
      'a different price without a reason',
      { agreement: AGREEMENT, listing: null },
      { unitPrice: '11' },
      'EXECUTION.PRICE_REASON_REQUIRED',
      'lines[2].priceReason',
    ],
    [
      'a blank reason',
      { agreement: null, listing: LISTING },
      { unitPrice: '30', priceReason: '   ' },
      'EXECUTION.PRICE_REASON_REQUIRED',
      'lines[2].priceReason',
    ],
    [
      'a suspended listing as the basis',
      { agreement: null, listing: { ...LISTING, suspended: true } },
      {},
      'EXECUTION.LISTING_SUSPENDED',
      'lines[2].productId',
    ],
    [
      'a zero price',
      { agreement: AGREEMENT, listing: null },
      { unitPrice: '0', priceReason: 'free' },
      'EXECUTION.PRICE_INVALID',
      'lines[2].unitPrice',
    ],
    [
      'seven price decimals',
      { agreement: AGREEMENT, listing: null },
      { unitPrice: '1.1234567', priceReason: 'x' },
      'EXECUTION.PRICE_INVALID',
      'lines[2].unitPrice',
    ],
  ])('refuses %s', (_name, refs, price, code, field) => {
    const err = failure(() => priceLine({ quantity: '1', ...price }, refs, 'lines[2]'));
    expect(err.code).toBe(code);
    expect(err.message.startsWith(field)).toBe(true);
    expect(err.details).toMatchObject({ field });
  });

  it.each([
    ['1', '1.000'],
    ['0.001', '0.001'],
    ['12.5', '12.500'],
  ])('quantity %s → %s', (input, expected) => {
    expect(checkQuantity(input, 'lines[0].quantity')).toBe(expected);
  });

  it.each(['0', '-1', '1.0001', 'abc', ''])('refuses quantity %j', (input) => {
    const err = failure(() => checkQuantity(input, 'lines[0].quantity'));
    expect(err.code).toBe('EXECUTION.QUANTITY_INVALID');
    expect(err.details).toEqual({ field: 'lines[0].quantity' });
  });

  it.each([
    // 3 × 10.5 exactly
    ['3', '10.500000', '31.50'],
    // 0.335 × 1.000001 = 0.335000335 → 0.34 (half-up on the third decimal 5)
    ['0.335', '1.000001', '0.34'],
    // 7 × 1.234565 = 8.641955 → 8.64
    ['7', '1.234565', '8.64'],
    // 1 × 0.005 → 0.01 (half-up, not banker's)
    ['1', '0.005000', '0.01'],
  ])('amount %s × %s = %s, rounded once', (q, p, amount) => {
    expect(lineAmount(q, p)).toBe(amount);
  });

  it('totals the rounded line amounts', () => {
    expect(orderTotal(['31.50', '0.34', '8.64'])).toBe('40.48');
    expect(orderTotal([])).toBe('0.00');
  });
});
