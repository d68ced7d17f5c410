import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { Actor, isAuthority } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { DomainError } from '../../../common/errors/domain-error';
import {
  duplicateKeyError,
  registerUniqueConstraint,
} from '../../../common/errors/unique-constraints';
import { page, Page, skipTake } from '../../../common/pagination';
import { Decimal } from '../../../database/decimal';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { CatalogDirectory } from '../../catalog/products/catalog-directory.service';
import { Product } from '../../catalog/products/product.entity';
import { OrganisationDirectory } from '../../identity/organisations/organisation-directory.service';
import { Region } from '../../identity/regions/region.entity';
import { Lot } from '../lots/lot.entity';
import { LotsService } from '../lots/lots.service';
import { procurementError } from '../procurement.errors';
import { isBefore } from '../rounds/domain/round-state';
import { assertBiddingWindow } from '../rounds/domain/timeline';
import { Round } from '../rounds/round.entity';
import { isId, RoundsService, timelineOf } from '../rounds/rounds.service';
import { RuleSetsService } from '../rule-sets/rule-sets.service';
import { applyOverrides, RuleSetParameters } from '../selection/domain/rule-set';
import { comparablePrice } from '../selection/domain/unit-price';
import { Bid, BidAction, BidVersion } from './bid.entity';
import { BidSealer } from './bid-sealer';
import { CreditCheck } from './credit-check';
import { bidDigest, canonicalBidJson } from './domain/bid-receipt';
import { checkCapacity, checkPackPrice, checkPreferredRegions } from './domain/bid-rules';
import {
  AmendBidRequest,
  BidQuery,
  BidReceipt,
  BidSubmission,
  BidVersionView,
  BidView,
  LotBidCount,
  ReceiptVerification,
  RoundReceipt,
  SubmitBidRequest,
  VerifyReceiptRequest,
} from './dto/bid.dto';

registerUniqueConstraint('uq_bids__code', {
  table: 'bids',
  columns: ['code'],
  code: 'PROCUREMENT.BID_CODE_TAKEN',
  message: 'Another bid took this code at the same moment; try again',
});
registerUniqueConstraint('uq_bids__lot_id__supplier_id__product_id', {
  table: 'bids',
  columns: ['lot_id', 'supplier_id', 'product_id'],
  code: 'PROCUREMENT.BID_ALREADY_SUBMITTED',
  message: 'Your organisation already has a bid for this product in this lot: amend it instead',
});

/** Terms as the supplier sent them (API body or upload row), before the checks. */
export interface BidTerms {
  packPrice: string;
  capacity: string;
  preferredRegions: string[];
}

/** Terms after the checks: pack price at scale 4, capacity at scale 3, regions as given. */
export type CheckedTerms = BidTerms;

/** Field names the checks put in messages, so the API and the upload each name their own. */
export interface BidFields {
  product: string;
  packPrice: string;
  capacity: string;
  preferredRegions: string;
}

const API_FIELDS: BidFields = {
  product: 'productId',
  packPrice: 'packPrice',
  capacity: 'capacity',
  preferredRegions: 'preferredRegions',
};

/** A final bid version unsealed for the opening (§P7). */
export interface OpenedBid {
  bid: Bid;
  version: BidVersion;
  /** Scale-4 decimal string. */
  packPrice: string;
  nonce: string;
}

export interface PlacedBid {
  bid: Bid;
  /** Null when an upload row repeats the terms in force: no new version was written. */
  receipt: BidReceipt | null;
}

const IN_CHUNK = 500;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += IN_CHUNK) out.push(items.slice(i, i + IN_CHUNK));
  return out;
}

/**
 * §P4: before opening, only the bidder may read a bid. A round cancelled before it was opened
 * stays sealed for good.
 */
export function isSealed(round: Round): boolean {
  return isBefore(round.status, 'opened') || (round.status === 'cancelled' && !round.openedAt);
}

function regionsOf(json: string): string[] {
  return JSON.parse(json) as string[];
}

function sameDigest(stored: string, given: string): boolean {
  const a = Buffer.from(stored, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function notFound(ref: string): DomainError {
  return procurementError('BID_NOT_FOUND', `Bid ${ref} not found`, { id: ref });
}

/**
 * §P4 sealed bidding: submission, amendment and withdrawal inside the bidding window, receipts,
 * and reads that keep every price, rank and bidder hidden from all but the bidder until opening.
 * The Excel upload (BidImportKind) goes through the same checks and writer.
 */
@Injectable()
export class BidsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly rounds: RoundsService,
    private readonly lots: LotsService,
    private readonly ruleSets: RuleSetsService,
    private readonly catalog: CatalogDirectory,
    private readonly orgs: OrganisationDirectory,
    private readonly credit: CreditCheck,
    private readonly sealer: BidSealer,
    @InjectRepository(Bid) private readonly bids: Repository<Bid>,
    @InjectRepository(BidVersion) private readonly versions: Repository<BidVersion>,
  ) {}

  // --- writes --------------------------------------------------------------------------------

  async submit(actor: Actor, roundId: string, body: SubmitBidRequest): Promise<BidSubmission> {
    const attempt = () =>
      this.tx.run(async (m) => {
        const round = await this.rounds.lockVisible(m, actor, roundId);
        const now = this.clock.now();
        await this.assertMayBid(m, actor, round, now);
        const lot = await this.lots.lotOfRound(m, round.id, body.lotId);
        const product = await this.catalog.findById(body.productId);
        const placed = await this.placeIn(
          m,
          actor,
          round,
          { lot, product, productRef: body.productId, terms: body },
          API_FIELDS,
          now,
          'refuse',
        );
        return { round, placed };
      });
    // Bid codes are 40 random bits: a clash is as good as impossible, and a retry draws anew.
    const { round, placed } = await attempt().catch((err: unknown) => {
      if (duplicateKeyError(err)?.code === 'PROCUREMENT.BID_CODE_TAKEN') return attempt();
      throw err;
    });
    const [view] = await this.views(round, [placed.bid], await this.ownPrices(round, [placed.bid]));
    return { bid: view, receipt: placed.receipt! };
  }

  async amend(actor: Actor, bidId: string, body: AmendBidRequest): Promise<BidSubmission> {
    const { round, placed } = await this.tx.run(async (m) => {
      const { round, bid } = await this.lockOwn(m, actor, bidId);
      const now = this.clock.now();
      await this.assertMayBid(m, actor, round, now);
      if (bid.status === 'withdrawn')
        throw procurementError(
          'BID_WITHDRAWN',
          `Bid ${bid.code} was withdrawn; submit it again with POST /api/v1/procurement/rounds/${round.id}/bids`,
          { bidId: bid.id, status: bid.status },
        );
      const lot = await this.lots.lotOfRound(m, round.id, bid.lotId);
      const product = await this.catalog.findById(bid.productId);
      const { terms } = await this.checkBid(
        m,
        actor,
        round,
        lot,
        product,
        bid.productId,
        body,
        API_FIELDS,
      );
      return {
        round,
        placed: await this.writeVersion(m, actor, round, lot, bid.productId, bid, terms, now),
      };
    });
    const [view] = await this.views(round, [placed.bid], await this.ownPrices(round, [placed.bid]));
    return { bid: view, receipt: placed.receipt };
  }

  /** Withdrawal needs only the window: a credit bar or commitment does not hold a bid in. */
  async withdraw(actor: Actor, bidId: string): Promise<BidView> {
    const { round, bid } = await this.tx.run(async (m) => {
      const { round, bid } = await this.lockOwn(m, actor, bidId);
      const now = this.clock.now();
      assertBiddingWindow(round.status, timelineOf(round), now);
      if (bid.status === 'withdrawn')
        throw procurementError('BID_WITHDRAWN', `Bid ${bid.code} is already withdrawn`, {
          bidId: bid.id,
          status: bid.status,
        });
      bid.status = 'withdrawn';
      bid.currentVersion += 1;
      bid.updatedAt = now;
      await m
        .getRepository(Bid)
        .update(
          { id: bid.id },
          { status: bid.status, currentVersion: bid.currentVersion, updatedAt: now },
        );
      await m.getRepository(BidVersion).insert({
        bidId: bid.id,
        version: bid.currentVersion,
        action: 'withdrawn',
        sealed: null,
        capacity: bid.capacity,
        preferredRegionsJson: bid.preferredRegionsJson,
        digest: null,
        submittedBy: actor.id,
        submittedAt: now,
      });
      await this.audit.record(
        m,
        this.sealer.pseudonym(round.id, actor),
        'bid.withdrawn',
        { type: 'bid', id: bid.id },
        {
          after: { bidCode: bid.code, lotId: bid.lotId, version: bid.currentVersion, digest: null },
        },
      );
      return { round, bid };
    });
    const [view] = await this.views(round, [bid], await this.ownPrices(round, [bid]));
    return view;
  }

  /**
   * Round-level eligibility (§P4), checked at every submission and amendment: the bidding window
   * by the server clock (also past a deadline the timer has not acted on yet), the supplier's
   * signed integrity commitment, and no credit sanction barring it. That the caller is a supplier
   * is the role's guarantee: supplier_user exists only in manufacturers and distributors.
   */
  async assertMayBid(m: EntityManager, actor: Actor, round: Round, now: Date): Promise<void> {
    assertBiddingWindow(round.status, timelineOf(round), now);
    if (!(await this.rounds.hasCommitment(m, round.id, actor.orgId)))
      throw procurementError(
        'BID_COMMITMENT_MISSING',
        `Your organisation has not signed the integrity commitment of round ${round.code}: sign it with POST /api/v1/procurement/rounds/${round.id}/commitment first`,
        { roundId: round.id },
      );
    // A bar on all the supplier's products refuses the submission (or a whole upload) at once;
    // a bar on some products is checked per product in checkBid.
    const bar = await this.credit.biddingBar(actor.orgId, null, now);
    if (bar.barred)
      throw procurementError(
        'BID_CREDIT_BARRED',
        `A credit sanction bars your organisation from bidding${bar.reason ? `: ${bar.reason}` : ''}`,
        { reason: bar.reason, rating: bar.rating ?? null },
      );
  }

  /**
   * Product-level eligibility and the terms (§P4), each failure with its own code and the caller's
   * field name: the supplier's own product, an admitted spec of the lot, consistency evaluation
   * or originator where the lot's parameters ask for it, valid figures and regions, and a price
   * that converts to no more than the lot's maximum valid unit price.
   */
  async checkBid(
    m: EntityManager,
    actor: Actor,
    round: Round,
    lot: Lot,
    product: Product | null,
    productRef: string,
    terms: BidTerms,
    fields: BidFields,
  ): Promise<{ product: Product; terms: CheckedTerms }> {
    if (!product)
      throw procurementError(
        'BID_PRODUCT_NOT_OWNED',
        `${fields.product}: no product ${productRef}`,
        {
          field: fields.product,
        },
      );
    if (product.manufacturerId !== actor.orgId)
      throw procurementError(
        'BID_PRODUCT_NOT_OWNED',
        actor.orgType === 'distributor'
          ? `${fields.product}: product ${product.code} is held by another organisation; distributor authorisations are not recorded yet, so its holder bids it`
          : `${fields.product}: product ${product.code} is held by another organisation`,
        { field: fields.product },
      );
    const productBar = await this.credit.biddingBar(actor.orgId, product.id, this.clock.now());
    if (productBar.barred)
      throw procurementError(
        'BID_PRODUCT_SANCTIONED',
        `${fields.product}: a credit sanction suspends bidding for product ${product.code}${productBar.reason ? `: ${productBar.reason}` : ''}`,
        { field: fields.product, reason: productBar.reason, rating: productBar.rating ?? null },
      );
    if (!(await this.lots.admittedProductIds(m, lot.id)).includes(product.id))
      throw procurementError(
        'BID_SPEC_NOT_ADMITTED',
        `${fields.product}: product ${product.code} is not an admitted specification of lot ${lot.code}`,
        { field: fields.product, lotId: lot.id },
      );
    const params = await this.parametersOf(round, lot);
    if (
      product.category === 'drug' &&
      params.requireConsistencyOrOriginator &&
      !product.consistencyEvaluated &&
      !product.originator
    )
      throw procurementError(
        'BID_CONSISTENCY_REQUIRED',
        `${fields.product}: product ${product.code} has neither passed consistency evaluation nor is it the originator, which lot ${lot.code} requires`,
        { field: fields.product },
      );
    const packPrice = checkPackPrice(terms.packPrice, fields.packPrice);
    const capacity = checkCapacity(terms.capacity, fields.capacity);
    const preferredRegions = checkPreferredRegions(terms.preferredRegions, fields.preferredRegions);
    await this.assertRegionsExist(m, preferredRegions, fields.preferredRegions);
    this.assertWithinMaxPrice(lot, product, params, packPrice, fields.packPrice);
    return { product, terms: { packPrice, capacity, preferredRegions } };
  }

  /**
   * Submits a bid for (lot, product), inside `m` with the round locked: a new bid, or the next
   * version of a withdrawn one. An active bid is refused (API: amend it instead) or amended
   * (upload); an upload row repeating the terms in force writes nothing, since a new version
   * would only move the bid's tie-breaking time (§P6.5).
   */
  async placeIn(
    m: EntityManager,
    actor: Actor,
    round: Round,
    input: { lot: Lot; product: Product | null; productRef: string; terms: BidTerms },
    fields: BidFields,
    now: Date,
    onActive: 'refuse' | 'amend',
  ): Promise<PlacedBid> {
    const { lot } = input;
    const { product, terms } = await this.checkBid(
      m,
      actor,
      round,
      lot,
      input.product,
      input.productRef,
      input.terms,
      fields,
    );
    const productId = product.id;
    const existing = await m
      .getRepository(Bid)
      .findOneBy({ lotId: lot.id, supplierId: actor.orgId, productId });
    if (existing?.status === 'active') {
      if (onActive === 'refuse')
        throw procurementError(
          'BID_ALREADY_SUBMITTED',
          `${fields.product}: your bid ${existing.code} for product ${product.code} in lot ${lot.code} is active; amend it with PUT /api/v1/procurement/bids/${existing.id}`,
          { field: fields.product, bidId: existing.id, bidCode: existing.code },
        );
      if (await this.repeatsTermsInForce(m, round, existing, terms))
        return { bid: existing, receipt: null };
    }
    return this.writeVersion(m, actor, round, lot, productId, existing, terms, now);
  }

  // --- reads ---------------------------------------------------------------------------------

  /** Suppliers: their own bids, any time. Authorities: everyone's, once the round is opened. */
  async list(actor: Actor, roundId: string, query: BidQuery): Promise<Page<BidView>> {
    const round = await this.rounds.visible(actor, roundId);
    const own = !isAuthority(actor);
    if (!own && isSealed(round))
      throw procurementError(
        'BIDS_SEALED',
        `Bids of round ${round.code} are sealed until it is opened (it is ${round.status}); GET /api/v1/procurement/rounds/${round.id}/bid-counts shows how many bids each lot has`,
        { state: round.status },
      );
    const qb = this.bids
      .createQueryBuilder('b')
      .where('b.roundId = :roundId', { roundId: round.id });
    if (own) qb.andWhere('b.supplierId = :supplierId', { supplierId: actor.orgId });
    if (query.lotId) qb.andWhere('b.lotId = :lotId', { lotId: query.lotId });
    if (query.status) qb.andWhere('b.status = :status', { status: query.status });
    qb.orderBy('b.id', query.order === 'desc' ? 'DESC' : 'ASC');
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    const prices = own ? await this.ownPrices(round, rows) : openedPrices(rows);
    return page(await this.views(round, rows, prices), total, query);
  }

  /** §P4: all an officer sees before opening: active bids per lot, nothing about them. */
  async counts(actor: Actor, roundId: string): Promise<LotBidCount[]> {
    const round = await this.rounds.visible(actor, roundId);
    const lots = await this.lots.lotsOfRound(undefined, round.id);
    const rows = await this.bids
      .createQueryBuilder('b')
      .select('b.lotId', 'lotId')
      .addSelect('COUNT(*)', 'bids')
      .where('b.roundId = :roundId', { roundId: round.id })
      .andWhere("b.status = 'active'")
      .groupBy('b.lotId')
      .getRawMany<{ lotId: string | number; bids: string | number }>();
    const byLot = new Map(rows.map((r) => [String(r.lotId), Number(r.bids)]));
    return lots.map((l) => ({ lotId: l.id, lotCode: l.code, bids: byLot.get(l.id) ?? 0 }));
  }

  async get(actor: Actor, bidId: string): Promise<BidView> {
    const { round, bid } = await this.readable(actor, isId(bidId) ? { id: bidId } : null, bidId);
    const prices = isAuthority(actor) ? openedPrices([bid]) : await this.ownPrices(round, [bid]);
    const [view] = await this.views(round, [bid], prices);
    return view;
  }

  async versionsOf(actor: Actor, bidId: string): Promise<BidVersionView[]> {
    const { round, bid } = await this.readable(actor, isId(bidId) ? { id: bidId } : null, bidId);
    const rows = await this.versions.find({ where: { bidId: bid.id }, order: { version: 'ASC' } });
    // The opening unseals only what was bid in the end; earlier and withdrawn prices stay the
    // bidder's own (§P4: "the opening decrypts them once").
    const own = bid.supplierId === actor.orgId;
    const opened = (v: BidVersion) => bid.status === 'active' && v.version === bid.currentVersion;
    return rows.map((v) => ({
      version: v.version,
      action: v.action,
      packPrice:
        v.sealed && (own || opened(v))
          ? this.sealer.unseal(round.id, bid.id, v.version, v.sealed).packPrice
          : null,
      capacity: v.capacity.toFixed(3),
      preferredRegions: regionsOf(v.preferredRegionsJson),
      digest: v.digest,
      submittedAt: v.submittedAt.toISOString(),
    }));
  }

  async verify(actor: Actor, body: VerifyReceiptRequest): Promise<ReceiptVerification> {
    const { bid } = await this.readable(actor, { code: body.bidCode }, body.bidCode);
    const version = await this.versions.findOneBy({ bidId: bid.id, version: body.version });
    const valid = !!version?.digest && sameDigest(version.digest, body.digest);
    return {
      bidCode: bid.code,
      version: body.version,
      valid,
      finalVersion: bid.currentVersion,
      counted: valid && bid.status === 'active' && body.version === bid.currentVersion,
      bidStatus: bid.status,
      versionSubmittedAt: version ? version.submittedAt.toISOString() : null,
    };
  }

  /** The caller's latest receipt of each of its bids in the round, rebuilt from the sealed payload. */
  async receipts(actor: Actor, roundId: string, query: BidQuery): Promise<Page<RoundReceipt>> {
    const round = await this.rounds.visible(actor, roundId);
    const qb = this.bids
      .createQueryBuilder('b')
      .where('b.roundId = :roundId', { roundId: round.id })
      .andWhere('b.supplierId = :supplierId', { supplierId: actor.orgId });
    if (query.lotId) qb.andWhere('b.lotId = :lotId', { lotId: query.lotId });
    if (query.status) qb.andWhere('b.status = :status', { status: query.status });
    qb.orderBy('b.id', query.order === 'desc' ? 'DESC' : 'ASC');
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    const latest = new Map<string, BidVersion>();
    for (const ids of chunks(rows.map((b) => b.id))) {
      const versions = await this.versions
        .createQueryBuilder('v')
        .where('v.bidId IN (:...ids)', { ids })
        .andWhere('v.digest IS NOT NULL')
        .getMany();
      for (const v of versions) {
        const seen = latest.get(v.bidId);
        if (!seen || v.version > seen.version) latest.set(v.bidId, v);
      }
    }
    const lotCodes = await this.lotCodes(round);
    const items = rows.map((bid): RoundReceipt => {
      const v = latest.get(bid.id);
      if (!v?.sealed)
        throw procurementError('BID_SEAL_BROKEN', `Bid ${bid.code} has no sealed version`, {
          bidId: bid.id,
        });
      const sealed = this.sealer.unseal(round.id, bid.id, v.version, v.sealed);
      return {
        bidId: bid.id,
        lotId: bid.lotId,
        productId: bid.productId,
        bidStatus: bid.status,
        counted: bid.status === 'active' && v.version === bid.currentVersion,
        receipt: this.receiptOf(
          round,
          lotCodes.get(bid.lotId)!,
          bid,
          v,
          sealed.packPrice,
          sealed.nonce,
        ),
      };
    });
    return page(items, total, query);
  }

  // --- the opening (§P7) ---------------------------------------------------------------------

  /**
   * Every active bid's final version, unsealed, inside the opening's transaction. Nothing is
   * skipped: a version that does not open, or whose terms no longer hash to the digest on the
   * supplier's receipt, fails the whole opening with BID_SEAL_BROKEN.
   */
  async finalBidsForOpening(m: EntityManager, roundId: string): Promise<OpenedBid[]> {
    const round = await m.getRepository(Round).findOneByOrFail({ id: roundId });
    const bids = await m
      .getRepository(Bid)
      .find({ where: { roundId, status: 'active' }, order: { id: 'ASC' } });
    const current = await this.currentVersions(m, bids);
    const lotCodes = await this.lotCodes(round, m);
    return bids.map((bid) => {
      const version = current.get(bid.id);
      if (!version?.sealed || !version.digest)
        throw procurementError(
          'BID_SEAL_BROKEN',
          `Bid ${bid.code} has no sealed final version ${bid.currentVersion}`,
          { bidId: bid.id, version: bid.currentVersion },
        );
      const { packPrice, nonce } = this.sealer.unseal(
        roundId,
        bid.id,
        version.version,
        version.sealed,
      );
      const receipt = this.receiptOf(
        round,
        lotCodes.get(bid.lotId)!,
        bid,
        version,
        packPrice,
        nonce,
      );
      const termsMatch =
        bid.capacity.eq(version.capacity) &&
        bid.preferredRegionsJson === version.preferredRegionsJson;
      if (receipt.digest !== version.digest || !termsMatch)
        throw procurementError(
          'BID_SEAL_BROKEN',
          `Bid ${bid.code} version ${version.version} no longer matches the digest on its receipt`,
          { bidId: bid.id, version: version.version },
        );
      return { bid, version, packPrice, nonce };
    });
  }

  /** Stores the unsealed prices on the bids, a chunk of rows per UPDATE. */
  async recordOpenedPrices(m: EntityManager, rows: OpenedBid[]): Promise<void> {
    for (const chunk of chunks(rows)) {
      const params: Record<string, string> = {};
      const cases = chunk
        .map((row, i) => {
          params[`bid${i}`] = row.bid.id;
          params[`price${i}`] = row.packPrice;
          return `WHEN :bid${i} THEN :price${i}`;
        })
        .join(' ');
      await m
        .createQueryBuilder()
        .update(Bid)
        .set({ packPrice: () => `CASE id ${cases} END` })
        .where('id IN (:...ids)', { ids: chunk.map((r) => r.bid.id) })
        .setParameters(params)
        .execute();
      for (const row of chunk) row.bid.packPrice = new Decimal(row.packPrice);
    }
  }

  // --- internals -----------------------------------------------------------------------------

  /**
   * Writes the next version of a bid (the first one of a new bid) with its sealed price and
   * receipt nonce, and records it in the audit log under the bidder's pseudonym, without price.
   */
  private async writeVersion(
    m: EntityManager,
    actor: Actor,
    round: Round,
    lot: Lot,
    productId: string,
    existing: Bid | null,
    terms: CheckedTerms,
    now: Date,
  ): Promise<{ bid: Bid; receipt: BidReceipt }> {
    const repo = m.getRepository(Bid);
    const action: BidAction = existing?.status === 'active' ? 'amended' : 'submitted';
    const regionsJson = JSON.stringify(terms.preferredRegions);
    let bid: Bid;
    if (existing) {
      bid = existing;
      Object.assign(bid, {
        status: 'active',
        currentVersion: bid.currentVersion + 1,
        finalSubmittedAt: now,
        capacity: new Decimal(terms.capacity),
        preferredRegionsJson: regionsJson,
        updatedAt: now,
      });
      await repo.update(
        { id: bid.id },
        {
          status: bid.status,
          currentVersion: bid.currentVersion,
          finalSubmittedAt: now,
          capacity: bid.capacity,
          preferredRegionsJson: regionsJson,
          updatedAt: now,
        },
      );
    } else {
      bid = await repo.save(
        repo.create({
          // Opaque, not a sequence: a running number would tell a bidder how many bids came before.
          code: `${round.code}-B${randomBytes(5).toString('hex').toUpperCase()}`,
          roundId: round.id,
          lotId: lot.id,
          supplierId: actor.orgId,
          productId,
          status: 'active',
          currentVersion: 1,
          finalSubmittedAt: now,
          capacity: new Decimal(terms.capacity),
          preferredRegionsJson: regionsJson,
          packPrice: null,
          excludedReason: null,
          excludedBy: null,
          excludedAt: null,
          revivalAnswer: null,
          revivalAnsweredAt: null,
          createdAt: now,
          updatedAt: now,
        }),
      );
    }
    const nonce = this.sealer.newNonce();
    const version = repo.manager.create(BidVersion, {
      bidId: bid.id,
      version: bid.currentVersion,
      action,
      sealed: this.sealer.seal(round.id, bid.id, bid.currentVersion, {
        packPrice: terms.packPrice,
        nonce,
      }),
      capacity: new Decimal(terms.capacity),
      preferredRegionsJson: regionsJson,
      digest: null,
      submittedBy: actor.id,
      submittedAt: now,
    });
    const receipt = this.receiptOf(round, lot.code, bid, version, terms.packPrice, nonce);
    version.digest = receipt.digest;
    await m.getRepository(BidVersion).insert(version);
    await this.audit.record(
      m,
      this.sealer.pseudonym(round.id, actor),
      `bid.${action}`,
      { type: 'bid', id: bid.id },
      {
        after: {
          bidCode: bid.code,
          lotId: lot.id,
          version: version.version,
          digest: receipt.digest,
        },
      },
    );
    return { bid, receipt };
  }

  private receiptOf(
    round: Round,
    lotCode: string,
    bid: Bid,
    version: BidVersion,
    packPrice: string,
    nonce: string,
  ): BidReceipt {
    const canonical = {
      round: round.code,
      lot: lotCode,
      supplierId: bid.supplierId,
      productId: bid.productId,
      packPrice,
      capacity: version.capacity.toFixed(3),
      preferredRegions: regionsOf(version.preferredRegionsJson),
      version: version.version,
      nonce,
    };
    return {
      bidCode: bid.code,
      version: version.version,
      digest: bidDigest(canonical),
      submittedAt: version.submittedAt.toISOString(),
      nonce,
      canonical: canonicalBidJson(canonical),
    };
  }

  private async repeatsTermsInForce(
    m: EntityManager,
    round: Round,
    bid: Bid,
    terms: CheckedTerms,
  ): Promise<boolean> {
    const version = (await this.currentVersions(m, [bid])).get(bid.id);
    if (!version?.sealed) return false;
    const sealed = this.sealer.unseal(round.id, bid.id, version.version, version.sealed);
    return (
      sealed.packPrice === terms.packPrice &&
      version.capacity.eq(terms.capacity) &&
      version.preferredRegionsJson === JSON.stringify(terms.preferredRegions)
    );
  }

  private async parametersOf(round: Round, lot: Lot): Promise<RuleSetParameters> {
    const frozen = await this.ruleSets.getFrozen(round.ruleSetId);
    const overrides = this.lots.lotOverrides(lot);
    return overrides === undefined
      ? frozen.parameters
      : applyOverrides(frozen.parameters, overrides);
  }

  private async assertRegionsExist(
    m: EntityManager,
    codes: string[],
    field: string,
  ): Promise<void> {
    if (codes.length === 0) return;
    const found = new Set(
      (
        await m.getRepository(Region).find({ select: { code: true }, where: { code: In(codes) } })
      ).map((r) => r.code),
    );
    const missing = codes.findIndex((c) => !found.has(c));
    if (missing >= 0)
      throw procurementError(
        'BID_REGIONS_INVALID',
        `${field}[${missing}]: there is no region ${codes[missing]}`,
        { field: `${field}[${missing}]` },
      );
  }

  /**
   * §P4/§P5: the bid converted to one representative unit exactly as the opening will convert it
   * (consumables bid per bidding unit, which is the representative itself), and compared with
   * the lot's maximum valid unit price as the engine does.
   */
  private assertWithinMaxPrice(
    lot: Lot,
    product: Product,
    params: RuleSetParameters,
    packPrice: string,
    field: string,
  ): void {
    const spec = product.strength && product.strengthUnit && product.dosageForm;
    const priced = comparablePrice(
      {
        packPrice,
        packSize: product.packSize ?? lot.repPackSize,
        strength: spec ? product.strength! : lot.repStrength,
        strengthUnit: spec ? product.strengthUnit! : lot.repStrengthUnit,
        dosageForm: spec ? product.dosageForm! : lot.repDosageForm,
      },
      {
        strength: lot.repStrength,
        strengthUnit: lot.repStrengthUnit,
        dosageForm: lot.repDosageForm,
      },
      params,
    );
    if (priced.unitComparablePrice === null)
      throw procurementError(
        'BID_SPEC_INCOMPARABLE',
        `${field}: product ${product.code} cannot be converted to the representative spec of lot ${lot.code} (${priced.invalid.join(', ')})`,
        { field, reasons: priced.invalid },
      );
    const max = lot.maxValidUnitPrice;
    if (new Decimal(priced.unitComparablePrice).gt(max))
      throw procurementError(
        'BID_ABOVE_MAX_PRICE',
        `${field}: ${packPrice} a pack is ${priced.unitComparablePrice} per representative unit, above the maximum valid unit price ${max.toFixed(6)} of lot ${lot.code}`,
        {
          field,
          unitComparablePrice: priced.unitComparablePrice,
          maxValidUnitPrice: max.toFixed(6),
        },
      );
  }

  /** The caller's own bid, locked with its round; anyone else's is the same 404 as a missing one. */
  private async lockOwn(
    m: EntityManager,
    actor: Actor,
    bidId: string,
  ): Promise<{ round: Round; bid: Bid }> {
    const found = isId(bidId) ? await m.getRepository(Bid).findOneBy({ id: bidId }) : null;
    if (!found || found.supplierId !== actor.orgId) throw notFound(bidId);
    const round = await this.rounds.lock(m, found.roundId);
    // Read again under the round lock: a concurrent amendment may have moved the version on.
    const bid = await m.getRepository(Bid).findOneByOrFail({ id: found.id });
    return { round, bid };
  }

  /**
   * A bid the caller may read: its own, or any bid of a round in an authority's scope once the
   * round is opened. Everything else — another supplier's bid, a sealed one — is "not found".
   */
  private async readable(
    actor: Actor,
    where: { id: string } | { code: string } | null,
    ref: string,
  ): Promise<{ round: Round; bid: Bid }> {
    const bid = where ? await this.bids.findOneBy(where) : null;
    if (!bid) throw notFound(ref);
    if (isAuthority(actor)) {
      const round = await this.rounds.visible(actor, bid.roundId).catch((err: unknown) => {
        if (err instanceof DomainError && err.status === 404) throw notFound(ref);
        throw err;
      });
      if (isSealed(round)) throw notFound(ref);
      return { round, bid };
    }
    if (bid.supplierId !== actor.orgId) throw notFound(ref);
    return { round: await this.rounds.visible(actor, bid.roundId), bid };
  }

  private async currentVersions(m: EntityManager, bids: Bid[]): Promise<Map<string, BidVersion>> {
    const out = new Map<string, BidVersion>();
    for (const part of chunks(bids)) {
      const rows = await m
        .getRepository(BidVersion)
        .createQueryBuilder('v')
        .innerJoin(Bid, 'b', 'b.id = v.bidId AND b.currentVersion = v.version')
        .where('b.id IN (:...ids)', { ids: part.map((b) => b.id) })
        .getMany();
      for (const v of rows) out.set(v.bidId, v);
    }
    return out;
  }

  /** The bidder's prices: opened ones as stored, otherwise unsealed from the version in force. */
  private async ownPrices(round: Round, bids: Bid[]): Promise<Map<string, string | null>> {
    const sealed = bids.filter((b) => b.packPrice === null && b.status === 'active');
    const current = await this.currentVersions(this.bids.manager, sealed);
    const prices = openedPrices(bids);
    for (const bid of sealed) {
      const v = current.get(bid.id);
      prices.set(
        bid.id,
        v?.sealed ? this.sealer.unseal(round.id, bid.id, v.version, v.sealed).packPrice : null,
      );
    }
    return prices;
  }

  private async lotCodes(round: Round, m?: EntityManager): Promise<Map<string, string>> {
    return new Map((await this.lots.lotsOfRound(m, round.id)).map((l) => [l.id, l.code]));
  }

  private async views(
    round: Round,
    bids: Bid[],
    prices: Map<string, string | null>,
  ): Promise<BidView[]> {
    if (bids.length === 0) return [];
    const lotCodes = await this.lotCodes(round);
    const products = await this.catalog.findByIds(bids.map((b) => b.productId));
    const suppliers = await this.orgs.findByIds([...new Set(bids.map((b) => b.supplierId))]);
    return bids.map((b) => ({
      id: b.id,
      code: b.code,
      roundId: b.roundId,
      lotId: b.lotId,
      lotCode: lotCodes.get(b.lotId) ?? '',
      productId: b.productId,
      productCode: products.get(b.productId)?.code ?? '',
      productName: products.get(b.productId)?.name ?? '',
      supplierId: b.supplierId,
      supplierName: suppliers.get(b.supplierId)?.name ?? '',
      status: b.status,
      version: b.currentVersion,
      packPrice: prices.get(b.id) ?? null,
      capacity: b.capacity.toFixed(3),
      preferredRegions: regionsOf(b.preferredRegionsJson),
      submittedAt: b.finalSubmittedAt.toISOString(),
      excludedReason: b.excludedReason,
    }));
  }
}

/** Prices the opening stored; null for bids it did not open (withdrawn ones). */
function openedPrices(bids: Bid[]): Map<string, string | null> {
  return new Map(bids.map((b) => [b.id, b.packPrice ? b.packPrice.toFixed(4) : null]));
}
