import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository, SelectQueryBuilder } from 'typeorm';
import { Actor, regionInScope } from '../../../common/auth/actor';
import { chunks } from '../../../common/chunks';
import { Clock } from '../../../common/clock';
import { registerUniqueConstraint } from '../../../common/errors/unique-constraints';
import { Page, page, skipTake } from '../../../common/pagination';
import { Decimal } from '../../../database/decimal';
import { forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService, SYSTEM } from '../../audit/audit.service';
import { Region } from '../../identity/regions/region.entity';
import { catalogError, throwIfProblems } from '../catalog.errors';
import { isId } from '../../../common/ids';
import { likePattern, ProductLookups } from '../products/product-lookups';
import { Product } from '../products/product.entity';
import { CreditListingHolds } from './credit-listing-holds';
import {
  chinaDate,
  checkManualReinstate,
  checkManualSuspend,
  dateProblem,
  isActiveOn,
  OpenSuspension,
  parsePackPrice,
  planNewListing,
  suspensionSummary,
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
import { ListingPriceSuspension } from './listing-price-suspension.entity';
import { ListingPrice } from './listing-price.entity';

registerUniqueConstraint('uq_listing_prices__product_id__region_code__valid_from', {
  table: 'listing_prices',
  columns: ['product_id', 'region_code', 'valid_from'],
  code: 'CATALOG.LISTING_DATE_CONFLICT',
  message: 'This product already has a listing price in this region starting on that date',
});

/** Ids per `IN (…)` list and rows per multi-row insert. */
const CHUNK = 500;

const SORT_COLUMNS = {
  createdAt: 'l.createdAt',
  validFrom: 'l.validFrom',
  regionCode: 'l.regionCode',
} as const;

/**
 * §C2 listing prices: price changes as new rows; suspensions by source (by hand, price cases,
 * credit sanctions), each lifted only by its own source; and the reads other contexts use.
 */
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
    private readonly creditHolds: CreditListingHolds,
  ) {}

  /**
   * Lists a product in a region from `validFrom`. The row currently in force for that product
   * and region is closed the day before; the suspensions in force on it carry over to the new
   * price (a price change does not lift a case or a hand-made suspension), and a credit hold on
   * the product (§K3) suspends the new row from the start.
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
      // The product lock also orders this against a credit hold being recorded or released.
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
      const [open] = await this.suspensionsOfNewListings(manager, [
        { productId: product.id, validTo, previous: latest },
      ]);
      const { status, first } = suspensionSummary(open);
      const packPrice = (price as { value: string }).value;
      const row = await manager.getRepository(ListingPrice).save(
        manager.create(ListingPrice, {
          productId: product.id,
          regionCode: region.code,
          packPrice: new Decimal(packPrice),
          unitPrice: new Decimal(unitPriceOf(packPrice, product.packSize ?? 1)),
          validFrom: body.validFrom,
          validTo,
          status,
          suspendedAt: first ? now : null,
          suspensionReason: first?.reason ?? null,
          suspensionSource: first?.source ?? null,
          createdAt: now,
          updatedAt: now,
        }),
      );
      const rows = await this.recordNewListingSuspensions(
        manager,
        [{ listingId: row.id, open }],
        actor,
        now,
      );
      await this.audit.record(manager, actor, 'listing_price.created', listingRef(row), {
        after: { ...listingAuditView(row), suspensions: open.map(holderOf) },
      });
      return { row, product, rows };
    });
    return ListingPriceView.of(created.row, created.product, region.name, created.rows);
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

  /** A manual suspension: one per listing, alongside whatever else holds it. */
  async suspend(actor: Actor, id: string, body: SuspendListingRequest): Promise<ListingPriceView> {
    return this.manually(actor, id, async (manager, row, open, now) => {
      checkManualSuspend(open, row.id);
      await this.addSuspension(
        manager,
        [row],
        { source: 'manual', reference: null, reason: body.reason.trim() },
        actor,
        now,
      );
    });
  }

  /** Lifts the manual suspension, only if nothing else holds the listing (else 409). */
  async reinstate(actor: Actor, id: string): Promise<ListingPriceView> {
    return this.manually(actor, id, async (manager, row, open, now) => {
      checkManualReinstate(open, row.id);
      await this.liftSuspensions(manager, open, actor, now);
    });
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
   * Locks these products' rows, in id order. Listing creation locks its product first, so a
   * context that records or releases a hold on products (credit, §K3) and locks them first is
   * ordered against it: a listing is created either before the hold (and suspended with the
   * others) or after it (and sees it). Answers the locked rows, read under the lock.
   */
  async lockProducts(manager: EntityManager, productIds: string[]): Promise<Product[]> {
    const ids = [...new Set(productIds)].filter(isId).sort(byId);
    const locked: Product[] = [];
    for (const chunk of chunks(ids, CHUNK))
      locked.push(
        ...(await forUpdate(
          manager
            .getRepository(Product)
            .createQueryBuilder('p')
            .where('p.id IN (:...ids)', { ids: chunk })
            .orderBy('p.id', 'ASC'),
        ).getMany()),
      );
    return locked;
  }

  /**
   * Suspends, on behalf of `hold.source` and `hold.reference` (a price case §M6, a credit rating
   * §K3), every listing of these products that has not ended, in a region's subtree or
   * (regionCode null) everywhere. A listing another source already suspends gets this hold too,
   * so it stays suspended until both let go. Repeating the call changes nothing. Runs in the
   * caller's transaction when one is given. Returns the listings that got the hold now.
   */
  async suspendListings(
    hold: {
      productIds: string[];
      regionCode: string | null;
      source: Exclude<SuspensionSource, 'manual'>;
      reference: string;
      reason: string;
    },
    opts: { actor?: Actor | typeof SYSTEM; manager?: EntityManager } = {},
  ): Promise<ListingPrice[]> {
    const ids = [...new Set(hold.productIds)].filter(isId);
    if (ids.length === 0) return [];
    const work = async (manager: EntityManager) => {
      await this.lockProducts(manager, ids);
      const now = this.clock.now();
      const qb = manager
        .getRepository(ListingPrice)
        .createQueryBuilder('l')
        .where('l.productId IN (:...ids)', { ids })
        .andWhere('(l.validTo IS NULL OR l.validTo >= :today)', { today: chinaDate(now) });
      if (hold.regionCode !== null) {
        const region = await manager.getRepository(Region).findOneBy({ code: hold.regionCode });
        if (!region)
          throw catalogError('REGION_NOT_FOUND', `Region ${hold.regionCode} not found`, {
            regionCode: hold.regionCode,
          });
        qb.andWhere(
          `l.regionCode IN (SELECT r.code FROM regions r WHERE r.path LIKE :rpath ESCAPE '!')`,
          { rpath: likePattern(region.path, 'prefix') },
        );
      }
      const rows = await forUpdate(qb.orderBy('l.id', 'ASC')).getMany();
      const open = await this.openSuspensions(
        manager,
        rows.map((r) => r.id),
      );
      const fresh = rows.filter(
        (r) =>
          !(open.get(r.id) ?? []).some(
            (s) => s.source === hold.source && s.reference === hold.reference,
          ),
      );
      await this.addSuspension(
        manager,
        fresh,
        { source: hold.source, reference: hold.reference, reason: hold.reason },
        opts.actor ?? SYSTEM,
        now,
      );
      return fresh;
    };
    return opts.manager ? work(opts.manager) : this.tx.run(work);
  }

  /**
   * Lifts what `source` and `reference` hold on these products' listings — including rows a
   * price change carried the hold over to — and leaves every other suspension alone: a listing
   * becomes active only when nothing holds it any more. Runs in the caller's transaction.
   * Returns the listings it lifted the hold from, and those of them now active.
   */
  async reinstateListings(
    hold: { productIds: string[]; source: Exclude<SuspensionSource, 'manual'>; reference: string },
    opts: { actor?: Actor | typeof SYSTEM; manager: EntityManager },
  ): Promise<{ lifted: ListingPrice[]; reinstated: ListingPrice[] }> {
    const ids = [...new Set(hold.productIds)].filter(isId);
    if (ids.length === 0) return { lifted: [], reinstated: [] };
    const manager = opts.manager;
    await this.lockProducts(manager, ids);
    const held = await manager
      .getRepository(ListingPriceSuspension)
      .createQueryBuilder('s')
      .innerJoin(ListingPrice, 'l', 'l.id = s.listingPriceId')
      .where('l.productId IN (:...ids)', { ids })
      .andWhere('s.source = :source AND s.reference = :reference', {
        source: hold.source,
        reference: hold.reference,
      })
      .andWhere('s.liftedAt IS NULL')
      .orderBy('s.id', 'ASC')
      .getMany();
    return this.liftSuspensions(manager, held, opts.actor ?? SYSTEM, this.clock.now());
  }

  /** The suspensions in force on these listings, oldest first, by listing id. */
  async openSuspensions(
    manager: EntityManager,
    listingIds: string[],
  ): Promise<Map<string, ListingPriceSuspension[]>> {
    const out = new Map<string, ListingPriceSuspension[]>();
    for (const chunk of chunks([...new Set(listingIds)], CHUNK)) {
      const rows = await manager
        .getRepository(ListingPriceSuspension)
        .createQueryBuilder('s')
        .where('s.listingPriceId IN (:...ids)', { ids: chunk })
        .andWhere('s.liftedAt IS NULL')
        .orderBy('s.id', 'ASC')
        .getMany();
      for (const r of rows) out.set(r.listingPriceId, [...(out.get(r.listingPriceId) ?? []), r]);
    }
    return out;
  }

  /**
   * The suspensions new listing rows start with (§C2, §K3), one list per item: those in force
   * on the row they follow in the same product and region, except credit holds, plus the
   * product's credit hold if there is one and the row has not already ended — the credit context
   * is the authority on its holds. The products must be locked by the caller.
   */
  async suspensionsOfNewListings(
    manager: EntityManager,
    items: { productId: string; validTo: string | null; previous: ListingPrice | null }[],
  ): Promise<OpenSuspension[][]> {
    const previous = await this.openSuspensions(
      manager,
      items.flatMap((i) => (i.previous ? [i.previous.id] : [])),
    );
    const holds = await this.creditHolds.holdsOn(manager, [
      ...new Set(items.map((i) => i.productId)),
    ]);
    const today = chinaDate(this.clock.now());
    return items.map((item) => {
      const open: OpenSuspension[] = (item.previous ? (previous.get(item.previous.id) ?? []) : [])
        .filter((s) => s.source !== 'credit_sanction')
        .map((s) => ({ source: s.source, reference: s.reference, reason: s.reason }));
      const hold = holds.get(item.productId);
      if (hold && (item.validTo === null || item.validTo >= today))
        open.push({ source: 'credit_sanction', reference: hold.ratingId, reason: hold.reason });
      return open;
    });
  }

  /** Writes the suspension rows new listing rows start with (their status is already set). */
  async recordNewListingSuspensions(
    manager: EntityManager,
    listings: { listingId: string; open: OpenSuspension[] }[],
    actor: Actor | typeof SYSTEM,
    now: Date,
  ): Promise<ListingPriceSuspension[]> {
    const values = listings.flatMap(({ listingId, open }) =>
      open.map((s) => suspensionRow(listingId, s, actor, now)),
    );
    for (const chunk of chunks(values, CHUNK))
      await manager.getRepository(ListingPriceSuspension).insert(chunk);
    return values.map((v) => manager.create(ListingPriceSuspension, v));
  }

  /**
   * Adds one suspension to listings locked by the caller; an active listing becomes suspended
   * and shows it, a suspended one keeps showing its oldest. Audited per listing.
   */
  private async addSuspension(
    manager: EntityManager,
    rows: ListingPrice[],
    suspension: OpenSuspension,
    actor: Actor | typeof SYSTEM,
    now: Date,
  ): Promise<void> {
    if (rows.length === 0) return;
    for (const chunk of chunks(rows, CHUNK))
      await manager
        .getRepository(ListingPriceSuspension)
        .insert(chunk.map((r) => suspensionRow(r.id, suspension, actor, now)));
    const activated = rows.filter((r) => r.status === 'active');
    const shown = {
      status: 'suspended' as const,
      suspendedAt: now,
      suspensionReason: suspension.reason,
      suspensionSource: suspension.source,
      updatedAt: now,
    };
    for (const chunk of chunks(activated, CHUNK))
      await manager
        .getRepository(ListingPrice)
        .createQueryBuilder()
        .update()
        .set(shown)
        .where('id IN (:...rowIds)', { rowIds: chunk.map((r) => r.id) })
        .execute();
    for (const row of rows) {
      const before = listingAuditView(row);
      if (row.status === 'active') Object.assign(row, shown);
      await this.audit.record(manager, actor, 'listing_price.suspended', listingRef(row), {
        before,
        after: { ...listingAuditView(row), suspension: holderOf(suspension) },
      });
    }
  }

  /**
   * Lifts these suspension rows and brings their listings in line: active when nothing else
   * holds them, else showing the oldest suspension left. Audited per listing.
   */
  private async liftSuspensions(
    manager: EntityManager,
    lifting: ListingPriceSuspension[],
    actor: Actor | typeof SYSTEM,
    now: Date,
  ): Promise<{ lifted: ListingPrice[]; reinstated: ListingPrice[] }> {
    if (lifting.length === 0) return { lifted: [], reinstated: [] };
    const listingIds = [...new Set(lifting.map((s) => s.listingPriceId))].sort(byId);
    const listings: ListingPrice[] = [];
    for (const chunk of chunks(listingIds, CHUNK))
      listings.push(
        ...(await forUpdate(
          manager
            .getRepository(ListingPrice)
            .createQueryBuilder('l')
            .where('l.id IN (:...ids)', { ids: chunk })
            .orderBy('l.id', 'ASC'),
        ).getMany()),
      );
    const liftedBy = actorId(actor);
    for (const chunk of chunks(lifting, CHUNK))
      await manager
        .getRepository(ListingPriceSuspension)
        .createQueryBuilder()
        .update()
        .set({ liftedAt: now, liftedBy })
        .where('id IN (:...ids)', { ids: chunk.map((s) => s.id) })
        .execute();
    const left = await this.openSuspensions(manager, listingIds);
    const liftedOf = new Map<string, ListingPriceSuspension[]>();
    for (const s of lifting)
      liftedOf.set(s.listingPriceId, [...(liftedOf.get(s.listingPriceId) ?? []), s]);
    const reinstated: ListingPrice[] = [];
    for (const row of listings) {
      const before = listingAuditView(row);
      const { status, first } = suspensionSummary(left.get(row.id) ?? []);
      const shown = {
        status,
        suspendedAt: first ? row.suspendedAt : null,
        suspensionReason: first?.reason ?? null,
        suspensionSource: first?.source ?? null,
        updatedAt: now,
      };
      Object.assign(row, shown);
      // Listings still held show their own oldest suspension; the reinstated go in one update.
      if (status === 'active') reinstated.push(row);
      else await manager.getRepository(ListingPrice).update({ id: row.id }, shown);
      await this.audit.record(
        manager,
        actor,
        status === 'active' ? 'listing_price.reinstated' : 'listing_price.suspension_lifted',
        listingRef(row),
        {
          before,
          after: { ...listingAuditView(row), lifted: (liftedOf.get(row.id) ?? []).map(holderOf) },
        },
      );
    }
    for (const chunk of chunks(reinstated, CHUNK))
      await manager
        .getRepository(ListingPrice)
        .createQueryBuilder()
        .update()
        .set({
          status: 'active',
          suspendedAt: null,
          suspensionReason: null,
          suspensionSource: null,
          updatedAt: now,
        })
        .where('id IN (:...ids)', { ids: chunk.map((r) => r.id) })
        .execute();
    return { lifted: listings, reinstated };
  }

  /** A manual suspend or reinstate: lock the listing, check scope, do the work, answer. */
  private async manually(
    actor: Actor,
    id: string,
    work: (
      manager: EntityManager,
      row: ListingPrice,
      open: ListingPriceSuspension[],
      now: Date,
    ) => Promise<void>,
  ): Promise<ListingPriceView> {
    const result = await this.tx.run(async (manager) => {
      const found = isId(id)
        ? await forUpdate(
            manager.getRepository(ListingPrice).createQueryBuilder('l').where('l.id = :id', { id }),
          ).getOne()
        : null;
      const region = found
        ? await manager.getRepository(Region).findOneBy({ code: found.regionCode })
        : null;
      if (!found || !region || !regionInScope(actor, region.path))
        throw catalogError('LISTING_PRICE_NOT_FOUND', `Listing price ${id} not found`, { id });
      const open = (await this.openSuspensions(manager, [found.id])).get(found.id) ?? [];
      await work(manager, found, open, this.clock.now());
      const row = await manager.getRepository(ListingPrice).findOneByOrFail({ id: found.id });
      const product = await manager.getRepository(Product).findOneByOrFail({ id: row.productId });
      const left = (await this.openSuspensions(manager, [row.id])).get(row.id) ?? [];
      return { row, product, regionName: region.name, left };
    });
    return ListingPriceView.of(result.row, result.product, result.regionName, result.left);
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
    const open = await this.openSuspensions(
      this.listings.manager,
      rows.filter((r) => r.status === 'suspended').map((r) => r.id),
    );
    const productById = new Map(products.map((p) => [p.id, p]));
    const regionName = new Map(regions.map((r) => [r.code, r.name]));
    return rows.map((r) =>
      ListingPriceView.of(
        r,
        productById.get(r.productId)!,
        regionName.get(r.regionCode) ?? null,
        open.get(r.id) ?? [],
      ),
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

/** How a suspension names its holder in audit records. */
function holderOf(s: OpenSuspension): { source: SuspensionSource; reference: string | null } {
  return { source: s.source, reference: s.reference };
}

function actorId(actor: Actor | typeof SYSTEM): string {
  return actor === SYSTEM ? SYSTEM : actor.id;
}

function suspensionRow(
  listingPriceId: string,
  s: OpenSuspension,
  actor: Actor | typeof SYSTEM,
  now: Date,
) {
  return {
    listingPriceId,
    source: s.source,
    reference: s.reference,
    reason: s.reason,
    createdBy: actorId(actor),
    createdAt: now,
    liftedBy: null,
    liftedAt: null,
  };
}

function byId(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
