import { Injectable } from '@nestjs/common';
import { Clock } from '../../../common/clock';
import { TransactionRunner } from '../../../database/transaction-runner';
import { ListingHistory } from '../../catalog/listing-prices/listing-history.service';
import { CatalogDirectory } from '../../catalog/products/catalog-directory.service';
import { Product } from '../../catalog/products/product.entity';
import { AcceptedLines } from '../../execution/deliveries/accepted-lines.service';
import { chinaDate } from '../../execution/deliveries/domain/delivery-rules';
import { PlacedOrderLines } from '../../execution/orders/placed-order-lines.service';
import { OrganisationDirectory } from '../../identity/organisations/organisation-directory.service';
import { OpenedPrices } from '../../procurement/results/opened-prices.service';
import { insertObservations } from '../bulk/observation-writer';
import { monitoringError } from '../monitoring.errors';
import {
  ComparableBasis,
  observationOf,
  ObservationRow,
  packSizeOf,
  pricesOf,
  ProductFacts,
  unitsOf,
} from './domain/observation-rows';
import { isPeriod, nextPeriod, periodBounds } from './domain/partitions';
import { ObservationBatches } from './observation-batches.service';
import { DerivedSource } from './observation.entity';

const PAGE = 2000;
const CHINA_OFFSET_MS = 8 * 3600_000;

export interface DerivationResult {
  batchId: string;
  period: string;
  /** New observations per source; 0 everywhere for a period derived before. */
  inserted: Record<DerivedSource, number>;
  /** Source rows looked at per source. */
  seen: Record<DerivedSource, number>;
}

/** Start of a China-time month as an instant. */
function monthStart(period: string): Date {
  const [y, m] = period.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, 1) - CHINA_OFFSET_MS);
}

/**
 * §M1 derived observations: every price the system's own records hold for one month (China
 * time), read through the services the other contexts export —
 * - `purchase`: lines of orders placed that month (not cancelled), at the order's pack price;
 * - `delivery`: delivery lines accepted that month;
 * - `bid`: final bids of rounds opened that month, at the prices of the lot's latest result
 *   (stored only at the opening, so no sealed bid is ever read);
 * - `listing`: one observation per listing price per month it is valid, dated the first day of
 *   the month it is valid on.
 * Idempotent by the key (source, source_ref, observed_on): a re-run inserts only what is new.
 * Each page is its own transaction (a month can hold millions of lines); the run's batch row is
 * committed last, then the rules are told.
 */
@Injectable()
export class ObservationDerivation {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly batches: ObservationBatches,
    private readonly catalog: CatalogDirectory,
    private readonly orgs: OrganisationDirectory,
    private readonly orders: PlacedOrderLines,
    private readonly deliveries: AcceptedLines,
    private readonly opened: OpenedPrices,
    private readonly listings: ListingHistory,
  ) {}

  async derive(createdBy: string, period: string): Promise<DerivationResult> {
    if (!isPeriod(period))
      throw monitoringError(
        'OBSERVATION_PERIOD_INVALID',
        `period: must be a month YYYY-MM, got ${JSON.stringify(period)}`,
        { field: 'period' },
      );
    const now = this.clock.now();
    const batch = await this.tx.run((m) =>
      this.batches.open(m, {
        kind: 'derivation',
        source: null,
        batchKey: `derive:${period}:${now.getTime()}`,
        period,
        createdBy,
      }),
    );
    const run = new Run(this.catalog, this.orgs, this.opened);
    const from = monthStart(period);
    const to = monthStart(nextPeriod(period));
    const inserted = { purchase: 0, delivery: 0, bid: 0, listing: 0 };
    const seen = { purchase: 0, delivery: 0, bid: 0, listing: 0 };
    const write = async (source: DerivedSource, rows: ObservationRow[], looked: number) => {
      seen[source] += looked;
      if (rows.length === 0) return;
      inserted[source] += await this.tx.run((m) =>
        insertObservations(m, batch.id, rows, this.clock.now()),
      );
    };

    for (let after: string | undefined; ;) {
      const lines = await this.orders.page({ from, to, afterId: after, limit: PAGE });
      if (lines.length === 0) break;
      after = lines[lines.length - 1].orderLineId;
      await run.prepare(
        lines.map((l) => l.productId),
        lines.map((l) => l.hospitalId),
      );
      const rows = lines.flatMap((l) =>
        run.row('purchase', `order_line:${l.orderLineId}`, l.productId, l.hospitalId, {
          supplierId: l.supplierId,
          packPrice: l.unitPrice,
          packs: l.quantity,
          observedOn: chinaDate(l.placedAt),
        }),
      );
      await write('purchase', rows, lines.length);
    }

    for (let after: string | undefined; ;) {
      const lines = await this.deliveries.page({ from, to, afterId: after, limit: PAGE });
      if (lines.length === 0) break;
      after = lines[lines.length - 1].deliveryLineId;
      await run.prepare(
        lines.map((l) => l.productId),
        lines.map((l) => l.hospitalId),
      );
      const rows = lines.flatMap((l) =>
        run.row('delivery', `delivery_line:${l.deliveryLineId}`, l.productId, l.hospitalId, {
          supplierId: l.supplierId,
          packPrice: l.unitPrice,
          packs: l.quantity,
          observedOn: chinaDate(l.acceptedAt),
        }),
      );
      await write('delivery', rows, lines.length);
    }

    const bids = await this.opened.bidsOpenedBetween(from, to);
    await run.prepare(
      bids.map((b) => b.productId),
      bids.map((b) => b.organiserId),
    );
    const bidRows: ObservationRow[] = [];
    for (const b of bids) {
      const product = run.product(b.productId);
      const region = b.regionCode ?? run.regionOf(b.organiserId);
      if (!product || !region || b.unitPrice === null) continue;
      bidRows.push(
        observationOf(product, {
          source: 'bid',
          sourceRef: `bid:${b.bidId}`,
          regionCode: region,
          hospitalId: null,
          supplierId: b.supplierId,
          unitPrice: b.unitPrice,
          // The round's own conversion, exactly as the engine ranked the bid.
          comparablePrice: b.unitComparablePrice,
          quantity: null,
          observedOn: chinaDate(b.openedAt),
          referenceKind: null,
        }),
      );
    }
    await write('bid', bidRows, bids.length);

    const { first, last } = periodBounds(period);
    for (let after: string | undefined; ;) {
      const page = await this.listings.validDuring({ first, last, afterId: after, limit: PAGE });
      if (page.length === 0) break;
      after = page[page.length - 1].id;
      await run.prepare(
        page.map((l) => l.productId),
        [],
      );
      const rows: ObservationRow[] = [];
      for (const l of page) {
        const product = run.product(l.productId);
        if (!product) continue;
        const observedOn = l.validFrom > first ? l.validFrom : first;
        const prices = pricesOf(product, l.packPrice, packSizeOf(product), run.basis(product.id));
        rows.push(
          observationOf(product, {
            source: 'listing',
            sourceRef: `listing:${l.id}@${observedOn}`,
            regionCode: l.regionCode,
            hospitalId: null,
            supplierId: run.manufacturerOf(product.id),
            ...prices,
            quantity: null,
            observedOn,
            referenceKind: null,
          }),
        );
      }
      await write('listing', rows, page.length);
    }

    const total = Object.values(inserted).reduce((a, b) => a + b, 0);
    const looked = Object.values(seen).reduce((a, b) => a + b, 0);
    await this.tx.run((m) =>
      this.batches.commit(
        m,
        batch.id,
        looked,
        total,
        `derived ${period}: ${Object.entries(inserted)
          .map(([s, n]) => `${s} ${n}`)
          .join(', ')}`,
      ),
    );
    // Nothing new, nothing to evaluate.
    if (total > 0) await this.batches.committed(batch.id);
    return { batchId: batch.id, period, inserted, seen };
  }

  /** The China-time month of an instant. */
  static periodAt(now: Date): string {
    return chinaDate(now).slice(0, 7);
  }
}

/** Lookups cached for one derivation run. */
class Run {
  private readonly products = new Map<string, Product>();
  private readonly regions = new Map<string, string | null>();
  private readonly bases = new Map<string, ComparableBasis | null>();

  constructor(
    private readonly catalog: CatalogDirectory,
    private readonly orgs: OrganisationDirectory,
    private readonly opened: OpenedPrices,
  ) {}

  async prepare(productIds: string[], orgIds: string[]): Promise<void> {
    const newProducts = [...new Set(productIds)].filter((id) => !this.products.has(id));
    if (newProducts.length) {
      for (const [id, p] of await this.catalog.findByIds(newProducts)) this.products.set(id, p);
      const bases = await this.opened.comparableBases(newProducts);
      for (const id of newProducts) {
        const b = bases.get(id);
        this.bases.set(
          id,
          b
            ? { representative: b.representative, repPackSize: b.repPackSize, params: b.params }
            : null,
        );
      }
    }
    const newOrgs = [...new Set(orgIds)].filter((id) => !this.regions.has(id));
    if (newOrgs.length) {
      const found = await this.orgs.findByIds(newOrgs);
      for (const id of newOrgs) this.regions.set(id, found.get(id)?.regionCode ?? null);
    }
  }

  product(id: string): ProductFacts | undefined {
    return this.products.get(id);
  }

  manufacturerOf(productId: string): string | null {
    return this.products.get(productId)?.manufacturerId ?? null;
  }

  regionOf(orgId: string): string | null {
    return this.regions.get(orgId) ?? null;
  }

  basis(productId: string): ComparableBasis | null {
    return this.bases.get(productId) ?? null;
  }

  /** A hospital's purchase or accepted delivery, priced per pack. */
  row(
    source: 'purchase' | 'delivery',
    sourceRef: string,
    productId: string,
    hospitalId: string,
    f: {
      supplierId: string;
      packPrice: { toString(): string };
      packs: { toString(): string };
      observedOn: string;
    },
  ): ObservationRow[] {
    const product = this.product(productId);
    const region = this.regionOf(hospitalId);
    // A hospital always has a region; a product always exists: skip rather than guess.
    if (!product || !region) return [];
    const size = packSizeOf(product);
    return [
      observationOf(product, {
        source,
        sourceRef,
        regionCode: region,
        hospitalId,
        supplierId: f.supplierId,
        ...pricesOf(product, f.packPrice.toString(), size, this.basis(productId)),
        quantity: unitsOf(f.packs.toString(), size),
        observedOn: f.observedOn,
        referenceKind: null,
      }),
    ];
  }
}
