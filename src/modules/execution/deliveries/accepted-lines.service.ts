import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Decimal } from '../../../database/decimal';
import { DeliveryLine } from './delivery.entity';

/** An accepted delivery line as settlement (§S3) sees it. */
export interface AcceptedLine {
  deliveryLineId: string;
  deliveryId: string;
  orderId: string;
  orderLineId: string;
  hospitalId: string;
  supplierId: string;
  productId: string;
  quantity: Decimal;
  /** Price of one pack, from the order line. */
  unitPrice: Decimal;
  /** quantity × unitPrice, rounded half-up to cents once, when the delivery was recorded. */
  amount: Decimal;
  acceptedAt: Date;
}

export interface AcceptedLinesQuery {
  /** Acceptance time window [from, to). */
  from: Date;
  to: Date;
  hospitalId?: string;
  supplierId?: string;
  /** Keyset paging: lines with a greater id than this one. */
  afterId?: string;
  /** At most 5000 (default 1000). */
  limit?: number;
}

/**
 * §S3 the accepted delivery lines that settlement generation bills. Paged by id within an
 * acceptance-time window, so a large period streams in constant memory.
 *
 * Set-based generation may read the table directly with `INSERT … SELECT`; the contract is:
 * table `delivery_lines`, rows `WHERE decision = 'accepted' AND accepted_at >= :from AND
 * accepted_at < :to` (index `ix_delivery_lines__accepted_at__hospital_id__supplier_id`), or the
 * same for one hospital × supplier (index
 * `ix_delivery_lines__hospital_id__accepted_at__supplier_id`), columns
 * `id, delivery_id, order_id, order_line_id, hospital_id, supplier_id, product_id,
 * quantity DECIMAL(18,3), unit_price DECIMAL(18,6), amount DECIMAL(18,2), accepted_at`.
 * `amount` is final (rounded once); a decision is never changed, so an accepted row is
 * immutable. `accepted_at` is the server's time when the hospital accepted, never supplied by a
 * caller, so the lines of a closed acceptance window never change: settlement defines a
 * statement's lines as such a window and does not copy them.
 */
@Injectable()
export class AcceptedLines {
  constructor(@InjectRepository(DeliveryLine) private readonly lines: Repository<DeliveryLine>) {}

  /**
   * Which of `productIds` this supplier has delivered and had accepted: the products a
   * distributor distributed, which a credit case against it may name (§K1).
   */
  async deliveredProductIds(
    supplierId: string,
    productIds: string[],
    manager?: EntityManager,
  ): Promise<Set<string>> {
    if (productIds.length === 0) return new Set();
    const rows = await (manager ?? this.lines.manager)
      .getRepository(DeliveryLine)
      .createQueryBuilder('x')
      .select('DISTINCT x.productId', 'productId')
      .where("x.decision = 'accepted'")
      .andWhere('x.supplierId = :sid', { sid: supplierId })
      .andWhere('x.productId IN (:...pids)', { pids: [...new Set(productIds)] })
      .getRawMany<{ productId: string | number }>();
    return new Set(rows.map((r) => String(r.productId)));
  }

  async page(query: AcceptedLinesQuery, manager?: EntityManager): Promise<AcceptedLine[]> {
    const qb = (manager ?? this.lines.manager)
      .getRepository(DeliveryLine)
      .createQueryBuilder('x')
      .where("x.decision = 'accepted'")
      .andWhere('x.acceptedAt >= :from AND x.acceptedAt < :to', {
        from: query.from,
        to: query.to,
      });
    if (query.hospitalId) qb.andWhere('x.hospitalId = :hid', { hid: query.hospitalId });
    if (query.supplierId) qb.andWhere('x.supplierId = :sid', { sid: query.supplierId });
    if (query.afterId) qb.andWhere('x.id > :after', { after: query.afterId });
    const rows = await qb
      .orderBy('x.id', 'ASC')
      .take(Math.min(Math.max(query.limit ?? 1000, 1), 5000))
      .getMany();
    return rows.map((x) => ({
      deliveryLineId: x.id,
      deliveryId: x.deliveryId,
      orderId: x.orderId,
      orderLineId: x.orderLineId,
      hospitalId: x.hospitalId,
      supplierId: x.supplierId,
      productId: x.productId,
      quantity: x.quantity,
      unitPrice: x.unitPrice,
      amount: x.amount,
      acceptedAt: x.acceptedAt!,
    }));
  }
}
