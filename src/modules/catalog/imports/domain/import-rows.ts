import Decimal from 'decimal.js';
import type { CellValue, ImportColumn, ParsedRow, RowProblem } from '../../../imports/import-kind';
import { FieldProblem } from '../../catalog.errors';
import { dateProblem, parsePackPrice } from '../../listing-prices/domain/listing-rules';
import { DOSAGE_FORM_CLASSES, DOSAGE_FORM_CODES } from '../../products/domain/dosage-forms';
import { normaliseCode, udiProblem } from '../../products/domain/product-codes';
import {
  checkConsumable,
  checkDrug,
  ConsumableSpec,
  DRUG_FLAGS,
  DrugSpec,
} from '../../products/domain/product-rules';
import { STRENGTH_UNIT_CODES } from '../../products/domain/strength-units';

/**
 * §C3 import templates: columns with bilingual headers and the pure row parsers. The checks are
 * the same domain rules the HTTP endpoints use, reported per column instead of thrown.
 */

const YES_NO = ['是', '否'] as const;

export const DRUG_IMPORT_COLUMNS: readonly ImportColumn[] = [
  { key: 'code', header: '医保药品代码 Insurance code', required: true, text: true, width: 28 },
  { key: 'name', header: '通用名 Generic name', required: true, width: 30 },
  { key: 'brandName', header: '商品名 Brand name', required: false, width: 20 },
  {
    key: 'manufacturerCode',
    header: '上市许可持有人编码 MAH code',
    required: true,
    text: true,
    width: 18,
    help: 'Organisation code of the marketing-authorisation holder (a manufacturer)',
  },
  {
    key: 'dosageForm',
    header: '剂型 Dosage form',
    required: true,
    allowed: DOSAGE_FORM_CODES,
    width: 20,
    help: 'Dosage-form code (tablet, injection …; the Chinese name 普通片, 注射剂 … is accepted too)',
  },
  {
    key: 'dosageFormClass',
    header: '剂型类别 Dosage-form class',
    required: false,
    allowed: DOSAGE_FORM_CLASSES,
    width: 24,
    help: 'Empty = the default of the dosage form; injections: small_ or large_volume_injection',
  },
  { key: 'strength', header: '规格数值 Strength', required: true, text: true, width: 12 },
  {
    key: 'strengthUnit',
    header: '规格单位 Strength unit',
    required: true,
    allowed: STRENGTH_UNIT_CODES,
    width: 10,
  },
  { key: 'packSize', header: '包装数量 Pack size', required: true, width: 10 },
  { key: 'smallestUnit', header: '最小单位 Smallest unit', required: true, width: 10 },
  { key: 'approvalNumber', header: '批准文号 Approval number', required: false, width: 22 },
  ...(
    [
      ['consistencyEvaluated', '通过一致性评价 Consistency evaluated'],
      ['originator', '原研/参比 Originator'],
      ['essential', '基本药物 Essential'],
      ['negotiated', '谈判药 Negotiated'],
      ['reimbursable', '医保目录 Reimbursable'],
    ] as const
  ).map(([key, header]) => ({ key, header, required: false, allowed: YES_NO, width: 10 })),
];

export const CONSUMABLE_IMPORT_COLUMNS: readonly ImportColumn[] = [
  { key: 'code', header: '医保耗材代码 Insurance code', required: true, text: true, width: 28 },
  { key: 'name', header: '产品名称 Product name', required: true, width: 30 },
  { key: 'brandName', header: '商品名 Brand name', required: false, width: 20 },
  {
    key: 'manufacturerCode',
    header: '注册人编码 Registrant code',
    required: true,
    text: true,
    width: 18,
    help: 'Organisation code of the registrant (a manufacturer)',
  },
  {
    key: 'categoryPath',
    header: '分类 Category path',
    required: true,
    width: 30,
    help: 'Segments separated by "/", e.g. 血管介入/冠脉支架',
  },
  { key: 'highValue', header: '高值耗材 High value', required: false, allowed: YES_NO, width: 10 },
  { key: 'registrationNumber', header: '注册证号 Registration number', required: false, width: 24 },
  { key: 'specification', header: '规格型号 Specification', required: false, width: 30 },
  { key: 'unit', header: '单位 Unit', required: true, width: 8 },
  {
    key: 'udis',
    header: 'UDI-DI',
    required: false,
    text: true,
    width: 40,
    help: 'Zero or more UDI device identifiers separated by ";"',
  },
];

export const LISTING_PRICE_IMPORT_COLUMNS: readonly ImportColumn[] = [
  { key: 'productCode', header: '医保代码 Product code', required: true, text: true, width: 28 },
  { key: 'regionCode', header: '区划代码 Region code', required: true, text: true, width: 10 },
  {
    key: 'packPrice',
    header: '挂网价(每包装) Pack price',
    required: true,
    text: true,
    width: 16,
    help: 'Price per pack in yuan, at most 6 decimals',
  },
  {
    key: 'validFrom',
    header: '生效日期 Valid from',
    required: true,
    width: 12,
    help: 'YYYY-MM-DD',
  },
  {
    key: 'validTo',
    header: '截止日期 Valid to',
    required: false,
    width: 12,
    help: 'YYYY-MM-DD; empty = until the next price',
  },
];

export type DrugImportRow = DrugSpec & { manufacturerCode: string };
export type ConsumableImportRow = ConsumableSpec & { manufacturerCode: string; udis: string[] };
export interface ListingPriceImportRow {
  productCode: string;
  regionCode: string;
  /** Canonical decimal string, scale 6. */
  packPrice: string;
  validFrom: string;
  validTo: string | null;
}

/** A cell as text: numbers in plain notation, dates as YYYY-MM-DD, blanks as null. */
export function cellText(value: CellValue): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = typeof value === 'number' ? numberText(value) : value.trim();
  return text === '' ? null : text;
}

function numberText(n: number): string {
  if (Number.isInteger(n)) return BigInt(n).toString();
  // The shortest round-trip form is the value the spreadsheet displayed; Decimal writes it out
  // without exponent notation (1.5e-7 → 0.00000015) and without binary noise.
  return new Decimal(String(n)).toFixed();
}

const TRUE_WORDS = new Set(['是', 'y', 'yes', 'true', '1', '√', '✓']);
const FALSE_WORDS = new Set(['否', 'n', 'no', 'false', '0']);

/** 是/否, Y/N, yes/no, true/false, 1/0; blank = false. */
export function cellFlag(value: CellValue, column: string, problems: RowProblem[]): boolean {
  if (typeof value === 'boolean') return value;
  const text = cellText(value)?.toLowerCase() ?? null;
  if (text === null || FALSE_WORDS.has(text)) return false;
  if (TRUE_WORDS.has(text)) return true;
  problems.push({ column, message: `${column} must be 是 or 否, got "${String(value)}"` });
  return false;
}

/** A date cell: a spreadsheet date or text YYYY-MM-DD (also YYYY/MM/DD). */
export function cellDate(value: CellValue): string | null {
  const text = cellText(value);
  return text === null ? null : text.replace(/\//g, '-');
}

function required(
  cells: Record<string, CellValue>,
  column: string,
  problems: RowProblem[],
): string {
  const text = cellText(cells[column] ?? null);
  if (text === null) problems.push({ column, message: `${column} is required` });
  return text ?? '';
}

function fieldProblems(problems: readonly FieldProblem[]): RowProblem[] {
  return problems.map((p) => ({ column: p.field, message: p.message }));
}

function result<T>(problems: RowProblem[], value: () => T): ParsedRow<T> {
  return problems.length ? { ok: false, problems } : { ok: true, value: value() };
}

export function parseDrugRow(cells: Record<string, CellValue>): ParsedRow<DrugImportRow> {
  const problems: RowProblem[] = [];
  const manufacturerCode = required(cells, 'manufacturerCode', problems);
  const rawPackSize = required(cells, 'packSize', problems);
  let packSize = 1;
  if (/^\d{1,7}$/.test(rawPackSize)) packSize = Number(rawPackSize);
  else if (rawPackSize !== '')
    problems.push({
      column: 'packSize',
      message: `packSize must be a whole number, got "${rawPackSize}"`,
    });
  const flags = Object.fromEntries(
    DRUG_FLAGS.map((flag) => [flag, cellFlag(cells[flag] ?? null, flag, problems)]),
  );
  const checked = checkDrug({
    code: cellText(cells.code ?? null) ?? '',
    name: cellText(cells.name ?? null) ?? '',
    brandName: cellText(cells.brandName ?? null),
    dosageForm: cellText(cells.dosageForm ?? null) ?? '',
    dosageFormClass: cellText(cells.dosageFormClass ?? null),
    strength: cellText(cells.strength ?? null) ?? '',
    strengthUnit: cellText(cells.strengthUnit ?? null) ?? '',
    packSize,
    smallestUnit: cellText(cells.smallestUnit ?? null) ?? '',
    approvalNumber: cellText(cells.approvalNumber ?? null),
    ...flags,
  });
  if (!checked.ok) problems.push(...fieldProblems(checked.problems));
  return result(problems, () => ({
    ...(checked as { value: DrugSpec }).value,
    manufacturerCode: normaliseCode(manufacturerCode),
  }));
}

export function parseConsumableRow(
  cells: Record<string, CellValue>,
): ParsedRow<ConsumableImportRow> {
  const problems: RowProblem[] = [];
  const manufacturerCode = required(cells, 'manufacturerCode', problems);
  const highValue = cellFlag(cells.highValue ?? null, 'highValue', problems);
  const udis = (cellText(cells.udis ?? null) ?? '')
    .split(/[;；,，\s]+/)
    .map(normaliseCode)
    .filter((u) => u !== '');
  for (const udi of udis) {
    const p = udiProblem(udi);
    if (p) problems.push({ column: 'udis', message: p });
  }
  const repeated = udis.find((u, i) => udis.indexOf(u) !== i);
  if (repeated) problems.push({ column: 'udis', message: `udi ${repeated} is listed twice` });
  const checked = checkConsumable({
    code: cellText(cells.code ?? null) ?? '',
    name: cellText(cells.name ?? null) ?? '',
    brandName: cellText(cells.brandName ?? null),
    categoryPath: cellText(cells.categoryPath ?? null) ?? '',
    highValue,
    registrationNumber: cellText(cells.registrationNumber ?? null),
    specification: cellText(cells.specification ?? null),
    unit: cellText(cells.unit ?? null) ?? '',
  });
  if (!checked.ok) problems.push(...fieldProblems(checked.problems));
  return result(problems, () => ({
    ...(checked as { value: ConsumableSpec }).value,
    manufacturerCode: normaliseCode(manufacturerCode),
    udis,
  }));
}

export function parseListingPriceRow(
  cells: Record<string, CellValue>,
): ParsedRow<ListingPriceImportRow> {
  const problems: RowProblem[] = [];
  const productCode = normaliseCode(required(cells, 'productCode', problems));
  const regionCode = required(cells, 'regionCode', problems);
  if (regionCode !== '' && !/^\d{6}$/.test(regionCode))
    problems.push({
      column: 'regionCode',
      message: `regionCode must be 6 digits, got "${regionCode}"`,
    });
  const rawPrice = required(cells, 'packPrice', problems);
  const price = rawPrice === '' ? null : parsePackPrice(rawPrice);
  if (price && !price.ok) problems.push(...fieldProblems([price.problem]));
  const validFrom = cellDate(cells.validFrom ?? null);
  if (validFrom === null) problems.push({ column: 'validFrom', message: 'validFrom is required' });
  const validTo = cellDate(cells.validTo ?? null);
  for (const p of [
    validFrom === null ? null : dateProblem('validFrom', validFrom),
    validTo === null ? null : dateProblem('validTo', validTo),
  ])
    if (p) problems.push({ column: p.field, message: p.message });
  if (validFrom && validTo && problems.length === 0 && validTo < validFrom)
    problems.push({
      column: 'validTo',
      message: `validTo ${validTo} is before validFrom ${validFrom}`,
    });
  return result(problems, () => ({
    productCode,
    regionCode,
    packPrice: (price as { value: string }).value,
    validFrom: validFrom!,
    validTo,
  }));
}
