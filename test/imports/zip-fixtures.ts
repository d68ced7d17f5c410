import { crc32, deflateRawSync } from 'node:zlib';

/**
 * A small zip writer for crafting archives an ordinary library refuses to write: inflated
 * ratios, encrypted or ZIP64 markers, hidden entries, lying directory sizes.
 */
export interface FixtureEntry {
  name: string;
  data: Buffer;
  /** Store instead of deflating. */
  store?: boolean;
  /** Extra general-purpose flags (1 = encrypted, 8 = data descriptor). */
  flags?: number;
  /** Compression method written in the headers (defaults to 8, or 0 when stored). */
  method?: number;
  /** Overrides the uncompressed size written in the central directory. */
  declaredSize?: number;
  /** Written as a local entry but left out of the central directory. */
  hidden?: boolean;
  /** Name written in the local header when it should differ from the directory's. */
  localName?: string;
}

export interface FixtureOptions {
  comment?: string;
  /** Writes 0xFFFF as the entry count, as ZIP64 archives do. */
  zip64Count?: boolean;
}

export function buildZip(entries: FixtureEntry[], options: FixtureOptions = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  let listed = 0;
  for (const e of entries) {
    const method = e.method ?? (e.store ? 0 : 8);
    const body = e.store ? e.data : deflateRawSync(e.data);
    const flags = 0x0800 | (e.flags ?? 0);
    const name = Buffer.from(e.name, 'utf8');
    const localName = Buffer.from(e.localName ?? e.name, 'utf8');
    const crc = crc32(e.data);
    const descriptor = (flags & 0x0008) !== 0;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(descriptor ? 0 : crc, 14);
    local.writeUInt32LE(descriptor ? 0 : body.length, 18);
    local.writeUInt32LE(descriptor ? 0 : e.data.length, 22);
    local.writeUInt16LE(localName.length, 26);
    local.writeUInt16LE(0, 28);
    const parts = [local, localName, body];
    if (descriptor) {
      const d = Buffer.alloc(16);
      d.writeUInt32LE(0x08074b50, 0);
      d.writeUInt32LE(crc, 4);
      d.writeUInt32LE(body.length, 8);
      d.writeUInt32LE(e.data.length, 12);
      parts.push(d);
    }
    const localBytes = Buffer.concat(parts);
    locals.push(localBytes);

    if (!e.hidden) {
      const central = Buffer.alloc(46);
      central.writeUInt32LE(0x02014b50, 0);
      central.writeUInt16LE(20, 4);
      central.writeUInt16LE(20, 6);
      central.writeUInt16LE(flags, 8);
      central.writeUInt16LE(method, 10);
      central.writeUInt32LE(crc, 16);
      central.writeUInt32LE(body.length, 20);
      central.writeUInt32LE(e.declaredSize ?? e.data.length, 24);
      central.writeUInt16LE(name.length, 28);
      central.writeUInt32LE(offset, 42);
      centrals.push(central, name);
      listed++;
    }
    offset += localBytes.length;
  }
  const directory = Buffer.concat(centrals);
  const comment = Buffer.from(options.comment ?? '', 'utf8');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  const count = options.zip64Count ? 0xffff : listed;
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(comment.length, 20);
  return Buffer.concat([...locals, directory, end, comment]);
}

/** The smallest package that passes the structural checks. */
export function minimalXlsxEntries(): FixtureEntry[] {
  return [
    { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
    { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
  ];
}

/** An entry of zeros: deflate turns `bytes` into about bytes / 1000. */
export function zeros(name: string, bytes: number): FixtureEntry {
  return { name, data: Buffer.alloc(bytes) };
}
