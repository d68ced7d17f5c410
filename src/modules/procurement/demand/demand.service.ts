import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { Actor, isAuthority } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { DomainError } from '../../../common/errors/domain-error';
import { page, Page, skipTake } from '../../../common/pagination';
import { Decimal, roundTo, SCALE } from '../../../database/decimal';
import { dialectOf, exactSum, exactSumSql, forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditChange, AuditService } from '../../audit/audit.service';
import { CatalogDirectory } from '../../catalog/products/catalog-directory.service';
import { OrganisationDirectory } from '../../identity/organisations/organisation-directory.service';
import { Lot, LotSpec } from '../lots/lot.entity';
import { LotsService } from '../lots/lots.service';
import { procurementError } from '../procurement.errors';
import { assertDemandWindow } from '../rounds/domain/timeline';
import { Round, RoundParticipant } from '../rounds/round.entity';
import { isId, RoundsService, timelineOf } from '../rounds/rounds.service';
import { DemandReport, DemandStatus } from './demand-report.entity';
import { checkDemandReport } from './domain/demand-rules';
import {
  CompletenessQuery,
  CompletenessView,
  DemandFormLine,
  DemandFormView,
  DemandQuery,
  DemandReportView,
  DemandStatusCounts,
  ParticipantCompletenessView,
  ReportDemandRequest,
} from './dto/demand.dto';
import { PurchaseHistory } from './purchase-history';

/** How a caller's format names the hospital and brand fields: body fields or template columns. */
export interface DemandFields {
  hospital: string;
  brand: string;
}

export const API_FIELDS: DemandFields = { hospital: 'hospitalId', brand: 'brandProductId' };

/** One report as a caller asks for it, its lot already found in the round. */
export interface DemandInput {
  lot: Lot;
  /** null = the caller's own organisation. */
  hospitalId: string | null;
  /** How the caller named the hospital and the brand (an id or a code), for messages. */
  hospitalRef: string | null;
  brandRef: string | null;
  quantity: string;
  brandProductId: string | null;
  reason: string | null;
}

/** A report that passed every §P3 rule, ready to be written. */
interface CheckedReport {
  lot: Lot;
  hospitalId: string;
  /** Canonical scale-3 string. */
  quantity: string;
  brandProductId: string | null;
  reason: string | null;
  history: string | null;
}

/** What checking reports of one round needs, loaded once per request or import batch. */
export interface ReportingScope {
  round: Round;
  actor: Actor;
  /** The caller's own participation: only participants report. */
  caller: RoundParticipant;
  participants: Map<string, RoundParticipant>;
  admitted: Map<string, Set<string>>;
  now: Date;
}

const REVIEWABLE = ['demand_collection', 'demand_closed'];
/** Rows per INSERT statement: keeps the bound parameters well under SQLite's limit. */
const INSERT_CHUNK = 200;

const pairKey = (lotId: string, hospitalId: string) => `${lotId}@${hospitalId}`;

function snapshot(r: DemandReport) {
  return {
    roundId: r.roundId,
    lotId: r.lotId,
    hospitalId: r.hospitalId,
    quantity: r.quantity.toFixed(3),
    brandProductId: r.brandProductId,
    historyQuantity: r.historyQuantity ? r.historyQuantity.toFixed(3) : null,
    reason: r.reason,
    status: r.status,
    reviewNote: r.reviewNote,
    reportedByOrgId: r.reportedByOrgId,
  };
}

function sameReport(old: DemandReport, c: CheckedReport): boolean {
  const history = old.historyQuantity ? old.historyQuantity.toFixed(3) : null;
  return (
    old.quantity.eq(c.quantity) &&
    old.brandProductId === c.brandProductId &&
    (old.reason ?? null) === c.reason &&
    history === c.history
  );
}

function emptyCounts(): DemandStatusCounts {
  return { reported: 0, confirmed: 0, returned: 0 };
}

/**
 * Takes a shared lock on the round and refreshes its status: reports of one round proceed side by
 * side, while a transition (which locks the round for update) waits for them and they for it, so
 * no report is written after demand closes. Only the status can have moved since `round` was
 * read: the timeline and threshold are fixed once the round leaves draft. SQLite serialises
 * writers, so there is nothing to lock.
 */
async function lockShared(m: EntityManager, round: Round): Promise<Round> {
  if (dialectOf(m) !== 'mysql') return round;
  // TypeORM's pessimistic_read writes FOR SHARE, which MariaDB rejects; both accept this form.
  const rows: { status: Round['status'] }[] = await m.query(
    'SELECT status FROM rounds WHERE id = ? LOCK IN SHARE MODE',
    [round.id],
  );
  if (rows.length === 0)
    throw procurementError('ROUND_NOT_FOUND', `Round ${round.id} not found`, { id: round.id });
  round.status = rows[0].status;
  return round;
}

export interface DemandAuditEntry {
  id: string;
  change: AuditChange;
}

/**
 * §P3 demand reporting (报量): hospitals (or their county lead) report an annual quantity per lot
 * during the demand window; officers follow completeness and confirm or return reports.
 */
@Injectable()
export class DemandService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly rounds: RoundsService,
    private readonly lots: LotsService,
    private readonly orgs: OrganisationDirectory,
    private readonly catalog: CatalogDirectory,
    private readonly history: PurchaseHistory,
    @InjectRepository(DemandReport) private readonly reports: Repository<DemandReport>,
    @InjectRepository(RoundParticipant) private readonly participants: Repository<RoundParticipant>,
  ) {}

  async report(
    actor: Actor,
    roundId: string,
    lotId: string,
    body: ReportDemandRequest,
  ): Promise<DemandReportView> {
    const { report, lot } = await this.tx.run(async (m) => {
      const round = await this.openForReporting(m, actor, roundId);
      const lot = await this.lots.lotOfRound(m, round.id, lotId);
      const [report] = await this.reportIn(
        m,
        actor,
        round,
        [
          {
            lot,
            hospitalId: body.hospitalId ?? null,
            hospitalRef: body.hospitalId ?? null,
            brandRef: body.brandProductId ?? null,
            quantity: body.quantity,
            brandProductId: body.brandProductId ?? null,
            reason: body.reason ?? null,
          },
        ],
        API_FIELDS,
      );
      return { report, lot };
    });
    const [view] = await this.views([report], new Map([[lot.id, lot]]));
    return view;
  }

  /** The round, if the actor may see it, read under a shared lock, with its demand window open. */
  async openForReporting(m: EntityManager, actor: Actor, roundId: string): Promise<Round> {
    const round = await lockShared(m, await this.rounds.visible(actor, roundId, m));
    assertDemandWindow(round.status, timelineOf(round), this.clock.now());
    return round;
  }

  /**
   * Checks and writes reports of one round inside `m`. The PUT endpoint and the Excel import's
   * writeBatch both come here, so both apply the same rules inside their own transaction. `round`
   * comes from openForReporting in the same transaction. Throws on the first report that fails.
   */
  async reportIn(
    m: EntityManager,
    actor: Actor,
    round: Round,
    inputs: DemandInput[],
    fields: DemandFields,
    deferredAudit?: DemandAuditEntry[],
  ): Promise<DemandReport[]> {
    const scope = await this.scope(
      m,
      actor,
      round,
      inputs.map((i) => i.hospitalId ?? actor.orgId),
      inputs.map((i) => i.lot.id),
      true,
    );
    const checked: CheckedReport[] = [];
    for (const [index, input] of inputs.entries()) {
      try {
        checked.push(await this.check(scope, input, fields));
      } catch (err) {
        // A batch caller (the import) names the row from the index.
        if (err instanceof DomainError && inputs.length > 1)
          throw new DomainError(err.code, err.status, err.message, {
            ...(err.details as Record<string, unknown> | undefined),
            index,
          });
        throw err;
      }
    }
    return this.write(m, actor, round, checked, deferredAudit);
  }

  /**
   * Loads the participants and admitted products the checks need. With `lock`, the participant
   * rows of the hospitals reported for are locked: they always exist (unlike a first report, which
   * would need a gap lock), so writes for one hospital queue behind each other.
   */
  async scope(
    m: EntityManager | undefined,
    actor: Actor,
    round: Round,
    hospitalIds: string[],
    lotIds: string[],
    lock: boolean,
  ): Promise<ReportingScope> {
    const ids = [...new Set([actor.orgId, ...hospitalIds])].filter(isId);
    const qb = (m ? m.getRepository(RoundParticipant) : this.participants)
      .createQueryBuilder('p')
      .where('p.roundId = :roundId', { roundId: round.id })
      .andWhere('p.hospitalId IN (:...ids)', { ids })
      .orderBy('p.id', 'ASC');
    const rows = await (lock ? forUpdate(qb) : qb).getMany();
    const participants = new Map(rows.map((p) => [p.hospitalId, p]));
    const caller = participants.get(actor.orgId);
    if (!caller)
      throw procurementError(
        'DEMAND_NOT_PARTICIPANT',
        `Your organisation does not take part in round ${round.code}: demand is reported by its participating hospitals`,
        { roundId: round.id },
      );
    const admitted = new Map<string, Set<string>>();
    for (const lotId of new Set(lotIds))
      admitted.set(lotId, new Set(await this.lots.admittedProductIds(m, lotId)));
    return { round, actor, caller, participants, admitted, now: this.clock.now() };
  }

  /** Every §P3 rule for one report; throws a DomainError naming the field. */
  async check(
    scope: ReportingScope,
    input: DemandInput,
    fields: DemandFields,
  ): Promise<CheckedReport> {
    const hospitalId = this.reachable(scope, input.hospitalId, input.hospitalRef, fields.hospital);
    if (
      input.brandProductId !== null &&
      !scope.admitted.get(input.lot.id)?.has(input.brandProductId)
    )
      throw procurementError(
        'DEMAND_BRAND_INVALID',
        `${fields.brand}: product ${input.brandRef ?? input.brandProductId} is not an admitted product of lot ${input.lot.code}`,
        { field: fields.brand, lotId: input.lot.id },
      );
    const raw = await this.history.twelveMonths(hospitalId, input.lot, scope.now);
    const history = raw === null ? null : roundTo(raw, SCALE.quantity);
    const quantity = checkDemandReport(
      {
        quantity: input.quantity,
        history,
        threshold: scope.round.demandReasonThreshold.toFixed(),
        reason: input.reason,
      },
      '',
    );
    return {
      lot: input.lot,
      hospitalId,
      quantity,
      brandProductId: input.brandProductId,
      reason: input.reason?.trim() || null,
      history,
    };
  }

  /**
   * The hospital a report is for. A hospital reports for itself; a county lead also for the
   * participants of its county (统一报量). Anybody else is answered as if the hospital were not a
   * participant, so no one learns who takes part elsewhere.
   */
  reachable(
    scope: ReportingScope,
    hospitalId: string | null,
    ref: string | null,
    field: string,
  ): string {
    const target = hospitalId ?? scope.actor.orgId;
    if (target === scope.actor.orgId) return target;
    const other = scope.participants.get(target);
    if (!scope.caller.countyLead || !other || other.regionCode !== scope.caller.regionCode)
      throw procurementError(
        'DEMAND_NOT_PARTICIPANT',
        `${field}: hospital ${ref ?? target} is not a participant of round ${scope.round.code} that you may report for (a county lead hospital reports for the participants of its county)`,
        { field },
      );
    return target;
  }

  private async write(
    m: EntityManager,
    actor: Actor,
    round: Round,
    checked: CheckedReport[],
    deferredAudit?: DemandAuditEntry[],
  ): Promise<DemandReport[]> {
    if (checked.length === 0) return [];
    const existing = await this.existing(m, round.id, checked);
    const now = this.clock.now();
    const results = new Map<string, DemandReport>();
    const changed: { before: ReturnType<typeof snapshot> | null; key: string }[] = [];
    const fresh: Partial<DemandReport>[] = [];
    for (const c of checked) {
      const key = pairKey(c.lot.id, c.hospitalId);
      const old = existing.get(key);
      const values = {
        quantity: new Decimal(c.quantity),
        brandProductId: c.brandProductId,
        historyQuantity: c.history === null ? null : new Decimal(c.history),
        reason: c.reason,
        status: 'reported' as const,
        reviewNote: null,
        reviewedBy: null,
        reviewedAt: null,
        reportedByOrgId: actor.orgId,
        reportedBy: actor.id,
        updatedAt: now,
      };
      if (!old) {
        fresh.push({
          roundId: round.id,
          lotId: c.lot.id,
          hospitalId: c.hospitalId,
          createdAt: now,
          ...values,
        });
        continue;
      }
      // Sending the same report again changes nothing, so a confirmed report stays confirmed;
      // a returned one goes back for review, which is what resending it means.
      if (sameReport(old, c) && old.status !== 'returned') {
        results.set(key, old);
        continue;
      }
      const before = snapshot(old);
      await m.getRepository(DemandReport).update({ id: old.id }, values);
      results.set(key, Object.assign(old, values));
      changed.push({ before, key });
    }
    for (let i = 0; i < fresh.length; i += INSERT_CHUNK)
      await m
        .createQueryBuilder()
        .insert()
        .into(DemandReport)
        .values(fresh.slice(i, i + INSERT_CHUNK))
        .execute();
    if (fresh.length) {
      const inserted = await this.existing(
        m,
        round.id,
        fresh.map((f) => ({ lot: { id: f.lotId! }, hospitalId: f.hospitalId! })),
      );
      for (const f of fresh) {
        const key = pairKey(f.lotId!, f.hospitalId!);
        results.set(key, inserted.get(key)!);
        changed.push({ before: null, key });
      }
    }
    for (const { before, key } of changed) {
      const report = results.get(key)!;
      const entry: DemandAuditEntry = {
        id: report.id,
        change: before ? { before, after: snapshot(report) } : { after: snapshot(report) },
      };
      if (deferredAudit) deferredAudit.push(entry);
      else await this.recordAudit(m, actor, [entry]);
    }
    return checked.map((c) => results.get(pairKey(c.lot.id, c.hospitalId))!);
  }

  /**
   * One audit entry per changed report. An import defers them to its end, so the audit chain's
   * head is locked only for the moment of writing them, not for the whole import.
   */
  async recordAudit(m: EntityManager, actor: Actor, entries: DemandAuditEntry[]): Promise<void> {
    for (const e of entries)
      await this.audit.record(
        m,
        actor,
        'demand.reported',
        { type: 'demand_report', id: e.id },
        e.change,
      );
  }

  private async existing(
    m: EntityManager,
    roundId: string,
    pairs: { lot: { id: string }; hospitalId: string }[],
  ): Promise<Map<string, DemandReport>> {
    const rows = await m.getRepository(DemandReport).findBy({
      roundId,
      hospitalId: In([...new Set(pairs.map((p) => p.hospitalId))]),
      lotId: In([...new Set(pairs.map((p) => p.lot.id))]),
    });
    return new Map(rows.map((r) => [pairKey(r.lotId, r.hospitalId), r]));
  }

  // --- reading ------------------------------------------------------------------------------

  /** Every lot of the round with the hospital's report and 12-month purchase history. */
  async form(actor: Actor, roundId: string, hospitalId?: string): Promise<DemandFormView> {
    const round = await this.rounds.visible(actor, roundId);
    const scope = await this.scope(
      undefined,
      actor,
      round,
      hospitalId ? [hospitalId] : [],
      [],
      false,
    );
    const target = this.reachable(scope, hospitalId ?? null, hospitalId ?? null, 'hospitalId');
    const lots = await this.lots.lotsOfRound(undefined, round.id);
    const lotIds = lots.map((l) => l.id);
    const [reports, specs, hospital] = await Promise.all([
      this.reports.findBy({ roundId: round.id, hospitalId: target }),
      lotIds.length
        ? this.reports.manager
            .getRepository(LotSpec)
            .find({ where: { lotId: In(lotIds) }, order: { id: 'ASC' } })
        : Promise.resolve([]),
      this.orgs.findById(target),
    ]);
    const byLot = new Map(reports.map((r) => [r.lotId, r]));
    const views = new Map(
      (await this.views(reports, new Map(lots.map((l) => [l.id, l])))).map((v) => [v.lotId, v]),
    );
    const threshold = round.demandReasonThreshold;
    const lines: DemandFormLine[] = [];
    for (const lot of lots) {
      const raw = await this.history.twelveMonths(target, lot, scope.now);
      const history = raw === null ? null : roundTo(raw, SCALE.quantity);
      lines.push({
        lotId: lot.id,
        lotCode: lot.code,
        lotName: lot.name,
        representative: DemandFormLine.representativeOf(lot),
        admittedProductIds: specs.filter((s) => s.lotId === lot.id).map((s) => s.productId),
        history,
        minimumWithoutReason:
          history !== null && new Decimal(history).gt(0)
            ? roundTo(threshold.times(history), SCALE.quantity)
            : null,
        report: byLot.has(lot.id) ? views.get(lot.id)! : null,
      });
    }
    const now = scope.now;
    return {
      roundId: round.id,
      roundCode: round.code,
      roundStatus: round.status,
      demandOpensAt: round.demandOpensAt.toISOString(),
      demandClosesAt: round.demandClosesAt.toISOString(),
      reasonThreshold: threshold.toFixed(),
      hospitalId: target,
      hospitalCode: hospital?.code ?? '',
      hospitalName: hospital?.name ?? '',
      editable:
        round.status === 'demand_collection' &&
        now >= round.demandOpensAt &&
        now < round.demandClosesAt,
      lots: lines,
    };
  }

  /**
   * Authorities see every report of the rounds they may see; a hospital sees its own, a county
   * lead also those of its county's participants.
   */
  async list(actor: Actor, roundId: string, query: DemandQuery): Promise<Page<DemandReportView>> {
    const round = await this.rounds.visible(actor, roundId);
    const qb = this.reports
      .createQueryBuilder('d')
      .where('d.roundId = :roundId', { roundId: round.id });
    if (!isAuthority(actor)) {
      const caller = await this.participants.findOneBy({
        roundId: round.id,
        hospitalId: actor.orgId,
      });
      if (caller?.countyLead)
        qb.andWhere(
          'd.hospital_id IN (SELECT p.hospital_id FROM round_participants p WHERE p.round_id = :roundId AND p.region_code = :county)',
          { county: caller.regionCode },
        );
      else qb.andWhere('d.hospitalId = :org', { org: actor.orgId });
    }
    if (query.lotId) qb.andWhere('d.lotId = :lotId', { lotId: query.lotId });
    if (query.hospitalId)
      qb.andWhere('d.hospitalId = :hospitalId', { hospitalId: query.hospitalId });
    if (query.status) qb.andWhere('d.status = :status', { status: query.status });
    qb.orderBy('d.id', query.order === 'desc' ? 'DESC' : 'ASC');
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    return page(await this.views(rows), total, query);
  }

  /** Who has reported what: per participant (paged) and a summary of the whole round. */
  async completeness(
    actor: Actor,
    roundId: string,
    query: CompletenessQuery,
  ): Promise<CompletenessView> {
    const round = await this.rounds.visible(actor, roundId);
    const m = this.reports.manager;
    const lots = await this.lots.lotsOfRound(undefined, round.id);
    const lotsTotal = lots.length;
    const reportedCount =
      '(SELECT COUNT(*) FROM demand_reports d WHERE d.round_id = p.round_id AND d.hospital_id = p.hospital_id)';

    const participants = () =>
      m
        .getRepository(RoundParticipant)
        .createQueryBuilder('p')
        .where('p.roundId = :roundId', { roundId: round.id });
    const qb = participants();
    if (query.complete !== undefined)
      qb.andWhere(`${reportedCount} ${query.complete ? '>=' : '<'} :lotsTotal`, { lotsTotal });
    qb.orderBy('p.regionCode', query.order === 'desc' ? 'DESC' : 'ASC').addOrderBy(
      'p.hospitalId',
      query.order === 'desc' ? 'DESC' : 'ASC',
    );
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();

    const hospitalIds = rows.map((p) => p.hospitalId);
    const [statusRows, missingRows, orgs] = await Promise.all([
      hospitalIds.length
        ? m
            .createQueryBuilder()
            .select('d.hospital_id', 'hospitalId')
            .addSelect('d.status', 'status')
            .addSelect('COUNT(*)', 'n')
            .from(DemandReport, 'd')
            .where('d.round_id = :roundId', { roundId: round.id })
            .andWhere('d.hospital_id IN (:...hospitalIds)', { hospitalIds })
            .groupBy('d.hospital_id')
            .addGroupBy('d.status')
            .getRawMany<{ hospitalId: string | number; status: DemandStatus; n: string | number }>()
        : Promise.resolve([]),
      hospitalIds.length && lotsTotal
        ? m
            .createQueryBuilder()
            .select('p.hospital_id', 'hospitalId')
            .addSelect('l.code', 'code')
            .from(RoundParticipant, 'p')
            .innerJoin(Lot, 'l', 'l.round_id = p.round_id')
            .leftJoin(DemandReport, 'd', 'd.lot_id = l.id AND d.hospital_id = p.hospital_id')
            .where('p.round_id = :roundId', { roundId: round.id })
            .andWhere('p.hospital_id IN (:...hospitalIds)', { hospitalIds })
            .andWhere('d.id IS NULL')
            .orderBy('l.code', 'ASC')
            .getRawMany<{ hospitalId: string | number; code: string }>()
        : Promise.resolve([]),
      this.orgs.findByIds(hospitalIds),
    ]);
    const statuses = new Map<string, DemandStatusCounts>();
    for (const r of statusRows) {
      const counts = statuses.get(String(r.hospitalId)) ?? emptyCounts();
      counts[r.status] = Number(r.n);
      statuses.set(String(r.hospitalId), counts);
    }
    const missing = new Map<string, string[]>();
    for (const r of missingRows)
      missing.set(String(r.hospitalId), [...(missing.get(String(r.hospitalId)) ?? []), r.code]);

    const items: ParticipantCompletenessView[] = rows.map((p) => {
      const counts = statuses.get(p.hospitalId) ?? emptyCounts();
      const lotsReported = counts.reported + counts.confirmed + counts.returned;
      const org = orgs.get(p.hospitalId);
      return {
        hospitalId: p.hospitalId,
        hospitalCode: org?.code ?? '',
        hospitalName: org?.name ?? '',
        regionCode: p.regionCode,
        countyLead: p.countyLead,
        participation: p.participation,
        lotsReported,
        lotsTotal,
        complete: lotsReported >= lotsTotal,
        missingLotCodes: missing.get(p.hospitalId) ?? [],
        statuses: counts,
      };
    });

    const [participantCount, completeCount, roundStatuses, lotTotals] = await Promise.all([
      participants().getCount(),
      participants().andWhere(`${reportedCount} >= :lotsTotal`, { lotsTotal }).getCount(),
      m
        .createQueryBuilder()
        .select('d.status', 'status')
        .addSelect('COUNT(*)', 'n')
        .from(DemandReport, 'd')
        .where('d.round_id = :roundId', { roundId: round.id })
        .groupBy('d.status')
        .getRawMany<{ status: DemandStatus; n: string | number }>(),
      m
        .createQueryBuilder()
        .select('d.lot_id', 'lotId')
        .addSelect('COUNT(*)', 'n')
        .addSelect(exactSumSql(m, 'd.quantity', SCALE.quantity), 'total')
        .from(DemandReport, 'd')
        .where('d.round_id = :roundId', { roundId: round.id })
        .groupBy('d.lot_id')
        .getRawMany<{
          lotId: string | number;
          n: string | number;
          total: string | number | null;
        }>(),
    ]);
    const summaryStatuses = emptyCounts();
    for (const r of roundStatuses) summaryStatuses[r.status] = Number(r.n);
    const perLot = new Map(lotTotals.map((r) => [String(r.lotId), r]));
    return {
      items,
      page: query.page,
      pageSize: query.pageSize,
      total,
      summary: {
        participants: participantCount,
        complete: completeCount,
        incomplete: participantCount - completeCount,
        reports: summaryStatuses.reported + summaryStatuses.confirmed + summaryStatuses.returned,
        lots: lotsTotal,
        statuses: summaryStatuses,
        byLot: lots.map((l) => {
          const r = perLot.get(l.id);
          return {
            lotId: l.id,
            lotCode: l.code,
            reports: r ? Number(r.n) : 0,
            totalQuantity: roundTo(exactSum(m, r?.total, SCALE.quantity), SCALE.quantity),
          };
        }),
      },
    };
  }

  // --- review -------------------------------------------------------------------------------

  confirm(actor: Actor, id: string, note: string | undefined): Promise<DemandReportView> {
    return this.review(actor, id, 'confirmed', note?.trim() || null);
  }

  returnReport(actor: Actor, id: string, note: string): Promise<DemandReportView> {
    const trimmed = note.trim();
    if (!trimmed)
      throw procurementError(
        'DEMAND_NOTE_REQUIRED',
        'note: say what the hospital should correct in the returned report',
        { field: 'note' },
      );
    return this.review(actor, id, 'returned', trimmed);
  }

  private async review(
    actor: Actor,
    id: string,
    to: 'confirmed' | 'returned',
    note: string | null,
  ): Promise<DemandReportView> {
    const report = await this.tx.run(async (m) => {
      const notFound = procurementError(
        'DEMAND_REPORT_NOT_FOUND',
        `Demand report ${id} not found`,
        {
          id,
        },
      );
      const found = isId(id) ? await m.getRepository(DemandReport).findOneBy({ id }) : null;
      if (!found) throw notFound;
      // A report of a round outside the officer's scope does not exist for them.
      const visible = await this.rounds.visible(actor, found.roundId, m).catch((err: unknown) => {
        if (err instanceof DomainError && err.code === 'PROCUREMENT.ROUND_NOT_FOUND')
          throw notFound;
        throw err;
      });
      const round = await lockShared(m, visible);
      const report = (await forUpdate(
        m.getRepository(DemandReport).createQueryBuilder('d').where('d.id = :id', { id }),
      ).getOne())!;
      const now = this.clock.now();
      if (to === 'confirmed' && !REVIEWABLE.includes(round.status))
        throw procurementError(
          'DEMAND_REVIEW_CLOSED',
          `Round ${round.code} is ${round.status}: demand reports are confirmed before bidding opens`,
          { state: round.status },
        );
      if (
        to === 'returned' &&
        (round.status !== 'demand_collection' || now >= round.demandClosesAt)
      )
        throw procurementError(
          'DEMAND_REVIEW_CLOSED',
          round.status === 'demand_collection'
            ? `The demand window of round ${round.code} closed at ${round.demandClosesAt.toISOString()}: a report is returned only while the hospital can still correct it`
            : `Round ${round.code} is ${round.status}: a report is returned only during demand collection, while the hospital can still correct it`,
          {
            state: round.status,
            demandClosesAt: round.demandClosesAt.toISOString(),
            now: now.toISOString(),
          },
        );
      if (report.status === to)
        throw procurementError(
          'DEMAND_STATUS_CONFLICT',
          `Demand report ${report.id} is already ${to}`,
          {
            status: report.status,
          },
        );
      const before = snapshot(report);
      report.status = to;
      report.reviewNote = note;
      report.reviewedBy = actor.id;
      report.reviewedAt = now;
      report.updatedAt = now;
      await m.getRepository(DemandReport).update(
        { id: report.id },
        {
          status: to,
          reviewNote: note,
          reviewedBy: actor.id,
          reviewedAt: now,
          updatedAt: now,
        },
      );
      await this.audit.record(
        m,
        actor,
        to === 'confirmed' ? 'demand.confirmed' : 'demand.returned',
        { type: 'demand_report', id: report.id },
        { before, after: snapshot(report) },
      );
      return report;
    });
    const [view] = await this.views([report]);
    return view;
  }

  // --- views --------------------------------------------------------------------------------

  private async views(
    reports: DemandReport[],
    knownLots?: Map<string, Lot>,
  ): Promise<DemandReportView[]> {
    if (reports.length === 0) return [];
    const missingLots = [...new Set(reports.map((r) => r.lotId))].filter(
      (id) => !knownLots?.has(id),
    );
    const lotCodes = new Map(
      [...(knownLots ?? new Map<string, Lot>())].map(([id, l]) => [id, l.code]),
    );
    if (missingLots.length)
      for (const l of await this.reports.manager
        .getRepository(Lot)
        .find({ select: { id: true, code: true }, where: { id: In(missingLots) } }))
        lotCodes.set(l.id, l.code);
    const [orgs, products] = await Promise.all([
      this.orgs.findByIds(reports.map((r) => r.hospitalId)),
      this.catalog.findByIds(
        reports.map((r) => r.brandProductId).filter((id): id is string => id !== null),
      ),
    ]);
    return reports.map((r) =>
      DemandReportView.of(
        r,
        lotCodes.get(r.lotId) ?? '',
        orgs.get(r.hospitalId),
        r.brandProductId ? (products.get(r.brandProductId)?.code ?? null) : null,
      ),
    );
  }
}
