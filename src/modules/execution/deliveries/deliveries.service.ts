import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { page, Page, skipTake } from '../../../common/pagination';
import { Decimal, roundTo, SCALE } from '../../../database/decimal';
import { forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { executionError } from '../execution.errors';
import { SupplyCreditBars } from '../orders/credit-bars';
import { checkQuantity, lineAmount } from '../orders/domain/line-pricing';
import { assertAllowed, OrderState, stateAfterDeliveries } from '../orders/domain/order-state';
import { isId, orderAudit, orderRef, OrdersService } from '../orders/orders.service';
import { PurchaseOrder, PurchaseOrderLine } from '../orders/purchase-order.entity';
import { Delivery, DeliveryLine } from './delivery.entity';
import {
  checkDecision,
  checkExpiry,
  checkWithinOutstanding,
  outstanding,
} from './domain/delivery-rules';
import {
  AcceptanceRequest,
  DeliveryQuery,
  DeliveryView,
  RecordDeliveryRequest,
} from './dto/delivery.dto';

function deliveryRef(d: Delivery): { type: string; id: string } {
  return { type: 'delivery', id: d.id };
}

function lineAudit(l: DeliveryLine): Record<string, unknown> {
  return {
    id: l.id,
    orderLineId: l.orderLineId,
    quantity: l.quantity.toFixed(3),
    amount: l.amount.toFixed(2),
    batchNumber: l.batchNumber,
    expiryDate: l.expiryDate,
    invoiceNumber: l.invoiceNumber,
    decision: l.decision,
    rejectionReason: l.rejectionReason,
    acceptedAt: l.acceptedAt?.toISOString() ?? null,
  };
}

/**
 * §E2 deliveries against placed orders and the hospital's acceptance (验收) of each line.
 * Every write locks the order row first, so deliveries and decisions on one order are applied
 * one after another and the cached line quantities stay equal to their delivery lines.
 */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly orders: OrdersService,
    @InjectRepository(Delivery) private readonly deliveries: Repository<Delivery>,
    @InjectRepository(DeliveryLine) private readonly lines: Repository<DeliveryLine>,
    private readonly credit: SupplyCreditBars,
  ) {}

  /** The supplier of the order records what it delivered now (server time). */
  async record(actor: Actor, orderId: string, body: RecordDeliveryRequest): Promise<DeliveryView> {
    return this.tx.run(async (m) => {
      const order = await this.orders.visible(m, actor, orderId, { lock: true });
      // Only the addressee delivers; an authority that can read the order cannot deliver it.
      if (order.supplierId !== actor.orgId)
        throw executionError('ORDER_NOT_FOUND', `Purchase order ${orderId} not found`, {
          id: orderId,
        });
      assertAllowed(order.status, 'deliver', order.code);
      const barred = await this.credit.distributionBar(actor.orgId, this.clock.now());
      if (barred)
        throw executionError(
          'SUPPLIER_SANCTIONED',
          `Your organisation is barred from distribution by a ${barred.reason}; it cannot record deliveries`,
          { ...barred },
        );
      const orderLines = await m.getRepository(PurchaseOrderLine).findBy({ orderId: order.id });
      const existing = await m.getRepository(DeliveryLine).findBy({ orderId: order.id });
      const byId = new Map(orderLines.map((l) => [l.id, l]));
      const now = this.clock.now();
      const seen = new Map<string, number>();
      const planned = body.lines.map((req, i) => {
        const at = `lines[${i}]`;
        const line = byId.get(req.orderLineId);
        if (!line)
          throw executionError(
            'ORDER_LINE_NOT_FOUND',
            `${at}.orderLineId: order ${order.code} has no line ${req.orderLineId}`,
            { field: `${at}.orderLineId` },
          );
        const first = seen.get(line.id);
        if (first !== undefined)
          throw executionError(
            'ORDER_LINE_REPEATED',
            `${at}.orderLineId: line ${line.id} is already delivered in lines[${first}]; give one quantity per line`,
            { field: `${at}.orderLineId` },
          );
        seen.set(line.id, i);
        const quantity = checkQuantity(req.quantity, `${at}.quantity`);
        const left = outstanding(
          line.quantity,
          existing.filter((d) => d.orderLineId === line.id),
        );
        checkWithinOutstanding(quantity, left, `${at}.quantity`);
        checkExpiry(req.expiryDate, now, `${at}.expiryDate`);
        return { req, line, quantity };
      });
      const before = orderAudit(order);
      const previous: OrderState = order.status;
      const count = await m.getRepository(Delivery).countBy({ orderId: order.id });
      const delivery = await m.getRepository(Delivery).save(
        m.create(Delivery, {
          code: `${order.code}-D${String(count + 1).padStart(2, '0')}`,
          orderId: order.id,
          hospitalId: order.hospitalId,
          supplierId: order.supplierId,
          deliveredAt: now,
          recordedBy: actor.id,
          createdAt: now,
        }),
      );
      const saved = await m.getRepository(DeliveryLine).save(
        planned.map(({ req, line, quantity }) =>
          m.create(DeliveryLine, {
            deliveryId: delivery.id,
            orderId: order.id,
            orderLineId: line.id,
            hospitalId: order.hospitalId,
            supplierId: order.supplierId,
            productId: line.productId,
            quantity: new Decimal(quantity),
            unitPrice: line.unitPrice,
            amount: new Decimal(lineAmount(quantity, line.unitPrice)),
            batchNumber: req.batchNumber.trim(),
            expiryDate: req.expiryDate,
            invoiceNumber: req.invoiceNumber.trim(),
            decision: 'pending',
            decidedAt: null,
            decidedBy: null,
            rejectionReason: null,
            acceptedAt: null,
          }),
        ),
      );
      const all = [...existing, ...saved];
      await this.refreshLines(m, orderLines, all);
      order.status = stateAfterDeliveries(
        order.status,
        'deliver',
        orderLines.some((l) => l.quantity.gt(l.deliveredQuantity)),
        order.code,
      );
      order.firstDeliveredAt ??= now;
      order.updatedAt = now;
      await m.getRepository(PurchaseOrder).save(order);
      await this.audit.record(m, actor, 'delivery.recorded', deliveryRef(delivery), {
        after: { code: delivery.code, orderId: order.id, lines: saved.map(lineAudit) },
      });
      if (order.status !== previous)
        await this.audit.record(m, actor, 'purchase_order.status_changed', orderRef(order), {
          before,
          after: orderAudit(order),
        });
      return DeliveryView.of(delivery, saved);
    });
  }

  /**
   * The hospital decides delivery lines: accepted lines get their acceptance time (the start of
   * the §S3 payment clock), rejected lines go back to outstanding on the order.
   */
  async decide(actor: Actor, deliveryId: string, body: AcceptanceRequest): Promise<DeliveryView> {
    return this.tx.run(async (m) => {
      const delivery = await this.visibleDelivery(m, actor, deliveryId);
      const order = await this.orders.visible(m, actor, delivery.orderId, { lock: true });
      if (order.hospitalId !== actor.orgId)
        throw executionError('DELIVERY_NOT_FOUND', `Delivery ${deliveryId} not found`, {
          id: deliveryId,
        });
      // A locking read: the plain reads above fixed a snapshot from before the order lock was
      // granted, in which a concurrent decision on these lines would still look pending.
      const all = await forUpdate(
        m
          .getRepository(DeliveryLine)
          .createQueryBuilder('l')
          .where('l.orderId = :orderId', { orderId: order.id })
          .orderBy('l.id', 'ASC'),
      ).getMany();
      const own = new Map(all.filter((l) => l.deliveryId === delivery.id).map((l) => [l.id, l]));
      const now = this.clock.now();
      const seen = new Map<string, number>();
      const befores: Record<string, unknown>[] = [];
      const decided: DeliveryLine[] = [];
      body.lines.forEach((req, i) => {
        const at = `lines[${i}]`;
        const line = own.get(req.deliveryLineId);
        if (!line)
          throw executionError(
            'DELIVERY_LINE_NOT_FOUND',
            `${at}.deliveryLineId: delivery ${delivery.code} has no line ${req.deliveryLineId}`,
            { field: `${at}.deliveryLineId` },
          );
        const first = seen.get(line.id);
        if (first !== undefined)
          throw executionError(
            'DELIVERY_LINE_REPEATED',
            `${at}.deliveryLineId: line ${line.id} is already decided in lines[${first}]`,
            { field: `${at}.deliveryLineId` },
          );
        seen.set(line.id, i);
        const reason = req.reason?.trim() || null;
        checkDecision(line.decision, req.decision, reason, at, line.id);
        befores.push(lineAudit(line));
        line.decision = req.decision;
        line.decidedAt = now;
        line.decidedBy = actor.id;
        line.rejectionReason = req.decision === 'rejected' ? reason : null;
        line.acceptedAt = req.decision === 'accepted' ? now : null;
        decided.push(line);
      });
      await m.getRepository(DeliveryLine).save(decided);
      const orderLines = await m.getRepository(PurchaseOrderLine).findBy({ orderId: order.id });
      await this.refreshLines(m, orderLines, all);
      const before = orderAudit(order);
      if (decided.some((l) => l.decision === 'rejected')) {
        order.status = stateAfterDeliveries(
          order.status,
          'reconcile',
          orderLines.some((l) => l.quantity.gt(l.deliveredQuantity)),
          order.code,
        );
        order.updatedAt = now;
        await m.getRepository(PurchaseOrder).save(order);
      }
      await this.audit.record(m, actor, 'delivery.decided', deliveryRef(delivery), {
        before: befores,
        after: decided.map(lineAudit),
      });
      if (order.status !== before.status)
        await this.audit.record(m, actor, 'purchase_order.status_changed', orderRef(order), {
          before,
          after: orderAudit(order),
        });
      return DeliveryView.of(delivery, [...own.values()]);
    });
  }

  async get(actor: Actor, id: string): Promise<DeliveryView> {
    const delivery = await this.visibleDelivery(this.deliveries.manager, actor, id);
    return DeliveryView.of(delivery, await this.lines.findBy({ deliveryId: delivery.id }));
  }

  async listOfOrder(
    actor: Actor,
    orderId: string,
    query: DeliveryQuery,
  ): Promise<Page<DeliveryView>> {
    const order = await this.orders.visible(this.deliveries.manager, actor, orderId);
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    const { skip, take } = skipTake(query);
    const [rows, total] = await this.deliveries.findAndCount({
      where: { orderId: order.id },
      order: { deliveredAt: direction, id: direction },
      skip,
      take,
    });
    const lines =
      rows.length === 0 ? [] : await this.lines.findBy({ deliveryId: In(rows.map((d) => d.id)) });
    return page(
      rows.map((d) => DeliveryView.of(d, lines)),
      total,
      query,
    );
  }

  /** A delivery of an order the actor may see, else 404. */
  private async visibleDelivery(m: EntityManager, actor: Actor, id: string): Promise<Delivery> {
    const delivery = isId(id) ? await m.getRepository(Delivery).findOneBy({ id }) : null;
    if (delivery) {
      const qb = this.orders.visibleQuery(
        m
          .getRepository(PurchaseOrder)
          .createQueryBuilder('o')
          .where('o.id = :id', { id: delivery.orderId }),
        actor,
      );
      if (await qb.getExists()) return delivery;
    }
    throw executionError('DELIVERY_NOT_FOUND', `Delivery ${id} not found`, { id });
  }

  /**
   * Recomputes each order line's delivered (not rejected) and accepted quantities from its
   * delivery lines and saves the ones that changed.
   */
  private async refreshLines(
    m: EntityManager,
    orderLines: PurchaseOrderLine[],
    deliveryLines: DeliveryLine[],
  ): Promise<void> {
    const changed: PurchaseOrderLine[] = [];
    for (const line of orderLines) {
      const own = deliveryLines.filter((d) => d.orderLineId === line.id);
      const delivered = line.quantity.minus(outstanding(line.quantity, own));
      const accepted = own
        .filter((d) => d.decision === 'accepted')
        .reduce<Decimal>((sum, d) => sum.plus(d.quantity), new Decimal(0));
      if (delivered.eq(line.deliveredQuantity) && accepted.eq(line.acceptedQuantity)) continue;
      line.deliveredQuantity = new Decimal(roundTo(delivered, SCALE.quantity));
      line.acceptedQuantity = new Decimal(roundTo(accepted, SCALE.quantity));
      changed.push(line);
    }
    if (changed.length > 0) await m.getRepository(PurchaseOrderLine).save(changed);
  }
}
