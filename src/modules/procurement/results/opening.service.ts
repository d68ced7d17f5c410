import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { SYSTEM } from '../../audit/audit.service';
import { CatalogDirectory } from '../../catalog/products/catalog-directory.service';
import { Product } from '../../catalog/products/product.entity';
import { Bid } from '../bids/bid.entity';
import { BidsService } from '../bids/bids.service';
import { Lot } from '../lots/lot.entity';
import { LotsService } from '../lots/lots.service';
import { procurementError } from '../procurement.errors';
import { FrozenRuleSet, RuleSetsService } from '../rule-sets/rule-sets.service';
import { Round } from '../rounds/round.entity';
import { applyOverrides, RuleSetParameters } from '../selection/domain/rule-set';
import { ENGINE_VERSION } from '../selection/domain/select';
import { DecisionTrace, runTrace, TraceBid, traceDigest } from './domain/decision-trace';
import { LotResult, ResultCause } from './lot-result.entity';

/**
 * §P7 opening: unseal every final bid once, store the plain prices, run the engine per lot and
 * store each provisional result with its decision trace. Also re-runs a lot after an exclusion
 * or a revival answer (§P8), as a new result version.
 */
@Injectable()
export class OpeningService {
  constructor(
    private readonly clock: Clock,
    private readonly bids: BidsService,
    private readonly lots: LotsService,
    private readonly ruleSets: RuleSetsService,
    private readonly catalog: CatalogDirectory,
  ) {}

  async open(
    m: EntityManager,
    round: Round,
    who: Actor | typeof SYSTEM,
  ): Promise<Record<string, unknown>> {
    const frozen = await this.frozenRuleSet(round);
    const unsealed = await this.bids.finalBidsForOpening(m, round.id);
    await this.bids.recordOpenedPrices(m, unsealed);
    const lots = await this.lots.lotsOfRound(m, round.id);
    const products = await this.catalog.findByIds(unsealed.map((u) => u.bid.productId));
    const bidsByLot = new Map<string, Bid[]>();
    for (const u of unsealed) {
      u.bid.packPrice = u.bid.packPrice ?? null;
      const list = bidsByLot.get(u.bid.lotId) ?? [];
      list.push(u.bid);
      bidsByLot.set(u.bid.lotId, list);
    }
    let winners = 0;
    for (const lot of lots) {
      const result = await this.store(
        m,
        round,
        lot,
        frozen,
        bidsByLot.get(lot.id) ?? [],
        products,
        {
          cause: 'opening',
          note: null,
          who,
        },
      );
      winners += result.output.winners.length;
    }
    return { lots: lots.length, bidsOpened: unsealed.length, winners };
  }

  /** A new result version of one lot from the bids as they stand (exclusions, revival answers). */
  async rerun(
    m: EntityManager,
    round: Round,
    lot: Lot,
    cause: ResultCause,
    note: string | null,
    who: Actor | typeof SYSTEM,
  ): Promise<LotResult> {
    const frozen = await this.frozenRuleSet(round);
    const bids = await m.getRepository(Bid).find({
      where: { lotId: lot.id, status: 'active' },
      order: { id: 'ASC' },
    });
    const products = await this.catalog.findByIds(bids.map((b) => b.productId));
    return (await this.store(m, round, lot, frozen, bids, products, { cause, note, who })).row;
  }

  parametersOf(frozen: FrozenRuleSet, lot: Lot): RuleSetParameters {
    return lot.overridesJson
      ? applyOverrides(frozen.parameters, JSON.parse(lot.overridesJson))
      : frozen.parameters;
  }

  private async frozenRuleSet(round: Round): Promise<FrozenRuleSet> {
    const frozen = await this.ruleSets.getFrozen(round.ruleSetId);
    if (round.ruleSetSha256 !== frozen.sha256)
      throw procurementError(
        'ROUND_NOT_READY',
        `Round ${round.code} has no frozen rule set matching ${frozen.name}@${frozen.version}`,
        { ruleSetId: round.ruleSetId },
      );
    return frozen;
  }

  private async store(
    m: EntityManager,
    round: Round,
    lot: Lot,
    frozen: FrozenRuleSet,
    bids: Bid[],
    products: Map<string, Product>,
    meta: { cause: ResultCause; note: string | null; who: Actor | typeof SYSTEM },
  ): Promise<{ row: LotResult; output: DecisionTrace['output'] }> {
    const taking = bids.filter((b) => b.excludedReason === null);
    const revivalAnswers: Record<string, boolean> = {};
    for (const b of taking)
      if (b.revivalAnswer) revivalAnswers[b.code] = b.revivalAnswer === 'accepted';
    const input: Omit<DecisionTrace, 'output' | 'engineVersion'> = {
      round: { id: round.id, code: round.code },
      lot: { id: lot.id, code: lot.code },
      ruleSet: { id: frozen.id, name: frozen.name, version: frozen.version, sha256: frozen.sha256 },
      lotOverrides: lot.overridesJson ? JSON.parse(lot.overridesJson) : null,
      parameters: this.parametersOf(frozen, lot),
      lotInput: {
        maxValidUnitPrice: lot.maxValidUnitPrice.toFixed(6),
        representative: {
          strength: lot.repStrength.toFixed(),
          strengthUnit: lot.repStrengthUnit,
          dosageForm: lot.repDosageForm,
        },
        dosageFormClass: lot.dosageFormClass,
      },
      bids: taking.map((b) => traceBid(b, lot, products.get(b.productId))),
      revivalAnswers,
      excluded: bids
        .filter((b) => b.excludedReason !== null)
        .map((b) => ({ bid: b.code, reason: b.excludedReason! })),
    };
    const output = runTrace(input);
    const trace: DecisionTrace = { engineVersion: ENGINE_VERSION, ...input, output };
    const repo = m.getRepository(LotResult);
    const last = await repo.findOne({ where: { lotId: lot.id }, order: { version: 'DESC' } });
    const json = JSON.stringify(trace);
    const row = await repo.save(
      repo.create({
        roundId: round.id,
        lotId: lot.id,
        version: (last?.version ?? 0) + 1,
        engineVersion: ENGINE_VERSION,
        cause: meta.cause,
        note: meta.note,
        traceJson: json,
        traceSha256: traceDigest(trace),
        createdBy: meta.who === SYSTEM ? null : meta.who.id,
        createdAt: this.clock.now(),
      }),
    );
    return { row, output };
  }
}

/**
 * The engine's view of a bid. Consumables are bid per bidding unit, which is the representative
 * itself, so their spec is the lot's and only the pack size converts.
 */
function traceBid(bid: Bid, lot: Lot, product: Product | undefined): TraceBid {
  if (!bid.packPrice)
    throw procurementError('BID_SEAL_BROKEN', `Bid ${bid.code} has no opened price`, {
      bid: bid.code,
    });
  // A bid whose product cannot be read must stop the opening, never be priced on a guess.
  if (!product)
    throw procurementError(
      'ROUND_NOT_READY',
      `Bid ${bid.code}: product ${bid.productId} is missing`,
      {
        bid: bid.code,
      },
    );
  const drug = product.category === 'drug';
  if (drug && !(product.strength && product.strengthUnit && product.dosageForm && product.packSize))
    throw procurementError(
      'ROUND_NOT_READY',
      `Bid ${bid.code}: drug ${product.code} lacks the strength, dosage form or pack size to compare it`,
      { bid: bid.code },
    );
  return {
    id: bid.code,
    bidId: bid.id,
    productId: bid.productId,
    supplierId: bid.supplierId,
    packPrice: bid.packPrice.toFixed(4),
    packSize: product.packSize ?? lot.repPackSize,
    strength: drug ? product.strength!.toFixed() : lot.repStrength.toFixed(),
    strengthUnit: drug ? product.strengthUnit! : lot.repStrengthUnit,
    dosageForm: drug ? product.dosageForm! : lot.repDosageForm,
    submittedAt: bid.finalSubmittedAt.toISOString(),
    capacity: bid.capacity.toFixed(3),
  };
}
