import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository, SelectQueryBuilder } from 'typeorm';
import { Actor, isAuthority } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import {
  duplicateKeyError,
  registerUniqueConstraint,
} from '../../../common/errors/unique-constraints';
import { page, Page, skipTake } from '../../../common/pagination';
import { Decimal } from '../../../database/decimal';
import { forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { OrganisationDirectory } from '../../identity/organisations/organisation-directory.service';
import { IdentityScope } from '../../identity/scope/identity-scope.service';
import { BidSealer } from '../bids/bid-sealer';
import { participationOf } from '../demand/domain/demand-rules';
import { procurementError } from '../procurement.errors';
import { FrozenRuleSet, RuleSetsService } from '../rule-sets/rule-sets.service';
import { applyOverrides, RuleSetParameters } from '../selection/domain/rule-set';
import { Lot } from '../lots/lot.entity';
import { CommitmentTextRef, CurrentCommitmentText } from './commitment-text';
import { checkTimeline, publicityEndsAt, Timeline } from './domain/timeline';
import {
  CommitmentView,
  CreateRoundRequest,
  ParticipantsRequest,
  ParticipantView,
  RoundQuery,
  RoundView,
  SignCommitmentRequest,
  TimelineRequest,
  UpdateRoundRequest,
} from './dto/round.dto';
import { Round, RoundCommitment, RoundParticipant } from './round.entity';

registerUniqueConstraint('uq_rounds__code', {
  table: 'rounds',
  columns: ['code'],
  code: 'PROCUREMENT.ROUND_CODE_TAKEN',
  message: 'Another round took this code at the same moment; try again',
});

const DEFAULT_REASON_THRESHOLD = '0.8';

export function isId(value: string): boolean {
  return /^\d{1,18}$/.test(value);
}

export function timelineOf(r: Round): Timeline {
  return {
    demandOpensAt: r.demandOpensAt,
    demandClosesAt: r.demandClosesAt,
    biddingOpensAt: r.biddingOpensAt,
    biddingClosesAt: r.biddingClosesAt,
    openingAt: r.openingAt,
    publicityDays: r.publicityDays,
    contractStart: r.contractStart,
  };
}

export function roundView(r: Round): RoundView {
  return RoundView.of(r, r.publishedAt ? publicityEndsAt(r.publishedAt, r.publicityDays) : null);
}

function parseTimeline(t: TimelineRequest): Timeline {
  const timeline: Timeline = {
    demandOpensAt: new Date(t.demandOpensAt),
    demandClosesAt: new Date(t.demandClosesAt),
    biddingOpensAt: new Date(t.biddingOpensAt),
    biddingClosesAt: new Date(t.biddingClosesAt),
    openingAt: new Date(t.openingAt),
    publicityDays: t.publicityDays,
    contractStart: t.contractStart,
  };
  checkTimeline(timeline);
  return timeline;
}

/**
 * §P1 rounds: creation, the timeline, participants, integrity commitments, and who may see a
 * round. State changes go through RoundWorkflow, which owns the transition side effects.
 */
@Injectable()
export class RoundsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly scope: IdentityScope,
    private readonly orgs: OrganisationDirectory,
    private readonly ruleSets: RuleSetsService,
    private readonly sealer: BidSealer,
    private readonly commitmentText: CurrentCommitmentText,
    @InjectRepository(Round) private readonly rounds: Repository<Round>,
    @InjectRepository(RoundParticipant) private readonly participants: Repository<RoundParticipant>,
    @InjectRepository(RoundCommitment) private readonly commitments: Repository<RoundCommitment>,
  ) {}

  async create(actor: Actor, body: CreateRoundRequest): Promise<RoundView> {
    const timeline = parseTimeline(body.timeline);
    await this.ruleSet(body.ruleSetId);
    const listed = await this.checkParticipants(actor, body.participants);
    const now = this.clock.now();
    const attempt = () =>
      this.tx.run(async (m) => {
        const year = now.getUTCFullYear();
        const last = await m
          .getRepository(Round)
          .createQueryBuilder('r')
          .select('MAX(r.code)', 'code')
          .where('r.code LIKE :prefix', { prefix: `R${year}-%` })
          .getRawOne<{ code: string | null }>();
        const count = last?.code ? Number.parseInt(last.code.slice(6), 10) : 0;
        const round = await m.getRepository(Round).save(
          m.create(Round, {
            code: `R${year}-${String(count + 1).padStart(4, '0')}`,
            name: body.name.trim(),
            level: body.level,
            category: body.category,
            organiserId: actor.orgId,
            status: 'draft',
            ruleSetId: body.ruleSetId,
            ruleSetSha256: null,
            ruleSetFrozenAt: null,
            scopeType: body.participants.scope,
            allianceId: body.participants.allianceId ?? null,
            regionCode: body.participants.regionCode ?? null,
            ...timeline,
            demandReasonThreshold: new Decimal(
              body.demandReasonThreshold ?? DEFAULT_REASON_THRESHOLD,
            ),
            openedAt: null,
            publishedAt: null,
            awardedAt: null,
            cancelReason: null,
            createdBy: actor.kind === 'user' ? actor.id : null,
            createdAt: now,
            updatedAt: now,
          }),
        );
        // A hand-picked list is the participant list itself: every listed hospital takes part.
        if (listed.length > 0)
          await this.insertParticipants(
            m,
            round.id,
            listed.map((h) => ({ hospitalId: h.id, regionCode: h.regionCode ?? '' })),
            'mandatory',
          );
        await this.audit.record(
          m,
          actor,
          'round.created',
          { type: 'round', id: round.id },
          { after: roundView(round) },
        );
        return round;
      });
    // Officers creating rounds at the same moment race for the next code: the unique key lets
    // one win and the others take the following numbers.
    for (let tries = 1; ; tries++) {
      try {
        return roundView(await attempt());
      } catch (err) {
        if (duplicateKeyError(err)?.code !== 'PROCUREMENT.ROUND_CODE_TAKEN' || tries >= 8)
          throw err;
      }
    }
  }

  async update(actor: Actor, id: string, body: UpdateRoundRequest): Promise<RoundView> {
    const ruleSet = body.ruleSetId !== undefined ? await this.ruleSet(body.ruleSetId) : null;
    const timeline = body.timeline ? parseTimeline(body.timeline) : null;
    const round = await this.tx.run(async (m) => {
      const round = await this.lockVisible(m, actor, id);
      if (round.status !== 'draft')
        throw procurementError(
          'ROUND_NOT_EDITABLE',
          `Round ${round.code} is ${round.status}; only a draft round can be edited`,
          { state: round.status },
        );
      const before = roundView(round);
      if (body.name !== undefined) round.name = body.name.trim();
      if (ruleSet) {
        await this.checkLotOverrides(m, round.id, ruleSet.parameters);
        round.ruleSetId = ruleSet.id;
      }
      if (timeline) Object.assign(round, timeline);
      if (body.demandReasonThreshold !== undefined)
        round.demandReasonThreshold = new Decimal(body.demandReasonThreshold);
      round.updatedAt = this.clock.now();
      await m.getRepository(Round).save(round);
      await this.audit.record(
        m,
        actor,
        'round.updated',
        { type: 'round', id: round.id },
        { before, after: roundView(round) },
      );
      return round;
    });
    return roundView(round);
  }

  async list(actor: Actor, query: RoundQuery): Promise<Page<RoundView>> {
    const qb = this.visibleQuery(this.rounds.createQueryBuilder('r'), actor);
    if (query.status) qb.andWhere('r.status = :status', { status: query.status });
    if (query.category) qb.andWhere('r.category = :category', { category: query.category });
    if (query.q)
      qb.andWhere('(r.code LIKE :q OR r.name LIKE :q)', {
        q: `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
      });
    qb.orderBy('r.id', query.order === 'desc' ? 'DESC' : 'ASC');
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    return page(rows.map(roundView), total, query);
  }

  async get(actor: Actor, id: string): Promise<RoundView> {
    return roundView(await this.visible(actor, id));
  }

  /**
   * Round announcements are public documents once demand collection starts, so hospitals and
   * suppliers see every round past draft; their demand and bids stay scoped to themselves.
   * Authorities see the rounds their region scope organised.
   */
  visibleQuery(qb: SelectQueryBuilder<Round>, actor: Actor): SelectQueryBuilder<Round> {
    if (isAuthority(actor))
      return this.scope.restrictByOrganisationColumn(qb, actor, 'r.organiserId');
    return qb.andWhere("r.status <> 'draft'");
  }

  /** The round if the actor may see it, else 404. */
  async visible(actor: Actor, id: string, manager?: EntityManager): Promise<Round> {
    const repo = manager ? manager.getRepository(Round) : this.rounds;
    const round = isId(id)
      ? await this.visibleQuery(repo.createQueryBuilder('r'), actor)
          .andWhere('r.id = :id', { id })
          .getOne()
      : null;
    if (!round) throw procurementError('ROUND_NOT_FOUND', `Round ${id} not found`, { id });
    return round;
  }

  /** Visible, then locked for a read-modify-write inside `m`. */
  async lockVisible(m: EntityManager, actor: Actor, id: string): Promise<Round> {
    await this.visible(actor, id, m);
    return this.lock(m, id);
  }

  async lock(m: EntityManager, id: string): Promise<Round> {
    const round = await forUpdate(
      m.getRepository(Round).createQueryBuilder('r').where('r.id = :id', { id }),
    ).getOne();
    if (!round) throw procurementError('ROUND_NOT_FOUND', `Round ${id} not found`, { id });
    return round;
  }

  // --- participants -------------------------------------------------------------------------

  async listParticipants(
    actor: Actor,
    id: string,
    query: RoundQuery,
  ): Promise<Page<ParticipantView>> {
    const round = await this.visible(actor, id);
    const qb = this.participants
      .createQueryBuilder('p')
      .where('p.roundId = :roundId', { roundId: round.id });
    if (!isAuthority(actor)) qb.andWhere('p.hospitalId = :org', { org: actor.orgId });
    qb.orderBy('p.regionCode', 'ASC').addOrderBy('p.hospitalId', 'ASC');
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    const orgs = await this.orgs.findByIds(rows.map((p) => p.hospitalId));
    return page(
      rows.map((p) => ParticipantView.of(p, orgs.get(p.hospitalId))),
      total,
      query,
    );
  }

  /**
   * Everyone the round's scope makes a participant when demand collection opens: public
   * hospitals must take part; the others join by opting in.
   */
  async materialiseParticipants(m: EntityManager, round: Round): Promise<number> {
    if (round.scopeType === 'hospitals') return 0;
    const hospitals = await this.scopeHospitals(m, round);
    const existing = new Set(
      (await m.getRepository(RoundParticipant).findBy({ roundId: round.id })).map(
        (p) => p.hospitalId,
      ),
    );
    const mandatory = hospitals.filter(
      (h) => participationOf(h) === 'mandatory' && !existing.has(h.id),
    );
    await this.insertParticipants(
      m,
      round.id,
      mandatory.map((h) => ({ hospitalId: h.id, regionCode: h.regionCode ?? '' })),
      'mandatory',
    );
    return mandatory.length;
  }

  async optIn(actor: Actor, id: string): Promise<ParticipantView> {
    const view = await this.tx.run(async (m) => {
      const round = await this.lockVisible(m, actor, id);
      if (round.status !== 'demand_collection')
        throw procurementError(
          'OPT_IN_CLOSED',
          `Round ${round.code} is ${round.status}; hospitals opt in while demand is being collected`,
          { state: round.status },
        );
      const existing = await m
        .getRepository(RoundParticipant)
        .findOneBy({ roundId: round.id, hospitalId: actor.orgId });
      if (existing)
        throw procurementError(
          'ALREADY_PARTICIPATING',
          `Your organisation already takes part in round ${round.code}`,
          { participation: existing.participation },
        );
      const hospital =
        round.scopeType === 'hospitals'
          ? null
          : await this.orgs.hospitalWithin(
              actor.orgId,
              round.scopeType === 'region'
                ? { regionCode: round.regionCode! }
                : { allianceId: round.allianceId! },
              m,
            );
      if (!hospital)
        throw procurementError(
          'NOT_IN_ROUND_SCOPE',
          `Your organisation is outside the participants of round ${round.code}`,
          { roundId: round.id },
        );
      const [row] = await this.insertParticipants(
        m,
        round.id,
        [{ hospitalId: hospital.id, regionCode: hospital.regionCode ?? '' }],
        'opt_in',
      );
      await this.audit.record(
        m,
        actor,
        'round.opted_in',
        { type: 'round', id: round.id },
        {
          after: { hospitalId: hospital.id },
        },
      );
      return ParticipantView.of(row, hospital);
    });
    return view;
  }

  async setCountyLead(
    actor: Actor,
    id: string,
    hospitalId: string,
    countyLead: boolean,
  ): Promise<ParticipantView> {
    return this.tx.run(async (m) => {
      const round = await this.lockVisible(m, actor, id);
      if (!['draft', 'demand_collection'].includes(round.status))
        throw procurementError(
          'ROUND_NOT_EDITABLE',
          `Round ${round.code} is ${round.status}; county leads are set before demand closes`,
          { state: round.status },
        );
      const repo = m.getRepository(RoundParticipant);
      const row = isId(hospitalId) ? await repo.findOneBy({ roundId: round.id, hospitalId }) : null;
      if (!row)
        throw procurementError(
          'PARTICIPANT_NOT_FOUND',
          `Hospital ${hospitalId} is not a participant of round ${round.code}`,
          { hospitalId },
        );
      row.countyLead = countyLead;
      await repo.save(row);
      await this.audit.record(
        m,
        actor,
        'round.county_lead_set',
        { type: 'round', id: round.id },
        {
          after: { hospitalId, countyLead },
        },
      );
      return ParticipantView.of(
        row,
        await this.orgs.findById(hospitalId).then((o) => o ?? undefined),
      );
    });
  }

  // --- integrity commitments ---------------------------------------------------------------

  /**
   * Signs the round's commitment with the text version in force (§K4); signing again answers the
   * first signature. A signature stays valid for its round when a later version is published:
   * §K4 asks for a commitment per round and says nothing of renewing it, so a round once signed
   * is not signed again (the view tells whether the version signed is still in force).
   */
  async signCommitment(
    actor: Actor,
    id: string,
    body: SignCommitmentRequest = {},
  ): Promise<CommitmentView> {
    return this.tx.run(async (m) => {
      const round = await this.lockVisible(m, actor, id);
      if (!['demand_collection', 'demand_closed', 'bidding'].includes(round.status))
        throw procurementError(
          'COMMITMENT_CLOSED',
          `Round ${round.code} is ${round.status}; the integrity commitment is signed before bidding closes`,
          { state: round.status },
        );
      const text = await this.commitmentText.current(m);
      const repo = m.getRepository(RoundCommitment);
      const existing = await repo.findOneBy({ roundId: round.id, supplierId: actor.orgId });
      // A retry answers the signature it made, even after a later version was published.
      if (existing && (body.version === undefined || body.version === existing.textVersion))
        return commitmentView(existing, text);
      if (existing)
        throw procurementError(
          'COMMITMENT_ALREADY_SIGNED',
          `version: round ${round.code} was signed with version ${existing.textVersion}; a round is signed once`,
          { field: 'version', signed: existing.textVersion },
        );
      if (body.version !== undefined && body.version !== text.version)
        throw procurementError(
          'COMMITMENT_TEXT_OUTDATED',
          `version: ${body.version} is not the commitment text in force; read and sign version ${text.version}`,
          { field: 'version', current: text.version },
        );
      const row = await repo.save(
        repo.create({
          roundId: round.id,
          supplierId: actor.orgId,
          signedBy: actor.id,
          signedByName: actor.name,
          signedAt: this.clock.now(),
          textVersion: text.version,
          textSha256: text.sha256,
        }),
      );
      await this.audit.record(
        m,
        actor,
        'round.commitment_signed',
        { type: 'round', id: round.id },
        {
          after: { supplierId: actor.orgId, textVersion: text.version, sha256: text.sha256 },
        },
      );
      return commitmentView(row, text);
    });
  }

  async getCommitment(actor: Actor, id: string): Promise<CommitmentView> {
    const round = await this.visible(actor, id);
    const row = await this.commitments.findOneBy({ roundId: round.id, supplierId: actor.orgId });
    if (!row)
      throw procurementError(
        'COMMITMENT_NOT_FOUND',
        `Your organisation has not signed the integrity commitment of round ${round.code}`,
        { roundId: round.id },
      );
    return commitmentView(row, await this.commitmentText.current());
  }

  hasCommitment(m: EntityManager, roundId: string, supplierId: string): Promise<boolean> {
    return m.getRepository(RoundCommitment).existsBy({ roundId, supplierId });
  }

  // --- helpers ------------------------------------------------------------------------------

  private ruleSet(id: string): Promise<FrozenRuleSet> {
    return this.ruleSets.getFrozen(id).catch((err: unknown) => {
      throw procurementError('RULE_SET_NOT_FOUND', `ruleSetId: no rule set ${id}`, {
        field: 'ruleSetId',
        cause: err instanceof Error ? err.message : String(err),
      });
    });
  }

  /** Lot overrides written against one rule set must still apply to its replacement. */
  private async checkLotOverrides(
    m: EntityManager,
    roundId: string,
    parameters: RuleSetParameters,
  ): Promise<void> {
    for (const lot of await m.getRepository(Lot).findBy({ roundId })) {
      if (!lot.overridesJson) continue;
      try {
        applyOverrides(parameters, JSON.parse(lot.overridesJson));
      } catch (err) {
        throw procurementError(
          'LOT_OVERRIDES_INVALID',
          `ruleSetId: the overrides of lot ${lot.code} do not fit this rule set: ${err instanceof Error ? err.message : String(err)}`,
          { field: 'ruleSetId', lot: lot.code },
        );
      }
    }
  }

  private async checkParticipants(
    actor: Actor,
    p: ParticipantsRequest,
  ): Promise<Array<{ id: string; regionCode: string | null }>> {
    const only = (field: 'allianceId' | 'regionCode' | 'hospitalIds') => {
      for (const other of ['allianceId', 'regionCode', 'hospitalIds'] as const)
        if (other !== field && p[other] !== undefined)
          throw procurementError(
            'ROUND_SCOPE_INVALID',
            `participants.${other} does not go with scope ${p.scope}`,
            { field: `participants.${other}` },
          );
      if (p[field] === undefined)
        throw procurementError(
          'ROUND_SCOPE_INVALID',
          `participants.${field} is required with scope ${p.scope}`,
          { field: `participants.${field}` },
        );
    };
    if (p.scope === 'alliance') {
      only('allianceId');
      // Alliances led from outside the officer's scope are not the officer's to run.
      if (!(await this.scope.allianceInScope(actor, p.allianceId!)))
        throw procurementError(
          'ROUND_SCOPE_INVALID',
          `participants.allianceId: no alliance ${p.allianceId} in your scope`,
          { field: 'participants.allianceId' },
        );
      return [];
    }
    if (p.scope === 'region') {
      only('regionCode');
      await this.scope.assertRegionInScope(actor, p.regionCode!).catch(() => {
        throw procurementError(
          'ROUND_SCOPE_INVALID',
          `participants.regionCode: region ${p.regionCode} is not in your scope`,
          { field: 'participants.regionCode' },
        );
      });
      return [];
    }
    only('hospitalIds');
    const ids = p.hospitalIds!;
    const found = await this.orgs.findByIds(ids);
    const visible = await this.scope.visibleOrganisationIds(actor, ids);
    const missing = ids.findIndex(
      (hid) => found.get(hid)?.type !== 'hospital' || !visible.has(hid),
    );
    if (missing >= 0)
      throw procurementError(
        'ROUND_SCOPE_INVALID',
        `participants.hospitalIds[${missing}]: ${ids[missing]} is not a hospital in your scope`,
        { field: `participants.hospitalIds[${missing}]` },
      );
    return [...new Set(ids)].map((hid) => ({ id: hid, regionCode: found.get(hid)!.regionCode }));
  }

  private async scopeHospitals(m: EntityManager, round: Round) {
    if (round.scopeType === 'alliance') return this.orgs.hospitalsOfAlliance(round.allianceId!, m);
    if (round.scopeType === 'region') return this.orgs.hospitalsInRegion(round.regionCode!, m);
    const listed = await m.getRepository(RoundParticipant).findBy({ roundId: round.id });
    return [...(await this.orgs.findByIds(listed.map((p) => p.hospitalId))).values()];
  }

  private async insertParticipants(
    m: EntityManager,
    roundId: string,
    rows: Array<{ hospitalId: string; regionCode: string }>,
    participation: 'mandatory' | 'opt_in',
  ): Promise<RoundParticipant[]> {
    const repo = m.getRepository(RoundParticipant);
    const now = this.clock.now();
    const entities = rows.map((r) =>
      repo.create({ roundId, ...r, participation, countyLead: false, createdAt: now }),
    );
    for (let i = 0; i < entities.length; i += 500) await repo.insert(entities.slice(i, i + 500));
    return entities;
  }

  async participantIds(m: EntityManager, roundId: string): Promise<Set<string>> {
    const rows = await m.getRepository(RoundParticipant).findBy({ roundId });
    return new Set(rows.map((r) => r.hospitalId));
  }

  async participantsByIds(m: EntityManager, roundId: string, ids: string[]) {
    if (ids.length === 0) return [];
    return m.getRepository(RoundParticipant).findBy({ roundId, hospitalId: In(ids) });
  }
}

function commitmentView(row: RoundCommitment, current: CommitmentTextRef): CommitmentView {
  return {
    roundId: row.roundId,
    supplierId: row.supplierId,
    signedBy: row.signedBy,
    signedByName: row.signedByName,
    signedAt: row.signedAt.toISOString(),
    textVersion: row.textVersion,
    textSha256: row.textSha256,
    textCurrent: row.textVersion === current.version,
  };
}
