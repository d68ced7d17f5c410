import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { plainToInstance } from 'class-transformer';
import { DataSource, EntityManager, EntityTarget, In, ObjectLiteral } from 'typeorm';
import { AppModule } from '../../app.module';
import { Actor } from '../../common/auth/actor';
import { JsonLogger } from '../../common/logging/json-logger';
import { MovableClock } from '../../common/movable-clock';
import { loadConfig } from '../../config/config';
import { Decimal } from '../../database/decimal';
import { TransactionRunner } from '../../database/transaction-runner';
import { chunks } from '../../common/chunks';
import { INSERT_CHUNK } from '../../modules/catalog/imports/product-import.kinds';
import { checkDrug, DrugSpec } from '../../modules/catalog/products/domain/product-rules';
import { productRow } from '../../modules/catalog/products/product-lookups';
import { Product } from '../../modules/catalog/products/product.entity';
import { Organisation } from '../../modules/identity/organisations/organisation.entity';
import { Region } from '../../modules/identity/regions/region.entity';
import { User } from '../../modules/identity/users/user.entity';
import { Agreement } from '../../modules/procurement/awards/agreement.entity';
import { BidSealer } from '../../modules/procurement/bids/bid-sealer';
import { Bid, BidVersion } from '../../modules/procurement/bids/bid.entity';
import { bidDigest } from '../../modules/procurement/bids/domain/bid-receipt';
import { DemandReport } from '../../modules/procurement/demand/demand-report.entity';
import { CreateLotRequest } from '../../modules/procurement/lots/dto/lot.dto';
import { LotsService } from '../../modules/procurement/lots/lots.service';
import { CreateRoundRequest } from '../../modules/procurement/rounds/dto/round.dto';
import { RoundWorkflow } from '../../modules/procurement/rounds/round-workflow.service';
import { RoundsService } from '../../modules/procurement/rounds/rounds.service';
import { RuleSet } from '../../modules/procurement/rule-sets/rule-set.entity';
import { loadDataset } from '../dataset';
import { BENCH_PROVINCE, drugInput, GENERIC_COUNT, planDataset } from '../domain/dataset-plan';
import { formatNumber, result, BenchResult } from '../domain/report';
import type { BenchContext, Scenario } from '../scenario';

const NAME = 'opening';
/** §N: a national-size round. */
const LOTS = 60;
const SUPPLIERS = 450;
const HOSPITALS = 770;
/** Each supplier bids on 4 … 8 lots: some 2,700 bids, 30–60 per lot. */
const LOTS_PER_SUPPLIER = [4, 5, 6, 7, 8];
const TARGET_S = 60;
const DAY_MS = 24 * 3600_000;

const pad = (n: number, width: number) => String(n).padStart(width, '0');

async function insertAll<T extends ObjectLiteral>(
  m: EntityManager,
  target: EntityTarget<T>,
  rows: T[],
): Promise<void> {
  for (const chunk of chunks(rows, INSERT_CHUNK))
    await m.createQueryBuilder().insert().into(target).values(chunk).updateEntity(false).execute();
}

function drug(prefix: string, i: number): DrugSpec {
  const checked = checkDrug(drugInput(prefix, 'R', i));
  if (!checked.ok)
    throw new Error(`generated drug ${i} breaks a rule: ${checked.problems[0].message}`);
  return checked.value;
}

/** The lots supplier `s` bids on: distinct, since 11 is prime to 60. */
function lotsOf(s: number): number[] {
  const k = LOTS_PER_SUPPLIER[s % LOTS_PER_SUPPLIER.length];
  return Array.from({ length: k }, (_, t) => (s * 7 + t * 11) % LOTS);
}

/** A pack price of 0.20 … 0.99 yuan per smallest unit, spread over suppliers and lots. */
function packPrice(s: number, lot: number, packSize: number): string {
  const unit = new Decimal(20 + ((s * 31 + lot * 17) % 80)).div(100);
  return unit.mul(packSize).toFixed(4);
}

/**
 * §N "opening a national-size round and allocating agreed volumes: < 60 s". Builds the round
 * with bulk inserts (participants, demand, bids sealed with the server's key), then times the
 * real RoundWorkflow transitions: `open` (unseal, engine, results) and `award` (allocation,
 * agreements), with a clock moved across the timeline.
 */
export const openingScenario: Scenario = {
  name: NAME,
  description: `open and award a round of ${LOTS} lots, ${SUPPLIERS} suppliers, ${formatNumber(HOSPITALS * LOTS)} demand rows`,
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const workDir = mkdtempSync(join(tmpdir(), 'jicai-bench-opening-'));
    const clock = new MovableClock();
    let app: INestApplicationContext | null = null;
    try {
      const config = loadConfig({
        DATA_DIR: workDir,
        JWT_SECRET: randomBytes(48).toString('base64url'),
        BOOTSTRAP_ADMIN_PASSWORD: `${randomBytes(18).toString('base64url')}7k`,
        QUEUE_PREFIX: `jicai-bench-${ctx.prefix.toLowerCase()}-opening`,
        LOG_LEVEL: 'warn',
        // The scenario moves the clock itself; the timer must not race it to a transition.
        ROUND_TIMER_SECONDS: String(7 * 24 * 3600),
      });
      app = await NestFactory.createApplicationContext(AppModule.forRoot(config, { clock }), {
        logger: new JsonLogger('warn', process.stderr),
      });
      const tx = app.get(TransactionRunner);
      const dataset = await loadDataset(
        tx,
        planDataset(ctx.prefix, {
          hospitals: HOSPITALS,
          manufacturers: SUPPLIERS,
          distributors: 0,
          drugs: 0,
          consumables: 0,
        }),
        ctx.progress,
      );

      const m0 = app.get(DataSource).manager;
      const admin = await m0
        .getRepository(User)
        .findOneByOrFail({ username: dataset.admin.username });
      const authority = await m0
        .getRepository(Organisation)
        .findOneByOrFail({ id: admin.organisationId });
      const province = await m0.getRepository(Region).findOneByOrFail({ code: BENCH_PROVINCE });
      const orgs = await m0
        .getRepository(Organisation)
        .createQueryBuilder('o')
        .where('o.code LIKE :p', { p: `${ctx.prefix}-%` })
        .getMany();
      const hospitals = orgs
        .filter((o) => o.type === 'hospital')
        .sort((a, b) => a.code.localeCompare(b.code));
      const suppliers = orgs
        .filter((o) => o.type === 'manufacturer')
        .sort((a, b) => a.code.localeCompare(b.code));
      const officer: Actor = {
        kind: 'user',
        id: admin.id,
        name: admin.username,
        orgId: authority.id,
        orgType: 'authority',
        roles: ['admin', 'procurement_officer'],
        scopes: [],
        regionCode: province.code,
        regionPath: province.path,
      };

      // Products: one per supplier × lot it bids on, of the lot's generic.
      const now = clock.now();
      const perGeneric = new Map<number, number>();
      const bidPlan: { s: number; lot: number; spec: DrugSpec }[] = [];
      for (let s = 0; s < SUPPLIERS; s++)
        for (const lot of lotsOf(s)) {
          const g = lot % GENERIC_COUNT;
          const n = perGeneric.get(g) ?? 0;
          perGeneric.set(g, n + 1);
          bidPlan.push({ s, lot, spec: drug(ctx.prefix, g + GENERIC_COUNT * n) });
        }
      const productIds = await tx.run(async (m) => {
        await insertAll(
          m,
          Product,
          bidPlan.map((b) => productRow({ drug: b.spec }, suppliers[b.s].id, now) as Product),
        );
        const out = new Map<string, string>();
        for (const chunk of chunks(
          bidPlan.map((b) => b.spec.code),
          INSERT_CHUNK,
        )) {
          const rows = await m.getRepository(Product).findBy({ code: In(chunk) });
          for (const r of rows) out.set(r.code, r.id);
        }
        return out;
      });
      ctx.progress(`${formatNumber(bidPlan.length)} bid products`);

      const ruleSet = await m0
        .getRepository(RuleSet)
        .findOneByOrFail({ name: 'national-batch-7', version: 1 });
      const t0 = new Date(now.getTime() + DAY_MS);
      const at = (days: number, hours = 0) =>
        new Date(t0.getTime() + days * DAY_MS + hours * 3600_000);
      const timeline = {
        demandOpensAt: at(0),
        demandClosesAt: at(10),
        biddingOpensAt: at(11),
        biddingClosesAt: at(20),
        openingAt: at(20, 1),
        publicityDays: 3,
        contractStart: at(40).toISOString().slice(0, 10),
      };
      const rounds = app.get(RoundsService);
      const lotsService = app.get(LotsService);
      const workflow = app.get(RoundWorkflow);
      const round = await rounds.create(
        officer,
        plainToInstance(CreateRoundRequest, {
          name: `基准国家集采 ${ctx.prefix}`,
          level: 'national',
          category: 'drug',
          ruleSetId: ruleSet.id,
          participants: { scope: 'hospitals', hospitalIds: hospitals.map((h) => h.id) },
          timeline: {
            ...timeline,
            demandOpensAt: timeline.demandOpensAt.toISOString(),
            demandClosesAt: timeline.demandClosesAt.toISOString(),
            biddingOpensAt: timeline.biddingOpensAt.toISOString(),
            biddingClosesAt: timeline.biddingClosesAt.toISOString(),
            openingAt: timeline.openingAt.toISOString(),
          },
        }),
      );
      const lotIds: string[] = [];
      for (let j = 0; j < LOTS; j++) {
        const own = bidPlan.filter((b) => b.lot === j);
        const rep = own[0].spec;
        const view = await lotsService.create(
          officer,
          round.id,
          plainToInstance(CreateLotRequest, {
            code: `L${pad(j + 1, 3)}`,
            name: `${rep.name} 第${j + 1}组`,
            dosageFormClass: rep.dosageFormClass,
            representative: {
              strength: rep.strength,
              strengthUnit: rep.strengthUnit,
              dosageForm: rep.dosageForm,
              packSize: rep.packSize,
            },
            maxValidUnitPrice: '20',
            admittedProductIds: own.map((b) => productIds.get(b.spec.code)!),
          }),
        );
        lotIds.push(view.id);
      }

      clock.set(at(0, 1));
      await workflow.transition(officer, round.id, 'open_demand', null);
      const demandAt = clock.now();
      await tx.run((m) =>
        insertAll(
          m,
          DemandReport,
          hospitals.flatMap((h, i) =>
            lotIds.map(
              (lotId, j) =>
                ({
                  roundId: round.id,
                  lotId,
                  hospitalId: h.id,
                  quantity: new Decimal(1000 + ((i * 37 + j * 101) % 50_000)),
                  brandProductId: null,
                  historyQuantity: null,
                  reason: null,
                  status: 'reported',
                  reviewNote: null,
                  reportedByOrgId: h.id,
                  reportedBy: `bench:${h.code}`,
                  reviewedBy: null,
                  reviewedAt: null,
                  createdAt: demandAt,
                  updatedAt: demandAt,
                }) as DemandReport,
            ),
          ),
        ),
      );
      ctx.progress(`${formatNumber(hospitals.length * LOTS)} demand rows`);
      clock.set(at(10, 1));
      await workflow.transition(officer, round.id, 'close_demand', null);
      clock.set(at(11, 1));
      await workflow.transition(officer, round.id, 'open_bidding', null);

      // The server's own sealing, under the configured BID_SEAL_KEY: the opening really decrypts.
      const sealer = new BidSealer(config);
      const regions = [...new Set(hospitals.map((h) => h.regionCode!))].sort();
      await tx.run(async (m) => {
        const bidAt = clock.now();
        const terms = bidPlan.map((b, n) => {
          const spec = b.spec;
          return {
            code: `${round.code}-B${n + 1}`,
            lotCode: `L${pad(b.lot + 1, 3)}`,
            lotId: lotIds[b.lot],
            supplierId: suppliers[b.s].id,
            productId: productIds.get(spec.code)!,
            packPrice: packPrice(b.s, b.lot, spec.packSize),
            capacity: new Decimal(200_000 + ((b.s * 13) % 20) * 50_000).toFixed(3),
            preferredRegions: [0, 1, 2].map((k) => regions[(b.s + k * 7) % regions.length]),
            submittedAt: new Date(bidAt.getTime() + n * 1000),
          };
        });
        await insertAll(
          m,
          Bid,
          terms.map(
            (t) =>
              ({
                code: t.code,
                roundId: round.id,
                lotId: t.lotId,
                supplierId: t.supplierId,
                productId: t.productId,
                status: 'active',
                currentVersion: 1,
                finalSubmittedAt: t.submittedAt,
                capacity: new Decimal(t.capacity),
                preferredRegionsJson: JSON.stringify(t.preferredRegions),
                packPrice: null,
                excludedReason: null,
                excludedBy: null,
                excludedAt: null,
                revivalAnswer: null,
                revivalAnsweredAt: null,
                createdAt: t.submittedAt,
                updatedAt: t.submittedAt,
              }) as Bid,
          ),
        );
        const bidIds = new Map<string, string>();
        for (const chunk of chunks(
          terms.map((t) => t.code),
          INSERT_CHUNK,
        )) {
          const rows = await m.getRepository(Bid).findBy({ roundId: round.id, code: In(chunk) });
          for (const r of rows) bidIds.set(r.code, r.id);
        }
        await insertAll(
          m,
          BidVersion,
          terms.map((t) => {
            const bidId = bidIds.get(t.code)!;
            const nonce = sealer.newNonce();
            return {
              bidId,
              version: 1,
              action: 'submitted',
              sealed: sealer.seal(round.id, bidId, 1, { packPrice: t.packPrice, nonce }),
              capacity: new Decimal(t.capacity),
              preferredRegionsJson: JSON.stringify(t.preferredRegions),
              digest: bidDigest({
                round: round.code,
                lot: t.lotCode,
                supplierId: t.supplierId,
                productId: t.productId,
                packPrice: t.packPrice,
                capacity: t.capacity,
                preferredRegions: t.preferredRegions,
                version: 1,
                nonce,
              }),
              submittedBy: `bench:${t.supplierId}`,
              submittedAt: t.submittedAt,
            } as BidVersion;
          }),
        );
      });
      const perLot = lotIds.map((_, j) => bidPlan.filter((b) => b.lot === j).length);
      ctx.progress(
        `${formatNumber(bidPlan.length)} sealed bids (${Math.min(...perLot)}–${Math.max(...perLot)} per lot)`,
      );

      clock.set(at(20, 2));
      let started = performance.now();
      await workflow.transition(officer, round.id, 'open', null);
      const openMs = performance.now() - started;
      ctx.progress(`opened in ${formatNumber(openMs / 1000)} s`);
      clock.set(at(21));
      await workflow.transition(officer, round.id, 'publish', null);
      clock.set(at(25));
      started = performance.now();
      await workflow.transition(officer, round.id, 'award', null);
      const awardMs = performance.now() - started;
      const agreements = await m0.getRepository(Agreement).countBy({ roundId: round.id });
      ctx.progress(
        `awarded in ${formatNumber(awardMs / 1000)} s: ${formatNumber(agreements)} agreements`,
      );

      const details = {
        lots: LOTS,
        suppliers: SUPPLIERS,
        bids: bidPlan.length,
        demandRows: hospitals.length * LOTS,
        agreements,
        openMs: Math.round(openMs),
        awardMs: Math.round(awardMs),
        database: config.database.type,
      };
      const bound = { value: TARGET_S, unit: 's', label: '§N bound' };
      return [
        result({
          scenario: NAME,
          measure: `opening: unseal ${formatNumber(bidPlan.length)} bids, select ${LOTS} lots`,
          measured: { value: openMs / 1000, unit: 's' },
          details,
        }),
        result({
          scenario: NAME,
          measure: `award: allocate ${formatNumber(hospitals.length * LOTS)} demand rows`,
          measured: {
            value: awardMs / 1000,
            unit: 's',
            note: `${formatNumber(agreements)} agreements`,
          },
          details,
        }),
        result({
          scenario: NAME,
          measure: 'opening + award of a national-size round',
          measured: { value: (openMs + awardMs) / 1000, unit: 's' },
          reference: bound,
          target: { on: 'measured', op: '<', value: TARGET_S, source: '§N, national-size round' },
          details,
        }),
      ];
    } finally {
      if (app) await app.close();
      rmSync(workDir, { recursive: true, force: true });
    }
  },
};
