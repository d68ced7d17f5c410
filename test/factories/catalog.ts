import { randomInt } from 'node:crypto';
import { Decimal } from '../../src/database/decimal';
import { Organisation } from '../../src/modules/identity/organisations/organisation.entity';
import { unitPriceOf } from '../../src/modules/catalog/listing-prices/domain/listing-rules';
import { ListingPriceSuspension } from '../../src/modules/catalog/listing-prices/listing-price-suspension.entity';
import { ListingPrice } from '../../src/modules/catalog/listing-prices/listing-price.entity';
import { gs1CheckDigit } from '../../src/modules/catalog/products/domain/product-codes';
import {
  checkConsumable,
  checkDrug,
  DrugInput,
  ConsumableInput,
} from '../../src/modules/catalog/products/domain/product-rules';
import { productRow } from '../../src/modules/catalog/products/product-lookups';
import { Product, ProductUdi } from '../../src/modules/catalog/products/product.entity';
import { TestApp, uniq } from '../setup/test-app';
import { makeOrganisation } from './identity';

/**
 * Catalogue factories write straight to the tables through the same domain checks as the
 * endpoints, with unique codes, so later contexts get products and listings in one call.
 */

/** A unique, well-formed national insurance drug code. */
export function drugCode(): string {
  return `XA01${uniq(16)}${uniq(3)}`;
}

/** A unique, well-formed national insurance consumable code. */
export function consumableCode(): string {
  return `C0311${uniq(16)}${uniq(2)}`;
}

/** A unique GTIN-14 UDI-DI with a correct GS1 check digit. */
export function udiCode(): string {
  const body = `0${String(randomInt(0, 1e6)).padStart(6, '0')}${String(randomInt(0, 1e6)).padStart(6, '0')}`;
  return `${body}${gs1CheckDigit(body)}`;
}

export async function makeManufacturer(t: TestApp): Promise<Organisation> {
  return makeOrganisation(t, 'manufacturer');
}

export async function makeDrug(
  t: TestApp,
  opts: Partial<DrugInput> & { manufacturer?: Organisation; status?: 'active' | 'inactive' } = {},
): Promise<Product> {
  const { manufacturer, status, ...fields } = opts;
  const maker = manufacturer ?? (await makeManufacturer(t));
  const checked = checkDrug({
    code: drugCode(),
    name: `阿托伐他汀钙片 ${uniq(4)}`,
    dosageForm: 'tablet',
    strength: '20',
    strengthUnit: 'mg',
    packSize: 7,
    smallestUnit: '片',
    approvalNumber: '国药准字H20003263',
    ...fields,
  });
  if (!checked.ok) throw new Error(`makeDrug: ${JSON.stringify(checked.problems)}`);
  const row = productRow({ drug: checked.value }, maker.id, new Date());
  return t.dataSource.getRepository(Product).save({ ...row, status: status ?? 'active' });
}

export async function makeConsumable(
  t: TestApp,
  opts: Partial<ConsumableInput> & {
    manufacturer?: Organisation;
    status?: 'active' | 'inactive';
    udis?: string[];
  } = {},
): Promise<Product> {
  const { manufacturer, status, udis, ...fields } = opts;
  const maker = manufacturer ?? (await makeManufacturer(t));
  const checked = checkConsumable({
    code: consumableCode(),
    name: `药物洗脱冠脉支架系统 ${uniq(4)}`,
    categoryPath: '血管介入/冠脉支架',
    highValue: true,
    registrationNumber: '国械注准20153130001',
    specification: '3.0mm×18mm',
    unit: '套',
    ...fields,
  });
  if (!checked.ok) throw new Error(`makeConsumable: ${JSON.stringify(checked.problems)}`);
  const row = productRow({ consumable: checked.value }, maker.id, new Date());
  const product = await t.dataSource
    .getRepository(Product)
    .save({ ...row, status: status ?? 'active' });
  for (const udi of udis ?? [])
    await t.dataSource
      .getRepository(ProductUdi)
      .insert({ productId: product.id, udi, createdAt: new Date() });
  return product;
}

/** A listing row as the endpoint would write it; it does not close earlier rows. */
export async function makeListingPrice(
  t: TestApp,
  product: Product,
  regionCode: string,
  opts: {
    packPrice?: string;
    validFrom?: string;
    validTo?: string | null;
    status?: 'active' | 'suspended';
  } = {},
): Promise<ListingPrice> {
  const packPrice = opts.packPrice ?? '35.5';
  const now = new Date();
  const suspended = opts.status === 'suspended';
  const row = await t.dataSource.getRepository(ListingPrice).save({
    productId: product.id,
    regionCode,
    packPrice: new Decimal(packPrice),
    unitPrice: new Decimal(unitPriceOf(packPrice, product.packSize ?? 1)),
    validFrom: opts.validFrom ?? '2026-01-01',
    validTo: opts.validTo ?? null,
    status: suspended ? 'suspended' : 'active',
    suspendedAt: suspended ? now : null,
    suspensionReason: suspended ? 'test suspension' : null,
    suspensionSource: suspended ? 'manual' : null,
    createdAt: now,
    updatedAt: now,
  });
  if (suspended)
    await t.dataSource.getRepository(ListingPriceSuspension).insert({
      listingPriceId: row.id,
      source: 'manual',
      reference: null,
      reason: 'test suspension',
      createdBy: 'system',
      createdAt: now,
    });
  return row;
}
