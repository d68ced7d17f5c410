import { DomainError } from '../../../common/errors/domain-error';
import {
  buildZip,
  FixtureEntry,
  minimalXlsxEntries,
  zeros,
} from '../../../../test/imports/zip-fixtures';
import { ByteSource, inspectXlsxZip, RATIO_FLOOR_BYTES, ZipLimits } from './zip-directory';

const limits: ZipLimits = { maxUncompressedBytes: 64 * 1024 * 1024, maxRatio: 200 };

function source(buf: Buffer): ByteSource {
  return {
    size: buf.length,
    read: async (offset, length) => buf.subarray(offset, offset + length),
  };
}

async function codeOf(buf: Buffer, l: ZipLimits = limits): Promise<string> {
  try {
    await inspectXlsxZip(source(buf), l);
    return 'ok';
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
}

const sheet = (bytes = 2000): FixtureEntry => ({
  name: 'xl/worksheets/sheet1.xml',
  data: Buffer.from('<row/>'.repeat(bytes / 6)),
});

describe('inspectXlsxZip', () => {
  it('lists the entries of a well-formed package with where their data starts', async () => {
    const buf = buildZip([...minimalXlsxEntries(), sheet()]);
    const entries = await inspectXlsxZip(source(buf), limits);
    expect(entries.map((e) => e.name)).toEqual([
      '[Content_Types].xml',
      'xl/workbook.xml',
      'xl/worksheets/sheet1.xml',
    ]);
    expect(entries[0]).toMatchObject({ method: 8, uncompressedSize: 8, localHeaderOffset: 0 });
    expect(entries[0].dataOffset).toBe(30 + '[Content_Types].xml'.length);
  });

  it.each<[string, string, () => Buffer]>([
    [
      'an archive comment',
      'ok',
      () => buildZip(minimalXlsxEntries(), { comment: 'x'.repeat(300) }),
    ],
    [
      'data descriptors after deflated entries',
      'ok',
      () => buildZip(minimalXlsxEntries().map((e) => ({ ...e, flags: 8 }))),
    ],
    [
      'stored entries',
      'ok',
      () => buildZip(minimalXlsxEntries().map((e) => ({ ...e, store: true }))),
    ],
    [
      'a small part that compresses very well (below the ratio floor)',
      'ok',
      () => buildZip([...minimalXlsxEntries(), zeros('xl/styles.xml', RATIO_FLOOR_BYTES - 1)]),
    ],
    ['plain text', 'IMPORTS.NOT_XLSX', () => Buffer.from('code,name\nH1,Hospital\n'.repeat(10))],
    ['an empty file', 'IMPORTS.NOT_XLSX', () => Buffer.alloc(0)],
    [
      'a zip that is not a workbook',
      'IMPORTS.NOT_XLSX',
      () => buildZip([{ name: 'word/document.xml', data: Buffer.from('<w/>') }]),
    ],
    [
      'a zip without [Content_Types].xml',
      'IMPORTS.NOT_XLSX',
      () => buildZip([{ name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') }]),
    ],
    [
      'the same part twice',
      'IMPORTS.NOT_XLSX',
      () => buildZip([...minimalXlsxEntries(), minimalXlsxEntries()[1]]),
    ],
    [
      'a highly compressed entry (a zip bomb)',
      'IMPORTS.ZIP_BOMB',
      () => buildZip([...minimalXlsxEntries(), zeros('xl/worksheets/sheet1.xml', 4 * 1024 * 1024)]),
    ],
    [
      'an entry with no compressed bytes claiming a large size',
      'IMPORTS.ZIP_BOMB',
      () =>
        buildZip([
          ...minimalXlsxEntries(),
          {
            name: 'xl/sharedStrings.xml',
            data: Buffer.alloc(0),
            store: false,
            declaredSize: 2 * RATIO_FLOOR_BYTES,
          },
        ]),
    ],
    [
      'a zip encrypted with a password',
      'IMPORTS.UNSUPPORTED_ZIP',
      () => buildZip(minimalXlsxEntries().map((e) => ({ ...e, flags: 1 }))),
    ],
    [
      'ZIP64 entry sizes',
      'IMPORTS.UNSUPPORTED_ZIP',
      () => buildZip([...minimalXlsxEntries(), { ...sheet(), declaredSize: 0xffffffff }]),
    ],
    [
      'a ZIP64 end record',
      'IMPORTS.UNSUPPORTED_ZIP',
      () => buildZip(minimalXlsxEntries(), { zip64Count: true }),
    ],
    [
      'an unknown compression method',
      'IMPORTS.UNSUPPORTED_ZIP',
      () => buildZip([...minimalXlsxEntries(), { ...sheet(), store: true, method: 12 }]),
    ],
    [
      'a stored entry followed by a data descriptor',
      'IMPORTS.UNSUPPORTED_ZIP',
      () => buildZip([...minimalXlsxEntries(), { ...sheet(), store: true, flags: 8 }]),
    ],
    [
      'a local entry the directory does not list',
      'IMPORTS.NOT_XLSX',
      () => buildZip([...minimalXlsxEntries(), { ...zeros('xl/x.xml', 1000), hidden: true }]),
    ],
    [
      'a local header naming another part than its directory record',
      'IMPORTS.NOT_XLSX',
      () =>
        buildZip([...minimalXlsxEntries(), { ...sheet(), localName: 'xl/worksheets/sheet9.xml' }]),
    ],
  ])('%s → %s', async (_label, expected, make) => {
    expect(await codeOf(make())).toBe(expected);
  });

  it('refuses a package whose parts expand beyond the total limit', async () => {
    const buf = buildZip([...minimalXlsxEntries(), zeros('xl/worksheets/sheet1.xml', 300_000)]);
    expect(await codeOf(buf, { maxUncompressedBytes: 200_000, maxRatio: 10_000 })).toBe(
      'IMPORTS.ZIP_BOMB',
    );
  });

  it('refuses a truncated archive', async () => {
    const buf = buildZip([...minimalXlsxEntries(), sheet()]);
    expect(await codeOf(buf.subarray(0, buf.length - 5))).toBe('IMPORTS.NOT_XLSX');
    expect(await codeOf(buf.subarray(40))).toBe('IMPORTS.NOT_XLSX');
  });

  it('names the entry and ratio of a zip bomb', async () => {
    const buf = buildZip([...minimalXlsxEntries(), zeros('xl/worksheets/sheet1.xml', 4 << 20)]);
    await expect(inspectXlsxZip(source(buf), limits)).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('xl/worksheets/sheet1.xml expands'),
      details: expect.objectContaining({ maxRatio: 200 }),
    });
  });
});
