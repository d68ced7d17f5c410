import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { Actor, regionInScope } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { DomainError } from '../../../common/errors/domain-error';
import { registerUniqueConstraint } from '../../../common/errors/unique-constraints';
import { page, Page, skipTake } from '../../../common/pagination';
import { Decimal, roundTo, SCALE } from '../../../database/decimal';
import { forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService, SYSTEM } from '../../audit/audit.service';
import { addDays, isBusinessDate } from '../../catalog/listing-prices/domain/listing-rules';
import { ListingPricesService } from '../../catalog/listing-prices/listing-prices.service';
import { ProductFamilies } from '../../catalog/products/product-families.service';
import { Product } from '../../catalog/products/product.entity';
import { RegionTree } from '../../identity/regions/region-tree.service';
import { EffectiveAgreement } from '../../procurement/awards/agreement-directory.service';
import { LotFacts } from '../../procurement/awards/awarded-round-facts.service';
import { strengthInBase } from '../../procurement/selection/domain/unit-price';
import { settlementError } from '../settlement.errors';
import { AwardedRounds } from './awarded-rounds.service';
import {
  DEFAULT_PAYMENT_STANDARD_PARAMETERS,
  paymentStandardsOnAward,
  planStandardPeriod,
} from './domain/payment-standards';
import {
  PaymentStandardQuery,
  PaymentStandardRunView,
  PaymentStandardView,
  SetPaymentStandardRequest,
} from './dto/payment-standard.dto';
import { PaymentStandard, PaymentStandardRun, StandardRule } from './payment-standard.entity';

registerUniqueConstraint('uq_payment_standards__product_id__region_code__current_key', {
  table: 'payment_standards',
  columns: ['product_id', 'region_code', 'current_key'],
  code: 'SETTLEMENT.STANDARD_DATE_CONFLICT',
  message: 'Another payment standard for this product, region and day was set at the same moment',
});
registerUniqueConstraint('uq_payment_standard_runs__round_id', {
  table: 'payment_standard_runs',
  columns: ['round_id'],
  code: 'SETTLEMENT.STANDARD_DATE_CONFLICT',
  message: "The round's payment standards were set at the same moment by another run",
});

const PRICE = /^\d{1,12}(\.\d{1,6})?$/;

interface NewStandard {
  productId: string;
  regionCode: string;
  unitPrice: string;
  validFrom: string;
  rule: StandardRule;
  sourceRoundId: string | null;
  sourceLotId: string | null;
  explanation: string;
}

/** What one sweep did: rounds checked, rounds whose standards it set, rounds it could not. */
export interface StandardsSweepResult {
  checked: number;
  set: string[];
  failed: Array<{ roundId: string; code: string }>;
}

interface Skipped {
  lotId: string;
  productId: string;
  regionCode: string | null;
  reason: string;
}

/**
 * Own smallest unit ÷ representative unit, by strength: a 40 mg tablet is 2 units of a 20 mg
 * representative. Prices per own unit ÷ this factor compare across strengths (§S5 basis).
 */
function basisFactor(product: Product, lot: LotFacts): Decimal | null {
  if (product.strength === null || !product.strengthUnit) return null;
  const own = strengthInBase(product.strength, product.strengthUnit);
  const rep = strengthInBase(lot.repStrength, lot.repStrengthUnit);
  if (!own || !rep || own.dimension !== rep.dimension || own.value.lte(0) || rep.value.lte(0))
    return null;
  return own.value.div(rep.value);
}

/**
 * §S5 payment standards (支付标准) per product and pooling region, with history. Set once per
 * awarded round (the award job, or the endpoint when the job was lost) for every lot with
 * winners: winners at their winning unit price; the lot's other products of the same generic —
 * its admitted specifications and the catalogue's products with the winners' generic name and
 * the lot's dosage-form class — by the ≥ 2 × rule from their previous price (their standard in
 * force the day before, else their listing price). Officers may also set one by hand.
 */
@Injectable()
export class PaymentStandardsService {
  private readonly logger = new Logger(PaymentStandardsService.name);

  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly rounds: AwardedRounds,
    private readonly listings: ListingPricesService,
    private readonly products: ProductFamilies,
    private readonly regions: RegionTree,
    @InjectRepository(PaymentStandard) private readonly standards: Repository<PaymentStandard>,
  ) {}

  /** Sets an awarded round's standards once; a second call answers the first run. */
  async setForRound(who: Actor | typeof SYSTEM, roundId: string): Promise<PaymentStandardRunView> {
    return this.tx.run(async (m) => {
      const round = await this.rounds.awarded(m, roundId);
      const done = await m.getRepository(PaymentStandardRun).findOneBy({ roundId: round.id });
      if (done) return runView(done, false);
      const validFrom = round.contractStart;
      const agreements = await this.rounds.agreements(m, round.id, null);
      const regions = await this.rounds.regionsOf(m, [
        ...new Set(agreements.map((a) => a.hospitalId)),
      ]);
      const pools = [...new Set([...regions.values()].map((r) => r.poolingRegion))].sort();
      const lots = await this.rounds.lots(m, round.id);
      const skipped: Skipped[] = [];
      let count = 0;
      for (const lot of lots) {
        const own = agreements.filter((a) => a.lotId === lot.id);
        if (own.length === 0) continue;
        const plan = await this.planLot(m, lot, own, pools, validFrom, skipped);
        for (const s of plan) {
          await this.write(m, who, { ...s, sourceRoundId: round.id, sourceLotId: lot.id });
          count++;
        }
      }
      const run = await m.getRepository(PaymentStandardRun).save({
        roundId: round.id,
        standards: count,
        skippedJson: JSON.stringify(skipped),
        ranBy: who !== SYSTEM && who.kind === 'user' ? who.id : null,
        ranAt: this.clock.now(),
      });
      await this.audit.record(
        m,
        who,
        'payment_standards.set_on_award',
        { type: 'round', id: round.id },
        { after: { standards: count, skipped: skipped.length, validFrom } },
      );
      return runView(run, true);
    });
  }

  /**
   * The award enqueues setForRound after its commit, with no outbox: a crash in between, or a job
   * that failed for good, would leave the round without standards. This sweep sets them for every
   * awarded round without a recorded run. Each round in its own transaction, so one failing round
   * does not hold back the others; setForRound locks the round, so a sweep racing the award's own
   * job waits for it and then finds its run.
   */
  async sweep(): Promise<StandardsSweepResult> {
    const rounds = await this.rounds.awardedRounds();
    const done = new Set<string>();
    for (let i = 0; i < rounds.length; i += 500) {
      const ids = rounds.slice(i, i + 500).map((r) => r.id);
      const runs = await this.standards.manager
        .getRepository(PaymentStandardRun)
        .find({ select: { roundId: true }, where: { roundId: In(ids) } });
      for (const r of runs) done.add(r.roundId);
    }
    const result: StandardsSweepResult = { checked: rounds.length, set: [], failed: [] };
    for (const round of rounds) {
      if (done.has(round.id)) continue;
      try {
        const run = await this.setForRound(SYSTEM, round.id);
        if (run.createdNow) result.set.push(round.id);
      } catch (err) {
        const code = err instanceof DomainError ? err.code : 'UNEXPECTED';
        this.logger.error(
          `Payment standards of round ${round.code} not set by the sweep: ${code}`,
          err instanceof Error ? err.stack : undefined,
        );
        result.failed.push({ roundId: round.id, code });
      }
    }
    if (result.set.length > 0)
      this.logger.log(`Payment standards set by the sweep for round(s) ${result.set.join(', ')}`);
    return result;
  }

  async setManual(actor: Actor, body: SetPaymentStandardRequest): Promise<PaymentStandardView> {
    if (!PRICE.test(body.unitPrice) || new Decimal(body.unitPrice).lte(0))
      throw settlementError(
        'STANDARD_PRICE_INVALID',
        `unitPrice: must be a decimal string greater than 0 with at most 6 decimals, got ${JSON.stringify(body.unitPrice)}`,
        { field: 'unitPrice' },
      );
    const row = await this.tx.run(async (m) => {
      const [product] = await this.products.byIds([body.productId], m);
      if (!product)
        throw settlementError(
          'STANDARD_PRODUCT_NOT_FOUND',
          `productId: no product ${body.productId}`,
          {
            field: 'productId',
          },
        );
      const region = await this.regions.find(body.regionCode, m);
      if (!region || !regionInScope(actor, region.path))
        throw settlementError(
          'STANDARD_REGION_NOT_FOUND',
          `regionCode: no region ${body.regionCode} in your scope`,
          { field: 'regionCode' },
        );
      return this.write(m, actor, {
        productId: product.id,
        regionCode: region.code,
        unitPrice: roundTo(body.unitPrice, SCALE.unitPrice),
        validFrom: body.validFrom,
        rule: 'manual',
        sourceRoundId: null,
        sourceLotId: null,
        explanation: `set by hand: ${body.reason.trim()}`,
      });
    });
    return view(row);
  }

  async list(query: PaymentStandardQuery): Promise<Page<PaymentStandardView>> {
    const qb = this.standards.createQueryBuilder('s');
    if (query.productId) qb.andWhere('s.productId = :pid', { pid: query.productId });
    if (query.regionCode) qb.andWhere('s.regionCode = :region', { region: query.regionCode });
    if (query.on !== undefined) {
      if (!isBusinessDate(query.on))
        throw settlementError(
          'STANDARD_QUERY_INVALID',
          `on: must be a date YYYY-MM-DD, got ${JSON.stringify(query.on)}`,
          { field: 'on' },
        );
      qb.andWhere("s.status = 'current'")
        .andWhere('s.validFrom <= :on', { on: query.on })
        .andWhere('(s.validTo IS NULL OR s.validTo >= :on)', { on: query.on });
    }
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    qb.orderBy('s.productId', 'ASC')
      .addOrderBy('s.regionCode', 'ASC')
      .addOrderBy('s.validFrom', direction)
      .addOrderBy('s.id', direction);
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    return page(rows.map(view), total, query);
  }

  /** The standards one lot's award sets, in every pooling region of the round. */
  private async planLot(
    m: EntityManager,
    lot: LotFacts,
    agreements: EffectiveAgreement[],
    pools: string[],
    validFrom: string,
    skipped: Skipped[],
  ): Promise<Omit<NewStandard, 'sourceRoundId' | 'sourceLotId'>[]> {
    const winning = new Map<string, Decimal>();
    for (const a of agreements) {
      const seen = winning.get(a.productId);
      if (!seen || a.unitPrice.gt(seen)) winning.set(a.productId, a.unitPrice);
    }
    const winnerProducts = await this.products.byIds([...winning.keys()], m);
    const specIds = lot.admittedProductIds;
    const generics = [...new Set(winnerProducts.map((p) => p.name))];
    const sameGeneric = await this.products.sameGeneric(generics, lot.dosageFormClass, m);
    const admitted = await this.products.byIds(specIds, m);
    const others = new Map<string, Product>();
    for (const p of [...admitted, ...sameGeneric]) if (!winning.has(p.id)) others.set(p.id, p);

    const factor = new Map<string, Decimal>();
    const winnersRep: Array<{ productId: string; unitPrice: string }> = [];
    for (const p of winnerProducts) {
      const f = basisFactor(p, lot);
      if (!f) {
        skipped.push({
          lotId: lot.id,
          productId: p.id,
          regionCode: null,
          reason: 'strength not comparable with the representative spec',
        });
        continue;
      }
      factor.set(p.id, f);
      winnersRep.push({
        productId: p.id,
        unitPrice: roundTo(winning.get(p.id)!.div(f), SCALE.unitPrice),
      });
    }
    if (winnersRep.length === 0) return [];
    for (const p of others.values()) {
      const f = basisFactor(p, lot);
      if (f) factor.set(p.id, f);
      else
        skipped.push({
          lotId: lot.id,
          productId: p.id,
          regionCode: null,
          reason: 'strength not comparable with the representative spec',
        });
    }
    const before = addDays(validFrom, -1);
    const cut = new Decimal(DEFAULT_PAYMENT_STANDARD_PARAMETERS.highPriceCut);
    const out: Omit<NewStandard, 'sourceRoundId' | 'sourceLotId'>[] = [];
    for (const region of pools) {
      const previousOwn = new Map<string, Decimal>();
      const nonWinners: Array<{ productId: string; previousPrice: string }> = [];
      for (const p of others.values()) {
        const f = factor.get(p.id);
        if (!f) continue;
        const previous = await this.previousPrice(m, p.id, region, before);
        if (!previous) {
          skipped.push({
            lotId: lot.id,
            productId: p.id,
            regionCode: region,
            reason: `no payment standard or listing price on ${before}`,
          });
          continue;
        }
        previousOwn.set(p.id, previous);
        nonWinners.push({
          productId: p.id,
          previousPrice: roundTo(previous.div(f), SCALE.unitPrice),
        });
      }
      const result = paymentStandardsOnAward(winnersRep, nonWinners);
      for (const d of result.decisions) {
        const f = factor.get(d.productId)!;
        // Back to the product's own unit, from the unrounded figure where there is one, so
        // each standard is rounded once.
        const unitPrice =
          d.rule === 'winning_price'
            ? roundTo(winning.get(d.productId)!, SCALE.unitPrice)
            : d.rule === 'high_price_cut'
              ? roundTo(
                  previousOwn.get(d.productId)!.times(new Decimal(1).minus(cut)),
                  SCALE.unitPrice,
                )
              : roundTo(new Decimal(result.highestWinningPrice).times(f), SCALE.unitPrice);
        const basis = f.eq(1) ? '' : ` (per representative unit; × ${f.toString()} per own unit)`;
        out.push({
          productId: d.productId,
          regionCode: region,
          unitPrice,
          validFrom,
          rule: d.rule,
          explanation: `${d.explanation}${basis}`.slice(0, 1000),
        });
      }
    }
    return out;
  }

  /** The product's standard in force on `day` in the region, else its listing price there. */
  private async previousPrice(
    m: EntityManager,
    productId: string,
    regionCode: string,
    day: string,
  ): Promise<Decimal | null> {
    const standard = await m
      .getRepository(PaymentStandard)
      .createQueryBuilder('s')
      .where('s.productId = :productId AND s.regionCode = :regionCode', { productId, regionCode })
      .andWhere("s.status = 'current'")
      .andWhere('s.validFrom <= :day AND (s.validTo IS NULL OR s.validTo >= :day)', { day })
      .getOne();
    if (standard) return standard.unitPrice;
    const listing = await this.listings.currentListing(productId, regionCode, day, m);
    return listing ? listing.unitPrice : null;
  }

  /** Places a standard in its product × region history (planStandardPeriod) and audits it. */
  private async write(
    m: EntityManager,
    who: Actor | typeof SYSTEM,
    s: NewStandard,
  ): Promise<PaymentStandard> {
    const repo = m.getRepository(PaymentStandard);
    const existing = await forUpdate(
      repo
        .createQueryBuilder('s')
        .where('s.productId = :productId AND s.regionCode = :regionCode', {
          productId: s.productId,
          regionCode: s.regionCode,
        })
        .andWhere("s.status = 'current'")
        .orderBy('s.id', 'ASC'),
    ).getMany();
    const plan = planStandardPeriod(
      existing.map((e) => ({ id: e.id, validFrom: e.validFrom, validTo: e.validTo })),
      s.validFrom,
    );
    if (!plan.ok)
      throw settlementError(plan.problem.code, plan.problem.message, {
        field: plan.problem.field,
        productId: s.productId,
        regionCode: s.regionCode,
      });
    if (plan.close) await repo.update({ id: plan.close.id }, { validTo: plan.close.validTo });
    if (plan.supersede)
      await repo.update({ id: plan.supersede }, { status: 'superseded', currentKey: null });
    const row = await repo.save(
      repo.create({
        ...s,
        unitPrice: new Decimal(s.unitPrice),
        validTo: null,
        status: 'current',
        currentKey: s.validFrom,
        createdBy: who !== SYSTEM && who.kind === 'user' ? who.id : null,
        createdAt: this.clock.now(),
      }),
    );
    await this.audit.record(
      m,
      who,
      'payment_standard.set',
      { type: 'payment_standard', id: row.id },
      {
        after: {
          productId: row.productId,
          regionCode: row.regionCode,
          unitPrice: s.unitPrice,
          validFrom: row.validFrom,
          rule: row.rule,
          closed: plan.close,
          superseded: plan.supersede,
        },
      },
    );
    return row;
  }
}

function view(s: PaymentStandard): PaymentStandardView {
  return {
    id: s.id,
    productId: s.productId,
    regionCode: s.regionCode,
    unitPrice: s.unitPrice.toFixed(6),
    validFrom: s.validFrom,
    validTo: s.validTo,
    rule: s.rule,
    sourceRoundId: s.sourceRoundId,
    sourceLotId: s.sourceLotId,
    explanation: s.explanation,
    status: s.status,
    createdAt: s.createdAt.toISOString(),
  };
}

function runView(run: PaymentStandardRun, createdNow: boolean): PaymentStandardRunView {
  return {
    roundId: run.roundId,
    standards: run.standards,
    skipped: JSON.parse(run.skippedJson) as Skipped[],
    ranAt: run.ranAt.toISOString(),
    createdNow,
  };
}
