import { inflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import type { Response } from 'supertest';
import { inspectXlsxZip } from '../../src/modules/imports/domain/zip-directory';
import { bearer, binary, TestApp } from '../setup/test-app';

import { FixtureEntry } from './zip-fixtures';

export async function downloadTemplate(
  t: TestApp,
  token: string,
  kind: string,
  query = '',
): Promise<Buffer> {
  const res = await t
    .http()
    .get(`/api/v1/imports/templates/${kind}${query}`)
    .set(bearer(token))
    .buffer(true)
    .parse(binary)
    .expect(200);
  return res.body as Buffer;
}

export async function loadWorkbook(buf: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  return wb;
}

/** Appends rows to a sheet of a workbook, as a person filling in the template would. */
export async function fillSheet(
  template: Buffer,
  sheetName: string,
  rows: ExcelJS.CellValue[][],
  edit?: (wb: ExcelJS.Workbook) => void,
): Promise<Buffer> {
  const wb = await loadWorkbook(template);
  const sheet = wb.getWorksheet(sheetName);
  if (!sheet) throw new Error(`no sheet ${sheetName}`);
  for (const row of rows) sheet.addRow(row);
  edit?.(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export function upload(
  t: TestApp,
  token: string,
  kind: string,
  file: Buffer,
  fileName = 'upload.xlsx',
  query = '',
) {
  return t
    .http()
    .post(`/api/v1/imports/${kind}${query}`)
    .set(bearer(token))
    .attach('file', file, fileName);
}

/** Waits for the background job, then reads the import back through the API. */
export async function settled(t: TestApp, token: string, id: string): Promise<Response> {
  await t.idle();
  return t.http().get(`/api/v1/imports/${id}`).set(bearer(token)).expect(200);
}

/** The entries of a zip, inflated, so a test can rebuild it with a part changed. */
export async function unzipEntries(buf: Buffer): Promise<FixtureEntry[]> {
  const entries = await inspectXlsxZip(
    { size: buf.length, read: async (o, l) => buf.subarray(o, o + l) },
    { maxUncompressedBytes: 1 << 30, maxRatio: 1 << 20 },
  );
  return entries.map((e) => {
    const raw = buf.subarray(e.dataOffset, e.dataOffset + e.compressedSize);
    return { name: e.name, data: e.method === 8 ? inflateRawSync(raw) : Buffer.from(raw) };
  });
}
