import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Decimal } from '../../../database/decimal';
import { dialectOf } from '../../../database/dialect';

/** Delivery figures of one supplier × product × hospital region over a month's orders. */
export interface DeliverySignal {
  supplierId: string;
  productId: string;
  regionCode: string;
  /** Packs ordered / accepted on lines of orders whose first delivery was due by now. */
  orderedQuantity: Decimal;
  acceptedQuantity: Decimal;
  /** Orders whose first delivery came after its due time (§E2). */
  lateOrders: number;
  /** Orders past their due time with nothing delivered yet. */
  overdueOrders: number;
  /** Orders of the product placed in the month, due or not. */
  orders: number;
}

type Raw = Record<string, string | number | null>;

/**
 * Read-only figures §K5 takes from §E execution: order lines, their acceptance and the delivery
 * clock, aggregated in SQL per supplier × product × the ordering hospital's region. Execution
 * exports no per-product view of them and must not depend on credit, so these are plain reads of
 * its tables with the same definitions as its supplier performance (late = first delivery after
 * `delivery_due_at`; overdue = none yet past it; fill rate = accepted ÷ ordered).
 */
@Injectable()
export class SupplySignals {
  constructor(private readonly dataSource: DataSource) {}

  /** Orders placed in [start, end) (UTC instants of the China month), not cancelled. */
  async deliveries(start: Date, end: Date, now: Date): Promise<DeliverySignal[]> {
    const m = this.dataSource.manager;
    const sum = (column: string) => sumSql(m, column);
    const rows = await m
      .createQueryBuilder()
      .from('purchase_order_lines', 'l')
      .innerJoin('purchase_orders', 'o', 'o.id = l.order_id')
      .innerJoin('organisations', 'h', 'h.id = o.hospital_id')
      .select('o.supplier_id', 'supplierId')
      .addSelect('l.product_id', 'productId')
      .addSelect('h.region_code', 'regionCode')
      .addSelect(sum('CASE WHEN o.delivery_due_at < :now THEN l.quantity ELSE 0 END'), 'ordered')
      .addSelect(
        sum('CASE WHEN o.delivery_due_at < :now THEN l.accepted_quantity ELSE 0 END'),
        'accepted',
      )
      .addSelect(
        'COUNT(DISTINCT CASE WHEN o.first_delivered_at > o.delivery_due_at THEN o.id END)',
        'late',
      )
      .addSelect(
        'COUNT(DISTINCT CASE WHEN o.first_delivered_at IS NULL AND o.delivery_due_at < :now THEN o.id END)',
        'overdue',
      )
      .addSelect('COUNT(DISTINCT o.id)', 'orders')
      .where('o.placed_at >= :start AND o.placed_at < :end', { start, end })
      .andWhere("o.status <> 'cancelled'")
      .andWhere('h.region_code IS NOT NULL')
      .groupBy('o.supplier_id')
      .addGroupBy('l.product_id')
      .addGroupBy('h.region_code')
      .setParameter('now', now)
      .getRawMany<Raw>();
    return rows.map((r) => ({
      supplierId: String(r.supplierId),
      productId: String(r.productId),
      regionCode: String(r.regionCode),
      orderedQuantity: fromSum(m, r.ordered),
      acceptedQuantity: fromSum(m, r.accepted),
      lateOrders: Number(r.late ?? 0),
      overdueOrders: Number(r.overdue ?? 0),
      orders: Number(r.orders ?? 0),
    }));
  }

  /** Packs accepted so far on order lines priced under each agreement (§E1 `agreement_id`). */
  async acceptedPacksByAgreement(
    m: EntityManager,
    agreementIds: string[],
  ): Promise<Map<string, Decimal>> {
    const out = new Map<string, Decimal>();
    for (let i = 0; i < agreementIds.length; i += 500) {
      const rows = await m
        .createQueryBuilder()
        .from('purchase_order_lines', 'l')
        .innerJoin('purchase_orders', 'o', 'o.id = l.order_id')
        .select('l.agreement_id', 'agreementId')
        .addSelect(sumSql(m, 'l.accepted_quantity'), 'accepted')
        .where('l.agreement_id IN (:...ids)', { ids: agreementIds.slice(i, i + 500) })
        .andWhere("o.status <> 'cancelled'")
        .groupBy('l.agreement_id')
        .getRawMany<Raw>();
      for (const r of rows) out.set(String(r.agreementId), fromSum(m, r.accepted));
    }
    return out;
  }
}

/**
 * SUM over DECIMAL(18,3): exact on MySQL; SQLite sums floats, so it sums thousandths as integers
 * instead (the column scale is 3, so nothing is lost).
 */
function sumSql(m: EntityManager, column: string): string {
  return dialectOf(m) === 'mysql'
    ? `COALESCE(SUM(${column}), 0)`
    : `COALESCE(SUM(CAST(ROUND((${column}) * 1000) AS INTEGER)), 0)`;
}

function fromSum(m: EntityManager, raw: string | number | null | undefined): Decimal {
  const value = new Decimal(String(raw ?? 0));
  return dialectOf(m) === 'mysql' ? value : value.div(1000);
}
