import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { Actor, regionInScope } from '../../../common/auth/actor';
import { chunks } from '../../../common/chunks';
import { Clock } from '../../../common/clock';
import { DomainError } from '../../../common/errors/domain-error';
import { Decimal } from '../../../database/decimal';
import { forUpdate } from '../../../database/dialect';
import { AuditService } from '../../audit/audit.service';
import { Region } from '../../identity/regions/region.entity';
import {
  CellValue,
  ImportContext,
  ImportKind,
  NumberedRow,
  ParsedRow,
  RowProblem,
} from '../../imports/import-kind';
import {
  planNewListing,
  suspensionSummary,
  unitPriceOf,
} from '../listing-prices/domain/listing-rules';
import { ListingPrice } from '../listing-prices/listing-price.entity';
import { ListingPricesService } from '../listing-prices/listing-prices.service';
import { Product } from '../products/product.entity';
import {
  LISTING_PRICE_IMPORT_COLUMNS,
  ListingPriceImportRow,
  parseListingPriceRow,
} from './domain/import-rows';
import { addProblem, canImportCatalog, INSERT_CHUNK } from './product-import.kinds';

const pairKey = (productId: string, regionCode: string) => `${productId}@${regionCode}`;

/** The latest listing row of each (product, region) pair among `productIds` × `regionCodes`. */
async function latestListings(
  manager: EntityManager,
  productIds: string[],
  regionCodes: string[],
  lock: boolean,
): Promise<Map<string, ListingPrice>> {
  if (productIds.length === 0 || regionCodes.length === 0) return new Map();
  const qb = manager
    .getRepository(ListingPrice)
    .createQueryBuilder('l')
    .where('l.productId IN (:...pids)', { pids: [...new Set(productIds)] })
    .andWhere('l.regionCode IN (:...rcs)', { rcs: [...new Set(regionCodes)] });
  const rows = await (lock ? forUpdate(qb) : qb).getMany();
  const latest = new Map<string, ListingPrice>();
  for (const row of rows) {
    const key = pairKey(row.productId, row.regionCode);
    const current = latest.get(key);
    if (!current || row.validFrom > current.validFrom) latest.set(key, row);
  }
  return latest;
}

/**
 * Listing prices from Excel: each row is a price change like `POST …/listing-prices`, closing the
 * row in force for its product and region; the suspensions in force carry over, and a credit
 * hold on the product suspends the new row, as through the API.
 */
@Injectable()
export class ListingPriceImportKind implements ImportKind<ListingPriceImportRow> {
  readonly kind = 'catalog.listing-prices';
  readonly version = 1;
  readonly title = '挂网价 Listing prices';
  readonly sheetName = '挂网价 Listing prices';
  readonly columns = LISTING_PRICE_IMPORT_COLUMNS;
  readonly exampleRows: readonly Record<string, CellValue>[] = [
    {
      productCode: 'XC10AAA021A001010104321',
      regionCode: '320000',
      packPrice: '35.50',
      validFrom: '2026-01-01',
      validTo: null,
    },
  ];

  constructor(
    @InjectRepository(Product) private readonly products: Repository<Product>,
    @InjectRepository(Region) private readonly regions: Repository<Region>,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly listings: ListingPricesService,
  ) {}

  allowed(actor: Actor): boolean {
    return canImportCatalog(actor);
  }

  parseRow(cells: Record<string, CellValue>): ParsedRow<ListingPriceImportRow> {
    return parseListingPriceRow(cells);
  }

  async checkBatch(
    rows: NumberedRow<ListingPriceImportRow>[],
    ctx: ImportContext,
    seen: Map<string, unknown>,
  ): Promise<Map<number, RowProblem[]>> {
    const problems = new Map<number, RowProblem[]>();
    for (const { rowNumber, value } of rows) {
      const key = `listing:${value.productCode}@${value.regionCode}`;
      const first = seen.get(key) as number | undefined;
      if (first !== undefined)
        addProblem(problems, rowNumber, {
          column: 'productCode',
          message: `product ${value.productCode} in region ${value.regionCode} already appears in row ${String(first)}`,
        });
      else seen.set(key, rowNumber);
    }
    const products = await this.productsByCode(this.products.manager, rows);
    const regions = new Map(
      (await this.regions.findBy({ code: In(rows.map((r) => r.value.regionCode)) })).map((r) => [
        r.code,
        r,
      ]),
    );
    const latest = await latestListings(
      this.products.manager,
      [...products.values()].map((p) => p.id),
      [...regions.keys()],
      false,
    );
    for (const { rowNumber, value } of rows) {
      const product = products.get(value.productCode);
      const region = regions.get(value.regionCode);
      if (!product)
        addProblem(problems, rowNumber, {
          column: 'productCode',
          message: `no product with code ${value.productCode}`,
        });
      else if (product.status !== 'active')
        addProblem(problems, rowNumber, {
          column: 'productCode',
          message: `product ${value.productCode} is inactive`,
        });
      if (!region || !regionInScope(ctx.actor, region.path))
        addProblem(problems, rowNumber, {
          column: 'regionCode',
          message: `region ${value.regionCode} not found`,
        });
      if (!product || !region) continue;
      try {
        planNewListing(latest.get(pairKey(product.id, region.code)) ?? null, value);
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        addProblem(problems, rowNumber, { column: 'validFrom', message: e.message });
      }
    }
    return problems;
  }

  async writeBatch(
    manager: EntityManager,
    rows: NumberedRow<ListingPriceImportRow>[],
    ctx: ImportContext,
  ): Promise<void> {
    // Products first, as a listing created through the API: it orders the import against a
    // credit hold being recorded or released on them (productsByCode).
    const products = await this.productsByCode(manager, rows, true);
    const latest = await latestListings(
      manager,
      [...products.values()].map((p) => p.id),
      rows.map((r) => r.value.regionCode),
      true,
    );
    const now = this.clock.now();
    const closings = new Map<string, string[]>();
    const planned = rows.map(({ value }) => {
      const product = products.get(value.productCode)!;
      const previous = latest.get(pairKey(product.id, value.regionCode)) ?? null;
      // Re-planned inside the transaction: a price listed since the check makes this throw and
      // the whole import roll back.
      const plan = planNewListing(previous, value);
      if (previous && plan.closeLatestOn)
        closings.set(plan.closeLatestOn, [
          ...(closings.get(plan.closeLatestOn) ?? []),
          previous.id,
        ]);
      return { value, product, previous };
    });
    const suspensions = await this.listings.suspensionsOfNewListings(
      manager,
      planned.map(({ product, value, previous }) => ({
        productId: product.id,
        validTo: value.validTo,
        previous,
      })),
    );
    const values = planned.map(({ value, product }, i) => {
      const { status, first } = suspensionSummary(suspensions[i]);
      return {
        productId: product.id,
        regionCode: value.regionCode,
        packPrice: new Decimal(value.packPrice),
        unitPrice: new Decimal(unitPriceOf(value.packPrice, product.packSize ?? 1)),
        validFrom: value.validFrom,
        validTo: value.validTo,
        status,
        suspendedAt: first ? now : null,
        suspensionReason: first?.reason ?? null,
        suspensionSource: first?.source ?? null,
        createdAt: now,
        updatedAt: now,
      };
    });
    for (const [validTo, ids] of closings)
      for (const chunk of chunks(ids, INSERT_CHUNK))
        await manager
          .createQueryBuilder()
          .update(ListingPrice)
          .set({ validTo, updatedAt: now })
          .where('id IN (:...ids)', { ids: chunk })
          .execute();
    for (const chunk of chunks(values, INSERT_CHUNK))
      await manager.createQueryBuilder().insert().into(ListingPrice).values(chunk).execute();
    // The suspended rows' ids, by their unique key, for their suspension rows.
    const held = values.flatMap((v, i) => (suspensions[i].length > 0 ? [{ v, i }] : []));
    if (held.length === 0) return;
    const inserted = await latestListings(
      manager,
      held.map(({ v }) => v.productId),
      held.map(({ v }) => v.regionCode),
      false,
    );
    await this.listings.recordNewListingSuspensions(
      manager,
      held.map(({ v, i }) => ({
        listingId: inserted.get(pairKey(v.productId, v.regionCode))!.id,
        open: suspensions[i],
      })),
      ctx.actor,
      now,
    );
  }

  async finish(manager: EntityManager, ctx: ImportContext, rowCount: number): Promise<void> {
    await this.audit.record(
      manager,
      ctx.actor,
      'catalog.listing_prices_imported',
      { type: 'import', id: ctx.importId },
      { after: { kind: this.kind, rowCount } },
    );
  }

  /**
   * The rows' products by code. To write, they are locked the way every other writer of
   * listings or holds locks them (ListingPricesService.lockProducts: by primary key, in id
   * order), so that two of them never wait on each other: the codes are resolved by a plain read
   * first, since a locking read `WHERE code IN …` takes its locks in the code index's order.
   * The rows lockProducts answers were read under the lock.
   */
  private async productsByCode(
    manager: EntityManager,
    rows: NumberedRow<ListingPriceImportRow>[],
    lock = false,
  ): Promise<Map<string, Product>> {
    const codes = [...new Set(rows.map((r) => r.value.productCode))];
    if (codes.length === 0) return new Map();
    const repo = manager.getRepository(Product);
    const found = await repo
      .createQueryBuilder('p')
      .where('p.code IN (:...codes)', { codes })
      .getMany();
    if (!lock || found.length === 0) return new Map(found.map((p) => [p.code, p]));
    const locked = await this.listings.lockProducts(
      manager,
      found.map((p) => p.id),
    );
    return new Map(locked.map((p) => [p.code, p]));
  }
}
