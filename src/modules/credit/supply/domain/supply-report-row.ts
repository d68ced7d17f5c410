import { DomainError } from '../../../../common/errors/domain-error';
import { cellText } from '../../../catalog/imports/domain/import-rows';
import { normaliseCode } from '../../../catalog/products/domain/product-codes';
import type { CellValue, ImportColumn, ParsedRow, RowProblem } from '../../../imports/import-kind';
import { checkQuantity } from './supply-rules';

/**
 * §K5/§X the monthly supply report templates (context id = the month, YYYY-MM): one row per
 * product, pre-filled with the supplier's awarded products (distributors: every product under
 * an agreement); a row whose figures are all empty is not reported.
 */
const QUANTITY_HELP = 'in smallest units (片, 粒, 支 …), ≥ 0, at most 3 decimals';

const IDENTITY: readonly ImportColumn[] = [
  { key: 'productCode', header: '产品代码 Product code', required: true, text: true, width: 28 },
  {
    key: 'productName',
    header: '产品规格 Product and spec',
    required: false,
    width: 40,
    help: 'For reference; not read',
  },
  {
    key: 'stockQuantity',
    header: '库存 Stock',
    required: false,
    text: true,
    width: 16,
    help: `Stock at the end of the month (or now, for the current month), ${QUANTITY_HELP}`,
  },
];

export const MANUFACTURER_REPORT_COLUMNS: readonly ImportColumn[] = [
  ...IDENTITY,
  {
    key: 'capacityQuantity',
    header: '月产能 Monthly capacity',
    required: false,
    text: true,
    width: 16,
    help: `Production capacity per month, ${QUANTITY_HELP}`,
  },
  {
    key: 'reserveQuantity',
    header: '应急储备 Emergency reserve',
    required: false,
    text: true,
    width: 16,
    help: `Emergency reserve held back for shortages, ${QUANTITY_HELP}`,
  },
];

export const DISTRIBUTOR_STOCK_COLUMNS: readonly ImportColumn[] = IDENTITY;

export interface SupplyReportRow {
  productCode: string;
  /** Null for a pre-filled row left empty: the product is not reported. */
  figures: { stock: string; capacity: string | null; reserve: string | null } | null;
}

function checked(column: string, problems: RowProblem[], run: () => string): string | null {
  try {
    return run();
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    problems.push({ column, message: err.message.replace(`${column}: `, '') });
    return null;
  }
}

/** One template row; `manufacturer` decides whether capacity and reserve are required. */
export function parseSupplyReportRow(
  cells: Record<string, CellValue>,
  manufacturer: boolean,
): ParsedRow<SupplyReportRow> {
  const problems: RowProblem[] = [];
  const productCode = cellText(cells.productCode ?? null);
  if (productCode === null)
    problems.push({ column: 'productCode', message: 'productCode is required' });
  const names = manufacturer
    ? (['stockQuantity', 'capacityQuantity', 'reserveQuantity'] as const)
    : (['stockQuantity'] as const);
  const raw = names.map((n) => cellText(cells[n] ?? null));
  let figures: SupplyReportRow['figures'] = null;
  if (raw.some((v) => v !== null)) {
    const values = names.map((name, i) => {
      if (raw[i] === null) {
        problems.push({
          column: name,
          message: `${name} is required when the product is reported (leave the row's figures empty to skip it)`,
        });
        return null;
      }
      return checked(name, problems, () => checkQuantity(raw[i], name));
    });
    if (values.every((v) => v !== null))
      figures = {
        stock: values[0],
        capacity: manufacturer ? values[1] : null,
        reserve: manufacturer ? values[2] : null,
      };
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, value: { productCode: normaliseCode(productCode!), figures } };
}
