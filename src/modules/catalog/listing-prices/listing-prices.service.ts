import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository, SelectQueryBuilder } from 'typeorm';
import { Actor, regionInScope } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { registerUniqueConstraint } from '../../../common/errors/unique-constraints';
import { Page, page, skipTake } from '../../../common/pagination';
import { Decimal } from '../../../database/decimal';
import { forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService, SYSTEM } from '../../audit/audit.service';
import { Region } from '../../identity/regions/region.entity';
import { catalogError, throwIfProblems } from '../catalog.errors';
import { isId, likePattern, ProductLookups } from '../products/product-lookups';
import { Product } from '../products/product.entity';
import {
  chinaDate,
  dateProblem,
  isActiveOn,
  nextStatus,
  parsePackPrice,
  planNewListing,
  SuspensionSource,
  unitPriceOf,
} from './domain/listing-rules';
import {
  CreateListingPriceRequest,
  ListingPriceQuery,
  ListingPriceView,
  ProductListingQuery,
  SuspendListingRequest,
} from './dto/listing-price.dto';
import { ListingPrice } from './listing-price.entity';

registerUniqueConstraint('uq_listing_prices__product_id__region_code__valid_from', {
  table: 'listing_prices',
  columns: ['product_id', 'region_code', 'valid_from'],
  code: 'CATALOG.LISTING_DATE_CONFLICT',
  message: 'This product already has a listing price in this region starting on that date',
});

const SORT_COLUMNS = {
  createdAt: 'l.createdAt',
  validFrom: 'l.validFrom',
  regionCode: 'l.regionCode',
} as const;

/** §C2 listing prices: price changes as new rows, suspension and the reads other contexts use. */
@Injectable()
export class ListingPricesService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly lookups: ProductLookups,
    @InjectRepository(ListingPrice) private readonly listings: Repository<ListingPrice>,
    @InjectRepository(Product) private readonly products: Repository<Product>,
    @InjectRepository(Region) private readonly regions: Repository<Region>,
  ) {}

  /**
   * Lists a product in a region from `validFrom`. The row currently in force for that product
   * and region is closed the day before; a suspension in force carries over to the new price
   * (a price change does not lift a sanction).
   */
  async create(
    actor: Actor,
    productId: string,
    body: CreateListingPriceRequest,
  ): Promise<ListingPriceView> {
    const price = parsePackPrice(body.packPrice);
    const validTo = body.validTo ?? null;
    throwIfProblems(
      [
        price.ok ? null : price.problem,
        dateProblem('validFrom', body.validFrom),
        validTo === null ? null : dateProblem('validTo', validTo),
      ].filter((p) => p !== null),
    );
    const region = await this.regionInScope(actor, body.regionCode);
    const created = await this.tx.run(async (manager) => {
      const product = await this.lookups.lockProduct(manager, null, productId);
      if (product.status !== 'active')
        throw catalogError(
          'PRODUCT_INACTIVE',
          `Product ${product.code} is inactive and cannot be listed`,
          {
            productId: product.id,
          },
        );
      const latest = await forUpdate(
        manager
          .getRepository(ListingPrice)
          .createQueryBuilder('l')
          .where('l.productId = :pid AND l.regionCode = :rc', {
            pid: product.id,
            rc: region.code,
          })
          .orderBy('l.validFrom', 'DESC')
          .limit(1),
      ).getOne();
      const plan = planNewListing(latest, { validFrom: body.validFrom, validTo });
      const now = this.clock.now();
      if (latest && plan.closeLatestOn) {
        const before = listingAuditView(latest);
        latest.validTo = plan.closeLatestOn;
        latest.updatedAt = now;
        await manager.getRepository(ListingPrice).save(latest);
        await this.audit.record(manager, actor, 'listing_price.closed', listingRef(latest), {
          before,
          after: listingAuditView(latest),
        });
      }
      const carried = latest?.status === 'suspended' ? latest : null;
      const packPrice = (price as { value: string }).value;
      const row = await manager.getRepository(ListingPrice).save(
        manager.create(ListingPrice, {
          productId: product.id,
          regionCode: region.code,
          packPrice: new Decimal(packPrice),
          unitPrice: new Decimal(unitPriceOf(packPrice, product.packSize ?? 1)),
          validFrom: body.validFrom,
          validTo,
          status: carried ? 'suspended' : 'active',
          suspendedAt: carried ? now : null,
          suspensionReason: carried?.suspensionReason ?? null,
          suspensionSource: carried?.suspensionSource ?? null,
          createdAt: now,
          updatedAt: now,
        }),
      );
      await this.audit.record(manager, actor, 'listing_price.created', listingRef(row), {
        after: listingAuditView(row),
      });
      return { row, product };
    });
    return ListingPriceView.of(created.row, created.product, region.name);
  }

  /** Full history of one product's listings, newest first within each region. */
  async history(productId: string, query: ProductListingQuery): Promise<Page<ListingPriceView>> {
    const product = isId(productId) ? await this.products.findOneBy({ id: productId }) : null;
    if (!product)
      throw catalogError('PRODUCT_NOT_FOUND', `product ${productId} not found`, { id: productId });
    const qb = this.listings
      .createQueryBuilder('l')
      .where('l.productId = :pid', { pid: product.id });
    if (query.regionCode) qb.andWhere('l.regionCode = :rc', { rc: query.regionCode });
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    qb.orderBy('l.regionCode', direction)
      .addOrderBy('l.validFrom', 'DESC')
      .addOrderBy('l.id', 'DESC');
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    return page(await this.views(rows), total, query);
  }

  async list(query: ListingPriceQuery): Promise<Page<ListingPriceView>> {
    const qb = await this.listQuery(query);
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    return page(await this.views(rows), total, query);
  }

  /** The filtered, sorted list query shared by the JSON list and the export. */
  async listQuery(query: ListingPriceQuery): Promise<SelectQueryBuilder<ListingPrice>> {
    const qb = this.listings.createQueryBuilder('l');
    if (query.regionCode) {
      if (query.subregions) {
        const region = await this.regions.findOneBy({ code: query.regionCode });
        qb.andWhere(
          `l.regionCode IN (SELECT r.code FROM regions r WHERE r.path LIKE :rpath ESCAPE '!')`,
          { rpath: likePattern(region?.path ?? `/${query.regionCode}/`, 'prefix') },
        );
        if (!region) qb.andWhere('1 = 0');
      } else qb.andWhere('l.regionCode = :rc', { rc: query.regionCode });
    }
    if (query.productId) qb.andWhere('l.productId = :pid', { pid: query.productId });
    if (query.productCode || query.category) {
      const sub = this.products.createQueryBuilder('p').select('p.id');
      if (query.productCode)
        sub.andWhere('p.code = :pcode', { pcode: query.productCode.trim().toUpperCase() });
      if (query.category) sub.andWhere('p.category = :cat', { cat: query.category });
      qb.andWhere(`l.productId IN (${sub.getQuery()})`).setParameters(sub.getParameters());
    }
    if (query.activeOn)
      qb.andWhere('l.validFrom <= :on AND (l.validTo IS NULL OR l.validTo >= :on)', {
        on: query.activeOn,
      });
    if (query.status) qb.andWhere('l.status = :status', { status: query.status });
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    return qb.orderBy(SORT_COLUMNS[query.sort], direction).addOrderBy('l.id', direction);
  }

  async suspend(actor: Actor, id: string, body: SuspendListingRequest): Promise<ListingPriceView> {
    return this.transition(actor, id, 'suspend', body);
  }

  async reinstate(actor: Actor, id: string): Promise<ListingPriceView> {
    return this.transition(actor, id, 'reinstate', null);
  }

  /**
   * The listing in force for a product in a region on a date: the region's own listing, else the
   * nearest ancestor's (a provincial listing applies in every city and county of the province).
   * Suspended listings are returned as they are; the caller decides what suspension means to it.
   */
  async currentListing(
    productId: string,
    regionCode: string,
    onDate: string,
    manager?: EntityManager,
  ): Promise<ListingPrice | null> {
    const em = manager ?? this.listings.manager;
    const region = await em.getRepository(Region).findOneBy({ code: regionCode });
    if (!region || !isId(productId)) return null;
    const lineage = region.path.split('/').filter((c) => c !== '');
    const rows = await em
      .getRepository(ListingPrice)
      .createQueryBuilder('l')
      .where('l.productId = :pid', { pid: productId })
      .andWhere('l.regionCode IN (:...codes)', { codes: lineage })
      .andWhere('l.validFrom <= :on AND (l.validTo IS NULL OR l.validTo >= :on)', { on: onDate })
      .getMany();
    const nearest = rows
      .filter((r) => isActiveOn(r, onDate))
      .sort((a, b) => lineage.indexOf(b.regionCode) - lineage.indexOf(a.regionCode));
    return nearest[0] ?? null;
  }

  /**
   * Suspends every active listing of these products that has not ended yet, in a region's
   * subtree or (regionCode null) everywhere: credit sanctions (§K3) and price cases (§M6).
   * Runs in the caller's transaction when one is given. Returns the rows it suspended.
   */
  async suspendListings(
    productIds: string[],
    regionCode: string | null,
    reason: string,
    source: SuspensionSource,
    opts: { actor?: Actor | typeof SYSTEM; manager?: EntityManager } = {},
  ): Promise<ListingPrice[]> {
    const ids = [...new Set(productIds)].filter(isId);
    if (ids.length === 0) return [];
    const work = async (manager: EntityManager) => {
      const qb = manager
        .getRepository(ListingPrice)
        .createQueryBuilder('l')
        .where('l.productId IN (:...ids)', { ids })
        .andWhere("l.status = 'active'")
        .andWhere('(l.validTo IS NULL OR l.validTo >= :today)', {
          today: chinaDate(this.clock.now()),
        });
      if (regionCode !== null) {
        const region = await manager.getRepository(Region).findOneBy({ code: regionCode });
        if (!region)
          throw catalogError('REGION_NOT_FOUND', `Region ${regionCode} not found`, { regionCode });
        qb.andWhere(
          `l.regionCode IN (SELECT r.code FROM regions r WHERE r.path LIKE :rpath ESCAPE '!')`,
          { rpath: likePattern(region.path, 'prefix') },
        );
      }
      const rows = await forUpdate(qb.orderBy('l.id', 'ASC')).getMany();
      if (rows.length === 0) return rows;
      const now = this.clock.now();
      await manager
        .getRepository(ListingPrice)
        .createQueryBuilder()
        .update()
        .set({
          status: 'suspended',
          suspendedAt: now,
          suspensionReason: reason,
          suspensionSource: source,
          updatedAt: now,
        })
        .where('id IN (:...rowIds)', { rowIds: rows.map((r) => r.id) })
        .execute();
      for (const row of rows) {
        const before = listingAuditView(row);
        Object.assign(row, {
          status: 'suspended',
          suspendedAt: now,
          suspensionReason: reason,
          suspensionSource: source,
          updatedAt: now,
        });
        await this.audit.record(
          manager,
          opts.actor ?? SYSTEM,
          'listing_price.suspended',
          listingRef(row),
          {
            before,
            after: listingAuditView(row),
          },
        );
      }
      return rows;
    };
    return opts.manager ? work(opts.manager) : this.tx.run(work);
  }

  /**
   * Reinstates the suspended listings of these products that were suspended from `source` with
   * exactly `reason` — those one sanction or case suspended, including rows a price change
   * carried the suspension over to — and leaves any other suspension alone. Runs in the
   * caller's transaction. Returns the rows it reinstated.
   */
  async reinstateListings(
    productIds: string[],
    reason: string,
    source: SuspensionSource,
    opts: { actor?: Actor | typeof SYSTEM; manager: EntityManager },
  ): Promise<ListingPrice[]> {
    const ids = [...new Set(productIds)].filter(isId);
    if (ids.length === 0) return [];
    const manager = opts.manager;
    const rows = await forUpdate(
      manager
        .getRepository(ListingPrice)
        .createQueryBuilder('l')
        .where('l.productId IN (:...ids)', { ids })
        .andWhere("l.status = 'suspended'")
        .andWhere('l.suspensionSource = :source AND l.suspensionReason = :reason', {
          source,
          reason,
        })
        .orderBy('l.id', 'ASC'),
    ).getMany();
    if (rows.length === 0) return rows;
    const now = this.clock.now();
    const cleared = {
      status: 'active' as const,
      suspendedAt: null,
      suspensionReason: null,
      suspensionSource: null,
      updatedAt: now,
    };
    await manager
      .getRepository(ListingPrice)
      .createQueryBuilder()
      .update()
      .set(cleared)
      .where('id IN (:...rowIds)', { rowIds: rows.map((r) => r.id) })
      .execute();
    for (const row of rows) {
      const before = listingAuditView(row);
      Object.assign(row, cleared);
      await this.audit.record(
        manager,
        opts.actor ?? SYSTEM,
        'listing_price.reinstated',
        listingRef(row),
        { before, after: listingAuditView(row) },
      );
    }
    return rows;
  }

  private async transition(
    actor: Actor,
    id: string,
    action: 'suspend' | 'reinstate',
    body: SuspendListingRequest | null,
  ): Promise<ListingPriceView> {
    const result = await this.tx.run(async (manager) => {
      const row = isId(id)
        ? await forUpdate(
            manager.getRepository(ListingPrice).createQueryBuilder('l').where('l.id = :id', { id }),
          ).getOne()
        : null;
      const region = row
        ? await manager.getRepository(Region).findOneBy({ code: row.regionCode })
        : null;
      if (!row || !region || !regionInScope(actor, region.path))
        throw catalogError('LISTING_PRICE_NOT_FOUND', `Listing price ${id} not found`, { id });
      const before = listingAuditView(row);
      row.status = nextStatus(row.status, action, row.id);
      const now = this.clock.now();
      row.suspendedAt = body ? now : null;
      row.suspensionReason = body ? body.reason.trim() : null;
      row.suspensionSource = body ? body.source : null;
      row.updatedAt = now;
      await manager.getRepository(ListingPrice).save(row);
      await this.audit.record(
        manager,
        actor,
        action === 'suspend' ? 'listing_price.suspended' : 'listing_price.reinstated',
        listingRef(row),
        { before, after: listingAuditView(row) },
      );
      const product = await manager.getRepository(Product).findOneByOrFail({ id: row.productId });
      return { row, product, regionName: region.name };
    });
    return ListingPriceView.of(result.row, result.product, result.regionName);
  }

  /** The region of a listing write: it must exist and lie in the actor's scope (else 404). */
  private async regionInScope(actor: Actor, code: string): Promise<Region> {
    const region = await this.regions.findOneBy({ code });
    if (!region || !regionInScope(actor, region.path))
      throw catalogError('REGION_NOT_FOUND', `Region ${code} not found`, {
        field: 'regionCode',
        regionCode: code,
      });
    return region;
  }

  /** Views of a page of rows: products and region names in one query each. */
  async views(rows: ListingPrice[]): Promise<ListingPriceView[]> {
    if (rows.length === 0) return [];
    const products = await this.products.findBy({
      id: In([...new Set(rows.map((r) => r.productId))]),
    });
    const regions = await this.regions.findBy({
      code: In([...new Set(rows.map((r) => r.regionCode))]),
    });
    const productById = new Map(products.map((p) => [p.id, p]));
    const regionName = new Map(regions.map((r) => [r.code, r.name]));
    return rows.map((r) =>
      ListingPriceView.of(r, productById.get(r.productId)!, regionName.get(r.regionCode) ?? null),
    );
  }
}

export function listingRef(l: ListingPrice): { type: string; id: string } {
  return { type: 'listing_price', id: l.id };
}

export function listingAuditView(l: ListingPrice): Record<string, unknown> {
  return {
    id: l.id,
    productId: l.productId,
    regionCode: l.regionCode,
    packPrice: l.packPrice.toFixed(),
    unitPrice: l.unitPrice.toFixed(),
    validFrom: l.validFrom,
    validTo: l.validTo,
    status: l.status,
    suspensionReason: l.suspensionReason,
    suspensionSource: l.suspensionSource,
  };
}
