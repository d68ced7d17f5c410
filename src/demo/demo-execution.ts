import { INestApplicationContext } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { MAX_PAGE_SIZE } from '../common/pagination';
import { MovableClock } from '../common/movable-clock';
import { Decimal, roundTo, SCALE } from '../database/decimal';
import { chinaDate } from '../modules/catalog/listing-prices/domain/listing-rules';
import { ListingPricesService } from '../modules/catalog/listing-prices/listing-prices.service';
import { CatalogDirectory } from '../modules/catalog/products/catalog-directory.service';
import { Product } from '../modules/catalog/products/product.entity';
import { DeliveriesService } from '../modules/execution/deliveries/deliveries.service';
import {
  AcceptanceRequest,
  DeliveryView,
  RecordDeliveryRequest,
} from '../modules/execution/deliveries/dto/delivery.dto';
import { CreateOrderRequest, OrderView } from '../modules/execution/orders/dto/order.dto';
import { OrdersService } from '../modules/execution/orders/orders.service';
import { UsageBatchRequest } from '../modules/execution/usage/dto/usage.dto';
import { UsageService } from '../modules/execution/usage/usage.service';
import { genericKey } from '../modules/monitoring/observations/domain/observation-rows';
import { Agreement } from '../modules/procurement/awards/agreement.entity';
import { PayStatementRequest } from '../modules/settlement/payments/dto/payment.dto';
import { PaymentsService } from '../modules/settlement/payments/payments.service';
import { ReviewRequest, StatementQuery } from '../modules/settlement/statements/dto/statement.dto';
import { StatementCycle } from '../modules/settlement/statements/statement-cycle.service';
import { StatementGeneration } from '../modules/settlement/statements/statement-generation.service';
import { StatementQueries } from '../modules/settlement/statements/statement-queries.service';
import { DemoCatalogue, Player, players } from './demo-rounds';
import { dto } from './demo-request';

/** Nanjing hospitals that order: the city's fund officers settle their statements (§1 scope). */
const ORDERING_HOSPITALS = 6;
/** Products bought outside the agreements, at the listing price. */
const LISTED_PRODUCTS = 3;
/** Months of orders from the agreements' first month; the first one is settled. */
const MONTHS = 3;
const NANJING = '3201';
/**
 * The month (from the agreements' first) of one irregular purchase for the price monitoring to
 * find (§M3): a hospital buys a VBP generic from a manufacturer that won no agreement, at
 * IRREGULAR_MARKUP times its listing price, with a reason. It takes the place of that hospital's
 * usual listed order, in a month that is not settled, so the counts and the paid total stay.
 */
const IRREGULAR_MONTH = 1;
const IRREGULAR_MARKUP = 3;

/** Who buys, supplies and settles: logins the demo created, by username. */
export interface ExecutionCast {
  hospitals: string[];
  makers: string[];
  /** Three fund officers of the city authority: the three review levels (§S3.3). */
  funds: string[];
}

/** An instant in China time: `day` is YYYY-MM-DD. */
function cst(day: string, hour: number): Date {
  return new Date(`${day}T${String(hour).padStart(2, '0')}:00:00+08:00`);
}

/** The first day of the month `k` months after the one `firstDay` (YYYY-MM-01) starts. */
function monthStart(firstDay: string, k: number): string {
  const [y, m] = firstDay.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1 + k, 1)).toISOString().slice(0, 10);
}

function dayOf(first: string, day: number): string {
  return `${first.slice(0, 8)}${String(day).padStart(2, '0')}`;
}

interface Purchase {
  supplierId: string;
  productIds: string[];
  /** A price per pack other than the agreement or listing price, and why. */
  manual?: { packPrice: string; reason: string };
}

/**
 * Plays the awarded round's execution and one settled month through the application services:
 * for each month from the agreements' start, Nanjing hospitals order their winning products at
 * the agreement price (and one product at its listing price), suppliers deliver, hospitals
 * accept (rejecting a damaged batch now and then, which the supplier replaces) and report usage.
 * The first month is then settled: statements generated, confirmed by both sides, approved by
 * three fund officers and paid. In the month after the settled one a hospital makes one
 * irregular purchase (IRREGULAR_MONTH). The clock is back on real time when this returns.
 * Returns the months played, `YYYY-MM`.
 */
export async function seedExecution(
  app: INestApplicationContext,
  clock: MovableClock,
  cast: ExecutionCast,
  catalogue: DemoCatalogue,
): Promise<string[]> {
  const orders = app.get(OrdersService);
  const listings = app.get(ListingPricesService);
  const deliveries = app.get(DeliveriesService);
  const usage = app.get(UsageService);
  const catalog = app.get(CatalogDirectory);
  const ds = app.get(DataSource);

  const people = await players(app, [...cast.hospitals, ...cast.makers, ...cast.funds]);
  const byOrg = new Map<string, Player>();
  for (const u of [...cast.hospitals, ...cast.makers]) {
    const p = people.get(u)!;
    byOrg.set(p.org.id, p);
  }
  const funds = cast.funds.map((u) => people.get(u)!.actor);

  const candidates = cast.hospitals
    .map((u) => people.get(u)!)
    .filter((p) => p.org.regionCode?.startsWith(NANJING));
  const agreements = await ds.getRepository(Agreement).find({
    where: { hospitalId: In(candidates.map((c) => c.org.id)), status: 'active' },
    order: { id: 'ASC' },
  });
  const buyers = candidates
    .filter((c) => agreements.some((a) => a.hospitalId === c.org.id))
    .slice(0, ORDERING_HOSPITALS);
  if (buyers.length === 0 || agreements.length === 0)
    throw new Error('No Nanjing hospital holds an agreement: the awarded round is missing');

  const agreed = new Set(agreements.map((a) => a.productId));
  const products = await catalog.findByIds([
    ...agreed,
    ...[...catalogue.values()].flat().filter((id) => !agreed.has(id)),
  ]);
  const listed = [...products.values()]
    .filter((p) => !agreed.has(p.id) && byOrg.has(p.manufacturerId))
    .slice(0, LISTED_PRODUCTS);

  // The irregular purchase: the first product (by id) of a generic/spec some buyer holds an
  // agreement for, made by a manufacturer with a login that won no agreement anywhere.
  const winners = new Set((await ds.getRepository(Agreement).find()).map((a) => a.supplierId));
  const agreedKeys = new Set([...agreed].map((id) => genericKey(products.get(id)!)));
  const offContract = [...products.values()]
    .filter(
      (p) =>
        byOrg.has(p.manufacturerId) &&
        !winners.has(p.manufacturerId) &&
        agreedKeys.has(genericKey(p)),
    )
    .sort((a, b) => Number(a.id) - Number(b.id))[0];
  const irregularBuyer = offContract
    ? buyers.findIndex((b) =>
        agreements.some(
          (a) =>
            a.hospitalId === b.org.id &&
            genericKey(products.get(a.productId)!) === genericKey(offContract),
        ),
      )
    : -1;

  /** Each hospital's orders: one per winning supplier, and one listed product. */
  const plan = async (h: number, month: number, day: string): Promise<Purchase[]> => {
    const own = agreements.filter((a) => a.hospitalId === buyers[h].org.id);
    const bySupplier = new Map<string, string[]>();
    for (const a of own)
      bySupplier.set(a.supplierId, [
        ...new Set([...(bySupplier.get(a.supplierId) ?? []), a.productId]),
      ]);
    const extra = listed[h % listed.length];
    const usual = [...bySupplier.entries()].map(([supplierId, productIds]) => ({
      supplierId,
      productIds,
    }));
    if (month === IRREGULAR_MONTH && h === irregularBuyer) {
      const listing = await listings.currentListing(offContract.id, buyers[h].org.regionCode!, day);
      if (!listing) throw new Error(`Demo product ${offContract.code} has no listing on ${day}`);
      return [
        ...usual,
        {
          supplierId: offContract.manufacturerId,
          productIds: [offContract.id],
          manual: {
            packPrice: roundTo(listing.packPrice.mul(IRREGULAR_MARKUP), SCALE.unitPrice),
            reason: '中选产品临时缺货，科室指定采购该品牌',
          },
        },
      ];
    }
    return [
      ...usual,
      ...(extra ? [{ supplierId: extra.manufacturerId, productIds: [extra.id] }] : []),
    ];
  };

  const packs = (h: number, month: number, i: number) =>
    String(20 + ((h * 7 + month * 3 + i * 13) % 9) * 10);

  /** The clock at 09:00 on `day`, plus `step` quarter hours: each phase moves forward only. */
  const at = (day: string, step: number) =>
    clock.set(new Date(cst(day, 9).getTime() + step * 900_000));

  /**
   * A month's orders of every buying hospital, day by day so the clock only moves forward:
   * placed on the 3rd, delivered on the 5th, accepted on the 6th (a damaged batch now and then
   * rejected and replaced on the 8th, accepted on the 9th), usage reported on the 10th.
   */
  const playMonth = async (first: string, month: number) => {
    const placed: Array<{ h: number; o: number; supplier: Player; order: OrderView }> = [];
    let step = 0;
    for (const [h, hospital] of buyers.entries())
      for (const [o, purchase] of (await plan(h, month, dayOf(first, 3))).entries()) {
        at(dayOf(first, 3), step++);
        const created = await orders.create(
          hospital.actor,
          await dto(CreateOrderRequest, {
            supplierId: purchase.supplierId,
            lines: purchase.productIds.map((productId, i) => ({
              productId,
              quantity: packs(h, month, i + o),
              ...(purchase.manual
                ? { unitPrice: purchase.manual.packPrice, priceReason: purchase.manual.reason }
                : {}),
            })),
          }),
        );
        placed.push({
          h,
          o,
          supplier: byOrg.get(purchase.supplierId)!,
          order: await orders.place(hospital.actor, created.id),
        });
      }

    const deliver = async (
      p: (typeof placed)[number],
      lines: Array<{ id: string; quantity: string }>,
    ) =>
      deliveries.record(
        p.supplier.actor,
        p.order.id,
        await dto(RecordDeliveryRequest, {
          lines: lines.map((l) => ({
            orderLineId: l.id,
            quantity: l.quantity,
            batchNumber: `B${first.slice(0, 7).replace('-', '')}${String(p.o + 1).padStart(2, '0')}`,
            expiryDate: monthStart(first, 30),
            invoiceNumber: `FP${p.order.code.slice(2)}`,
          })),
        }),
      );
    const received: Array<{ h: number; product: Product; packs: Decimal; day: string }> = [];
    const accept = async (p: (typeof placed)[number], delivery: DeliveryView, reject: boolean) => {
      await deliveries.decide(
        buyers[p.h].actor,
        delivery.id,
        await dto(AcceptanceRequest, {
          lines: delivery.lines.map((l, i) =>
            reject && i === 0
              ? { deliveryLineId: l.id, decision: 'rejected', reason: '外包装破损，整件拒收' }
              : { deliveryLineId: l.id, decision: 'accepted' },
          ),
        }),
      );
      const day = chinaDate(clock.now());
      for (const [i, l] of delivery.lines.entries())
        if (!(reject && i === 0))
          received.push({
            h: p.h,
            product: products.get(l.productId)!,
            packs: new Decimal(l.quantity),
            day,
          });
    };
    const rejects = (p: (typeof placed)[number]) => p.o === 0 && (p.h + month) % 4 === 0;

    const delivered: DeliveryView[] = [];
    step = 0;
    for (const p of placed) {
      at(dayOf(first, 5), step++);
      delivered.push(await deliver(p, p.order.lines));
    }
    step = 0;
    for (const [n, p] of placed.entries()) {
      at(dayOf(first, 6), step++);
      await accept(p, delivered[n], rejects(p));
    }
    const replaced: Array<{ p: (typeof placed)[number]; delivery: DeliveryView }> = [];
    step = 0;
    for (const p of placed.filter(rejects)) {
      at(dayOf(first, 8), step++);
      replaced.push({ p, delivery: await deliver(p, [p.order.lines[0]]) });
    }
    step = 0;
    for (const r of replaced) {
      at(dayOf(first, 9), step++);
      await accept(r.p, r.delivery, false);
    }

    // Each hospital's HIS reports what came in and what was dispensed, one batch a month.
    step = 0;
    for (const [h, hospital] of buyers.entries()) {
      const rows = new Map<string, { product: Product; packs: Decimal; day: string }>();
      for (const r of received.filter((x) => x.h === h)) {
        const key = `${r.product.id}|${r.day}`;
        const prior = rows.get(key);
        rows.set(key, { ...r, packs: prior ? prior.packs.add(r.packs) : r.packs });
      }
      at(dayOf(first, 10), step++);
      await usage.putBatch(
        hospital.actor,
        `HIS-${first.slice(0, 7).replace('-', '')}-${String(h + 1).padStart(2, '0')}`,
        await dto(UsageBatchRequest, {
          rows: [...rows.values()].map((r) => {
            const units = r.packs.mul(r.product.packSize ?? 1);
            const used = units.mul('0.6').toDecimalPlaces(0);
            return {
              productCode: r.product.code,
              date: r.day,
              purchasedQuantity: units.toFixed(0),
              usedQuantity: used.toFixed(0),
              stockQuantity: units.minus(used).toFixed(0),
            };
          }),
        }),
      );
    }
  };

  /**
   * §S3 a month's statements, settled in the month after (from the 11th, once that month's
   * deliveries are in): generated, confirmed by both sides, three reviews, paid.
   */
  const settle = async (period: string, next: string) => {
    const generation = app.get(StatementGeneration);
    const cycle = app.get(StatementCycle);
    const queries = app.get(StatementQueries);
    const payments = app.get(PaymentsService);
    at(dayOf(next, 11), 0);
    await generation.generate(funds[0], period);
    const list = await queries.list(
      funds[0],
      await dto(StatementQuery, { period, pageSize: MAX_PAGE_SIZE }),
    );
    const each = async (day: number, act: (s: (typeof list.items)[number]) => Promise<unknown>) => {
      for (const [i, s] of list.items.entries()) {
        at(dayOf(next, day), i);
        await act(s);
      }
    };
    await each(12, (s) => cycle.confirm(byOrg.get(s.hospitalId)!.actor, s.id));
    await each(13, (s) => cycle.confirm(byOrg.get(s.supplierId)!.actor, s.id));
    for (const [level, officer] of funds.entries())
      await each(14 + level, async (s) =>
        cycle.approve(officer, s.id, await dto(ReviewRequest, {})),
      );
    await each(18, async (s) =>
      payments.pay(
        funds[0],
        s.id,
        `demo-pay-${s.code}`,
        await dto(PayStatementRequest, { bankReference: `NJYB${s.code.slice(2)}` }),
      ),
    );
  };

  const start = agreements.map((a) => a.startDate).sort()[0];
  const contractMonth = monthStart(start, 0);
  const played: string[] = [];
  try {
    for (let month = 0; month < MONTHS; month++) {
      const first = monthStart(contractMonth, month);
      // Only months whose activity (to the 10th) lies in the past: the demo invents no future.
      if (cst(dayOf(first, 10), 18).getTime() > Date.now()) break;
      await playMonth(first, month);
      played.push(first.slice(0, 7));
      if (month === 1) await settle(contractMonth.slice(0, 7), first);
    }
  } finally {
    clock.reset();
  }
  return played;
}

/** Orders, deliveries, statements and what was paid, for the summary. */
export async function describeExecution(app: INestApplicationContext): Promise<string> {
  const ds = app.get(DataSource);
  const count = async (table: string, where = '') => {
    const rows = await ds.query<Array<{ n: string | number }>>(
      `SELECT COUNT(*) AS n FROM ${table} ${where}`,
    );
    return Number(rows[0].n);
  };
  const paid = await ds.query<Array<{ total: string | number | null }>>(
    `SELECT SUM(amount) AS total FROM settlement_payments WHERE status = 'paid'`,
  );
  const total = new Decimal(String(paid[0].total ?? 0)).toFixed(2);
  return (
    `${await count('purchase_orders')} orders, ${await count('deliveries')} deliveries ` +
    `(${await count('delivery_lines', "WHERE decision = 'rejected'")} lines rejected), ` +
    `${await count('settlement_statements')} statements, ` +
    `${await count('settlement_payments', "WHERE status = 'paid'")} paid for ${total} yuan.`
  );
}
