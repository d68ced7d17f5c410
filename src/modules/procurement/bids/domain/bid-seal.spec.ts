import { DomainError } from '../../../../common/errors/domain-error';
import { roundSealKey, seal, unseal } from './bid-seal';

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

const SECRET = 'test-secret';
const KEY = roundSealKey(SECRET, '42');
const AAD = 'bid:7:v2';
const PRICE = '{"packPrice":"28.5000"}';

/**
 * Sealed outside Node, with Python's `cryptography` (AESGCM) under the round-42 key below, IV
 * 00 01 … 0b and AAD bid:7:v2, so the format and the cipher are checked against another
 * implementation, not only against themselves.
 */
const FOREIGN = 'v1.AAECAwQFBgcICQoL.BjIv7k--e9goGCrbJYXnBw.u8UShMdl5Ewv4_oO2w9-EoVhImpkKNI';

/** Flips one bit of byte `at` in the dot-separated part `index` (1 iv, 2 tag, 3 ciphertext). */
function tamper(sealed: string, index: number, at = 0): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[index], 'base64url');
  bytes[at] ^= 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

describe('per-round key: HKDF-SHA256(secret, info "jicai/bid-seal/v1/round/<id>")', () => {
  it.each([
    // computed with `openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt key:test-secret
    //   -kdfopt salt: -kdfopt info:jicai/bid-seal/v1/round/42 HKDF` (and …/43)
    [SECRET, '42', '75bbd6998600c68e4cac426559994504eeea16336fbda0f349278605967391c4'],
    [SECRET, '43', '49ab2c5c21d87821b39f4a5b89fdefcdaec75433087d6a1ed74e09cc4571472f'],
  ])('secret %s, round %s → %s', (secret, round, hex) => {
    const key = roundSealKey(secret, round);
    expect(key).toHaveLength(32);
    expect(key.toString('hex')).toBe(hex);
  });

  it('differs by secret', () => {
    expect(roundSealKey('other-secret', '42').equals(KEY)).toBe(false);
  });

  it('refuses an empty secret', () => {
    expect(errorOf(() => roundSealKey('', '42'))).toMatchObject({
      code: 'PROCUREMENT.BID_SEAL_BROKEN',
      status: 500,
    });
  });
});

describe('seal and unseal', () => {
  it.each([
    ['a price', PRICE],
    ['an empty text', ''],
    [
      'a whole bid',
      '{"capacity":"1000000.000","packPrice":"0.0001","preferredRegions":["320100"]}',
    ],
    ['Chinese text and an emoji', '中选价 28.50 元 😀'],
    ['10 000 characters', 'x'.repeat(10_000)],
  ])('round-trips %s', (_, plaintext) => {
    const sealed = seal(KEY, plaintext, AAD);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]*$/);
    expect(unseal(KEY, sealed, AAD)).toBe(plaintext);
  });

  it('does not reveal the price', () => {
    const sealed = seal(KEY, PRICE, AAD);
    expect(sealed).not.toContain('28.5');
    expect(Buffer.from(sealed.split('.')[3], 'base64url').toString('latin1')).not.toContain('28.5');
  });

  it('uses a fresh IV each time', () => {
    const a = seal(KEY, PRICE, AAD);
    const b = seal(KEY, PRICE, AAD);
    expect(a.split('.')[1]).not.toBe(b.split('.')[1]);
    expect(a).not.toBe(b);
  });

  it('opens a text sealed by another AES-GCM implementation', () => {
    expect(unseal(KEY, FOREIGN, AAD)).toBe(PRICE);
  });

  it('refuses to seal with a key that is not 32 bytes', () => {
    expect(errorOf(() => seal(Buffer.alloc(16), PRICE, AAD))).toMatchObject({
      code: 'PROCUREMENT.BID_SEAL_BROKEN',
      status: 500,
    });
  });
});

describe('anything but the exact key, AAD and text is BID_SEAL_BROKEN (500)', () => {
  const sealed = seal(KEY, PRICE, AAD);

  it.each<[string, Buffer, string, string]>([
    ['the key of another round', roundSealKey(SECRET, '43'), sealed, AAD],
    ['the key from another secret', roundSealKey('other-secret', '42'), sealed, AAD],
    ['a key of the wrong length', KEY.subarray(0, 16), sealed, AAD],
    ['another bid version', KEY, sealed, 'bid:7:v3'],
    ['another bid', KEY, sealed, 'bid:8:v2'],
    ['an empty AAD', KEY, sealed, ''],
    ['a tampered IV', KEY, tamper(sealed, 1), AAD],
    ['a tampered tag (first byte)', KEY, tamper(sealed, 2), AAD],
    ['a tampered tag (last byte)', KEY, tamper(sealed, 2, 15), AAD],
    ['a tampered ciphertext', KEY, tamper(sealed, 3, 5), AAD],
    ['a tampered foreign text', KEY, tamper(FOREIGN, 3), AAD],
    ['a truncated ciphertext', KEY, sealed.slice(0, -2), AAD],
    ['an empty string', KEY, '', AAD],
    ['a plain price', KEY, '28.5000', AAD],
    ['another version prefix', KEY, sealed.replace(/^v1/, 'v2'), AAD],
    ['a missing part', KEY, sealed.split('.').slice(0, 3).join('.'), AAD],
    ['an extra part', KEY, `${sealed}.AAAA`, AAD],
    ['standard base64 characters', KEY, sealed.replace(/[-_]/g, '+') + '+/', AAD],
    ['base64 padding', KEY, `${sealed}==`, AAD],
    ['a short IV', KEY, FOREIGN.replace('AAECAwQFBgcICQoL', 'AAECAwQFBgcICQ'), AAD],
    ['a short tag', KEY, FOREIGN.replace('BjIv7k--e9goGCrbJYXnBw', 'BjIv7k--e9goGCrb'), AAD],
    // the last character of a 16-byte tag carries 4 unused bits: a second spelling of the bytes
    ['a non-canonical base64url spelling', KEY, FOREIGN.replace('JYXnBw.', 'JYXnBx.'), AAD],
  ])('%s', (_, key, text, aad) => {
    const e = errorOf(() => unseal(key, text, aad));
    expect(e).toMatchObject({
      code: 'PROCUREMENT.BID_SEAL_BROKEN',
      status: 500,
      details: { aad },
    });
    expect(e.message).toContain(`Sealed bid ${aad} cannot be opened`);
  });
});
