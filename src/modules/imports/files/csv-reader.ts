import { createReadStream } from 'node:fs';
import { CsvParser, CsvTextDecoder } from '../domain/csv';
import type { SheetRow } from '../excel/sheet-reader';

/**
 * Streams an uploaded `.csv` from disk record by record, in constant memory: one chunk of bytes
 * and one record at a time. Rows are numbered as records (1 = the header), which is what a
 * spreadsheet opening the file shows. Throws `CsvError` for what is not CSV text.
 */
export async function scanCsv(
  path: string,
  onRow: (row: SheetRow) => Promise<void> | void,
): Promise<void> {
  const input = createReadStream(path, { highWaterMark: 64 * 1024 });
  const decoder = new CsvTextDecoder();
  const parser = new CsvParser();
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      for (const record of parser.push(decoder.decode(chunk))) {
        await onRow({ number: record.number, values: record.fields });
      }
    }
    for (const record of [...parser.push(decoder.end()), ...parser.end()]) {
      await onRow({ number: record.number, values: record.fields });
    }
  } finally {
    input.destroy();
  }
}

/** Reads the whole file through the decoder: throws `CsvError` when it is not UTF-8 text. */
export async function checkCsvText(path: string): Promise<void> {
  const input = createReadStream(path, { highWaterMark: 64 * 1024 });
  const decoder = new CsvTextDecoder();
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) decoder.decode(chunk);
    decoder.end();
  } finally {
    input.destroy();
  }
}
