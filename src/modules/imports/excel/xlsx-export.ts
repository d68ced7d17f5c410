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

/**
 * Streams one worksheet to the HTTP response: a header row, then every page the source yields,
 * each row committed as soon as it is written. The next page is read only once the client has
 * taken the previous one (drain), so memory stays flat whatever the row count or the client's
 * speed; a client that goes away stops the reading. Text cells are neutralised against formula
 * injection; money arrives here as strings.
 */
export async function streamXlsx<T>(
  res: Response,
  fileName: string,
  sheetName: string,
  columns: readonly ExportColumn<T>[],
  pages: AsyncIterable<T[]>,
): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', XLSX_CONTENT_TYPE);
  res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: res,
    useStyles: false,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet(sheetName);
  sheet.columns = columns.map((c) => ({ width: c.width }));
  sheet.addRow(columns.map((c) => c.header)).commit();
  for await (const items of pages) {
    for (const item of items) {
      sheet.addRow(columns.map((c) => safe(c.value(item)))).commit();
    }
    await drained(res);
    if (res.destroyed) return;
  }
  sheet.commit();
  await workbook.commit();
}

/** Resolves when the response can take more data, or has closed. */
function drained(res: Response): Promise<void> {
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

function safe(value: ExportCell): ExportCell {
  return typeof value === 'string' ? neutraliseCell(value) : value;
}
