import type { Response } from 'express';
import ExcelJS from 'exceljs';
import { neutraliseCell } from '../domain/neutralise-cell';

export const XLSX_CONTENT_TYPE =
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export type ExportCell = string | number | boolean | null;

export interface ExportColumn<T> {
  header: string;
  width: number;
  value: (item: T) => ExportCell;
}

/** One worksheet of an export, its items already turned into formula-safe cells. */
export interface ExportSheet {
  name: string;
  columns: readonly Pick<ExportColumn<unknown>, 'header' | 'width'>[];
  pages: AsyncIterable<ExportCell[][]>;
}

/**
 * A worksheet named `name` whose rows are the items of `pages` (read lazily, page by page),
 * one cell per column. Sheets of different item types can then share one workbook.
 */
export function exportSheet<T>(
  name: string,
  columns: readonly ExportColumn<T>[],
  pages: AsyncIterable<T[]> | Iterable<T[]>,
): ExportSheet {
  return { name, columns, pages: cellPages(columns, pages) };
}

/** Streams one worksheet to the HTTP response; see streamXlsxSheets. */
export async function streamXlsx<T>(
  res: Response,
  fileName: string,
  sheetName: string,
  columns: readonly ExportColumn<T>[],
  pages: AsyncIterable<T[]> | Iterable<T[]>,
): Promise<void> {
  await streamXlsxSheets(res, fileName, [exportSheet(sheetName, columns, pages)]);
}

/**
 * Streams a workbook to the HTTP response, one worksheet after the other: a header row, then
 * every page the sheet's source yields, each row committed as soon as it is written. The next
 * page is read only once the client has taken the previous one (drain), so memory stays flat
 * whatever the row count or the client's speed; a client that goes away stops the reading.
 * Text cells are neutralised against formula injection; money arrives here as strings.
 */
export async function streamXlsxSheets(
  res: Response,
  fileName: string,
  sheets: readonly ExportSheet[],
): Promise<void> {
  attachment(res, fileName, XLSX_CONTENT_TYPE);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: res,
    useStyles: false,
    useSharedStrings: false,
  });
  for (const spec of sheets) {
    const sheet = workbook.addWorksheet(spec.name);
    sheet.columns = spec.columns.map((c) => ({ width: c.width }));
    sheet.addRow(spec.columns.map((c) => c.header)).commit();
    for await (const rows of spec.pages) {
      for (const row of rows) sheet.addRow(row).commit();
      await drained(res);
      if (res.destroyed) return;
    }
    sheet.commit();
  }
  await workbook.commit();
}

/** Status and headers of a file download. */
export function attachment(res: Response, fileName: string, contentType: string): void {
  res.status(200);
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
}

/** Resolves when the response can take more data, or has closed. */
export function drained(res: Response): Promise<void> {
  if (!res.writableNeedDrain || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

async function* cellPages<T>(
  columns: readonly ExportColumn<T>[],
  pages: AsyncIterable<T[]> | Iterable<T[]>,
): AsyncIterable<ExportCell[][]> {
  for await (const items of pages)
    yield items.map((item) => columns.map((c) => safe(c.value(item))));
}

function safe(value: ExportCell): ExportCell {
  return typeof value === 'string' ? neutraliseCell(value) : value;
}
