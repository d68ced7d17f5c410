import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { page, Page, skipTake } from '../../../common/pagination';
import { AppConfig } from '../../../config/config';
import { APP_CONFIG } from '../../../config/config.module';
import { Decimal, roundTo, SCALE } from '../../../database/decimal';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { addDays, chinaDate } from '../../catalog/listing-prices/domain/listing-rules';
import { ListingPricesService } from '../../catalog/listing-prices/listing-prices.service';
import { ProductFamilies } from '../../catalog/products/product-families.service';
import { Product } from '../../catalog/products/product.entity';
import { AcceptedLines } from '../../execution/deliveries/accepted-lines.service';
import { twelveMonthsBefore } from '../../execution/usage/domain/usage-rules';
import { UsagePurchases } from '../../execution/usage/usage-purchases.service';
import {
  agreementProgress,
  representativeQuantity,
} from '../../execution/completion/domain/completion';
import { IdentityScope } from '../../identity/scope/identity-scope.service';
import { EffectiveAgreement } from '../../procurement/awards/agreement-directory.service';
import { LotFacts } from '../../procurement/awards/awarded-round-facts.service';
import { agreementYear, AgreementYear } from '../prepayment/domain/agreement-year';
import { settlementError } from '../settlement.errors';
import { AwardedRounds } from '../standards/awarded-rounds.service';
import {
  listingMeanBaseline,
  PreVbpBaseline,
  ReportedPurchase,
  weightedPreVbpBaseline,
} from './domain/pre-vbp-baseline';
import { DEFAULT_RETENTION_PARAMETERS, surplusRetention } from './domain/surplus-retention';
import {
  RetentionQuery,
  RetentionResultView,
  RetentionRunView,
  RunRetentionRequest,
} from './dto/retention.dto';
import { RetentionResultRow } from './retention-result.entity';

const PAGE = 5000;

/** The start of a China business date as an instant. */
const chinaMidnight = (date: string) => new Date(`${date}T00:00:00+08:00`);

interface Skip {
  hospitalId: string;
  lotId: string;
  reason: string;
}

/**
 * §S6 surplus retention (结余留用), per hospital × lot × agreement year, after the year ends.
 * Inputs and where they come from (each stored with the result):
 * - agreed quantity: Σ the hospital's agreements on the lot (annual, representative units);
 * - pre-VBP unit price (basis stored in the inputs and the explanation's first line):
 *   `reported_purchases` — the hospital's §E3 reported purchases of the lot's admitted products in
 *   the 12 months before its agreements started, each valued at its listing unit price the day
 *   before they started, Σ amount ÷ Σ quantity in representative units (see reportedBaseline);
 *   `listing_mean`, only when none was reported (or none could be priced) — the plain mean of
 *   those products' listing unit prices per representative unit the day before the agreement
 *   year, applied to the agreed quantity (quantity = agreed, amount = agreed × mean);
 * - fund payment ratio and insured share: RETENTION_REGION_RATIOS for the hospital's region or
 *   its pooling region, else RETENTION_FUND_PAYMENT_RATIO / RETENTION_INSURED_SHARE;
 * - fund spending: until statements carry the fund's share, the hospital's accepted delivery
 *   lines of the lot's winning products in the year, amount × fund payment ratio (rounded once
 *   per product); quantities converted to representative units (§E4);
 * - completion score: the §E4 completion rate at the year's last day × 100, at most 100.
 * A result is computed once; a re-run answers the stored one.
 */
@Injectable()
export class RetentionService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly rounds: AwardedRounds,
    private readonly scope: IdentityScope,
    private readonly listings: ListingPricesService,
    private readonly accepted: AcceptedLines,
    private readonly usage: UsagePurchases,
    private readonly products: ProductFamilies,
    @InjectRepository(RetentionResultRow)
    private readonly results: Repository<RetentionResultRow>,
  ) {}

  async run(actor: Actor, body: RunRetentionRequest): Promise<RetentionRunView> {
    const outcome = await this.tx.run(async (m) => {
      const round = await this.rounds.awarded(m, body.roundId);
      const agreements = await this.rounds.agreements(m, round.id, actor);
      const groups = new Map<string, EffectiveAgreement[]>();
      for (const a of agreements) {
        const key = `${a.hospitalId}:${a.lotId}`;
        groups.set(key, [...(groups.get(key) ?? []), a]);
      }
      const lots = new Map((await this.rounds.lots(m, round.id)).map((l) => [l.id, l]));
      const allOfRound = await this.rounds.agreements(m, round.id, null);
      const regions = await this.rounds.regionsOf(m, [
        ...new Set(agreements.map((a) => a.hospitalId)),
      ]);
      const today = chinaDate(this.clock.now());
      const existing = new Map(
        (
          await m
            .getRepository(RetentionResultRow)
            .findBy({ roundId: round.id, agreementYear: body.agreementYear })
        ).map((r) => [`${r.hospitalId}:${r.lotId}`, r]),
      );
      const items: RetentionResultRow[] = [];
      const skipped: Skip[] = [];
      let created = 0;
      let yearFound = false;
      for (const [key, own] of groups) {
        const { hospitalId, lotId } = own[0];
        const start = own.map((a) => a.startDate).sort()[0];
        const end = own.map((a) => a.endDate).sort()[own.length - 1];
        const span = agreementYear(start, end, body.agreementYear);
        if (!span) continue;
        yearFound = true;
        if (today <= span.end)
          throw settlementError(
            'RETENTION_YEAR_NOT_OVER',
            `agreementYear: year ${body.agreementYear} of round ${round.code} runs until ${span.end}; retention is computed after it`,
            { field: 'agreementYear', yearEnd: span.end },
          );
        const done = existing.get(key);
        if (done) {
          items.push(done);
          continue;
        }
        const region = regions.get(hospitalId);
        const lot = lots.get(lotId)!;
        const winners = [
          ...new Set(allOfRound.filter((a) => a.lotId === lotId).map((a) => a.productId)),
        ];
        const computed = region
          ? await this.compute(m, actor, {
              roundId: round.id,
              lot,
              hospitalId,
              own,
              span,
              region,
              winners,
            })
          : { skip: 'the hospital has no region' };
        if ('skip' in computed) skipped.push({ hospitalId, lotId, reason: computed.skip });
        else {
          items.push(computed.row);
          created++;
        }
      }
      if (groups.size > 0 && !yearFound)
        throw settlementError(
          'AGREEMENT_YEAR_INVALID',
          `agreementYear: round ${round.code}'s agreements have no year ${body.agreementYear}`,
          { field: 'agreementYear' },
        );
      return { items, skipped, created };
    });
    return {
      created: outcome.created,
      existing: outcome.items.length - outcome.created,
      items: outcome.items.map(view),
      skipped: outcome.skipped,
    };
  }

  async list(actor: Actor, query: RetentionQuery): Promise<Page<RetentionResultView>> {
    const qb = this.results.createQueryBuilder('r');
    this.scope.restrictByOrganisationColumn(qb, actor, 'r.hospitalId');
    if (query.roundId) qb.andWhere('r.roundId = :roundId', { roundId: query.roundId });
    if (query.hospitalId) qb.andWhere('r.hospitalId = :hid', { hid: query.hospitalId });
    if (query.lotId) qb.andWhere('r.lotId = :lotId', { lotId: query.lotId });
    if (query.agreementYear) qb.andWhere('r.agreementYear = :year', { year: query.agreementYear });
    qb.orderBy('r.id', query.order === 'desc' ? 'DESC' : 'ASC');
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    return page(rows.map(view), total, query);
  }

  private async compute(
    m: EntityManager,
    actor: Actor,
    input: {
      roundId: string;
      lot: LotFacts;
      hospitalId: string;
      own: EffectiveAgreement[];
      span: AgreementYear;
      region: { regionCode: string; poolingRegion: string };
      winners: string[];
    },
  ): Promise<{ row: RetentionResultRow } | { skip: string }> {
    const { lot, span, region } = input;
    const rep = { strength: lot.repStrength.toFixed(), strengthUnit: lot.repStrengthUnit };
    const agreed = Decimal.sum(0, ...input.own.map((a) => a.agreedQuantity));
    if (agreed.isZero()) return { skip: 'the agreed quantity is 0' };

    const specIds = lot.admittedProductIds;
    const products = new Map(
      (await this.products.byIds([...specIds, ...input.winners], m)).map((p) => [p.id, p]),
    );
    const perRep = (p: Product | undefined): Decimal | null => {
      if (!p || p.strength === null || !p.strengthUnit) return null;
      const q = representativeQuantity(
        '1',
        { strength: p.strength.toFixed(), strengthUnit: p.strengthUnit },
        rep,
      );
      return q === null || new Decimal(q).isZero() ? null : new Decimal(q);
    };

    const agreementStart = input.own.map((a) => a.startDate).sort()[0];
    const reported = await this.reportedBaseline(m, {
      hospitalId: input.hospitalId,
      regionCode: region.regionCode,
      agreementStart,
      specIds,
      perRep: (id) => perRep(products.get(id)),
    });
    let baseline: PreVbpBaseline;
    let baselineInputs: Record<string, unknown>;
    if (reported.baseline) {
      baseline = reported.baseline;
      baselineInputs = reported.inputs;
    } else {
      const baselineDay = addDays(span.start, -1);
      const prices: Array<{
        productId: string;
        unitPrice: string;
        repUnits: string;
        repUnitPrice: Decimal;
      }> = [];
      for (const id of specIds) {
        const listing = await this.listings.currentListing(id, region.regionCode, baselineDay, m);
        const units = perRep(products.get(id));
        if (!listing || !units) continue;
        prices.push({
          productId: id,
          unitPrice: listing.unitPrice.toFixed(6),
          repUnits: units.toFixed(),
          repUnitPrice: listing.unitPrice.div(units),
        });
      }
      if (prices.length === 0)
        return {
          skip: `no listing price of the lot's products on ${baselineDay} for the pre-VBP baseline`,
        };
      baseline = listingMeanBaseline(
        roundTo(agreed, SCALE.quantity),
        prices.map((p) => p.repUnitPrice),
      );
      baselineInputs = {
        basis: baseline.basis,
        source: 'listing prices, plain mean per representative unit',
        // Why the fallback: what the reported purchases came to.
        reason: reported.reason,
        date: baselineDay,
        regionCode: region.regionCode,
        prices: prices.map((p) => ({
          productId: p.productId,
          unitPrice: p.unitPrice,
          representativeUnitsPerUnit: p.repUnits,
          perRepresentativeUnit: roundTo(p.repUnitPrice, SCALE.unitPrice),
        })),
        mean: roundTo(
          Decimal.sum(0, ...prices.map((p) => p.repUnitPrice)).div(prices.length),
          SCALE.unitPrice,
        ),
      };
    }
    const preVbp = { quantity: baseline.quantity, amount: baseline.amount };

    const ratios = this.config.retention.regions[region.regionCode] ??
      this.config.retention.regions[region.poolingRegion] ?? {
        fundPaymentRatio: this.config.retention.fundPaymentRatio,
        insuredShare: this.config.retention.insuredShare,
      };
    const ratioSource = this.config.retention.regions[region.regionCode]
      ? `RETENTION_REGION_RATIOS ${region.regionCode}`
      : this.config.retention.regions[region.poolingRegion]
        ? `RETENTION_REGION_RATIOS ${region.poolingRegion}`
        : 'defaults';

    const bought = new Map<string, { packs: Decimal; amount: Decimal }>();
    const winners = new Set(input.winners);
    let afterId: string | undefined;
    for (;;) {
      const lines = await this.accepted.page(
        {
          from: chinaMidnight(span.start),
          to: chinaMidnight(addDays(span.end, 1)),
          hospitalId: input.hospitalId,
          afterId,
          limit: PAGE,
        },
        m,
      );
      for (const l of lines) {
        if (!winners.has(l.productId)) continue;
        const b = bought.get(l.productId) ?? { packs: new Decimal(0), amount: new Decimal(0) };
        bought.set(l.productId, {
          packs: b.packs.plus(l.quantity),
          amount: b.amount.plus(l.amount),
        });
      }
      if (lines.length < PAGE) break;
      afterId = lines[lines.length - 1].deliveryLineId;
    }
    const purchases: Array<{ productId: string; quantity: string; fundSpending: string }> = [];
    const purchaseInputs: Record<string, unknown>[] = [];
    for (const [productId, b] of [...bought].sort(([a], [c]) => (a < c ? -1 : 1))) {
      const product = products.get(productId);
      const units = perRep(product);
      if (!product?.packSize || !units)
        return {
          skip: `product ${productId}'s pack or strength cannot be converted to representative units`,
        };
      const repQuantity = roundTo(b.packs.times(product.packSize).times(units), SCALE.quantity);
      const fundSpending = roundTo(b.amount.times(ratios.fundPaymentRatio), SCALE.amount);
      purchases.push({ productId, quantity: repQuantity, fundSpending });
      purchaseInputs.push({
        productId,
        packs: roundTo(b.packs, SCALE.quantity),
        packSize: product.packSize,
        representativeUnitsPerUnit: units.toFixed(),
        amount: roundTo(b.amount, SCALE.amount),
        fundSpending: `${roundTo(b.amount, SCALE.amount)} × ${ratios.fundPaymentRatio} = ${fundSpending}`,
      });
    }
    const purchased = Decimal.sum(0, ...purchases.map((p) => p.quantity));
    const progress = agreementProgress(
      {
        agreedQuantity: roundTo(agreed, SCALE.quantity),
        purchasedQuantity: roundTo(purchased, SCALE.quantity),
        startDate: span.start,
        endDate: span.end,
      },
      span.end,
    );
    const score = roundTo(Decimal.min(1, progress.completionRate!).times(100), 2);
    const params = {
      ...DEFAULT_RETENTION_PARAMETERS,
      requireCompletion: this.config.retention.requireCompletion,
    };
    const result = surplusRetention(
      {
        agreedQuantity: roundTo(agreed, SCALE.quantity),
        preVbp,
        fundPaymentRatio: ratios.fundPaymentRatio,
        insuredShare: ratios.insuredShare,
        purchases,
        completionScore: score,
      },
      params,
    );
    const inputs = {
      baseline: baselineInputs,
      ratios: { ...ratios, source: ratioSource },
      spendingSource: 'accepted delivery lines × fund payment ratio',
      purchases: purchaseInputs,
      completion: {
        completionRate: progress.completionRate,
        asOf: span.end,
        score: `min(1, ${progress.completionRate}) × 100 = ${score}`,
      },
      requireCompletion: params.requireCompletion,
    };
    const repo = m.getRepository(RetentionResultRow);
    const row = await repo.save(
      repo.create({
        roundId: input.roundId,
        lotId: lot.id,
        hospitalId: input.hospitalId,
        agreementYear: span.year,
        yearStart: span.start,
        yearEnd: span.end,
        agreedQuantity: agreed,
        preVbpUnitPrice: new Decimal(result.preVbpUnitPrice),
        fundPaymentRatio: new Decimal(ratios.fundPaymentRatio),
        insuredShare: new Decimal(ratios.insuredShare),
        completionScore: new Decimal(score),
        budget: new Decimal(result.budget),
        fundSpending: new Decimal(result.fundSpending),
        countedSpending: new Decimal(result.countedSpending),
        surplus: new Decimal(result.surplus),
        completed: result.completed,
        grade: result.grade,
        retainedShare: new Decimal(result.retainedShare),
        retained: new Decimal(result.retained),
        inputsJson: JSON.stringify(inputs),
        explanationJson: JSON.stringify([
          {
            key: 'pre_vbp_basis',
            value: baseline.basis,
            formula:
              baseline.basis === 'reported_purchases'
                ? `Σ amount ÷ Σ quantity of the purchases reported ${String(baselineInputs.from)} to ${String(baselineInputs.to)}, valued at their listing unit prices on ${String(baselineInputs.priceDate)}`
                : `mean listing price per representative unit on ${String(baselineInputs.date)} (${String(baselineInputs.reason)})`,
          },
          ...result.explanation,
        ]),
        computedBy: actor.kind === 'user' ? actor.id : null,
        computedAt: this.clock.now(),
      }),
    );
    await this.audit.record(
      m,
      actor,
      'retention.computed',
      { type: 'retention_result', id: row.id },
      {
        after: {
          hospitalId: row.hospitalId,
          lotId: row.lotId,
          agreementYear: row.agreementYear,
          budget: result.budget,
          surplus: result.surplus,
          grade: result.grade,
          retained: result.retained,
        },
      },
    );
    return { row };
  }

  /**
   * The weighted pre-VBP baseline from the hospital's §E3 reported purchases of the lot's
   * admitted products in the 12 months before its agreements started. Usage reports carry
   * quantities, not prices, so each product's quantity is valued at its listing unit price in the
   * hospital's region the day before the agreements started: the price a hospital paid on the
   * platform before VBP. Products that cannot be priced or converted to representative units are
   * left out and listed. Null baseline (with the reason) when nothing countable was reported.
   */
  private async reportedBaseline(
    m: EntityManager,
    input: {
      hospitalId: string;
      regionCode: string;
      agreementStart: string;
      specIds: string[];
      perRep: (productId: string) => Decimal | null;
    },
  ): Promise<
    | { baseline: PreVbpBaseline; inputs: Record<string, unknown> }
    | { baseline: null; reason: string }
  > {
    const window = twelveMonthsBefore(input.agreementStart);
    const last = dayBefore(window.to);
    const reported = await this.usage.purchasedByProduct(
      input.hospitalId,
      input.specIds,
      window,
      m,
    );
    if (reported.size === 0)
      return {
        baseline: null,
        reason: `no purchase of the lot's products reported from ${window.from} to ${last}`,
      };
    const priceDate = dayBefore(input.agreementStart);
    const purchases: ReportedPurchase[] = [];
    const excluded: Array<{ productId: string; quantity: string; reason: string }> = [];
    for (const [productId, quantity] of [...reported].sort(
      ([a], [b]) => a.length - b.length || (a < b ? -1 : 1),
    )) {
      const units = input.perRep(productId);
      const listing = await this.listings.currentListing(productId, input.regionCode, priceDate, m);
      if (!units)
        excluded.push({
          productId,
          quantity,
          reason: 'strength not comparable with the representative spec',
        });
      else if (!listing)
        excluded.push({ productId, quantity, reason: `no listing price on ${priceDate}` });
      else
        purchases.push({
          productId,
          quantity,
          unitPrice: listing.unitPrice.toFixed(SCALE.unitPrice),
          representativeUnitsPerUnit: units.toFixed(),
        });
    }
    const baseline = weightedPreVbpBaseline(purchases);
    if (!baseline)
      return {
        baseline: null,
        reason: `the purchases reported from ${window.from} to ${last} could not be priced or converted`,
      };
    return {
      baseline,
      inputs: {
        basis: baseline.basis,
        source: 'reported purchases (§E3) × listing unit prices, weighted by quantity',
        from: window.from,
        to: last,
        priceDate,
        regionCode: input.regionCode,
        purchases: baseline.lines.map((l) => ({
          ...l,
          representativeUnitsPerUnit: purchases.find((p) => p.productId === l.productId)!
            .representativeUnitsPerUnit,
        })),
        excluded,
        quantity: baseline.quantity,
        amount: baseline.amount,
        weightedAverage: baseline.unitPrice,
      },
    };
  }
}

/** The business date before `date` (YYYY-MM-DD). */
function dayBefore(date: string): string {
  return addDays(date, -1);
}

function view(r: RetentionResultRow): RetentionResultView {
  return {
    id: r.id,
    roundId: r.roundId,
    lotId: r.lotId,
    hospitalId: r.hospitalId,
    agreementYear: r.agreementYear,
    yearStart: r.yearStart,
    yearEnd: r.yearEnd,
    agreedQuantity: r.agreedQuantity.toFixed(3),
    preVbpUnitPrice: r.preVbpUnitPrice.toFixed(6),
    fundPaymentRatio: r.fundPaymentRatio.toFixed(),
    insuredShare: r.insuredShare.toFixed(),
    completionScore: r.completionScore.toFixed(),
    budget: r.budget.toFixed(2),
    fundSpending: r.fundSpending.toFixed(2),
    countedSpending: r.countedSpending.toFixed(2),
    surplus: r.surplus.toFixed(2),
    completed: r.completed,
    grade: r.grade,
    retainedShare: r.retainedShare.toFixed(),
    retained: r.retained.toFixed(2),
    inputs: JSON.parse(r.inputsJson) as Record<string, unknown>,
    explanation: JSON.parse(r.explanationJson) as RetentionResultView['explanation'],
    computedAt: r.computedAt.toISOString(),
  };
}
