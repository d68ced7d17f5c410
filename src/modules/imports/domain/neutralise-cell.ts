/**
 * Spreadsheet formula injection (CSV/XLSX injection): a text cell starting with one of these is
 * read as a formula by Excel, LibreOffice or Sheets when a user edits or re-imports it. A leading
 * single quote makes it plain text.
 */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);

export function neutraliseCell(value: string): string {
  return value.length > 0 && FORMULA_TRIGGERS.has(value[0]) ? `'${value}` : value;
}
