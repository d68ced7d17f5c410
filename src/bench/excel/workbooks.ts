import { createReadStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import ExcelJS from 'exceljs';
import { META_SHEET } from '../../modules/imports/domain/workbook-rules';
import type { CellValue } from '../../modules/imports/import-kind';
import type { ParseOutcome } from './workbook-tasks';

/** What an upload must carry to be accepted as a kind's template, read from the template. */
export interface TemplateShape {
  /** `_meta` rows, copied as they are (kind, version, context id, generation time). */
  meta: string[][];
  /** The data sheet's name and header row. */
  sheetName: string;
  headers: string[];
}

function text(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object' && 'richText' in value)
    return value.richText.map((r) => r.text).join('');
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'object' ? '' : String(value);
}

function rowTexts(row: ExcelJS.Row): string[] {
  const values = row.values as ExcelJS.CellValue[];
  return values.slice(1).map(text);
}

/** Reads a downloaded template: its `_meta` sheet and its first visible sheet's header row. */
export async function readTemplate(buffer: Buffer): Promise<TemplateShape> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  const meta = workbook.getWorksheet(META_SHEET);
  if (!meta) throw new Error(`the template has no ${META_SHEET} sheet`);
  const data = workbook.worksheets.find((w) => w.state === 'visible');
  if (!data) throw new Error('the template has no visible data sheet');
  const metaRows: string[][] = [];
  meta.eachRow((row) => metaRows.push(rowTexts(row)));
  return { meta: metaRows, sheetName: data.name, headers: rowTexts(data.getRow(1)) };
}

/**
 * Writes a filled-in copy of a template with exceljs's streaming writer: the `_meta` sheet
 * first (as the service writes it), then the header row and `rows` generated rows.
 */
export async function writeFilledTemplate(
  path: string,
  shape: TemplateShape,
  rows: number,
  rowAt: (i: number) => CellValue[],
  progress: (written: number) => void,
): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useStyles: false,
    useSharedStrings: false,
  });
  const meta = workbook.addWorksheet(META_SHEET, { state: 'veryHidden' });
  for (const row of shape.meta) meta.addRow(row).commit();
  meta.commit();
  const sheet = workbook.addWorksheet(shape.sheetName);
  sheet.addRow(shape.headers).commit();
  for (let i = 0; i < rows; i++) {
    sheet.addRow(rowAt(i)).commit();
    if ((i + 1) % 50_000 === 0) progress(i + 1);
  }
  sheet.commit();
  await workbook.commit();
}

/**
 * The reference: exceljs's streaming reader alone going through every row of every sheet,
 * with the reader options the import pipeline uses (src/modules/imports/excel/sheet-reader.ts).
 */
export async function streamParse(path: string): Promise<ParseOutcome> {
  const started = performance.now();
  const input = createReadStream(path);
  let rows = 0;
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
      sharedStrings: 'cache',
      styles: 'cache',
      hyperlinks: 'ignore',
      worksheets: 'emit',
      entries: 'ignore',
    });
    for await (const worksheet of reader) {
      for await (const row of worksheet) {
        // Reading the values is what any consumer of a row does.
        if ((row.values as unknown[]).length > 0) rows++;
      }
    }
  } finally {
    input.destroy();
  }
  return { rows, elapsedMs: performance.now() - started };
}
