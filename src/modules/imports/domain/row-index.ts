/**
 * Per-file row bookkeeping of the §X pipeline in memory that does not depend on what the rows
 * hold: a file of a million rows must not keep a million strings (each of which can pin the
 * parser's whole text chunk it was sliced from) just to find duplicates.
 */

const EMPTY = 0;
/** Uint32 words per slot: a 96-bit fingerprint, then the row number (0 = empty slot). */
const STRIDE = 4;
const INITIAL_SLOTS = 1024;
/** Grow once the table is this full: linear probing stays short below it. */
const MAX_LOAD = 0.75;
const MAX_ROW = 0xffff_ffff;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * MurmurHash3 x86_128 of the string's UTF-16LE code units (two code units per 32-bit word),
 * written into `out` as four unsigned 32-bit words. Not a cryptographic hash: equal keys always
 * give equal fingerprints, and two different keys share one by accident with a probability
 * far below any file's other risks (a 96-bit prefix is what the index keeps).
 */
export function fingerprint128(key: string, out: Uint32Array, seed = 0): void {
  const c1 = 0x239b961b;
  const c2 = 0xab0e9789;
  const c3 = 0x38b34ae5;
  const c4 = 0xa1e38b93;
  let h1 = seed | 0;
  let h2 = seed | 0;
  let h3 = seed | 0;
  let h4 = seed | 0;
  const units = key.length;
  // One 16-byte block = 8 code units.
  const blockEnd = units - (units % 8);
  for (let i = 0; i < blockEnd; i += 8) {
    let k1 = key.charCodeAt(i) | (key.charCodeAt(i + 1) << 16);
    let k2 = key.charCodeAt(i + 2) | (key.charCodeAt(i + 3) << 16);
    let k3 = key.charCodeAt(i + 4) | (key.charCodeAt(i + 5) << 16);
    let k4 = key.charCodeAt(i + 6) | (key.charCodeAt(i + 7) << 16);
    k1 = Math.imul(rotl(Math.imul(k1, c1), 15), c2);
    h1 ^= k1;
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(rotl(Math.imul(k2, c2), 16), c3);
    h2 ^= k2;
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(rotl(Math.imul(k3, c3), 17), c4);
    h3 ^= k3;
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(rotl(Math.imul(k4, c4), 18), c1);
    h4 ^= k4;
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  // The tail: up to 7 code units (14 bytes), little-endian into k1..k4, last lane first as in
  // the byte-wise original; a lane the tail does not reach is left as it is.
  const rest = units - blockEnd;
  if (rest > 0) {
    let k1 = key.charCodeAt(blockEnd);
    if (rest > 1) k1 |= key.charCodeAt(blockEnd + 1) << 16;
    if (rest > 2) {
      let k2 = key.charCodeAt(blockEnd + 2);
      if (rest > 3) k2 |= key.charCodeAt(blockEnd + 3) << 16;
      if (rest > 4) {
        let k3 = key.charCodeAt(blockEnd + 4);
        if (rest > 5) k3 |= key.charCodeAt(blockEnd + 5) << 16;
        if (rest > 6) h4 ^= Math.imul(rotl(Math.imul(key.charCodeAt(blockEnd + 6), c4), 18), c1);
        h3 ^= Math.imul(rotl(Math.imul(k3, c3), 17), c4);
      }
      h2 ^= Math.imul(rotl(Math.imul(k2, c2), 16), c3);
    }
    h1 ^= Math.imul(rotl(Math.imul(k1, c1), 15), c2);
  }
  const bytes = units * 2;
  h1 ^= bytes;
  h2 ^= bytes;
  h3 ^= bytes;
  h4 ^= bytes;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  out[0] = h1;
  out[1] = h2;
  out[2] = h3;
  out[3] = h4;
}

/**
 * The first row of each distinct key of a file (in-file duplicates: "the same … as row 12").
 * Keys are kept as 96-bit fingerprints with the row number in one typed array, 16 bytes a slot
 * (about 22–43 bytes per distinct key with the table's slack), outside the JS heap and with
 * nothing of the key itself retained.
 */
export class FirstRowIndex {
  private slots = new Uint32Array(INITIAL_SLOTS * STRIDE);
  private mask = INITIAL_SLOTS - 1;
  private count = 0;
  private readonly hash = new Uint32Array(4);

  /**
   * The row that first had `key`, or null when `key` is new: then `row` (≥ 1) is remembered as
   * its first row.
   */
  firstRow(key: string, row: number): number | null {
    if (!Number.isInteger(row) || row < 1 || row > MAX_ROW) throw new RangeError(`bad row ${row}`);
    fingerprint128(key, this.hash);
    const [a, b, c] = this.hash;
    const slots = this.slots;
    for (let i = a & this.mask; ; i = (i + 1) & this.mask) {
      const at = i * STRIDE;
      const held = slots[at + 3];
      if (held === EMPTY) {
        slots[at] = a;
        slots[at + 1] = b;
        slots[at + 2] = c;
        slots[at + 3] = row;
        this.count++;
        if (this.count > (this.mask + 1) * MAX_LOAD) this.grow();
        return null;
      }
      if (slots[at] === a && slots[at + 1] === b && slots[at + 2] === c) return held;
    }
  }

  /** Distinct keys seen. */
  get size(): number {
    return this.count;
  }

  /** Bytes the table holds. */
  get bytes(): number {
    return this.slots.byteLength;
  }

  private grow(): void {
    const old = this.slots;
    const capacity = (this.mask + 1) * 2;
    this.slots = new Uint32Array(capacity * STRIDE);
    this.mask = capacity - 1;
    for (let at = 0; at < old.length; at += STRIDE) {
      if (old[at + 3] === EMPTY) continue;
      let i = old[at] & this.mask;
      while (this.slots[i * STRIDE + 3] !== EMPTY) i = (i + 1) & this.mask;
      this.slots.set(old.subarray(at, at + STRIDE), i * STRIDE);
    }
  }
}

/**
 * The file's index named `name`, kept in the state a kind's `checkBatch` receives for the whole
 * file (created on first use).
 */
export function firstRowIndex(seen: Map<string, unknown>, name: string): FirstRowIndex {
  const key = `#first-row:${name}`;
  let index = seen.get(key);
  if (!(index instanceof FirstRowIndex)) {
    index = new FirstRowIndex();
    seen.set(key, index);
  }
  return index as FirstRowIndex;
}

/** A set of row numbers as a bitmap: an eighth of a byte per row up to the highest one. */
export class RowSet {
  private bits = new Uint8Array(1024);
  private count = 0;

  add(row: number): void {
    if (!Number.isInteger(row) || row < 0 || row > MAX_ROW) throw new RangeError(`bad row ${row}`);
    const byte = row >>> 3;
    if (byte >= this.bits.length) {
      let length = this.bits.length;
      while (length <= byte) length *= 2;
      const bigger = new Uint8Array(length);
      bigger.set(this.bits);
      this.bits = bigger;
    }
    const bit = 1 << (row & 7);
    if ((this.bits[byte] & bit) === 0) {
      this.bits[byte] |= bit;
      this.count++;
    }
  }

  has(row: number): boolean {
    if (!Number.isInteger(row) || row < 0) return false;
    const byte = row >>> 3;
    return byte < this.bits.length && (this.bits[byte] & (1 << (row & 7))) !== 0;
  }

  get size(): number {
    return this.count;
  }
}
