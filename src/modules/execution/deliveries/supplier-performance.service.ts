import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, SelectQueryBuilder } from 'typeorm';
import { Actor, isAuthority } from '../../../common/auth/actor';
import { isSupplierType } from '../../../common/auth/roles';
import { Clock } from '../../../common/clock';
import { AppConfig } from '../../../config/config';
import { APP_CONFIG } from '../../../config/config.module';
import { roundTo, SCALE } from '../../../database/decimal';
import { IdentityScope } from '../../identity/scope/identity-scope.service';
import { executionError } from '../execution.errors';
import { isId } from '../orders/orders.service';
import { PurchaseOrder, PurchaseOrderLine } from '../orders/purchase-order.entity';
import { Delivery, DeliveryLine } from './delivery.entity';
import { chinaDayWindow, fillRate } from './domain/delivery-rules';
import { PerformanceQuery, SupplierPerformanceView } from './dto/delivery.dto';

type Raw = Record<string, string | number | null>;

/** SUM over DECIMAL comes back as a string (MySQL) or a float (SQLite); both end at scale 3. */
function quantity(value: string | number | null | undefined): string {
  return roundTo(value === null || value === undefined ? 0 : String(value), SCALE.quantity);
}

function count(value: string | number | null | undefined): number {
  return value === null || value === undefined ? 0 : Number(value);
}

/**
 * §E2/§K4 supplier performance over the orders placed in a window: delivery delays against the
 * due time fixed at placement, and the fill rate. Every figure is one SQL aggregate; the
 * authority's region scope applies through the ordering hospitals.
 */
@Injectable()
export class SupplierPerformanceService {
  constructor(
    private readonly scope: IdentityScope,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(PurchaseOrder) private readonly orders: Repository<PurchaseOrder>,
  ) {}

  async performance(
    actor: Actor,
    supplierId: string,
    query: PerformanceQuery,
  ): Promise<SupplierPerformanceView> {
    const notFound = () =>
      executionError('SUPPLIER_NOT_FOUND', `Supplier ${supplierId} not found`, { id: supplierId });
    if (!isId(supplierId) || (!isAuthority(actor) && actor.orgId !== supplierId)) throw notFound();
    const supplier = await this.scope.visibleOrganisation(actor, supplierId).catch(() => null);
    if (!supplier || !isSupplierType(supplier.type)) throw notFound();
    const { start, end } = chinaDayWindow(query.from, query.to);
    const now = this.clock.now();

    const placed = <T extends object>(qb: SelectQueryBuilder<T>) => {
      qb.andWhere('o.supplier_id = :sid', { sid: supplier.id })
        .andWhere('o.placed_at >= :start AND o.placed_at < :end', { start, end })
        .andWhere("o.status <> 'cancelled'");
      if (isAuthority(actor))
        this.scope.restrictByOrganisationColumn(
          qb as unknown as SelectQueryBuilder<PurchaseOrder>,
          actor,
          'o.hospital_id',
        );
      return qb;
    };
    const m = this.orders.manager;
    const orders = await placed(
      m
        .createQueryBuilder()
        .from(PurchaseOrder, 'o')
        .select('COUNT(*)', 'orders')
        .addSelect(
          'SUM(CASE WHEN o.first_delivered_at > o.delivery_due_at THEN 1 ELSE 0 END)',
          'late',
        )
        .addSelect(
          'SUM(CASE WHEN o.first_delivered_at IS NULL AND o.delivery_due_at < :now THEN 1 ELSE 0 END)',
          'overdue',
        )
        .setParameter('now', now),
    ).getRawOne<Raw>();
    const quantities = await placed(
      m
        .createQueryBuilder()
        .from(PurchaseOrderLine, 'l')
        .innerJoin(PurchaseOrder, 'o', 'o.id = l.order_id')
        .select('SUM(l.quantity)', 'ordered')
        .addSelect('SUM(l.delivered_quantity)', 'delivered')
        .addSelect('SUM(l.accepted_quantity)', 'accepted'),
    ).getRawOne<Raw>();
    const deliveries = await placed(
      m
        .createQueryBuilder()
        .from(Delivery, 'd')
        .innerJoin(PurchaseOrder, 'o', 'o.id = d.order_id')
        .select('COUNT(*)', 'deliveries'),
    ).getRawOne<Raw>();
    const rejected = await placed(
      m
        .createQueryBuilder()
        .from(DeliveryLine, 'x')
        .innerJoin(PurchaseOrder, 'o', 'o.id = x.order_id')
        .select('SUM(x.quantity)', 'rejected')
        .where("x.decision = 'rejected'"),
    ).getRawOne<Raw>();

    const ordered = quantity(quantities?.ordered);
    const accepted = quantity(quantities?.accepted);
    return {
      supplierId: supplier.id,
      from: query.from,
      to: query.to,
      deliveryDelayHours: this.config.deliveryDelayHours,
      orders: count(orders?.orders),
      deliveries: count(deliveries?.deliveries),
      lateDeliveries: count(orders?.late),
      overdueUndelivered: count(orders?.overdue),
      orderedQuantity: ordered,
      deliveredQuantity: quantity(quantities?.delivered),
      acceptedQuantity: accepted,
      rejectedQuantity: quantity(rejected?.rejected),
      fillRate: fillRate(accepted, ordered),
    };
  }
}
