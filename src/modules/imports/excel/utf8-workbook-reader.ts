import ExcelJS from 'exceljs';

/**
 * exceljs's streaming reader turns each zip chunk (16 KB) into text on its own
 * (`TextDecoder.decode(chunk)` without `stream: true`), so a multi-byte character that straddles
 * two chunks becomes two U+FFFD — Chinese names arrive garbled, silently (exceljs issues #2063,
 * #2084). Its sax step passes string chunks through untouched, so this reader hands it text that
 * was decoded across chunk boundaries: worksheets through a streaming decoder, the shared-string
 * table by setting the entry's encoding.
 */
type Chunk = Buffer | Uint8Array | string;

interface ReaderInternals {
  _parseWorksheet(iterable: AsyncIterable<Chunk>, sheetNo: string): AsyncGenerator<unknown>;
  _parseSharedStrings(entry: NodeJS.ReadableStream): AsyncGenerator<unknown>;
}

export async function* utf8Text(source: AsyncIterable<Chunk>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of source) {
    yield typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

export class Utf8WorkbookReader extends ExcelJS.stream.xlsx.WorkbookReader {}

const base = ExcelJS.stream.xlsx.WorkbookReader.prototype as unknown as ReaderInternals;
const patched = Utf8WorkbookReader.prototype as unknown as ReaderInternals;

patched._parseWorksheet = function (this: ReaderInternals, iterable, sheetNo) {
  return base._parseWorksheet.call(this, utf8Text(iterable), sheetNo);
};
patched._parseSharedStrings = function (this: ReaderInternals, entry) {
  entry.setEncoding('utf8');
  return base._parseSharedStrings.call(this, entry);
};
