import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { canonicalJson } from '../../../common/canonical-json';
import { Clock } from '../../../common/clock';
import { duplicateKeyError } from '../../../common/errors/unique-constraints';
import { forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { CatalogDirectory } from '../../catalog/products/catalog-directory.service';
import { normaliseCode } from '../../catalog/products/domain/product-codes';
import { Product } from '../../catalog/products/product.entity';
import { OpenedPrices } from '../../procurement/results/opened-prices.service';
import { insertObservations } from '../bulk/observation-writer';
import { monitoringError } from '../monitoring.errors';
import { ExternalBatchRequest, ObservationBatchView } from './dto/observation.dto';
import { ExternalRow, parseExternalRow, SentinelRow } from './domain/import-rows';
import {
  ComparableBasis,
  genericKey,
  observationOf,
  ObservationRow,
  pricesOf,
} from './domain/observation-rows';
import { ObservationBatches } from './observation-batches.service';
import { ObservationBatch, Sentinel } from './observation.entity';

const BATCH_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** Products one lookup keeps between batches; past it, it starts afresh. */
export const PRODUCT_LOOKUP_LIMIT = 10_000;

/** Products by code with the comparable-price basis (§P5) and generic key of each, by id. */
export interface ResolvedProducts {
  byCode: Map<string, Product>;
  bases: Map<string, ComparableBasis>;
  keys: Map<string, string>;
}

/**
 * The products of one pass over a file, read once each rather than once per batch: a file of a
 * million rows names a few thousand products at most. It answers for every code it has read
 * (found or not) and keeps at most `limit` products, starting afresh past that.
 */
export class ProductLookup {
  private readonly known: ResolvedProducts = {
    byCode: new Map(),
    bases: new Map(),
    keys: new Map(),
  };
  private readonly unknown = new Set<string>();

  constructor(
    private readonly intake: ObservationIntake,
    private readonly limit = PRODUCT_LOOKUP_LIMIT,
  ) {}

  /** Products by normalised code: at least those of `codes` that exist, with their bases. */
  async resolve(codes: string[]): Promise<ResolvedProducts> {
    const wanted = new Set<string>();
    for (const code of codes) {
      const normalised = normaliseCode(code);
      if (!this.known.byCode.has(normalised) && !this.unknown.has(normalised))
        wanted.add(normalised);
    }
    if (wanted.size === 0) return this.known;
    if (this.known.byCode.size + this.unknown.size + wanted.size > this.limit) {
      this.known.byCode.clear();
      this.known.bases.clear();
      this.known.keys.clear();
      this.unknown.clear();
      // The batch's codes must all be answered, including those just forgotten.
      for (const code of codes) wanted.add(normaliseCode(code));
    }
    const found = await this.intake.resolveProducts([...wanted]);
    for (const code of wanted) {
      const product = found.byCode.get(code);
      if (product) this.known.byCode.set(code, product);
      else this.unknown.add(code);
    }
    for (const [id, basis] of found.bases) this.known.bases.set(id, basis);
    for (const [id, key] of found.keys) this.known.keys.set(id, key);
    return this.known;
  }
}

/**
 * §M1 observations reported from outside the system's own records: sentinel reports (from
 * designated hospitals and pharmacies) and external references (other regions, the national
 * monitoring price), by Excel or, for external references, by JSON batch.
 */
@Injectable()
export class ObservationIntake {
  constructor(
    @InjectRepository(Sentinel) private readonly sentinels: Repository<Sentinel>,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly catalog: CatalogDirectory,
    private readonly opened: OpenedPrices,
    private readonly batches: ObservationBatches,
    private readonly audit: AuditService,
  ) {}

  async isSentinel(orgId: string, m?: EntityManager): Promise<boolean> {
    const repo = m ? m.getRepository(Sentinel) : this.sentinels;
    return (await repo.findOneBy({ organisationId: orgId, active: true })) !== null;
  }

  /** A lookup that reads each product once over the batches of one pass over a file. */
  productLookup(): ProductLookup {
    return new ProductLookup(this);
  }

  async resolveProducts(codes: string[]): Promise<ResolvedProducts> {
    const byCode = await this.catalog.findByCodes(codes);
    const found = await this.opened.comparableBases([...byCode.values()].map((p) => p.id));
    const bases = new Map<string, ComparableBasis>();
    for (const [id, b] of found)
      bases.set(id, {
        representative: b.representative,
        repPackSize: b.repPackSize,
        params: b.params,
      });
    const keys = new Map([...byCode.values()].map((p) => [p.id, genericKey(p)]));
    return { byCode, bases, keys };
  }

  sentinelRow(
    products: ResolvedProducts,
    org: { id: string; regionCode: string },
    ref: string,
    row: SentinelRow,
  ): ObservationRow | null {
    const product = products.byCode.get(normaliseCode(row.productCode));
    if (!product) return null;
    const prices = pricesOf(product, row.unitPrice, 1, products.bases.get(product.id) ?? null);
    return observationOf(
      product,
      {
        source: 'sentinel',
        sourceRef: ref,
        regionCode: org.regionCode,
        hospitalId: org.id,
        // A sentinel reports what it paid or charges; the maker is the supplier the rules follow.
        supplierId: product.manufacturerId,
        unitPrice: prices.unitPrice,
        comparablePrice: prices.comparablePrice,
        quantity: row.quantity,
        observedOn: row.date,
        referenceKind: null,
      },
      products.keys.get(product.id),
    );
  }

  externalRow(products: ResolvedProducts, ref: string, row: ExternalRow): ObservationRow | null {
    const product = products.byCode.get(normaliseCode(row.productCode));
    if (!product) return null;
    const prices = pricesOf(product, row.unitPrice, 1, products.bases.get(product.id) ?? null);
    return observationOf(
      product,
      {
        source: 'external',
        sourceRef: ref,
        regionCode: row.regionCode,
        hospitalId: null,
        supplierId: product.manufacturerId,
        unitPrice: prices.unitPrice,
        comparablePrice: prices.comparablePrice,
        quantity: row.quantity,
        observedOn: row.date,
        referenceKind: row.referenceKind,
      },
      products.keys.get(product.id),
    );
  }

  /**
   * `POST monitoring/observations/external`: one batch of external references under the
   * client's batch id. The same id with the same rows answers the first result; with other rows
   * it is a 409. All rows or none.
   */
  async receiveExternal(actor: Actor, body: ExternalBatchRequest): Promise<ObservationBatchView> {
    if (!BATCH_ID.test(body.batchId))
      throw monitoringError(
        'OBSERVATION_BATCH_INVALID',
        `batchId: must be 1–64 letters, digits, dots, colons, dashes or underscores, got ${JSON.stringify(body.batchId)}`,
        { field: 'batchId' },
      );
    const rows: ExternalRow[] = body.rows.map((r, i) => {
      const parsed = parseExternalRow({ ...r });
      if (!parsed.ok) {
        const p = parsed.problems[0];
        const field = `rows[${i}]${p.column ? `.${p.column}` : ''}`;
        throw monitoringError('OBSERVATION_ROW_INVALID', `${field}: ${p.message}`, { field });
      }
      return parsed.value;
    });
    const products = await this.resolveProducts(rows.map((r) => r.productCode));
    const seen = new Map<string, number>();
    rows.forEach((r, i) => {
      const code = normaliseCode(r.productCode);
      if (!products.byCode.has(code))
        throw monitoringError(
          'OBSERVATION_PRODUCT_UNKNOWN',
          `rows[${i}].productCode: no product with code ${code}`,
          {
            field: `rows[${i}].productCode`,
          },
        );
      const key = `${code}|${r.referenceKind}|${r.regionCode}|${r.date}`;
      const first = seen.get(key);
      if (first !== undefined)
        throw monitoringError(
          'OBSERVATION_ROW_INVALID',
          `rows[${i}]: the same product, region and date as rows[${first}]; send one price per product, region and day`,
          { field: `rows[${i}]` },
        );
      seen.set(key, i);
    });
    const hash = createHash('sha256').update(canonicalJson(rows)).digest('hex');
    const batchKey = `api:${actor.orgId}:${body.batchId}`;
    const attempt = () =>
      this.tx.run(async (m) => {
        const existing = await forUpdate(
          m
            .getRepository(ObservationBatch)
            .createQueryBuilder('b')
            .where('b.batchKey = :k', { k: batchKey }),
        ).getOne();
        if (existing) {
          if (existing.contentHash !== hash)
            throw monitoringError(
              'OBSERVATION_BATCH_CONFLICT',
              `batchId: batch ${body.batchId} was received on ${existing.createdAt.toISOString()} with other rows; send changed rows under a new batch id`,
              { field: 'batchId' },
            );
          return { batch: existing, fresh: false };
        }
        const batch = await this.batches.open(m, {
          kind: 'api',
          source: 'external',
          batchKey,
          organisationId: actor.orgId,
          contentHash: hash,
          createdBy: actor.id,
        });
        const obs = rows.map((r, i) => this.externalRow(products, `api:${batch.id}:${i + 1}`, r)!);
        const inserted = await insertObservations(m, batch.id, obs, this.clock.now());
        await this.batches.commit(m, batch.id, rows.length, inserted);
        const committed = await m.getRepository(ObservationBatch).findOneByOrFail({ id: batch.id });
        await this.audit.record(
          m,
          actor,
          'observation_batch.received',
          { type: 'observation_batch', id: batch.id },
          {
            after: { batchKey, kind: 'api', source: 'external', rows: rows.length },
          },
        );
        return { batch: committed, fresh: true };
      });
    let outcome: { batch: ObservationBatch; fresh: boolean };
    try {
      outcome = await attempt();
    } catch (err) {
      // The same batch sent twice at once: the loser finds the winner's batch and compares.
      if (!duplicateKeyError(err)) throw err;
      outcome = await attempt();
    }
    if (outcome.fresh) await this.batches.committed(outcome.batch.id);
    return ObservationBatchView.of(outcome.batch, body.batchId);
  }
}
