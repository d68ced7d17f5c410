import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { neutraliseCell } from '../domain/neutralise-cell';
import {
  columnLetter,
  EXAMPLE_SHEET,
  META_SHEET,
  metaRows,
  TemplateIdentity,
} from '../domain/workbook-rules';
import type { CellValue, ImportColumn, ImportKind } from '../import-kind';

export const XLSX_CONTENT_TYPE =
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Sheet holding long validation lists (an inline list is limited to 255 characters). */
const LISTS_SHEET = '_lists';
const INLINE_LIST_LIMIT = 250;

const HEADER_FILL: ExcelJS.Fill = {
  type: 'pattern',
  pattern: 'solid',
  fgColor: { argb: 'FFDDEBF7' },
};

/** The streaming worksheet supports range validation; exceljs's typings omit it. */
interface RangeValidations {
  dataValidations: { add(range: string, validation: ExcelJS.DataValidation): void };
}

export interface TemplateContent {
  generatedAt: Date;
  /** Rows the kind pre-fills (a round's lots …). */
  rows: readonly Record<string, CellValue>[];
  /** Data validation covers the rows an import accepts. */
  maxRows: number;
}

export function columnWidth(column: ImportColumn): number {
  return column.width ?? Math.max(12, Math.min(40, column.header.length + 6));
}

function helpNote(column: ImportColumn): string {
  const lines = [column.required ? '必填 Required' : '选填 Optional'];
  if (column.help) lines.push(column.help);
  if (column.allowed) lines.push(`可选值 Allowed: ${column.allowed.join(', ')}`);
  return lines.join('\n');
}

function plain(value: CellValue | undefined, column: ImportColumn): CellValue {
  if (value === undefined || value === null) return null;
  if (column.text && typeof value === 'number') return String(value);
  return typeof value === 'string' ? neutraliseCell(value) : value;
}

/**
 * Writes a kind's template: the hidden `_meta` sheet first (so a streaming reader meets it
 * before the data), the data sheet with a locked, frozen, bold header row, list validation and
 * text formats, and example rows on a sheet of their own so they are never imported.
 */
export async function writeTemplate(
  stream: Writable,
  kind: ImportKind,
  identity: TemplateIdentity,
  content: TemplateContent,
): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream,
    useStyles: true,
    useSharedStrings: false,
  });
  workbook.creator = 'Jicai';
  workbook.created = content.generatedAt;
  workbook.modified = content.generatedAt;

  const meta = workbook.addWorksheet(META_SHEET, { state: 'veryHidden' });
  for (const row of metaRows(identity, content.generatedAt)) meta.addRow(row).commit();
  meta.commit();

  const longLists = kind.columns.filter(
    (c) => c.allowed && c.allowed.join(',').length > INLINE_LIST_LIMIT,
  );

  const sheet = workbook.addWorksheet(kind.sheetName, {
    views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }],
  });
  sheet.columns = kind.columns.map((c) => ({
    key: c.key,
    width: columnWidth(c),
    style: {
      protection: { locked: false },
      ...(c.text ? { numFmt: '@' } : {}),
    },
  }));
  const header = sheet.addRow(kind.columns.map((c) => c.header));
  kind.columns.forEach((column, i) => {
    const cell = header.getCell(i + 1);
    cell.font = { bold: true };
    cell.fill = HEADER_FILL;
    cell.protection = { locked: true };
    cell.alignment = { vertical: 'middle', wrapText: true };
    cell.note = helpNote(column);
  });
  header.commit();

  const lastRow = content.maxRows + 1;
  kind.columns.forEach((column, i) => {
    if (!column.allowed) return;
    const letter = columnLetter(i);
    const listIndex = longLists.indexOf(column);
    const formula =
      listIndex >= 0
        ? `'${LISTS_SHEET}'!$${columnLetter(listIndex)}$1:$${columnLetter(listIndex)}$${column.allowed.length}`
        : `"${column.allowed.join(',')}"`;
    (sheet as unknown as RangeValidations).dataValidations.add(`${letter}2:${letter}${lastRow}`, {
      type: 'list',
      allowBlank: !column.required,
      formulae: [formula],
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: column.header,
      error: `可选值 Allowed: ${column.allowed.join(', ').slice(0, 200)}`,
    });
  });

  for (const row of content.rows) {
    sheet.addRow(kind.columns.map((c) => plain(row[c.key], c))).commit();
  }
  await sheet.protect('', {
    selectLockedCells: true,
    selectUnlockedCells: true,
    formatCells: true,
    formatColumns: true,
    formatRows: true,
    insertRows: true,
    deleteRows: true,
    sort: true,
    autoFilter: true,
  });
  sheet.commit();

  if (kind.exampleRows?.length) {
    const example = workbook.addWorksheet(EXAMPLE_SHEET);
    example.columns = kind.columns.map((c) => ({ width: columnWidth(c) }));
    const exampleHeader = example.addRow(kind.columns.map((c) => c.header));
    exampleHeader.font = { bold: true };
    exampleHeader.commit();
    for (const row of kind.exampleRows) {
      example.addRow(kind.columns.map((c) => plain(row[c.key], c))).commit();
    }
    example.commit();
  }

  if (longLists.length) {
    const lists = workbook.addWorksheet(LISTS_SHEET, { state: 'veryHidden' });
    const longest = Math.max(...longLists.map((c) => c.allowed!.length));
    for (let r = 0; r < longest; r++) {
      lists.addRow(longLists.map((c) => c.allowed![r] ?? null)).commit();
    }
    lists.commit();
  }

  workbook.views = [
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
  await workbook.commit();
}
