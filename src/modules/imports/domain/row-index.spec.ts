import { fingerprint128, FirstRowIndex, firstRowIndex, RowSet } from './row-index';

/** MurmurHash3 x86_128 over bytes, written straight from the published algorithm. */
function murmur3x86128(bytes: Uint8Array, seed: number): number[] {
  const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));
  const fmix = (h: number) => {
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return h ^ (h >>> 16);
  };
  const c = [0x239b961b, 0xab0e9789, 0x38b34ae5, 0xa1e38b93];
  const rot = [15, 16, 17, 18];
  const hrot = [19, 17, 15, 13];
  const add = [0x561ccd1b, 0x0bcaa747, 0x96cd1c35, 0x32ac3b17];
  const h = [seed, seed, seed, seed];
  const mixK = (k: number, lane: number) =>
    Math.imul(rotl(Math.imul(k, c[lane]), rot[lane]), c[(lane + 1) % 4]);
  const word = (at: number) =>
    bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24);
  const blocks = Math.floor(bytes.length / 16);
  for (let b = 0; b < blocks; b++) {
    for (let lane = 0; lane < 4; lane++) {
      h[lane] ^= mixK(word(b * 16 + lane * 4), lane);
      h[lane] = (Math.imul(rotl(h[lane], hrot[lane]) + h[(lane + 1) % 4], 5) + add[lane]) | 0;
    }
  }
  const tail = bytes.subarray(blocks * 16);
  const k = [0, 0, 0, 0];
  tail.forEach((byte, i) => (k[i >> 2] |= byte << ((i & 3) * 8)));
  for (let lane = 3; lane >= 0; lane--) if (tail.length > lane * 4) h[lane] ^= mixK(k[lane], lane);
  for (let lane = 0; lane < 4; lane++) h[lane] ^= bytes.length;
  const combine = () => {
    h[0] = (h[0] + h[1] + h[2] + h[3]) | 0;
    for (let lane = 1; lane < 4; lane++) h[lane] = (h[lane] + h[0]) | 0;
  };
  combine();
  for (let lane = 0; lane < 4; lane++) h[lane] = fmix(h[lane]);
  combine();
  return h.map((x) => x >>> 0);
}

function utf16le(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'utf16le'));
}

const hex = (words: number[]) => words.map((w) => w.toString(16).padStart(8, '0')).join('');

describe('the byte-wise reference', () => {
  it.each([
    ['', 1, '88c4adec54d201b954d201b954d201b9'],
    ['0', 0, '0ab2409ea5eb34f8a5eb34f8a5eb34f8'],
    ['asdfqwer', 0, '790584be55a1e1e58408ecca8408ecca'],
    ['0123456789abcde', 0, '3c76c46d4d0818c0add433daa78673fa'],
    ['0123456789abcdef', 0, 'fb7d440936aed30a48ad1d9b572b3bfd'],
  ])('hashes %j with seed %d to the published %s', (text, seed, expected) => {
    expect(hex(murmur3x86128(new Uint8Array(Buffer.from(text, 'latin1')), seed))).toBe(expected);
  });

  it("passes SMHasher's verification (0xB3ECE62A)", () => {
    const key = new Uint8Array(256);
    const hashes = new Uint8Array(16 * 256);
    const view = new DataView(hashes.buffer);
    for (let i = 0; i < 256; i++) {
      key[i] = i;
      murmur3x86128(key.subarray(0, i), 256 - i).forEach((w, j) =>
        view.setUint32(i * 16 + j * 4, w, true),
      );
    }
    expect(murmur3x86128(hashes, 0)[0]).toBe(0xb3ece62a);
  });
});

describe('fingerprint128', () => {
  it.each([
    ['', 0],
    ['a', 0],
    ['ab', 7],
    ['abcdefg', 0],
    ['abcdefgh', 0],
    ['abcdefghi', 42],
    ['XC10AAA0001010101234|other_region|330100|2026-03-01', 0],
    ['阿莫西林胶囊 0.25g×24粒', 0],
    ['emoji 😀 and tail', 1],
  ])('is MurmurHash3 x86_128 of the UTF-16LE code units of %j (seed %d)', (key, seed) => {
    const out = new Uint32Array(4);
    fingerprint128(key, out, seed);
    expect([...out]).toEqual(murmur3x86128(utf16le(key), seed));
  });

  it('agrees with the byte-wise algorithm at every tail length', () => {
    const out = new Uint32Array(4);
    for (let length = 0; length <= 40; length++) {
      const key = Array.from({ length }, (_, i) => String.fromCharCode(0x41 + ((i * 7) % 50))).join(
        '',
      );
      fingerprint128(key, out);
      expect([...out]).toEqual(murmur3x86128(utf16le(key), 0));
    }
  });

  it('gives the empty string with seed 0 the all-zero hash', () => {
    const out = new Uint32Array(4).fill(9);
    fingerprint128('', out);
    expect([...out]).toEqual([0, 0, 0, 0]);
  });
});

describe('FirstRowIndex', () => {
  it('answers the first row of a key seen before and null for a new one', () => {
    const index = new FirstRowIndex();
    expect(index.firstRow('P1|other_region|330100|2026-03-01', 2)).toBeNull();
    expect(index.firstRow('P1|other_region|330100|2026-03-02', 3)).toBeNull();
    expect(index.firstRow('P1|other_region|330100|2026-03-01', 7)).toBe(2);
    // A later duplicate still names the first row, not the previous duplicate.
    expect(index.firstRow('P1|other_region|330100|2026-03-01', 9)).toBe(2);
    expect(index.firstRow('P1|other_region|330100|2026-03-02', 10)).toBe(3);
    expect(index.size).toBe(2);
  });

  it('keeps every key through its growth, with no false duplicate among 100,000 keys', () => {
    const index = new FirstRowIndex();
    const key = (i: number) =>
      `XC${String(i % 5000).padStart(18, '0')}|other_region|${330100 + (i % 60)}|2026-03-${String(1 + (i % 28)).padStart(2, '0')}#${i}`;
    for (let i = 0; i < 100_000; i++) {
      const first = index.firstRow(key(i), i + 2);
      if (first !== null) throw new Error(`key ${i} reported as a duplicate of row ${first}`);
    }
    expect(index.size).toBe(100_000);
    for (const i of [0, 1, 1023, 1024, 65_536, 99_999])
      expect(index.firstRow(key(i), 200_000)).toBe(i + 2);
    expect(index.size).toBe(100_000);
    // 2^18 slots of 16 bytes: the table stays below 3/4 full.
    expect(index.bytes).toBe(2 ** 18 * 16);
  });

  it.each([0, -1, 1.5, 2 ** 32])('refuses the row number %d', (row) => {
    expect(() => new FirstRowIndex().firstRow('k', row)).toThrow(RangeError);
  });

  it('is kept per name in the state of one file', () => {
    const seen = new Map<string, unknown>();
    const a = firstRowIndex(seen, 'a');
    expect(firstRowIndex(seen, 'a')).toBe(a);
    expect(firstRowIndex(seen, 'b')).not.toBe(a);
    a.firstRow('x', 4);
    expect(firstRowIndex(seen, 'a').firstRow('x', 5)).toBe(4);
    expect(firstRowIndex(seen, 'b').firstRow('x', 6)).toBeNull();
  });
});

describe('RowSet', () => {
  it('counts distinct rows and answers membership, growing past its first size', () => {
    const rows = new RowSet();
    for (const row of [2, 9, 2, 1_000_000, 8191, 8192]) rows.add(row);
    expect(rows.size).toBe(5);
    expect(
      [1, 2, 3, 9, 8191, 8192, 8193, 1_000_000, 1_000_001, 5_000_000].map((r) => rows.has(r)),
    ).toEqual([false, true, false, true, true, true, false, true, false, false]);
  });

  it('refuses what is not a row number', () => {
    expect(() => new RowSet().add(-1)).toThrow(RangeError);
    expect(() => new RowSet().add(2.5)).toThrow(RangeError);
    expect(new RowSet().has(-1)).toBe(false);
  });
});
