import { bidDigest, canonicalBidJson, CanonicalBid } from './bid-receipt';

const BID: CanonicalBid = {
  round: 'R2026-0001',
  lot: 'L01',
  supplierId: '17',
  productId: '305',
  packPrice: '28.5',
  capacity: '1000000',
  preferredRegions: ['320200', '320100'],
  version: 2,
};

const BID_JSON =
  '{"capacity":"1000000.000","lot":"L01","packPrice":"28.5000","preferredRegions":["320200","320100"],"productId":"305","round":"R2026-0001","supplierId":"17","version":2}';

describe('canonical JSON of a bid', () => {
  it('sorts keys, fixes the scales and keeps the regions in preference order', () => {
    expect(canonicalBidJson(BID)).toBe(BID_JSON);
  });

  it.each<[string, Partial<CanonicalBid>, string]>([
    ['a whole pack price', { packPrice: '12' }, '"packPrice":"12.0000"'],
    ['a pack price with 4 decimals', { packPrice: '0.0001' }, '"packPrice":"0.0001"'],
    ['trailing zeros in the pack price', { packPrice: '28.50' }, '"packPrice":"28.5000"'],
    ['a capacity with decimals', { capacity: '500.5' }, '"capacity":"500.500"'],
    ['a capacity with trailing zeros', { capacity: '1000000.000' }, '"capacity":"1000000.000"'],
    ['no regions', { preferredRegions: [] }, '"preferredRegions":[]'],
  ])('%s', (_, patch, fragment) => {
    expect(canonicalBidJson({ ...BID, ...patch })).toContain(fragment);
  });

  it.each<[string, Partial<CanonicalBid>]>([
    ['a pack price with 5 decimals', { packPrice: '28.50001' }],
    ['a capacity with 4 decimals', { capacity: '1000.0001' }],
  ])('refuses %s rather than round it', (_, patch) => {
    expect(() => canonicalBidJson({ ...BID, ...patch })).toThrow(/more than \d decimals/);
  });
});

describe('receipt digest = SHA-256 of the canonical JSON', () => {
  // Each digest computed in a shell: printf '%s' '<canonical JSON>' | sha256sum
  it.each<[string, CanonicalBid, string]>([
    ['the reference bid', BID, '3d901bb021eb85259d09b57a5a94c8ec7321408daa1d8e1e3de00804986ecb11'],
    [
      'its next version',
      { ...BID, version: 3 },
      '59753aed36faba2846d75cd25456fcd9ad610ed57ca6e68382f972063f8af487',
    ],
    [
      // {"capacity":"500.500","lot":"甲-01","packPrice":"0.0001","preferredRegions":[],
      //  "productId":"9","round":"R2026-0002","supplierId":"3","version":1}, hashed as UTF-8
      'a bid with a non-ASCII lot code and no regions',
      {
        round: 'R2026-0002',
        lot: '甲-01',
        supplierId: '3',
        productId: '9',
        packPrice: '0.0001',
        capacity: '500.5',
        preferredRegions: [],
        version: 1,
      },
      'd057ca9fb3b8961c15276d1648cbb6361c050dfb8977e6bf32acaa6ff0149c99',
    ],
    [
      // {"capacity":"1000000.000","lot":"L01","nonce":"q3Jd0v7S8s1kNQ2m","packPrice":"28.5000",…}
      'the reference bid with a nonce',
      { ...BID, nonce: 'q3Jd0v7S8s1kNQ2m' },
      '18776bebf3df0f820e176e9f01781b25a76716223fe1aa78b003f443e06e2a90',
    ],
  ])('%s', (_, bid, digest) => {
    expect(bidDigest(bid)).toBe(digest);
  });

  it.each<[string, CanonicalBid]>([
    [
      'keys in another order',
      {
        version: 2,
        preferredRegions: ['320200', '320100'],
        capacity: '1000000',
        packPrice: '28.5',
        productId: '305',
        supplierId: '17',
        lot: 'L01',
        round: 'R2026-0001',
      },
    ],
    ['the same figures spelt otherwise', { ...BID, packPrice: '28.5000', capacity: '1000000.0' }],
  ])('is unchanged by %s', (_, bid) => {
    expect(bidDigest(bid)).toBe(bidDigest(BID));
  });

  it.each<[string, Partial<CanonicalBid>]>([
    ['round', { round: 'R2026-0002' }],
    ['lot', { lot: 'L02' }],
    ['supplier', { supplierId: '18' }],
    ['product', { productId: '306' }],
    ['pack price', { packPrice: '28.5001' }],
    ['capacity', { capacity: '1000000.001' }],
    ['regions', { preferredRegions: ['320100'] }],
    // Preference order decides the §P9 region picks, so it is part of what the receipt attests.
    ['region order', { preferredRegions: ['320100', '320200'] }],
    ['version', { version: 1 }],
    ['nonce', { nonce: 'q3Jd0v7S8s1kNQ2m' }],
  ])('changes with the %s', (_, patch) => {
    expect(bidDigest({ ...BID, ...patch })).not.toBe(bidDigest(BID));
  });
});
