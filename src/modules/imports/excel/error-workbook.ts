import { randomUUID } from 'node:crypto';
import { createWriteStream, WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { neutraliseCell } from '../domain/neutralise-cell';
import {
  cellForErrorWorkbook,
  ERRORS_HEADER,
  META_SHEET,
  metaRows,
  TemplateIdentity,
} from '../domain/workbook-rules';
import type { ImportKind } from '../import-kind';
import { columnWidth } from './template-writer';

/**
 * Streams the error workbook: the uploaded rows as they were (formula-like text neutralised)
 * plus an error column. It carries the template's `_meta` sheet and headers, so the corrected
 * file can be uploaded again as it is. Written to a temporary name and renamed when complete,
 * so a reader never sees half a file.
 */
export class ErrorWorkbookWriter {
  private readonly temp: string;
  private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  private readonly sheet: ExcelJS.Worksheet;
  private readonly stream: WriteStream;
  private readonly done: Promise<void>;

  constructor(
    private readonly target: string,
    private readonly kind: ImportKind,
    identity: TemplateIdentity,
    generatedAt: Date,
  ) {
    this.temp = `${target}.${randomUUID()}.tmp`;
    this.stream = createWriteStream(this.temp, { mode: 0o600 });
    this.done = new Promise((resolve, reject) => {
      this.stream.on('close', () => resolve());
      this.stream.on('error', reject);
    });
    // Observed here so an early write error is not an unhandled rejection; finish() awaits it.
    this.done.catch(() => undefined);
    this.workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: this.stream,
      useStyles: true,
      useSharedStrings: false,
    });
    const meta = this.workbook.addWorksheet(META_SHEET, { state: 'veryHidden' });
    for (const row of metaRows(identity, generatedAt)) meta.addRow(row).commit();
    meta.commit();
    this.sheet = this.workbook.addWorksheet(kind.sheetName, {
      views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }],
    });
    this.sheet.columns = [
      ...kind.columns.map((c) => ({
        width: columnWidth(c),
        style: c.text ? { numFmt: '@' } : {},
      })),
      { width: 60, style: { font: { color: { argb: 'FFC00000' } } } },
    ];
    const header = this.sheet.addRow([...kind.columns.map((c) => c.header), ERRORS_HEADER]);
    header.font = { bold: true };
    header.commit();
    this.workbook.views = [
      {
        activeTab: 1,
        firstSheet: 1,
        visibility: 'visible',
        x: 0,
        y: 0,
        width: 20000,
        height: 12000,
      },
    ];
  }

  addRow(values: unknown[], errors: string): void {
    const cells = this.kind.columns.map((_, i) => cellForErrorWorkbook(values[i], neutraliseCell));
    this.sheet.addRow([...cells, errors ? neutraliseCell(errors) : null]).commit();
  }

  async finish(): Promise<void> {
    try {
      this.sheet.commit();
      await this.workbook.commit();
      await this.done;
      await rename(this.temp, this.target);
    } catch (err) {
      await rm(this.temp, { force: true });
      throw err;
    }
  }

  async abandon(): Promise<void> {
    this.stream.destroy();
    await rm(this.temp, { force: true });
  }
}
