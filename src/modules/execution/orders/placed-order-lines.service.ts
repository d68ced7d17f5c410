import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Decimal } from '../../../database/decimal';
import { PurchaseOrder, PurchaseOrderLine } from './purchase-order.entity';

/** An order line of a placed purchase order, as price monitoring (§M1 `purchase`) sees it. */
export interface PlacedOrderLine {
  orderLineId: string;
  orderId: string;
  hospitalId: string;
  supplierId: string;
  productId: string;
  /** Packs. */
  quantity: Decimal;
  /** Price of one pack. */
  unitPrice: Decimal;
  placedAt: Date;
}

export interface PlacedOrderLinesQuery {
  /** Placement time window [from, to). */
  from: Date;
  to: Date;
  /** Keyset paging: lines with a greater id than this one. */
  afterId?: string;
  /** At most 5000 (default 1000). */
  limit?: number;
}

/**
 * §E1 lines of orders placed in a time window — every order that left draft and was not
 * cancelled: the price a hospital agreed to pay. Paged by line id so a month streams in
 * constant memory. Read-only.
 */
@Injectable()
export class PlacedOrderLines {
  constructor(
    @InjectRepository(PurchaseOrderLine) private readonly lines: Repository<PurchaseOrderLine>,
  ) {}

  async page(query: PlacedOrderLinesQuery): Promise<PlacedOrderLine[]> {
    const qb = this.lines
      .createQueryBuilder('l')
      .innerJoin(PurchaseOrder, 'o', 'o.id = l.orderId')
      .select([
        'l.id AS id',
        'l.order_id AS order_id',
        'o.hospital_id AS hospital_id',
        'o.supplier_id AS supplier_id',
        'l.product_id AS product_id',
        'l.quantity AS quantity',
        'l.unit_price AS unit_price',
        'o.placed_at AS placed_at',
      ])
      .where('o.placedAt IS NOT NULL AND o.placedAt >= :from AND o.placedAt < :to', {
        from: query.from,
        to: query.to,
      })
      .andWhere("o.status <> 'cancelled'");
    if (query.afterId) qb.andWhere('l.id > :after', { after: query.afterId });
    const rows = await qb
      .orderBy('l.id', 'ASC')
      .limit(Math.min(Math.max(query.limit ?? 1000, 1), 5000))
      .getRawMany<{
        id: string | number;
        order_id: string | number;
        hospital_id: string | number;
        supplier_id: string | number;
        product_id: string | number;
        quantity: string | number;
        unit_price: string | number;
        placed_at: Date | string;
      }>();
    return rows.map((r) => ({
      orderLineId: String(r.id),
      orderId: String(r.order_id),
      hospitalId: String(r.hospital_id),
      supplierId: String(r.supplier_id),
      productId: String(r.product_id),
      quantity: new Decimal(String(r.quantity)),
      unitPrice: new Decimal(String(r.unit_price)),
      // SQLite answers the stored UTC text, MySQL a Date.
      placedAt:
        r.placed_at instanceof Date ? r.placed_at : new Date(`${r.placed_at.replace(' ', 'T')}Z`),
    }));
  }
}
