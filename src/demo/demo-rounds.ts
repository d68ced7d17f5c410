import { INestApplicationContext } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { DataSource } from 'typeorm';
import { Actor } from '../common/auth/actor';
import { MAX_PAGE_SIZE } from '../common/pagination';
import { MovableClock } from '../common/movable-clock';
import { Decimal, roundTo } from '../database/decimal';
import { CatalogDirectory } from '../modules/catalog/products/catalog-directory.service';
import { Product } from '../modules/catalog/products/product.entity';
import {
  AccessTokenClaims,
  IdentityActorResolver,
} from '../modules/identity/auth/actor-resolver.service';
import { HospitalGrade, Organisation } from '../modules/identity/organisations/organisation.entity';
import { User } from '../modules/identity/users/user.entity';
import { AgreementsService } from '../modules/procurement/awards/agreements.service';
import { AgreementQuery } from '../modules/procurement/awards/dto/agreement.dto';
import { BidsService } from '../modules/procurement/bids/bids.service';
import { AmendBidRequest, SubmitBidRequest } from '../modules/procurement/bids/dto/bid.dto';
import { DemandService } from '../modules/procurement/demand/demand.service';
import { DemandQuery, ReportDemandRequest } from '../modules/procurement/demand/dto/demand.dto';
import { CreateLotRequest, LotView } from '../modules/procurement/lots/dto/lot.dto';
import { LotsService } from '../modules/procurement/lots/lots.service';
import { ResultsService } from '../modules/procurement/results/results.service';
import { RoundAction } from '../modules/procurement/rounds/domain/round-state';
import {
  CreateRoundRequest,
  RoundQuery,
  RoundView,
} from '../modules/procurement/rounds/dto/round.dto';
import { RoundWorkflow } from '../modules/procurement/rounds/round-workflow.service';
import { RoundsService } from '../modules/procurement/rounds/rounds.service';
import { RuleSetQuery } from '../modules/procurement/rule-sets/dto/rule-set.dto';
import { RuleSetsService } from '../modules/procurement/rule-sets/rule-sets.service';
import { formFactor, strengthFactor } from '../modules/procurement/selection/domain/unit-price';
import {
  DEMO_DRUGS,
  DEMO_FINISHED_ROUND,
  DEMO_OPEN_ROUND,
  DEMO_SPECIALIST_HOSPITAL,
  DEMO_SPECIALIST_USE,
  DEMO_USE_BY_GRADE,
  DemoLot,
  DemoRound,
} from './demo-data';
import { dto } from './demo-request';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
const RULE_SET = 'national-batch-7';
const PUBLICITY_DAYS = 5;

/** Who plays the rounds: logins the demo created, by username. */
export interface RoundCast {
  officer: string;
  /** The alliance the rounds buy for; the officer's organisation leads it. */
  allianceId: string;
  /** The hospitals taking part: public ones must, the others opt in (§1). */
  hospitals: string[];
  /** Bidding users of the drug makers. */
  makers: string[];
}

/** Demo product ids by generic name, as the seed created them. */
export type DemoCatalogue = Map<string, string[]>;

export interface Player {
  actor: Actor;
  org: Organisation;
}

interface PlayedLot {
  plan: DemoLot;
  view: LotView;
  products: Product[];
  /** Makers of the admitted products, in supplier-code order: the order of `plan.bidShares`. */
  makers: string[];
}

interface Timeline {
  createdAt: Date;
  demandOpensAt: Date;
  demandClosesAt: Date;
  biddingOpensAt: Date;
  biddingClosesAt: Date;
  openingAt: Date;
  contractStart: string;
}

const at = (base: Date, ms: number) => new Date(base.getTime() + ms);

/** 09:00 Beijing time (01:00 UTC) on the UTC day `days` away from `from`: when offices open. */
function nineAm(from: Date, days: number): Date {
  const d = at(from, days * DAY_MS);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 1));
}

/** Agreements start on the first day of a month. */
function firstOfMonthAfter(day: Date): string {
  return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() + 1, 1))
    .toISOString()
    .slice(0, 10);
}

/** Orders bigint id strings numerically. */
function byId(a: string, b: string): number {
  return a.length - b.length || a.localeCompare(b);
}

/**
 * Actors exactly as a request would carry them: an access token with the claims AuthService
 * issues, resolved by the identity context's own resolver.
 */
export async function players(
  app: INestApplicationContext,
  usernames: string[],
): Promise<Map<string, Player>> {
  const jwt = app.get(JwtService, { strict: false });
  const resolver = app.get(IdentityActorResolver, { strict: false });
  const ds = app.get(DataSource);
  const out = new Map<string, Player>();
  for (const username of usernames) {
    const user = await ds.getRepository(User).findOneByOrFail({ username });
    const claims: AccessTokenClaims = {
      sub: user.id,
      org: user.organisationId,
      pv: user.passwordChangedAt.getTime(),
    };
    const actor = await resolver.fromAccessToken(await jwt.signAsync(claims));
    if (!actor) throw new Error(`Demo user ${username} cannot act: disabled user or organisation`);
    const org = await ds.getRepository(Organisation).findOneByOrFail({ id: actor.orgId });
    out.set(username, { actor, org });
  }
  return out;
}

/** A hospital's annual use of a lot: by grade and kind, varied ±25 % and rounded to hundreds. */
function annualDemand(plan: DemoLot, org: Organisation, h: number, l: number): string {
  const grade = DEMO_USE_BY_GRADE[org.grade as HospitalGrade];
  if (grade === undefined) throw new Error(`Demo hospital ${org.name} has no grade`);
  const kind = DEMO_SPECIALIST_HOSPITAL.test(org.name) ? DEMO_SPECIALIST_USE : '1';
  const variation = new Decimal(75 + ((h * 7 + l * 13) % 11) * 5).div(100);
  return new Decimal(plan.annualUse)
    .mul(grade)
    .mul(kind)
    .mul(variation)
    .toNearest(100, Decimal.ROUND_HALF_UP)
    .toFixed(0);
}

/**
 * Plays the demo rounds through the application services, as their users would through the API,
 * moving `clock` across each timeline: one round awarded some 120 days ago, one open for bidding
 * until a week from now. The clock is back on real time when this returns.
 */
export async function seedRounds(
  app: INestApplicationContext,
  clock: MovableClock,
  cast: RoundCast,
  catalogue: DemoCatalogue,
): Promise<void> {
  const rounds = app.get(RoundsService);
  const lotsService = app.get(LotsService);
  const workflow = app.get(RoundWorkflow);
  const demand = app.get(DemandService);
  const bids = app.get(BidsService);
  const catalog = app.get(CatalogDirectory);
  const ruleSets = app.get(RuleSetsService);

  const people = await players(app, [cast.officer, ...cast.hospitals, ...cast.makers]);
  const officer = people.get(cast.officer)!.actor;
  const hospitals = cast.hospitals.map((u) => people.get(u)!);
  const makerOf = new Map(cast.makers.map((u) => [people.get(u)!.org.id, people.get(u)!.actor]));
  // Suppliers name the counties they would supply, as region codes the allocation picks from.
  const counties = [...new Set(hospitals.map((h) => h.org.regionCode!))].sort();

  const [ruleSet] = (await ruleSets.list(await dto(RuleSetQuery, { name: RULE_SET, latest: true })))
    .items;
  if (!ruleSet) throw new Error(`Rule set ${RULE_SET} is missing: the API seeds it at start`);
  const params = ruleSet.parameters;

  const transition = async (round: RoundView, action: RoundAction, when: Date) => {
    clock.set(when);
    return workflow.transition(officer, round.id, action, null);
  };

  /** Draft round and lots, demand collected and closed, commitments signed, bidding open. */
  const prepare = async (plan: DemoRound, t: Timeline) => {
    clock.set(t.createdAt);
    const round = await rounds.create(
      officer,
      await dto(CreateRoundRequest, {
        name: plan.name,
        level: 'alliance',
        category: 'drug',
        ruleSetId: ruleSet.id,
        participants: { scope: 'alliance', allianceId: cast.allianceId },
        timeline: {
          demandOpensAt: t.demandOpensAt.toISOString(),
          demandClosesAt: t.demandClosesAt.toISOString(),
          biddingOpensAt: t.biddingOpensAt.toISOString(),
          biddingClosesAt: t.biddingClosesAt.toISOString(),
          openingAt: t.openingAt.toISOString(),
          publicityDays: PUBLICITY_DAYS,
          contractStart: t.contractStart,
        },
      }),
    );
    const lots: PlayedLot[] = [];
    for (const [l, lotPlan] of plan.lots.entries()) {
      clock.set(at(t.createdAt, (l + 1) * HOUR_MS));
      lots.push(await createLot(round, lotPlan, l));
    }

    let r = await transition(round, 'open_demand', t.demandOpensAt);
    for (const [h, hospital] of hospitals.entries()) {
      clock.set(at(t.demandOpensAt, (2 + h * 4) * HOUR_MS));
      const participants = await rounds.listParticipants(
        hospital.actor,
        r.id,
        await dto(RoundQuery, {}),
      );
      if (participants.total === 0) await rounds.optIn(hospital.actor, r.id);
      for (const [l, lot] of lots.entries()) {
        // Two teaching hospitals name the brand their prescribers stay with (§P3).
        const brand =
          (h === 2 && l === 0) || (h === 16 && l === 1)
            ? lot.products.find((p) => p.manufacturerId === lot.makers[0])!.id
            : undefined;
        await demand.report(
          hospital.actor,
          r.id,
          lot.view.id,
          await dto(ReportDemandRequest, {
            quantity: annualDemand(lot.plan, hospital.org, h, l),
            ...(brand ? { brandProductId: brand } : {}),
          }),
        );
      }
    }
    await transition(r, 'close_demand', t.demandClosesAt);

    const signers = [...new Set(lots.flatMap((lot) => lot.makers.slice(0, biddersOf(lot))))];
    for (const [i, supplierId] of signers.sort(byId).entries()) {
      clock.set(at(t.demandClosesAt, (20 + i) * HOUR_MS));
      await rounds.signCommitment(makerOf.get(supplierId)!, r.id);
    }
    r = await transition(r, 'open_bidding', t.biddingOpensAt);
    return { round: r, lots };
  };

  const createLot = async (round: RoundView, plan: DemoLot, l: number): Promise<PlayedLot> => {
    const drug = DEMO_DRUGS.find((d) => d.generic === plan.generic);
    const unit = drug?.strengths.find((s) => s.strength === plan.strength)?.unit;
    if (!drug || !unit) throw new Error(`Demo lot ${plan.generic} ${plan.strength}: no such drug`);
    const products = [...(await catalog.findByIds(catalogue.get(plan.generic) ?? [])).values()];
    const makers = [...new Set(products.map((p) => p.manufacturerId))].sort(byId);
    if (makers.length < plan.bidShares.length)
      throw new Error(
        `Demo lot ${plan.generic}: ${makers.length} makers for ${plan.bidShares.length} bids`,
      );
    const view = await lotsService.create(
      officer,
      round.id,
      await dto(CreateLotRequest, {
        code: `L${String(l + 1).padStart(2, '0')}`,
        name: `${plan.generic} ${plan.strength}${unit}`,
        dosageFormClass: products[0].dosageFormClass ?? 'other',
        representative: {
          strength: plan.strength,
          strengthUnit: unit,
          dosageForm: drug.form,
          packSize: plan.packSize,
        },
        maxValidUnitPrice: plan.maxValidUnitPrice,
        admittedProductIds: products.map((p) => p.id),
      }),
    );
    return { plan, view, products, makers: makers.slice(0, plan.bidShares.length) };
  };

  const biddersOf = (lot: PlayedLot) => lot.plan.bidders ?? lot.makers.length;

  /** A maker's offer: its product nearest the representative spec, at `share` of the ceiling. */
  const offer = (lot: PlayedLot, supplierId: string, share: Decimal, total: Decimal, j: number) => {
    const own = lot.products.filter((p) => p.manufacturerId === supplierId);
    const rep = lot.view.representative;
    const product =
      own.find((p) => p.strength?.eq(rep.strength) && p.packSize === rep.packSize) ??
      own.find((p) => p.strength?.eq(rep.strength)) ??
      own[0];
    // Price per smallest unit that converts (§P5) to the target unit comparable price.
    const sf = strengthFactor(
      { strength: product.strength!, strengthUnit: product.strengthUnit! },
      rep,
      params.strengthRatioBase,
    )!;
    const ff = formFactor(product.dosageForm!, rep.dosageForm, params.dosageFormFactors)!;
    const unitPrice = new Decimal(lot.view.maxValidUnitPrice).mul(share).mul(sf).mul(ff);
    const first = (j * 3) % counties.length;
    const terms = {
      packPrice: roundTo(unitPrice.mul(product.packSize!), 2),
      // Capacity: what the maker could make for the alliance, 90 … 165 % of the declared demand.
      capacity: total
        .mul(165 - j * 15)
        .div(100)
        .toNearest(1000)
        .toFixed(0),
      preferredRegions: [...counties.slice(first), ...counties.slice(0, first)].slice(0, 4),
    };
    return { productId: product.id, terms };
  };

  /** Bids at intervals from `from`; every lot's second bidder cuts its price by a tenth at `amendAt`. */
  const bidOn = async (roundId: string, lots: PlayedLot[], from: Date, amendAt: Date | null) => {
    const totals = await declaredTotals(demand, officer, roundId);
    let n = 0;
    const amendments: Array<{
      bidId: string;
      supplierId: string;
      terms: ReturnType<typeof offer>['terms'];
    }> = [];
    for (const lot of lots) {
      for (const [j, supplierId] of lot.makers.slice(0, biddersOf(lot)).entries()) {
        clock.set(at(from, n++ * 2 * HOUR_MS));
        const total = totals.get(lot.view.id) ?? new Decimal(lot.plan.annualUse);
        const { productId, terms } = offer(
          lot,
          supplierId,
          new Decimal(lot.plan.bidShares[j]),
          total,
          j,
        );
        const submitted = await bids.submit(
          makerOf.get(supplierId)!,
          roundId,
          await dto(SubmitBidRequest, { lotId: lot.view.id, productId, ...terms }),
        );
        if (j === 1 && amendAt) {
          const cut = new Decimal(lot.plan.bidShares[j]).mul('0.9');
          amendments.push({
            bidId: submitted.bid.id,
            supplierId,
            terms: offer(lot, supplierId, cut, total, j).terms,
          });
        }
      }
    }
    for (const [i, a] of amendments.entries()) {
      clock.set(at(amendAt!, i * HOUR_MS));
      await bids.amend(makerOf.get(a.supplierId)!, a.bidId, await dto(AmendBidRequest, a.terms));
    }
  };

  const now = new Date();
  try {
    // First batch: ~120 days ago, through opening, publicity and the award to agreements.
    const f = nineAm(now, -120);
    const finished: Timeline = {
      createdAt: at(f, -7 * DAY_MS),
      demandOpensAt: f,
      demandClosesAt: at(f, 10 * DAY_MS),
      biddingOpensAt: at(f, 12 * DAY_MS),
      biddingClosesAt: at(f, 20 * DAY_MS),
      openingAt: at(f, 20 * DAY_MS + HOUR_MS / 2),
      contractStart: firstOfMonthAfter(at(f, 30 * DAY_MS)),
    };
    const first = await prepare(DEMO_FINISHED_ROUND, finished);
    await bidOn(
      first.round.id,
      first.lots,
      at(finished.biddingOpensAt, DAY_MS),
      at(finished.biddingClosesAt, -DAY_MS),
    );
    await transition(first.round, 'close_bidding', finished.biddingClosesAt);
    await transition(first.round, 'open', finished.openingAt);
    const published = at(finished.openingAt, DAY_MS);
    await transition(first.round, 'publish', published);
    await transition(first.round, 'award', at(published, PUBLICITY_DAYS * DAY_MS + HOUR_MS));

    // Second batch: demand in, bidding open until the first 09:00 at least a week from now,
    // a few bids already sealed.
    const o = nineAm(now, -24);
    const deadline = [7, 8].map((d) => nineAm(now, d)).find((d) => d >= at(now, 7 * DAY_MS))!;
    const open: Timeline = {
      createdAt: at(o, -6 * DAY_MS),
      demandOpensAt: o,
      demandClosesAt: at(o, 12 * DAY_MS),
      biddingOpensAt: at(o, 14 * DAY_MS),
      biddingClosesAt: deadline,
      openingAt: at(deadline, HOUR_MS / 2),
      contractStart: firstOfMonthAfter(at(deadline, 30 * DAY_MS)),
    };
    const second = await prepare(DEMO_OPEN_ROUND, open);
    await bidOn(second.round.id, second.lots, at(now, -3 * DAY_MS), null);
  } finally {
    clock.reset();
  }
}

/** Declared demand per lot: what suppliers size their capacity on. */
async function declaredTotals(
  demand: DemandService,
  officer: Actor,
  roundId: string,
): Promise<Map<string, Decimal>> {
  const totals = new Map<string, Decimal>();
  for (let page = 1; ; page++) {
    const reports = await demand.list(
      officer,
      roundId,
      await dto(DemandQuery, { page, pageSize: MAX_PAGE_SIZE }),
    );
    for (const r of reports.items)
      totals.set(r.lotId, (totals.get(r.lotId) ?? new Decimal(0)).add(r.quantity));
    if (page * reports.pageSize >= reports.total) return totals;
  }
}

/**
 * The demo rounds as their organiser sees them, for the summary: state, lots, participants,
 * bids and, once awarded, each lot's winners and the agreements.
 */
export async function describeRounds(
  app: INestApplicationContext,
  officerUsername: string,
): Promise<string[]> {
  const officer = (await players(app, [officerUsername])).get(officerUsername)!.actor;
  const rounds = app.get(RoundsService);
  const names = [DEMO_FINISHED_ROUND.name, DEMO_OPEN_ROUND.name];
  const all = await rounds.list(officer, await dto(RoundQuery, { pageSize: MAX_PAGE_SIZE }));
  const found = all.items.filter((r) => names.includes(r.name));
  if (found.length === 0) return ['  (none: this database was seeded by an older demo)'];
  const one = await dto(RoundQuery, { pageSize: 1 });
  const lines: string[] = [];
  for (const r of found) {
    const lots = await app.get(LotsService).list(officer, r.id);
    const participants = (await rounds.listParticipants(officer, r.id, one)).total;
    const bids = (await app.get(BidsService).counts(officer, r.id)).reduce((n, c) => n + c.bids, 0);
    lines.push(`  ${r.code}  ${r.status.padEnd(9)} ${r.name}`);
    lines.push(
      `      ${lots.length} lots, ${participants} participating hospitals, ${bids} bids; ` +
        (r.awardedAt
          ? `awarded ${r.awardedAt.slice(0, 10)}, agreements from ${r.timeline.contractStart}`
          : `bidding closes ${r.timeline.biddingClosesAt}`),
    );
    if (!r.awardedAt) continue;
    for (const result of await app.get(ResultsService).latest(officer, r.id)) {
      const lowest = result.bids.find((b) => b.rank === 1)?.unitComparablePrice ?? '-';
      lines.push(
        `      ${result.lotCode} ${result.lotName}: ${result.bids.length} bids, ` +
          `${result.winners.length} winners from ${lowest} yuan/unit, ` +
          `${new Decimal(result.agreedVolumeRatio).mul(100).toFixed()} % of demand for ${result.termYears} year(s)`,
      );
    }
    const agreements = await app
      .get(AgreementsService)
      .list(officer, r.id, await dto(AgreementQuery, { pageSize: 1 }));
    lines.push(`      ${agreements.total} agreements (hospital × winning product)`);
  }
  return lines;
}
