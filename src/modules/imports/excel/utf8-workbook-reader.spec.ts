import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { scanWorkbook } from './sheet-reader';
import { utf8Text } from './utf8-workbook-reader';

const GENERICS = [
  '苯磺酸氨氯地平片',
  '阿托伐他汀钙片',
  '硫酸氢氯吡格雷片',
  '药物洗脱冠脉支架系统',
  '蒙脱石散',
];

/** Thousands of distinct Chinese strings: many 16 KB chunk boundaries fall inside a character. */
function text(i: number): string {
  return `${GENERICS[i % GENERICS.length]}（批次${i}）南京市第${i}医院`;
}

async function writeWorkbook(path: string, rows: number, sharedStrings: boolean): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useSharedStrings: sharedStrings,
  });
  const sheet = wb.addWorksheet('数据 Data');
  for (let i = 0; i < rows; i++)
    sheet.addRow([i, text(i), `${text(i + 1)}·${text(i + 2)}`]).commit();
  sheet.commit();
  await wb.commit();
}

describe('reading multi-byte text across zip chunks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jicai-utf8-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['shared strings', true],
    ['inline strings', false],
  ])('reads every Chinese cell intact (%s)', async (_name, shared) => {
    const path = join(dir, `${String(shared)}.xlsx`);
    const rows = 6000;
    await writeWorkbook(path, rows, shared);
    const seen: string[][] = [];
    await scanWorkbook(path, () => (row) => {
      seen.push(row.values.slice(1).map(String));
    });
    expect(seen).toHaveLength(rows);
    const garbled = seen.filter((v) => v.some((c) => c.includes('\uFFFD')));
    expect(garbled).toEqual([]);
    seen.forEach((v, i) => expect(v).toEqual([text(i), `${text(i + 1)}·${text(i + 2)}`]));
  });

  it('decodes a character split between two chunks', async () => {
    const bytes = Buffer.from('南京', 'utf8');
    async function* chunks() {
      yield bytes.subarray(0, 2);
      yield bytes.subarray(2, 4);
      yield bytes.subarray(4);
    }
    let out = '';
    for await (const s of utf8Text(chunks())) out += s;
    expect(out).toBe('南京');
  });
});
