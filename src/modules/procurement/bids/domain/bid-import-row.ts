import { DomainError } from '../../../../common/errors/domain-error';
import { cellText } from '../../../catalog/imports/domain/import-rows';
import { normaliseCode } from '../../../catalog/products/domain/product-codes';
import type { CellValue, ImportColumn, ParsedRow, RowProblem } from '../../../imports/import-kind';
import { checkCapacity, checkPackPrice, checkPreferredRegions } from './bid-rules';

/**
 * §P4/§X the round's bid template: one row per lot × admitted product of the supplier, pre-filled
 * with what identifies it; the supplier fills in the terms of the products it bids.
 */
export const BID_IMPORT_COLUMNS: readonly ImportColumn[] = [
  { key: 'lotCode', header: '品种编号 Lot code', required: true, text: true, width: 14 },
  {
    key: 'lotName',
    header: '品种名称 Lot name',
    required: false,
    width: 30,
    help: 'For reference; not read',
  },
  { key: 'productCode', header: '产品代码 Product code', required: true, text: true, width: 28 },
  {
    key: 'productName',
    header: '产品规格 Product and spec',
    required: false,
    width: 40,
    help: 'For reference; not read',
  },
  {
    key: 'packPrice',
    header: '申报价(每包装) Pack price',
    required: false,
    text: true,
    width: 16,
    help: 'Price per pack in yuan, at most 4 decimals. Leave price, capacity and regions empty to not bid this product',
  },
  {
    key: 'capacity',
    header: '供应能力 Supply capacity',
    required: false,
    text: true,
    width: 16,
    help: 'Annual quantity you commit to supply, in smallest units; required with a price',
  },
  {
    key: 'preferredRegions',
    header: '意向供应地区 Preferred regions',
    required: false,
    text: true,
    width: 30,
    help: '6-digit region codes separated by commas, most preferred first; may be empty',
  },
];

export interface BidImportTerms {
  /** Scale-4 decimal string. */
  packPrice: string;
  /** Scale-3 decimal string. */
  capacity: string;
  /** Distinct 6-digit codes in the supplier's order of preference. */
  preferredRegions: string[];
}

export interface BidImportRow {
  lotCode: string;
  productCode: string;
  /** Null for a pre-filled row left empty: the supplier does not bid that product. */
  terms: BidImportTerms | null;
}

/** Region codes as a person types them in one cell: commas (also full-width), semicolons or spaces. */
export function splitRegionCodes(text: string | null): string[] {
  if (text === null) return [];
  return text.split(/[,，;；\s]+/).filter((code) => code !== '');
}

function checked<T>(column: string, problems: RowProblem[], check: () => T): T | null {
  try {
    return check();
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    problems.push({ column, message: e.message });
    return null;
  }
}

export function parseBidRow(cells: Record<string, CellValue>): ParsedRow<BidImportRow> {
  const problems: RowProblem[] = [];
  const lotCode = cellText(cells.lotCode ?? null);
  const productCode = cellText(cells.productCode ?? null);
  if (lotCode === null) problems.push({ column: 'lotCode', message: 'lotCode is required' });
  if (productCode === null)
    problems.push({ column: 'productCode', message: 'productCode is required' });
  const rawPrice = cellText(cells.packPrice ?? null);
  const rawCapacity = cellText(cells.capacity ?? null);
  const rawRegions = cellText(cells.preferredRegions ?? null);
  let terms: BidImportTerms | null = null;
  if (rawPrice !== null || rawCapacity !== null || rawRegions !== null) {
    if (rawPrice === null)
      problems.push({
        column: 'packPrice',
        message:
          'packPrice is required to bid this product (leave the whole row empty to not bid it)',
      });
    if (rawCapacity === null)
      problems.push({ column: 'capacity', message: 'capacity is required with a pack price' });
    const packPrice =
      rawPrice === null
        ? null
        : checked('packPrice', problems, () => checkPackPrice(rawPrice, 'packPrice'));
    const capacity =
      rawCapacity === null
        ? null
        : checked('capacity', problems, () => checkCapacity(rawCapacity, 'capacity'));
    const preferredRegions = checked('preferredRegions', problems, () =>
      checkPreferredRegions(splitRegionCodes(rawRegions), 'preferredRegions'),
    );
    if (packPrice !== null && capacity !== null && preferredRegions !== null)
      terms = { packPrice, capacity, preferredRegions };
  }
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    value: { lotCode: lotCode!, productCode: normaliseCode(productCode!), terms },
  };
}
