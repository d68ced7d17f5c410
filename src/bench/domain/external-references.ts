import type { CellValue } from '../../modules/imports/import-kind';

/**
 * Rows of the bench's `monitoring.external` workbook: external reference prices (other regions'
 * prices and the national monitoring price) of the dataset's products, deterministic and unique
 * by product × reference kind × region × date, as the import requires.
 */

/**
 * The month every generated reference falls in. The observations and monitoring-scan scenarios
 * generate 2025 purchases; this month and the look-back months its evaluation reaches stay
 * clear of them, so the import neither feeds their figures nor re-evaluates their rows.
 */
export const EXTERNAL_REFERENCE_PERIOD = '2024-03';
const DAYS = 28;

/** Prefecture-level codes (GB/T 2260) of other provinces: none is under the bench province. */
export const OTHER_REGIONS: readonly string[] = [
  '110100',
  '120100',
  '310100',
  '320100',
  '330100',
  '340100',
  '350100',
  '360100',
  '370100',
  '410100',
  '420100',
  '430100',
  '440100',
  '450100',
  '500100',
  '510100',
  '530100',
  '610100',
];

/** References per product: every day of the month, nationally and in each other region. */
const SLOTS = DAYS * (1 + OTHER_REGIONS.length);

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** How many distinct rows `productCount` products allow. */
export function externalReferenceCapacity(productCount: number): number {
  return productCount * SLOTS;
}

/**
 * Cells of row `i`, by column key. Products cycle fastest, then days, then the region (the
 * national monitoring price first); a product's prices stay within −15 % … +15 % of its own
 * level, in integer micro-units so no float touches a price. Other regions' rows carry a
 * quantity, national ones leave it empty.
 */
export function externalReferenceCells(
  i: number,
  productCodes: readonly string[],
): Record<string, CellValue> {
  const products = productCodes.length;
  if (!Number.isInteger(i) || i < 0 || i >= externalReferenceCapacity(products))
    throw new Error(
      `row ${i} is beyond the ${externalReferenceCapacity(products)} distinct references of ${products} products`,
    );
  const p = i % products;
  const slot = Math.floor(i / products);
  const day = 1 + (slot % DAYS);
  const region = Math.floor(slot / DAYS);
  const national = region === 0;
  const level = 50_000 + (p % 97) * 23_000;
  const micros = Math.floor((level * (85 + ((slot * 7 + p) % 31))) / 100);
  return {
    productCode: productCodes[p],
    referenceKind: national ? 'national_monitoring' : 'other_region',
    regionCode: national ? 'national' : OTHER_REGIONS[region - 1],
    date: `${EXTERNAL_REFERENCE_PERIOD}-${pad(day, 2)}`,
    unitPrice: `${Math.floor(micros / 1_000_000)}.${pad(micros % 1_000_000, 6)}`,
    quantity: national ? null : String((1 + (i % 400)) * 10),
  };
}
