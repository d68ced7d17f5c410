import { createReadStream } from 'node:fs';
import ExcelJS from 'exceljs';
import { Utf8WorkbookReader } from './utf8-workbook-reader';

export interface SheetRow {
  /** Excel's row number (1 = the header row). */
  number: number;
  /** Cell values, column A first, as exceljs reads them. */
  values: unknown[];
}

export interface SheetInfo {
  name: string;
  state: string;
}

/** Receives a sheet's rows; null skips the sheet. */
export type RowHandler = ((row: SheetRow) => Promise<void> | void) | null;

/** The workbook itself could not be read: a damaged zip, bad XML … */
export class WorkbookReadError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'WorkbookReadError';
  }
}

/** Carries a row handler's own error past the reader unchanged. */
class HandlerFailure extends Error {
  constructor(readonly failure: unknown) {
    super('row handler failed');
  }
}

/** The parts of exceljs's streaming worksheet reader the typings leave out. */
interface WorksheetStream extends AsyncIterable<ExcelJS.Row> {
  name?: string;
  state?: string;
}

/**
 * Streams a workbook from disk with exceljs's `WorkbookReader` (made safe for multi-byte text
 * split across chunks, see utf8-workbook-reader.ts): constant memory whatever the
 * row count (apart from the shared-string table, which exceljs keeps). Every sheet is read to
 * its end, even skipped ones, because exceljs parks sheets that precede the shared strings in
 * temporary files and removes each only once it has been read through.
 */
export async function scanWorkbook(
  path: string,
  onSheet: (sheet: SheetInfo) => RowHandler,
): Promise<void> {
  const input = createReadStream(path);
  try {
    const reader = new Utf8WorkbookReader(input, {
      sharedStrings: 'cache',
      // Styles are needed to tell a date from a number.
      styles: 'cache',
      hyperlinks: 'ignore',
      worksheets: 'emit',
      entries: 'ignore',
    });
    for await (const worksheet of reader as AsyncIterable<WorksheetStream>) {
      const handle = onSheet({
        name: worksheet.name ?? '',
        state: worksheet.state ?? 'visible',
      });
      let previous = 0;
      for await (const row of worksheet) {
        // Writers may omit a row's `r` attribute: it then follows the previous row.
        const number = Number.isFinite(row.number) ? row.number : previous + 1;
        previous = number;
        if (!handle) continue;
        const values = row.values as unknown[];
        try {
          await handle({ number, values: values.slice(1) });
        } catch (err) {
          throw new HandlerFailure(err);
        }
      }
    }
  } catch (err) {
    if (err instanceof HandlerFailure) throw err.failure;
    throw new WorkbookReadError(err);
  } finally {
    input.destroy();
  }
}
