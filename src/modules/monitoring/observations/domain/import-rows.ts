import type { CellValue, ImportColumn, ParsedRow, RowProblem } from '../../../imports/import-kind';
import { normaliseCode } from '../../../catalog/products/domain/product-codes';
import { roundTo, SCALE } from '../../../../database/decimal';
import { isIsoDate } from './partitions';

/**
 * §M1 rows of the two observation import kinds (`monitoring.sentinel`, `monitoring.external`)
 * and of the external JSON batch: the same parsing for both ways in. Prices are per smallest
 * unit (片, 粒, 支 …) of the product, quantities in smallest units.
 */

export const REFERENCE_KIND_VALUES = ['other_region', 'national_monitoring'] as const;

/** The `regionCode` a national monitoring price carries. */
export const NATIONAL = 'national';

/** Rows in one external JSON batch; larger feeds use several batches or the Excel import. */
export const MAX_EXTERNAL_BATCH_ROWS = 5000;

const PRICE = new RegExp(`^\\d{1,12}(\\.\\d{1,${SCALE.unitPrice}})?$`);
const QUANTITY = new RegExp(`^\\d{1,15}(\\.\\d{1,${SCALE.quantity}})?$`);
const REGION = /^\d{6}$/;

export interface SentinelRow {
  productCode: string;
  date: string;
  unitPrice: string;
  quantity: string | null;
}

export interface ExternalRow {
  productCode: string;
  regionCode: string;
  referenceKind: (typeof REFERENCE_KIND_VALUES)[number];
  date: string;
  unitPrice: string;
  quantity: string | null;
}

const PRICE_HELP = 'per smallest unit (片, 粒, 支 …), a decimal > 0 with at most 6 decimals';
const QUANTITY_HELP = 'optional, in smallest units, ≥ 0 with at most 3 decimals';

const productColumn: ImportColumn = {
  key: 'productCode',
  header: '医保编码 Product code',
  required: true,
  text: true,
  width: 28,
  help: 'National insurance code (医保药品代码 / 医保耗材代码) of the product',
};
const dateColumn: ImportColumn = {
  key: 'date',
  header: '日期 Date',
  required: true,
  text: true,
  width: 14,
  help: 'The day the price applied, YYYY-MM-DD',
};
const priceColumn: ImportColumn = {
  key: 'unitPrice',
  header: '单位价格 Unit price',
  required: true,
  text: true,
  width: 16,
  help: `Price ${PRICE_HELP}`,
};
const quantityColumn: ImportColumn = {
  key: 'quantity',
  header: '数量 Quantity',
  required: false,
  text: true,
  width: 14,
  help: `Quantity bought/sold at that price, ${QUANTITY_HELP}`,
};

export const SENTINEL_COLUMNS: readonly ImportColumn[] = [
  productColumn,
  dateColumn,
  priceColumn,
  quantityColumn,
];

export const EXTERNAL_COLUMNS: readonly ImportColumn[] = [
  productColumn,
  {
    key: 'referenceKind',
    header: '参考类型 Reference kind',
    required: true,
    allowed: REFERENCE_KIND_VALUES,
    width: 22,
    help: 'other_region: a price in another province or city; national_monitoring: the national monitoring price',
  },
  {
    key: 'regionCode',
    header: '地区编码 Region code',
    required: false,
    text: true,
    width: 14,
    help: 'The 6-digit region code of the other region; empty (or "national") for the national monitoring price',
  },
  dateColumn,
  priceColumn,
  quantityColumn,
];

type Fields = Record<string, CellValue | undefined>;

function text(value: CellValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  const s = String(value).trim();
  return s === '' ? null : s;
}

function parseDate(value: CellValue | undefined, column: string, problems: RowProblem[]): string {
  const s = text(value);
  if (s === null || !isIsoDate(s)) {
    problems.push({ column, message: `must be a date YYYY-MM-DD, got ${JSON.stringify(s)}` });
    return '';
  }
  return s;
}

function parsePrice(value: CellValue | undefined, column: string, problems: RowProblem[]): string {
  const s = text(value);
  if (s === null || !PRICE.test(s) || /^0+(\.0+)?$/.test(s)) {
    problems.push({ column, message: `must be ${PRICE_HELP}, got ${JSON.stringify(s)}` });
    return '';
  }
  return roundTo(s, SCALE.unitPrice);
}

function parseQuantity(
  value: CellValue | undefined,
  column: string,
  problems: RowProblem[],
): string | null {
  const s = text(value);
  if (s === null) return null;
  if (!QUANTITY.test(s)) {
    problems.push({ column, message: `must be ${QUANTITY_HELP}, got ${JSON.stringify(s)}` });
    return null;
  }
  return roundTo(s, SCALE.quantity);
}

function parseCode(value: CellValue | undefined, column: string, problems: RowProblem[]): string {
  const s = text(value);
  if (s === null || s.length > 40) {
    problems.push({ column, message: 'must be a product code of at most 40 characters' });
    return '';
  }
  return normaliseCode(s);
}

/** A sentinel report row (§M1 `sentinel`): the reporting organisation is the uploader. */
export function parseSentinelRow(cells: Fields): ParsedRow<SentinelRow> {
  const problems: RowProblem[] = [];
  const row: SentinelRow = {
    productCode: parseCode(cells.productCode, 'productCode', problems),
    date: parseDate(cells.date, 'date', problems),
    unitPrice: parsePrice(cells.unitPrice, 'unitPrice', problems),
    quantity: parseQuantity(cells.quantity, 'quantity', problems),
  };
  return problems.length ? { ok: false, problems } : { ok: true, value: row };
}

/**
 * An external reference row (§M1 `external`): another region's price under its 6-digit code, or
 * the national monitoring price under `national`.
 */
export function parseExternalRow(cells: Fields): ParsedRow<ExternalRow> {
  const problems: RowProblem[] = [];
  const kind = text(cells.referenceKind);
  if (!kind || !(REFERENCE_KIND_VALUES as readonly string[]).includes(kind)) {
    problems.push({
      column: 'referenceKind',
      message: `must be one of ${REFERENCE_KIND_VALUES.join(', ')}, got ${JSON.stringify(kind)}`,
    });
  }
  const rawRegion = text(cells.regionCode);
  let regionCode = '';
  if (kind === 'national_monitoring') {
    if (rawRegion !== null && rawRegion.toLowerCase() !== NATIONAL)
      problems.push({
        column: 'regionCode',
        message: `a national monitoring price has no region: leave it empty or write "${NATIONAL}", got ${JSON.stringify(rawRegion)}`,
      });
    regionCode = NATIONAL;
  } else if (kind === 'other_region') {
    if (rawRegion === null || !REGION.test(rawRegion))
      problems.push({
        column: 'regionCode',
        message: `another region's price needs its 6-digit region code, got ${JSON.stringify(rawRegion)}`,
      });
    else regionCode = rawRegion;
  }
  const row: ExternalRow = {
    productCode: parseCode(cells.productCode, 'productCode', problems),
    referenceKind: kind as ExternalRow['referenceKind'],
    regionCode,
    date: parseDate(cells.date, 'date', problems),
    unitPrice: parsePrice(cells.unitPrice, 'unitPrice', problems),
    quantity: parseQuantity(cells.quantity, 'quantity', problems),
  };
  return problems.length ? { ok: false, problems } : { ok: true, value: row };
}
