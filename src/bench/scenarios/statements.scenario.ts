import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource, EntityManager } from 'typeorm';
import { AppModule } from '../../app.module';
import { JsonLogger } from '../../common/logging/json-logger';
import { MovableClock } from '../../common/movable-clock';
import { loadConfig } from '../../config/config';
import { Decimal, roundTo } from '../../database/decimal';
import { dialectOf } from '../../database/dialect';
import { TransactionRunner } from '../../database/transaction-runner';
import { chunks } from '../../common/chunks';
import { INSERT_CHUNK } from '../../modules/catalog/imports/product-import.kinds';
import { Organisation } from '../../modules/identity/organisations/organisation.entity';
import { SYSTEM } from '../../modules/audit/audit.service';
import { periodWindow } from '../../modules/settlement/statements/domain/statement-rules';
import { Statement } from '../../modules/settlement/statements/statement.entity';
import { StatementGeneration } from '../../modules/settlement/statements/statement-generation.service';
import { StatementQueries } from '../../modules/settlement/statements/statement-queries.service';
import { loadDataset } from '../dataset';
import { planDataset } from '../domain/dataset-plan';
import { formatNumber, result, BenchResult } from '../domain/report';
import type { BenchContext, Scenario } from '../scenario';

const NAME = 'statements';
/** §N: 1 M accepted delivery lines; a tenth at `small`. */
const LINES = { small: 100_000, province: 1_000_000 } as const;
/** Every hospital buys from this many suppliers: 2,000 hospitals × 10 at province scale. */
const SUPPLIERS_PER_HOSPITAL = 10;
/** Deliveries of one order in the month, each accepted on its own day. */
const DELIVERIES_PER_ORDER = 10;
/** Order lines of one order, each delivered in every delivery. */
const ITEMS_PER_ORDER = 5;
const LINES_PER_PAIR = DELIVERIES_PER_ORDER * ITEMS_PER_ORDER;
/** Pairs whose rows one statement inserts: 100,000 delivery lines. */
const PAIRS_PER_CHUNK = 2_000;
const TARGET_RATIO = 2;
const DAY_MS = 24 * 3600_000;
const CST_MS = 8 * 3600_000;

/** The settlement period (China time) of an instant. */
function periodOf(at: Date): string {
  return new Date(at.getTime() + CST_MS).toISOString().slice(0, 7);
}

function nextPeriod(period: string): string {
  return periodOf(new Date(periodWindow(period).end.getTime() + DAY_MS));
}

async function exec<T = unknown>(
  m: EntityManager,
  sql: string,
  params: Record<string, unknown> = {},
): Promise<T> {
  const [query, values] = m.connection.driver.escapeQueryWithParameters(sql, params);
  return m.query<T>(query, values);
}

async function maxId(m: EntityManager, table: string): Promise<number> {
  const rows: Array<{ id: string | number | null }> = await m.query(
    `SELECT MAX(id) AS id FROM ${table}`,
  );
  return Number(rows[0]?.id ?? 0);
}

/** Scratch tables of the run: the generator's rows and the reference's output. */
function scratchNames(prefix: string) {
  const base = `bench_${prefix.toLowerCase()}`;
  return {
    pairs: `${base}_pairs`,
    items: `${base}_items`,
    slots: `${base}_slots`,
    totals: `${base}_totals`,
  };
}

/**
 * §N "settlement generation for 1 M accepted delivery lines ≤ 2 × one `INSERT … SELECT …
 * GROUP BY`". Bulk-loads one month of orders, deliveries and accepted lines with set-based
 * `INSERT … SELECT` from small generator tables (hospital × supplier pairs × delivery slots ×
 * order items), then times the real StatementGeneration.generate for that month against one
 * `INSERT … SELECT … GROUP BY` of the same rows into hospital × supplier totals, and checks the
 * result: statements and totals equal to the reference's, one statement's lines read back
 * (membership is by acceptance window, not copied) equal to its stored totals.
 */
export const statementsScenario: Scenario = {
  name: NAME,
  description: `generate settlement statements for 1 M accepted delivery lines (100,000 at small)`,
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const workDir = mkdtempSync(join(tmpdir(), 'jicai-bench-statements-'));
    const clock = new MovableClock();
    const scratch = scratchNames(ctx.prefix);
    let app: INestApplicationContext | null = null;
    let ds: DataSource | null = null;
    try {
      const config = loadConfig({
        DATA_DIR: workDir,
        JWT_SECRET: randomBytes(48).toString('base64url'),
        BOOTSTRAP_ADMIN_PASSWORD: `${randomBytes(18).toString('base64url')}7k`,
        QUEUE_PREFIX: `jicai-bench-${ctx.prefix.toLowerCase()}-statements`,
        LOG_LEVEL: 'warn',
        SETTLEMENT_SCOPE: 'all',
        // The scenario moves the clock past the period; no background job may act meanwhile.
        ROUND_TIMER_SECONDS: String(7 * 24 * 3600),
        RECONCILIATION_CHECK_SECONDS: String(7 * 24 * 3600),
        COMPLETION_CHECK_SECONDS: String(7 * 24 * 3600),
      });
      app = await NestFactory.createApplicationContext(AppModule.forRoot(config, { clock }), {
        logger: new JsonLogger('warn', process.stderr),
      });
      const tx = app.get(TransactionRunner);
      const source = app.get(DataSource);
      ds = source;
      const m0 = source.manager;
      const mysql = dialectOf(m0) === 'mysql';
      const concat = (...parts: string[]) =>
        mysql ? `CONCAT(${parts.join(', ')})` : parts.join(' || ');

      const lineCount = LINES[ctx.scale.name];
      const pairCount = lineCount / LINES_PER_PAIR;
      const hospitalCount = pairCount / SUPPLIERS_PER_HOSPITAL;
      const dataset = await loadDataset(
        tx,
        planDataset(ctx.prefix, {
          hospitals: hospitalCount,
          manufacturers: ctx.scale.manufacturers,
          distributors: 0,
          drugs: ITEMS_PER_ORDER * 4,
          consumables: 0,
        }),
        ctx.progress,
      );
      const orgs = await m0
        .getRepository(Organisation)
        .createQueryBuilder('o')
        .where('o.code LIKE :p', { p: `${ctx.prefix}-%` })
        .getMany();
      const byCode = (a: Organisation, b: Organisation) => a.code.localeCompare(b.code);
      const hospitals = orgs.filter((o) => o.type === 'hospital').sort(byCode);
      const suppliers = orgs.filter((o) => o.type === 'manufacturer').sort(byCode);

      // A month after every accepted line already in the database, so a long-lived database's
      // earlier runs neither share the period nor enter the reference's rows.
      const latest: Array<{ at: Date | string | null }> = await m0.query(
        `SELECT MAX(accepted_at) AS at FROM delivery_lines WHERE decision = 'accepted'`,
      );
      const raw = latest[0]?.at ?? null;
      // SQLite answers the stored UTC text, MySQL a Date.
      const lastAt =
        raw === null ? null : raw instanceof Date ? raw : new Date(`${raw.replace(' ', 'T')}Z`);
      const now = clock.now();
      const period = nextPeriod(periodOf(lastAt && lastAt > now ? lastAt : now));
      const { start, end } = periodWindow(period);

      for (const sql of [
        `CREATE TABLE ${scratch.pairs} (p INTEGER NOT NULL PRIMARY KEY, hospital_id BIGINT NOT NULL, supplier_id BIGINT NOT NULL)`,
        `CREATE TABLE ${scratch.items} (k INTEGER NOT NULL PRIMARY KEY, product_id BIGINT NOT NULL, unit_price DECIMAL(18,6) NOT NULL, quantity DECIMAL(18,3) NOT NULL, amount DECIMAL(18,2) NOT NULL)`,
        `CREATE TABLE ${scratch.slots} (j INTEGER NOT NULL PRIMARY KEY, at DATETIME(3) NOT NULL)`,
        `CREATE TABLE ${scratch.totals} (hospital_id BIGINT NOT NULL, supplier_id BIGINT NOT NULL, amount DECIMAL(18,2) NOT NULL, line_count INTEGER NOT NULL)`,
      ])
        await m0.query(sql);

      const pairs = Array.from({ length: pairCount }, (_, p) => {
        const h = p % hospitals.length;
        const t = Math.floor(p / hospitals.length);
        // Distinct suppliers per hospital: t < SUPPLIERS_PER_HOSPITAL ≤ suppliers.length.
        return { p, h: hospitals[h].id, s: suppliers[(h * 7 + t) % suppliers.length].id };
      });
      const items = Array.from({ length: ITEMS_PER_ORDER }, (_, k) => {
        const unitPrice = new Decimal(3 + ((k * 37) % 90)).div(4);
        const quantity = new Decimal(10 * (k + 1));
        return {
          k,
          productId: dataset.drugIds[k * 4],
          unitPrice,
          quantity,
          amount: new Decimal(roundTo(unitPrice.mul(quantity), 2)),
        };
      });
      const orderTotal = items.reduce(
        (sum, i) => sum.add(i.amount.mul(DELIVERIES_PER_ORDER)),
        new Decimal(0),
      );
      await tx.run(async (m) => {
        for (const chunk of chunks(pairs, INSERT_CHUNK))
          await exec(
            m,
            `INSERT INTO ${scratch.pairs} (p, hospital_id, supplier_id) VALUES ${chunk
              .map((r) => `(${r.p}, ${r.h}, ${r.s})`)
              .join(', ')}`,
          );
        for (const i of items)
          await exec(
            m,
            `INSERT INTO ${scratch.items} (k, product_id, unit_price, quantity, amount) VALUES (:k, :product, :price, :quantity, :amount)`,
            {
              k: i.k,
              product: i.productId,
              price: i.unitPrice.toFixed(6),
              quantity: i.quantity.toFixed(3),
              amount: i.amount.toFixed(2),
            },
          );
        for (let j = 0; j < DELIVERIES_PER_ORDER; j++)
          await exec(m, `INSERT INTO ${scratch.slots} (j, at) VALUES (:j, :at)`, {
            j,
            at: new Date(start.getTime() + (1 + j * 2.5) * DAY_MS),
          });
      });

      const loadStarted = performance.now();
      const base = await tx.run(async (m) => ({
        order: await maxId(m, 'purchase_orders'),
        orderLine: await maxId(m, 'purchase_order_lines'),
        delivery: await maxId(m, 'deliveries'),
        line: await maxId(m, 'delivery_lines'),
      }));
      const S = DELIVERIES_PER_ORDER;
      const K = ITEMS_PER_ORDER;
      const orderId = `${base.order} + p.p + 1`;
      const orderLineId = `${base.orderLine} + p.p * ${K} + i.k + 1`;
      const deliveryId = `${base.delivery} + p.p * ${S} + d.j + 1`;
      const common = {
        placedAt: new Date(start.getTime() + 6 * 3600_000),
        dueAt: new Date(start.getTime() + 3 * DAY_MS),
        orderDate: periodOf(start) + '-01',
        expiry: `${Number(period.slice(0, 4)) + 2}${period.slice(4)}-01`,
        total: orderTotal.toFixed(2),
        closedAt: new Date(end.getTime() - DAY_MS),
        by: `bench:${ctx.prefix}`,
      };
      for (let from = 0; from < pairCount; from += PAIRS_PER_CHUNK) {
        const range = { from, to: Math.min(from + PAIRS_PER_CHUNK, pairCount) };
        const inRange = 'p.p >= :from AND p.p < :to';
        await tx.run(async (m) => {
          await exec(
            m,
            `INSERT INTO purchase_orders (id, code, hospital_id, supplier_id, status, order_date,
               total_amount, note, placed_at, delivery_due_at, first_delivered_at, cancelled_at,
               cancel_reason, closed_at, created_by, created_at, updated_at)
             SELECT ${orderId}, ${concat(`'${ctx.prefix}-O'`, 'p.p')}, p.hospital_id, p.supplier_id,
               'delivered', :orderDate, :total, NULL, :placedAt, :dueAt, :firstAt, NULL, NULL, NULL,
               :by, :placedAt, :closedAt
             FROM ${scratch.pairs} p WHERE ${inRange}`,
            { ...common, ...range, firstAt: new Date(start.getTime() + DAY_MS) },
          );
          await exec(
            m,
            `INSERT INTO purchase_order_lines (id, order_id, line_no, product_id, quantity,
               unit_price, amount, price_source, agreement_id, listing_price_id, reference_price,
               price_reason, delivered_quantity, accepted_quantity)
             SELECT ${orderLineId}, ${orderId}, i.k + 1, i.product_id, i.quantity * ${S},
               i.unit_price, i.amount * ${S}, 'manual', NULL, NULL, i.unit_price, 'bench',
               i.quantity * ${S}, i.quantity * ${S}
             FROM ${scratch.pairs} p CROSS JOIN ${scratch.items} i WHERE ${inRange}`,
            range,
          );
          await exec(
            m,
            `INSERT INTO deliveries (id, code, order_id, hospital_id, supplier_id, delivered_at,
               recorded_by, created_at)
             SELECT ${deliveryId}, ${concat(`'${ctx.prefix}-D'`, 'p.p', `'-'`, 'd.j')}, ${orderId},
               p.hospital_id, p.supplier_id, d.at, :by, d.at
             FROM ${scratch.pairs} p CROSS JOIN ${scratch.slots} d WHERE ${inRange}`,
            { ...range, by: common.by },
          );
          await exec(
            m,
            `INSERT INTO delivery_lines (id, delivery_id, order_id, order_line_id, hospital_id,
               supplier_id, product_id, quantity, unit_price, amount, batch_number, expiry_date,
               invoice_number, decision, decided_at, decided_by, rejection_reason, accepted_at)
             SELECT ${base.line} + (p.p * ${S} + d.j) * ${K} + i.k + 1, ${deliveryId}, ${orderId},
               ${orderLineId}, p.hospital_id, p.supplier_id, i.product_id, i.quantity,
               i.unit_price, i.amount, ${concat(`'B'`, 'd.j')}, :expiry,
               ${concat(`'INV${ctx.prefix}-'`, 'p.p', `'-'`, 'd.j')}, 'accepted', d.at, :by,
               NULL, d.at
             FROM ${scratch.pairs} p CROSS JOIN ${scratch.slots} d CROSS JOIN ${scratch.items} i
             WHERE ${inRange}`,
            { ...range, by: common.by, expiry: common.expiry },
          );
        });
        ctx.progress(
          `${formatNumber(range.to * LINES_PER_PAIR)} / ${formatNumber(lineCount)} accepted delivery lines`,
        );
      }
      const loadMs = performance.now() - loadStarted;

      // The reference: one set-based pass over the same rows, run once first so both timed
      // statements find the same warm caches.
      const reference = () =>
        tx.run(async (m) => {
          await m.query(`DELETE FROM ${scratch.totals}`);
          const started = performance.now();
          await exec(
            m,
            `INSERT INTO ${scratch.totals} (hospital_id, supplier_id, amount, line_count)
             SELECT dl.hospital_id, dl.supplier_id, SUM(dl.amount), COUNT(*)
             FROM delivery_lines dl
             WHERE dl.decision = 'accepted' AND dl.accepted_at >= :start AND dl.accepted_at < :end
             GROUP BY dl.hospital_id, dl.supplier_id`,
            { start, end },
          );
          return performance.now() - started;
        });
      await reference();
      const referenceMs = await reference();
      ctx.progress(`reference INSERT … SELECT … GROUP BY in ${formatNumber(referenceMs / 1000)} s`);

      clock.set(new Date(end.getTime() + DAY_MS));
      const generation = app.get(StatementGeneration);
      const started = performance.now();
      const generated = await generation.generate(SYSTEM, period);
      const generateMs = performance.now() - started;
      ctx.progress(
        `generated ${formatNumber(generated.statementsCreated)} statements, ` +
          `${formatNumber(generated.linesAdded)} lines in ${formatNumber(generateMs / 1000)} s`,
      );

      type Sums = Array<{ n: string | number; total: string | number | null }>;
      const check = await exec<Sums>(
        m0,
        `SELECT COUNT(*) AS n, SUM(amount) AS total FROM ${scratch.totals}`,
      );
      const billed = await exec<Sums>(
        m0,
        `SELECT COUNT(*) AS n, SUM(amount) AS total FROM settlement_statements WHERE period = :period`,
        { period },
      );
      const refTotal = new Decimal(roundTo(String(check[0].total ?? 0), 2));
      const billedTotal = new Decimal(roundTo(String(billed[0].total ?? 0), 2));
      if (
        generated.linesAdded !== lineCount ||
        Number(billed[0].n) !== Number(check[0].n) ||
        !refTotal.eq(billedTotal)
      )
        throw new Error(
          `statements do not match the reference: ${generated.linesAdded} lines billed of ` +
            `${lineCount}, ${billed[0].n} statements for ${check[0].n} pairs, ` +
            `${billedTotal.toFixed(2)} billed against ${refTotal.toFixed(2)}`,
        );

      // Membership is read, not copied: one statement's lines, read back through the same
      // query its detail page uses, must add up to the totals generation stored.
      const sample = await m0
        .getRepository(Statement)
        .findOneOrFail({ where: { period }, order: { id: 'ASC' } });
      const lines = await app.get(StatementQueries).linesOf(sample);
      const linesTotal = lines.reduce((sum, l) => sum.add(l.amount), new Decimal(0));
      if (lines.length !== sample.lineCount || !linesTotal.eq(sample.amount))
        throw new Error(
          `statement ${sample.id} reads ${lines.length} lines of ${linesTotal.toFixed(2)}, ` +
            `generated with ${sample.lineCount} lines of ${sample.amount.toFixed(2)}`,
        );

      const details = {
        period,
        lines: lineCount,
        statements: generated.statementsCreated,
        hospitals: hospitals.length,
        pairs: pairCount,
        billedAmount: billedTotal.toFixed(2),
        loadMs: Math.round(loadMs),
        referenceMs: Math.round(referenceMs),
        generateMs: Math.round(generateMs),
        database: config.database.type,
      };
      return [
        result({
          scenario: NAME,
          measure: `statement generation: ${formatNumber(lineCount)} accepted lines → ${formatNumber(generated.statementsCreated)} statements`,
          measured: {
            value: generateMs / 1000,
            unit: 's',
            note: `bulk load ${formatNumber(loadMs / 1000)} s`,
          },
          reference: {
            value: referenceMs / 1000,
            unit: 's',
            label: 'one INSERT … SELECT … GROUP BY',
          },
          target: {
            on: 'ratio',
            op: '<=',
            value: TARGET_RATIO,
            source: '§N, settlement generation',
          },
          details,
        }),
      ];
    } finally {
      if (ds?.isInitialized)
        for (const table of Object.values(scratch))
          await ds.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
      if (app) await app.close();
      rmSync(workDir, { recursive: true, force: true });
    }
  },
};
