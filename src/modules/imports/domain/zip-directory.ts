import { importsError } from '../imports.errors';

/**
 * Reads an .xlsx container's structure from its central directory before anything inflates it,
 * so a zip bomb, a ZIP64 or encrypted archive, or a file that is no workbook at all is refused
 * at upload (APPNOTE.TXT 6.3: end-of-central-directory record §4.3.16, central directory file
 * header §4.3.12, local file header §4.3.7).
 *
 * Bytes come from a `ByteSource` so the same code reads an uploaded file piecewise and, in unit
 * tests, an in-memory buffer.
 */
export interface ByteSource {
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export interface ZipEntry {
  name: string;
  flags: number;
  /** 0 = stored, 8 = deflated. */
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  /** Where the entry's compressed bytes start (after its local header). */
  dataOffset: number;
}

export interface ZipLimits {
  maxUncompressedBytes: number;
  maxRatio: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const CENTRAL_HEADER_SIZE = 46;
const LOCAL_HEADER_SIZE = 30;
const MAX_COMMENT = 0xffff;

/** A workbook has a few dozen parts; thousands mean something else is going on. */
export const MAX_ENTRIES = 10_000;
/** Bounds the bytes read for the directory itself (≈ 100 bytes per entry). */
const MAX_CENTRAL_DIRECTORY_BYTES = 4 * 1024 * 1024;
/**
 * Entries smaller than this are exempt from the ratio test: a tiny part cannot amplify much,
 * and small XML parts (styles, themes) legitimately compress very well. The total is capped
 * separately.
 */
export const RATIO_FLOOR_BYTES = 1024 * 1024;

/** The parts every SpreadsheetML package has. */
export const REQUIRED_XLSX_PARTS = ['[Content_Types].xml', 'xl/workbook.xml'] as const;

const FLAG_ENCRYPTED = 0x0001;
const FLAG_DATA_DESCRIPTOR = 0x0008;
const FLAG_STRONG_ENCRYPTION = 0x0040;
const FLAG_UTF8 = 0x0800;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

function u16(b: Uint8Array, at: number): number {
  return b[at] | (b[at + 1] << 8);
}

function u32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

function notXlsx(detail: string) {
  return importsError('NOT_XLSX', `The file is not an .xlsx workbook: ${detail}`);
}

function unsupported(detail: string) {
  return importsError(
    'UNSUPPORTED_ZIP',
    `The workbook's zip container is not supported: ${detail}. Save it again from Excel as a normal .xlsx workbook`,
  );
}

export interface EndOfCentralDirectory {
  offset: number;
  entries: number;
  directoryOffset: number;
  directorySize: number;
}

/** Finds and reads the end-of-central-directory record in the last bytes of the file. */
export function readEndOfCentralDirectory(
  tail: Uint8Array,
  fileSize: number,
): EndOfCentralDirectory {
  const tailStart = fileSize - tail.length;
  // The record sits at the very end, followed only by its comment: scan backwards for a
  // signature whose comment length reaches exactly to the end of the file.
  for (let at = tail.length - EOCD_SIZE; at >= 0; at--) {
    if (u32(tail, at) !== EOCD_SIGNATURE) continue;
    if (at + EOCD_SIZE + u16(tail, at + 20) !== tail.length) continue;
    const disk = u16(tail, at + 4);
    const directoryDisk = u16(tail, at + 6);
    const entriesOnDisk = u16(tail, at + 8);
    const entries = u16(tail, at + 10);
    const directorySize = u32(tail, at + 12);
    const directoryOffset = u32(tail, at + 16);
    const zip64Locator = at >= 20 && u32(tail, at - 20) === ZIP64_LOCATOR_SIGNATURE;
    if (
      zip64Locator ||
      entries === U16_MAX ||
      directorySize === U32_MAX ||
      directoryOffset === U32_MAX
    ) {
      throw unsupported('ZIP64 archives are not accepted');
    }
    if (disk !== 0 || directoryDisk !== 0 || entriesOnDisk !== entries) {
      throw unsupported('multi-volume archives are not accepted');
    }
    const offset = tailStart + at;
    if (directoryOffset + directorySize !== offset) {
      throw notXlsx('its zip directory does not match the file (damaged or not a zip)');
    }
    return { offset, entries, directoryOffset, directorySize };
  }
  throw notXlsx('it is not a zip archive');
}

/** How many bytes from the end of the file to read to be sure the record is among them. */
export function endRecordTailLength(fileSize: number): number {
  return Math.min(fileSize, EOCD_SIZE + MAX_COMMENT);
}

interface CentralRecord {
  name: string;
  nameLength: number;
  flags: number;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
const latin1 = new TextDecoder('latin1');

export function readCentralDirectory(dir: Uint8Array, expected: number): CentralRecord[] {
  const records: CentralRecord[] = [];
  let at = 0;
  while (at < dir.length) {
    if (at + CENTRAL_HEADER_SIZE > dir.length || u32(dir, at) !== CENTRAL_SIGNATURE) {
      throw notXlsx('its zip directory is damaged');
    }
    const flags = u16(dir, at + 8);
    const method = u16(dir, at + 10);
    const compressedSize = u32(dir, at + 20);
    const uncompressedSize = u32(dir, at + 24);
    const nameLength = u16(dir, at + 28);
    const extraLength = u16(dir, at + 30);
    const commentLength = u16(dir, at + 32);
    const startDisk = u16(dir, at + 34);
    const localHeaderOffset = u32(dir, at + 42);
    const end = at + CENTRAL_HEADER_SIZE + nameLength + extraLength + commentLength;
    if (end > dir.length) throw notXlsx('its zip directory is damaged');
    const rawName = dir.subarray(at + CENTRAL_HEADER_SIZE, at + CENTRAL_HEADER_SIZE + nameLength);
    const name = (flags & FLAG_UTF8 ? utf8 : latin1).decode(rawName);
    if (
      compressedSize === U32_MAX ||
      uncompressedSize === U32_MAX ||
      localHeaderOffset === U32_MAX ||
      startDisk === U16_MAX
    ) {
      throw unsupported(`entry ${name} uses ZIP64 sizes`);
    }
    if (flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) {
      throw unsupported(`entry ${name} is encrypted (password-protected workbooks are refused)`);
    }
    if (method !== 0 && method !== 8) {
      throw unsupported(`entry ${name} uses compression method ${method}`);
    }
    // A stored entry with a trailing data descriptor has no knowable end for a streaming
    // reader: it must scan the data for a signature, which a crafted file can fake.
    if (method === 0 && flags & FLAG_DATA_DESCRIPTOR) {
      throw unsupported(`entry ${name} is stored with a data descriptor`);
    }
    if (method === 0 && compressedSize !== uncompressedSize) {
      throw notXlsx(`entry ${name} has inconsistent sizes`);
    }
    records.push({
      name,
      nameLength,
      flags,
      method,
      compressedSize,
      uncompressedSize,
      localHeaderOffset,
    });
    if (records.length > MAX_ENTRIES) throw unsupported(`more than ${MAX_ENTRIES} entries`);
    at = end;
  }
  if (records.length !== expected) throw notXlsx('its zip directory is damaged');
  return records;
}

export interface LocalHeader {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  nameLength: number;
  extraLength: number;
}

/** Reads the fixed part of a local file header; `name` must follow it in `bytes`. */
export function readLocalHeader(bytes: Uint8Array): LocalHeader {
  if (bytes.length < LOCAL_HEADER_SIZE || u32(bytes, 0) !== LOCAL_SIGNATURE) {
    throw notXlsx('a zip entry header is damaged');
  }
  const flags = u16(bytes, 6);
  const nameLength = u16(bytes, 26);
  const raw = bytes.subarray(LOCAL_HEADER_SIZE, LOCAL_HEADER_SIZE + nameLength);
  return {
    name: (flags & FLAG_UTF8 ? utf8 : latin1).decode(raw),
    flags,
    method: u16(bytes, 8),
    compressedSize: u32(bytes, 18),
    nameLength,
    extraLength: u16(bytes, 28),
  };
}

/**
 * The local entries must be exactly the directory's, back to back from the first byte to the
 * directory: a streaming reader walks local headers, so bytes the directory does not account
 * for (a hidden extra entry) would be inflated without ever having been checked.
 */
export function checkLayout(
  records: CentralRecord[],
  locals: LocalHeader[],
  directoryOffset: number,
): ZipEntry[] {
  const order = records
    .map((_, i) => i)
    .sort((a, b) => records[a].localHeaderOffset - records[b].localHeaderOffset);
  let expectedOffset = 0;
  const entries: ZipEntry[] = [];
  for (let k = 0; k < order.length; k++) {
    const record = records[order[k]];
    const local = locals[order[k]];
    if (record.localHeaderOffset !== expectedOffset) {
      throw notXlsx(`its zip entries do not line up with the directory (at ${record.name})`);
    }
    if (local.name !== record.name || local.method !== record.method) {
      throw notXlsx(`zip entry ${record.name} does not match its directory record`);
    }
    const descriptor = (record.flags & FLAG_DATA_DESCRIPTOR) !== 0;
    if (!descriptor && local.compressedSize !== record.compressedSize) {
      throw notXlsx(`zip entry ${record.name} does not match its directory record`);
    }
    const dataOffset =
      record.localHeaderOffset + LOCAL_HEADER_SIZE + local.nameLength + local.extraLength;
    const dataEnd = dataOffset + record.compressedSize;
    const { nameLength: _nameLength, ...rest } = record;
    entries.push({ ...rest, dataOffset });
    if (!descriptor) {
      expectedOffset = dataEnd;
      continue;
    }
    // The descriptor is 12 bytes, or 16 with its optional signature.
    const next = k + 1 < order.length ? records[order[k + 1]].localHeaderOffset : directoryOffset;
    if (next - dataEnd !== 12 && next - dataEnd !== 16) {
      throw notXlsx(`its zip entries do not line up with the directory (after ${record.name})`);
    }
    expectedOffset = next;
  }
  if (expectedOffset !== directoryOffset) {
    throw notXlsx('the zip has data the directory does not account for');
  }
  return entries;
}

/** The package must look like a workbook and stay within the inflation limits. */
export function checkXlsxEntries(entries: ZipEntry[], limits: ZipLimits): void {
  const names = new Set<string>();
  for (const e of entries) {
    if (names.has(e.name)) throw notXlsx(`the zip contains ${e.name} twice`);
    names.add(e.name);
  }
  const missing = REQUIRED_XLSX_PARTS.filter((p) => !names.has(p));
  if (missing.length) throw notXlsx(`the zip has no ${missing.join(' or ')}`);
  let total = 0;
  for (const e of entries) {
    total += e.uncompressedSize;
    const ratio = e.uncompressedSize / Math.max(e.compressedSize, 1);
    if (e.uncompressedSize >= RATIO_FLOOR_BYTES && ratio > limits.maxRatio) {
      throw importsError(
        'ZIP_BOMB',
        `The workbook looks like a zip bomb: ${e.name} expands ${Math.floor(ratio)}× (at most ${limits.maxRatio}× is accepted)`,
        { entry: e.name, ratio: Math.floor(ratio), maxRatio: limits.maxRatio },
      );
    }
  }
  if (total > limits.maxUncompressedBytes) {
    throw importsError(
      'ZIP_BOMB',
      `The workbook expands to ${total} bytes; at most ${limits.maxUncompressedBytes} are accepted`,
      { uncompressedBytes: total, maxUncompressedBytes: limits.maxUncompressedBytes },
    );
  }
}

/**
 * Everything above in order: end record, directory, local headers. Returns the entries with
 * where their data starts, or throws IMPORTS.NOT_XLSX / ZIP_BOMB / UNSUPPORTED_ZIP.
 */
export async function inspectXlsxZip(source: ByteSource, limits: ZipLimits): Promise<ZipEntry[]> {
  if (source.size < EOCD_SIZE) throw notXlsx('it is not a zip archive');
  const tailLength = endRecordTailLength(source.size);
  const end = readEndOfCentralDirectory(
    await source.read(source.size - tailLength, tailLength),
    source.size,
  );
  if (end.directorySize > MAX_CENTRAL_DIRECTORY_BYTES) {
    throw unsupported(`its directory is larger than ${MAX_CENTRAL_DIRECTORY_BYTES} bytes`);
  }
  if (end.entries > MAX_ENTRIES) throw unsupported(`more than ${MAX_ENTRIES} entries`);
  const records = readCentralDirectory(
    await source.read(end.directoryOffset, end.directorySize),
    end.entries,
  );
  const locals: LocalHeader[] = [];
  for (const record of records) {
    const available = Math.min(
      LOCAL_HEADER_SIZE + record.nameLength,
      source.size - record.localHeaderOffset,
    );
    if (available < LOCAL_HEADER_SIZE) throw notXlsx('a zip entry header is damaged');
    locals.push(readLocalHeader(await source.read(record.localHeaderOffset, available)));
  }
  const entries = checkLayout(records, locals, end.directoryOffset);
  checkXlsxEntries(entries, limits);
  return entries;
}
