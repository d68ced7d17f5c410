import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository, SelectQueryBuilder } from 'typeorm';
import { Actor, isAuthority } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import {
  duplicateKeyError,
  registerUniqueConstraint,
} from '../../../common/errors/unique-constraints';
import { page, Page, skipTake } from '../../../common/pagination';
import { AppConfig } from '../../../config/config';
import { APP_CONFIG } from '../../../config/config.module';
import { Decimal } from '../../../database/decimal';
import { forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { ListingPricesService } from '../../catalog/listing-prices/listing-prices.service';
import { CatalogDirectory } from '../../catalog/products/catalog-directory.service';
import { OrganisationDirectory } from '../../identity/organisations/organisation-directory.service';
import { IdentityScope } from '../../identity/scope/identity-scope.service';
import { AgreementDirectory } from '../../procurement/awards/agreement-directory.service';
import { chinaDate, deliveryDueAt } from '../deliveries/domain/delivery-rules';
import { DeliveryLine } from '../deliveries/delivery.entity';
import { executionError } from '../execution.errors';
import { SupplyCreditBars } from './credit-bars';
import { orderTotal, priceLine, PricedLine } from './domain/line-pricing';
import { nextState } from './domain/order-state';
import { CancelOrderRequest, CreateOrderRequest, OrderQuery, OrderView } from './dto/order.dto';
import { PurchaseOrder, PurchaseOrderLine } from './purchase-order.entity';

registerUniqueConstraint('uq_purchase_orders__code', {
  table: 'purchase_orders',
  columns: ['code'],
  code: 'EXECUTION.ORDER_CODE_TAKEN',
  message: 'Another order took this code at the same moment; try again',
});

const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** PO<yyyymmdd>-<6 random characters>: readable over the phone, no 0/O or 1/I. */
function orderCode(orderDate: string): string {
  const random = [...randomBytes(6)].map((b) => CODE_ALPHABET[b % 32]).join('');
  return `PO${orderDate.replaceAll('-', '')}-${random}`;
}

export function isId(value: string): boolean {
  return /^\d{1,18}$/.test(value);
}

export function orderRef(o: PurchaseOrder): { type: string; id: string } {
  return { type: 'purchase_order', id: o.id };
}

export function orderAudit(o: PurchaseOrder): Record<string, unknown> {
  return {
    code: o.code,
    status: o.status,
    hospitalId: o.hospitalId,
    supplierId: o.supplierId,
    totalAmount: o.totalAmount.toFixed(2),
    placedAt: o.placedAt?.toISOString() ?? null,
    cancelReason: o.cancelReason,
  };
}

/**
 * §E1 purchase orders: a hospital drafts an order to a supplier with prices defaulted from its
 * agreements and the region's listings, places it, cancels it before anything is delivered, and
 * closes it. Who sees an order: its hospital, its supplier once placed, and authorities whose
 * region holds the hospital; anyone else gets 404.
 */
@Injectable()
export class OrdersService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly scope: IdentityScope,
    private readonly orgs: OrganisationDirectory,
    private readonly catalog: CatalogDirectory,
    private readonly listings: ListingPricesService,
    private readonly agreements: AgreementDirectory,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(PurchaseOrder) private readonly orders: Repository<PurchaseOrder>,
    @InjectRepository(PurchaseOrderLine) private readonly lines: Repository<PurchaseOrderLine>,
    private readonly credit: SupplyCreditBars,
  ) {}

  async create(actor: Actor, body: CreateOrderRequest): Promise<OrderView> {
    const hospital = await this.orgs.findById(actor.orgId);
    if (!hospital?.regionCode)
      throw executionError(
        'HOSPITAL_REGION_MISSING',
        'The hospital has no region, so no listing price applies to it; ask an administrator to set it',
        { hospitalId: actor.orgId },
      );
    const supplier = await this.orgs.findById(body.supplierId);
    if (!supplier || (supplier.type !== 'manufacturer' && supplier.type !== 'distributor'))
      throw executionError(
        'SUPPLIER_NOT_FOUND',
        `supplierId: supplier ${body.supplierId} not found`,
        {
          field: 'supplierId',
        },
      );
    if (supplier.status !== 'active')
      throw executionError(
        'SUPPLIER_INACTIVE',
        `supplierId: supplier ${supplier.code} is inactive and takes no orders`,
        { field: 'supplierId' },
      );
    const products = await this.catalog.findByIds(body.lines.map((l) => l.productId));
    const seen = new Map<string, number>();
    body.lines.forEach((line, i) => {
      const field = `lines[${i}].productId`;
      const product = products.get(line.productId);
      if (!product || product.status !== 'active')
        throw executionError('PRODUCT_NOT_FOUND', `${field}: product ${line.productId} not found`, {
          field,
        });
      const first = seen.get(line.productId);
      if (first !== undefined)
        throw executionError(
          'PRODUCT_REPEATED',
          `${field}: product ${line.productId} is already on lines[${first}]; order it once`,
          { field },
        );
      seen.set(line.productId, i);
    });

    const now = this.clock.now();
    await this.assertNotSanctioned(
      supplier.id,
      supplier.code,
      body.lines.map((l) => l.productId),
      now,
    );
    const orderDate = chinaDate(now);
    const priced: PricedLine[] = [];
    for (const [i, line] of body.lines.entries()) {
      const agreement = await this.agreements.effectiveAgreement(
        actor.orgId,
        line.productId,
        orderDate,
      );
      const listing = agreement
        ? null
        : await this.listings.currentListing(line.productId, hospital.regionCode, orderDate);
      priced.push(
        priceLine(
          line,
          {
            agreement: agreement && { id: agreement.id, packPrice: agreement.packPrice },
            listing: listing && {
              id: listing.id,
              packPrice: listing.packPrice,
              suspended: listing.status === 'suspended',
            },
          },
          `lines[${i}]`,
        ),
      );
    }

    const attempt = () =>
      this.tx.run(async (m) => {
        const order = await m.getRepository(PurchaseOrder).save(
          m.create(PurchaseOrder, {
            code: orderCode(orderDate),
            hospitalId: actor.orgId,
            supplierId: supplier.id,
            status: 'draft',
            orderDate,
            totalAmount: new Decimal(orderTotal(priced.map((p) => p.amount))),
            note: body.note?.trim() || null,
            placedAt: null,
            deliveryDueAt: null,
            firstDeliveredAt: null,
            cancelledAt: null,
            cancelReason: null,
            closedAt: null,
            createdBy: actor.id,
            createdAt: now,
            updatedAt: now,
          }),
        );
        const rows = priced.map((p, i) =>
          m.create(PurchaseOrderLine, {
            orderId: order.id,
            lineNo: i + 1,
            productId: body.lines[i].productId,
            quantity: new Decimal(p.quantity),
            unitPrice: new Decimal(p.unitPrice),
            amount: new Decimal(p.amount),
            priceSource: p.priceSource,
            agreementId: p.agreementId,
            listingPriceId: p.listingPriceId,
            referencePrice: new Decimal(p.referencePrice),
            priceReason: p.priceReason,
            deliveredQuantity: new Decimal(0),
            acceptedQuantity: new Decimal(0),
          }),
        );
        const saved = await m.getRepository(PurchaseOrderLine).save(rows);
        await this.audit.record(m, actor, 'purchase_order.created', orderRef(order), {
          after: { ...orderAudit(order), lines: priced },
        });
        return OrderView.of(order, saved);
      });
    // Two orders of one day may draw the same random code: the unique key refuses the second,
    // which simply draws again.
    for (let tries = 1; ; tries++) {
      try {
        return await attempt();
      } catch (err) {
        if (duplicateKeyError(err)?.code !== 'EXECUTION.ORDER_CODE_TAKEN' || tries >= 5) throw err;
      }
    }
  }

  /**
   * §K3: a distributor barred from distribution cannot be named on an order, and no line may
   * carry a product a credit sanction suspends — whatever the price basis. A suspension of
   * listing and bidding takes the product off the platform's trade, so an agreement price does
   * not keep it orderable (unlike a price-case suspension of one listing, which only removes
   * that listing as a price basis).
   */
  private async assertNotSanctioned(
    supplierId: string,
    supplierCode: string,
    productIds: string[],
    now: Date,
  ): Promise<void> {
    const barred = await this.credit.distributionBar(supplierId, now);
    if (barred)
      throw executionError(
        'SUPPLIER_SANCTIONED',
        `supplierId: supplier ${supplierCode} is barred from distribution by a ${barred.reason}`,
        { field: 'supplierId', ...barred },
      );
    const bars = await this.credit.orderingBars(supplierId, productIds, now);
    const i = productIds.findIndex((p) => bars.has(p));
    if (i >= 0) {
      const bar = bars.get(productIds[i])!;
      throw executionError(
        'PRODUCT_SANCTIONED',
        bar.sanction === 'listing_suspension'
          ? `lines[${i}].productId: product ${productIds[i]} is suspended from listing and trade by a ${bar.reason}; it cannot be ordered`
          : `lines[${i}].productId: supplier ${supplierCode} is suspended from distributing product ${productIds[i]} by a ${bar.reason}`,
        { field: `lines[${i}].productId`, ...bar },
      );
    }
  }

  async list(actor: Actor, query: OrderQuery): Promise<Page<OrderView>> {
    const qb = this.visibleQuery(this.orders.createQueryBuilder('o'), actor);
    if (query.status) qb.andWhere('o.status = :status', { status: query.status });
    if (query.hospitalId) qb.andWhere('o.hospitalId = :hid', { hid: query.hospitalId });
    if (query.supplierId) qb.andWhere('o.supplierId = :sid', { sid: query.supplierId });
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    qb.orderBy(query.sort === 'placedAt' ? 'o.placedAt' : 'o.createdAt', direction).addOrderBy(
      'o.id',
      direction,
    );
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    const lines =
      rows.length === 0 ? [] : await this.lines.findBy({ orderId: In(rows.map((o) => o.id)) });
    return page(
      rows.map((o) =>
        OrderView.of(
          o,
          lines.filter((l) => l.orderId === o.id),
        ),
      ),
      total,
      query,
    );
  }

  async get(actor: Actor, id: string): Promise<OrderView> {
    const order = await this.visible(this.orders.manager, actor, id);
    return OrderView.of(order, await this.lines.findBy({ orderId: order.id }));
  }

  async place(actor: Actor, id: string): Promise<OrderView> {
    return this.tx.run(async (m) => {
      const order = await this.visible(m, actor, id, { lock: true });
      const before = orderAudit(order);
      order.status = nextState(order.status, 'place', order.code);
      const now = this.clock.now();
      // A sanction that took effect since the draft was made refuses it too.
      const drafted = await m.getRepository(PurchaseOrderLine).findBy({ orderId: order.id });
      const supplier = await this.orgs.findById(order.supplierId);
      await this.assertNotSanctioned(
        order.supplierId,
        supplier?.code ?? order.supplierId,
        drafted.sort((a, b) => a.lineNo - b.lineNo).map((l) => l.productId),
        now,
      );
      order.placedAt = now;
      order.deliveryDueAt = deliveryDueAt(now, this.config.deliveryDelayHours);
      order.updatedAt = now;
      await m.getRepository(PurchaseOrder).save(order);
      await this.audit.record(m, actor, 'purchase_order.placed', orderRef(order), {
        before,
        after: { ...orderAudit(order), deliveryDueAt: order.deliveryDueAt.toISOString() },
      });
      return OrderView.of(
        order,
        await m.getRepository(PurchaseOrderLine).findBy({ orderId: order.id }),
      );
    });
  }

  async cancel(actor: Actor, id: string, body: CancelOrderRequest): Promise<OrderView> {
    return this.tx.run(async (m) => {
      const order = await this.visible(m, actor, id, { lock: true });
      const before = orderAudit(order);
      // A placed order stays `placed` until its first delivery, but check the rows as well: a
      // delivery is what makes cancelling impossible.
      const delivered = await m.getRepository(DeliveryLine).countBy({ orderId: order.id });
      if (delivered > 0)
        throw executionError(
          'ORDER_HAS_DELIVERIES',
          `Order ${order.code} has deliveries and can no longer be cancelled; close it instead`,
          { state: order.status },
        );
      order.status = nextState(order.status, 'cancel', order.code);
      const now = this.clock.now();
      order.cancelledAt = now;
      order.cancelReason = body.reason.trim();
      order.updatedAt = now;
      await m.getRepository(PurchaseOrder).save(order);
      await this.audit.record(m, actor, 'purchase_order.cancelled', orderRef(order), {
        before,
        after: orderAudit(order),
      });
      return OrderView.of(
        order,
        await m.getRepository(PurchaseOrderLine).findBy({ orderId: order.id }),
      );
    });
  }

  /**
   * Closing ends the order: nothing more is delivered against it. Every delivered line must be
   * decided first, so a closed order's quantities are final.
   */
  async close(actor: Actor, id: string): Promise<OrderView> {
    return this.tx.run(async (m) => {
      const order = await this.visible(m, actor, id, { lock: true });
      const before = orderAudit(order);
      const next = nextState(order.status, 'close', order.code);
      const pending = await m
        .getRepository(DeliveryLine)
        .countBy({ orderId: order.id, decision: 'pending' });
      if (pending > 0)
        throw executionError(
          'ORDER_HAS_PENDING_ACCEPTANCE',
          `Order ${order.code} has ${pending} delivery line(s) awaiting acceptance; decide them before closing`,
          { pendingLines: pending },
        );
      order.status = next;
      const now = this.clock.now();
      order.closedAt = now;
      order.updatedAt = now;
      await m.getRepository(PurchaseOrder).save(order);
      await this.audit.record(m, actor, 'purchase_order.closed', orderRef(order), {
        before,
        after: orderAudit(order),
      });
      return OrderView.of(
        order,
        await m.getRepository(PurchaseOrderLine).findBy({ orderId: order.id }),
      );
    });
  }

  /**
   * An order the actor may see, else 404 (whether it exists elsewhere stays hidden). Hospital
   * users act on their own orders, supplier users on those addressed to them once placed.
   */
  async visible(
    m: EntityManager,
    actor: Actor,
    id: string,
    opts: { lock?: boolean } = {},
  ): Promise<PurchaseOrder> {
    let order: PurchaseOrder | null = null;
    if (isId(id)) {
      const qb = this.visibleQuery(
        m.getRepository(PurchaseOrder).createQueryBuilder('o').where('o.id = :id', { id }),
        actor,
      );
      order = await (opts.lock ? forUpdate(qb) : qb).getOne();
    }
    if (!order) throw executionError('ORDER_NOT_FOUND', `Purchase order ${id} not found`, { id });
    return order;
  }

  /** Narrows a query on orders (alias `o`) to what the actor may read. */
  visibleQuery(
    qb: SelectQueryBuilder<PurchaseOrder>,
    actor: Actor,
  ): SelectQueryBuilder<PurchaseOrder> {
    if (isAuthority(actor))
      return this.scope.restrictByOrganisationColumn(qb, actor, 'o.hospitalId');
    if (actor.orgType === 'hospital')
      return qb.andWhere('o.hospitalId = :scopeOrg', { scopeOrg: actor.orgId });
    // A draft is the hospital's work in progress: it reaches the supplier when placed.
    return qb
      .andWhere('o.supplierId = :scopeOrg', { scopeOrg: actor.orgId })
      .andWhere("o.status <> 'draft'");
  }
}
