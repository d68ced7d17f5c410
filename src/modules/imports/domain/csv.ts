/**
 * A small streaming CSV reader for the §X pipeline: UTF-8 text in, records out, in constant
 * memory (a record is held only until it is complete, and fields and records are capped so a
 * missing closing quote cannot buffer the whole file).
 *
 * Dialect (RFC 4180, as "CSV UTF-8" from Excel or WPS writes it): comma-separated; a field in
 * double quotes may hold commas, line breaks and doubled quotes (`""` is one `"`); records end
 * with CRLF, LF or a lone CR; a final line break does not start another record; a leading BOM is
 * dropped. A quote inside an unquoted field is kept as text (`5" tube`), but after a closing
 * quote only a comma or a line break may follow. Every value is text: `=1+1` is the string
 * `=1+1`, never a formula.
 */

export interface CsvLimits {
  /** Longest field, in characters. */
  maxFieldChars: number;
  /** Most fields in one record. */
  maxFields: number;
}

export const DEFAULT_CSV_LIMITS: CsvLimits = { maxFieldChars: 32_768, maxFields: 1_000 };

export interface CsvRecord {
  /** 1-based: the header is record 1. A quoted line break does not start a new record. */
  number: number;
  fields: string[];
}

/** The text is not CSV this reader accepts; the message names the record. */
export class CsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvError';
  }
}

const BOM = '\uFEFF';

type State =
  /** At the start of a field. */
  | 'start'
  /** Inside an unquoted field. */
  | 'plain'
  /** Inside a quoted field. */
  | 'quoted'
  /** Just after a quote inside a quoted field: a doubled quote or the closing one. */
  | 'quote'
  /** After a CR that ended a record: an LF right after it belongs to the same line break. */
  | 'cr';

export class CsvParser {
  private state: State = 'start';
  private field = '';
  private fields: string[] = [];
  private record = 1;
  private started = false;
  /** Whether the current record has any content yet (for the end of input). */
  private open = false;

  constructor(private readonly limits: CsvLimits = DEFAULT_CSV_LIMITS) {}

  /** Feeds the next piece of text; returns the records it completed. */
  push(text: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let i = 0;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.startsWith(BOM)) i = 1;
    }
    for (; i < text.length; i++) {
      const c = text[i];
      switch (this.state) {
        case 'cr':
          this.state = 'start';
          if (c === '\n') break;
          i--;
          break;
        case 'start':
          this.open = true;
          if (c === '"') this.state = 'quoted';
          else if (c === ',') this.endField();
          else if (c === '\n' || c === '\r') this.endRecord(out, c);
          else {
            this.append(c);
            this.state = 'plain';
          }
          break;
        case 'plain':
          if (c === ',') {
            this.endField();
            this.state = 'start';
          } else if (c === '\n' || c === '\r') this.endRecord(out, c);
          else this.append(c);
          break;
        case 'quoted':
          if (c === '"') this.state = 'quote';
          else this.append(c);
          break;
        case 'quote':
          if (c === '"') {
            this.append('"');
            this.state = 'quoted';
          } else if (c === ',') {
            this.endField();
            this.state = 'start';
          } else if (c === '\n' || c === '\r') this.endRecord(out, c);
          else {
            throw new CsvError(
              `Row ${this.record}, field ${this.fields.length + 1}: after a closing quote only a comma or a line break may follow, not ${JSON.stringify(c)} (write a quote inside a quoted field as "")`,
            );
          }
          break;
      }
    }
    return out;
  }

  /** Ends the input; returns the last record when the text did not end with a line break. */
  end(): CsvRecord[] {
    if (this.state === 'quoted') {
      throw new CsvError(
        `Row ${this.record}, field ${this.fields.length + 1}: a quoted field is not closed before the end of the file`,
      );
    }
    const out: CsvRecord[] = [];
    if (this.open && this.state !== 'cr') this.endRecord(out, '\n');
    this.state = 'start';
    return out;
  }

  private append(c: string): void {
    if (this.field.length >= this.limits.maxFieldChars) {
      throw new CsvError(
        `Row ${this.record}, field ${this.fields.length + 1}: longer than ${this.limits.maxFieldChars} characters (is a closing quote missing?)`,
      );
    }
    this.field += c;
  }

  private endField(): void {
    if (this.fields.length + 1 >= this.limits.maxFields) {
      throw new CsvError(`Row ${this.record}: more than ${this.limits.maxFields} fields`);
    }
    this.fields.push(this.field);
    this.field = '';
  }

  private endRecord(out: CsvRecord[], lineBreak: string): void {
    this.fields.push(this.field);
    out.push({ number: this.record, fields: this.fields });
    this.record++;
    this.field = '';
    this.fields = [];
    this.open = false;
    this.state = lineBreak === '\r' ? 'cr' : 'start';
  }
}

/** Parses a whole text at once (tests, small inputs). */
export function parseCsv(text: string, limits?: CsvLimits): CsvRecord[] {
  const parser = new CsvParser(limits);
  return [...parser.push(text), ...parser.end()];
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP_MAGIC = [0x50, 0x4b, 0x05, 0x06];

const SAVE_AS = 'save it as "CSV UTF-8 (comma delimited)" and upload it again';

/**
 * Turns the bytes of an uploaded `.csv` into text, refusing what is not UTF-8 text: a zip (an
 * `.xlsx` renamed `.csv`), bytes that are not UTF-8 (a GBK export), or NUL bytes (any other
 * binary file). Chunks may split a character anywhere.
 */
export class CsvTextDecoder {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private offset = 0;
  private head: number[] = [];

  decode(chunk: Uint8Array): string {
    if (this.head.length < 4) {
      for (let i = 0; i < chunk.length && this.head.length < 4; i++) this.head.push(chunk[i]);
      if (
        this.head.length === 4 &&
        (startsWith(this.head, ZIP_MAGIC) || startsWith(this.head, EMPTY_ZIP_MAGIC))
      ) {
        throw new CsvError(
          `The file is a zip archive (an Excel workbook?), not CSV text: upload a workbook as .xlsx, or ${SAVE_AS}`,
        );
      }
    }
    const nul = chunk.indexOf(0);
    if (nul >= 0) {
      throw new CsvError(
        `The file is not text (it holds a NUL byte at byte ${this.offset + nul}): ${SAVE_AS}`,
      );
    }
    const text = this.text(() => this.decoder.decode(chunk, { stream: true }));
    this.offset += chunk.length;
    return text;
  }

  end(): string {
    return this.text(() => this.decoder.decode());
  }

  private text(decode: () => string): string {
    try {
      return decode();
    } catch {
      throw new CsvError(
        `The file is not UTF-8 text (the bytes near byte ${this.offset} are not UTF-8; a GBK/ANSI export?): ${SAVE_AS}`,
      );
    }
  }
}

function startsWith(bytes: number[], magic: number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}
