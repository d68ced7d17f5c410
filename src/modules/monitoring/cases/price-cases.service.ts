import { Inject, Injectable, Optional } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor, hasRole } from '../../../common/auth/actor';
import { isSupplierType } from '../../../common/auth/roles';
import { canonicalJson } from '../../../common/canonical-json';
import { Clock } from '../../../common/clock';
import { registerUniqueConstraint } from '../../../common/errors/unique-constraints';
import { AppConfig } from '../../../config/config';
import { APP_CONFIG } from '../../../config/config.module';
import { roundTo } from '../../../database/decimal';
import { forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { chinaDate } from '../../catalog/listing-prices/domain/listing-rules';
import { ListingPricesService } from '../../catalog/listing-prices/listing-prices.service';
import { IdentityScope } from '../../identity/scope/identity-scope.service';
import { AlertWorkflow } from '../alerts/alert-workflow.service';
import { AlertWorkflowQueries } from '../alerts/alert-workflow-queries.service';
import { PriceAlert } from '../alerts/price-alert.entity';
import { monitoringError } from '../monitoring.errors';
import { CreditReferral } from './credit-referral';
import {
  CaseAction,
  caseCode,
  checkOutcomeAllowed,
  checkPriceCut,
  nextCaseStatus,
  replyDeadline,
} from './domain/case-rules';
import {
  CaseDetailView,
  InquiryRequest,
  InterviewRequest,
  InvestigationRequest,
  LiftSuspensionRequest,
  OpenCaseRequest,
  OutcomeRequest,
  ReplyRequest,
} from './dto/price-case.dto';
import {
  PriceCase,
  PriceCaseAlert,
  PriceCaseCounter,
  PriceCaseStep,
  StepKind,
} from './price-case.entity';
import { PriceCaseQueries } from './price-case-queries.service';

registerUniqueConstraint('uq_monitoring_price_case_alerts__alert_id', {
  table: 'monitoring_price_case_alerts',
  columns: ['alert_id'],
  code: 'MONITORING.CASE_ALERT_UNAVAILABLE',
  message: 'One of the alerts was taken into another case at the same moment',
});

/**
 * §M6 price cases: opened from alerts against one supplier, then the inquiry letter (reply due
 * in PRICE_CASE_REPLY_WORKING_DAYS working days), the supplier's own reply, the interview, the
 * cost investigation and the outcome. Every step is a timestamped row with its actor (the
 * enforcement record) and an audit record; each use case locks the case row first.
 */
@Injectable()
export class PriceCases {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly scope: IdentityScope,
    private readonly queries: PriceCaseQueries,
    private readonly alerts: AlertWorkflow,
    private readonly alertQueries: AlertWorkflowQueries,
    private readonly listings: ListingPricesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    // Bound by the credit context's global module; without it a referral answers 503.
    @Optional() private readonly creditReferral?: CreditReferral,
  ) {}

  async open(actor: Actor, body: OpenCaseRequest): Promise<CaseDetailView> {
    const code = await this.tx.run(async (m) => {
      const ids = [...new Set(body.alertIds)].sort((a, b) => Number(a) - Number(b));
      const alerts: PriceAlert[] = [];
      for (const id of ids) {
        try {
          alerts.push(await this.alertQueries.visible(actor, id, m, true));
        } catch {
          throw monitoringError('CASE_ALERTS_INVALID', `alertIds: alert ${id} not found`, {
            field: 'alertIds',
            alertId: id,
          });
        }
      }
      const unavailable = alerts.filter((a) => !['open', 'acknowledged'].includes(a.status));
      if (unavailable.length)
        throw monitoringError(
          'CASE_ALERT_UNAVAILABLE',
          `alertIds: alert ${unavailable[0].id} is ${unavailable[0].status}; only open or acknowledged alerts can start a case`,
          { field: 'alertIds', alerts: unavailable.map((a) => ({ id: a.id, status: a.status })) },
        );
      const supplierId = this.supplierOf(alerts, body.supplierId);
      const supplier = await this.scope
        .visibleOrganisation(actor, supplierId, { manager: m })
        .catch(() => null);
      if (!supplier || !isSupplierType(supplier.type))
        throw monitoringError(
          'CASE_ALERTS_INVALID',
          `supplierId: organisation ${supplierId} is not a supplier`,
          { field: 'supplierId', supplierId },
        );
      const now = this.clock.now();
      const year = Number(chinaDate(now).slice(0, 4));
      const seq = await this.nextSeq(m, year);
      const kase = await m.getRepository(PriceCase).save(
        m.create(PriceCase, {
          code: caseCode(year, seq),
          year,
          seq,
          supplierId,
          authorityId: actor.orgId,
          regionCode: actor.regionCode,
          title: body.title.trim(),
          status: 'open',
          outcome: null,
          openedBy: actor.id,
          openedAt: now,
          inquirySentAt: null,
          replyDeadline: null,
          repliedAt: null,
          closedAt: null,
          creditCaseCode: null,
          version: 1,
          updatedAt: now,
        }),
      );
      await m
        .getRepository(PriceCaseAlert)
        .insert(alerts.map((a) => ({ caseId: kase.id, alertId: a.id })));
      await this.alerts.takeIntoCase(m, actor, alerts, kase.id, kase.code);
      await this.step(m, actor, kase, 'opened', body.title.trim(), {
        alertIds: alerts.map((a) => a.id),
        supplierId,
      });
      return kase.code;
    });
    return this.queries.detail(actor, code);
  }

  async sendInquiry(actor: Actor, code: string, body: InquiryRequest): Promise<CaseDetailView> {
    return this.advance(actor, code, 'send_inquiry', async (m, kase, now) => {
      const deadline = replyDeadline(now, this.config.priceCaseReplyWorkingDays);
      kase.inquirySentAt = now;
      kase.replyDeadline = deadline;
      await this.step(m, actor, kase, 'inquiry_sent', body.letter, {
        replyDeadline: deadline.toISOString(),
        workingDays: this.config.priceCaseReplyWorkingDays,
      });
    });
  }

  /** The supplier's reply: only a supplier_user of the organisation the case is against. */
  async reply(actor: Actor, code: string, body: ReplyRequest): Promise<CaseDetailView> {
    return this.advance(actor, code, 'reply', async (m, kase, now) => {
      if (!hasRole(actor, 'supplier_user') || actor.orgId !== kase.supplierId)
        throw monitoringError(
          'CASE_NOT_THE_SUPPLIER',
          `Only the supplier of case ${kase.code} may reply to its inquiry`,
          { code: kase.code },
        );
      const late = kase.replyDeadline !== null && now.getTime() > kase.replyDeadline.getTime();
      kase.repliedAt = now;
      await this.step(m, actor, kase, 'replied', body.text, { late });
    });
  }

  async recordInterview(
    actor: Actor,
    code: string,
    body: InterviewRequest,
  ): Promise<CaseDetailView> {
    return this.advance(actor, code, 'record_interview', (m, kase) =>
      this.step(m, actor, kase, 'interview', body.record, {
        heldOn: body.heldOn ?? null,
        participants: body.participants?.trim() || null,
      }),
    );
  }

  async recordInvestigation(
    actor: Actor,
    code: string,
    body: InvestigationRequest,
  ): Promise<CaseDetailView> {
    return this.advance(actor, code, 'record_investigation', (m, kase) =>
      this.step(m, actor, kase, 'investigation', body.findings, {
        unitCost: body.unitCost === undefined ? null : roundTo(body.unitCost, 6),
      }),
    );
  }

  /** The outcome ends the case and resolves its alerts. */
  async decide(actor: Actor, code: string, body: OutcomeRequest): Promise<CaseDetailView> {
    const priceCut = body.outcome === 'price_cut' ? checkPriceCut(body) : null;
    return this.advance(actor, code, 'decide', async (m, kase, now) => {
      checkOutcomeAllowed(kase.status, body.outcome, kase.code);
      const alertIds = await this.queries.alertIdsOf(m, kase.id);
      const alerts = await this.alertQueries.byIds(alertIds);
      const productIds = [...new Set(alerts.map((a) => a.productId).filter((p) => p !== null))];
      const note = body.note.trim();
      let details: Record<string, unknown> = { outcome: body.outcome };
      if (priceCut)
        details = {
          ...details,
          newUnitPrice: roundTo(priceCut.newUnitPrice, 6),
          effectiveDate: priceCut.effectiveDate,
        };
      if (body.outcome === 'listing_suspended') {
        if (productIds.length === 0)
          throw monitoringError(
            'CASE_OUTCOME_INVALID',
            `Case ${kase.code}: its alerts name no product whose listings could be suspended`,
            { code: kase.code },
          );
        const region = body.regionCode ?? kase.regionCode;
        if (body.regionCode)
          await this.scope.assertRegionInScope(actor, body.regionCode, { manager: m });
        const rows = await this.listings.suspendListings(
          {
            productIds,
            regionCode: region,
            source: 'price_case',
            reference: kase.code,
            reason: `price case ${kase.code}: ${note}`.slice(0, 500),
          },
          { actor, manager: m },
        );
        details = {
          ...details,
          regionCode: region,
          productIds,
          suspendedListingIds: rows.map((r) => r.id),
        };
      }
      if (body.outcome === 'referred_to_credit') {
        if (!this.creditReferral)
          throw monitoringError(
            'CASE_REFERRAL_UNAVAILABLE',
            'Credit evaluation is not available to receive the referral',
            { code: kase.code },
          );
        const referred = await this.creditReferral.refer(m, {
          supplierId: kase.supplierId,
          behaviour: body.behaviour ?? 'price_manipulation',
          productIds,
          amount: body.amount === undefined ? null : roundTo(body.amount, 2),
          sourceRef: kase.code,
          summary: `${kase.title}: ${note}`.slice(0, 2000),
          referredBy: actor.id,
        });
        kase.creditCaseCode = referred.creditCaseCode;
        details = { ...details, ...referred };
      }
      kase.outcome = body.outcome;
      kase.closedAt = now;
      await this.step(m, actor, kase, 'outcome', note, details);
      await this.alerts.resolveWithCase(
        m,
        actor,
        alertIds,
        kase.id,
        `case ${kase.code}: ${body.outcome}`,
      );
    });
  }

  /**
   * Ends the listing suspension a `listing_suspended` outcome decided, once: only this case's
   * suspensions are lifted through the catalogue, so a listing a credit sanction (§K3) or an
   * officer also suspends stays suspended. A step of the enforcement record; the case stays
   * closed.
   */
  async liftSuspension(
    actor: Actor,
    code: string,
    body: LiftSuspensionRequest,
  ): Promise<CaseDetailView> {
    await this.tx.run(async (m) => {
      const kase = await this.queries.visible(actor, code, m, true);
      const steps = await m
        .getRepository(PriceCaseStep)
        .find({ where: { caseId: kase.id }, order: { id: 'ASC' } });
      const outcome = steps.find((s) => s.kind === 'outcome');
      if (kase.outcome !== 'listing_suspended' || !outcome)
        throw monitoringError(
          'CASE_STATE_CONFLICT',
          `Case ${kase.code} suspended no listings (outcome: ${kase.outcome ?? 'not decided'}); there is nothing to lift`,
          { code: kase.code, outcome: kase.outcome },
        );
      if (steps.some((s) => s.kind === 'suspension_lifted'))
        throw monitoringError(
          'CASE_STATE_CONFLICT',
          `Case ${kase.code}: its listing suspension was already lifted`,
          { code: kase.code },
        );
      const decided = JSON.parse(outcome.details) as { productIds?: string[] };
      const { lifted, reinstated } = await this.listings.reinstateListings(
        { productIds: decided.productIds ?? [], source: 'price_case', reference: kase.code },
        { actor, manager: m },
      );
      const active = new Set(reinstated.map((r) => r.id));
      const before = { status: kase.status, version: kase.version };
      kase.version += 1;
      kase.updatedAt = this.clock.now();
      await m.getRepository(PriceCase).save(kase);
      await this.step(m, actor, kase, 'suspension_lifted', body.note.trim(), {
        liftedListingIds: lifted.map((r) => r.id),
        reinstatedListingIds: [...active],
        // Held by another source (a credit sanction, an officer): still suspended.
        stillSuspendedListingIds: lifted.filter((r) => !active.has(r.id)).map((r) => r.id),
      });
      await this.audit.record(
        m,
        actor,
        'price_case.suspension_lifted',
        { type: 'price_case', id: kase.id },
        { before, after: { code: kase.code, status: kase.status, version: kase.version } },
      );
    });
    return this.queries.detail(actor, code);
  }

  /** Lock, check the transition, do the step's work, save the new status, audit. */
  private async advance(
    actor: Actor,
    code: string,
    action: CaseAction,
    work: (m: EntityManager, kase: PriceCase, now: Date) => Promise<void>,
  ): Promise<CaseDetailView> {
    await this.tx.run(async (m) => {
      const kase = await this.queries.visible(actor, code, m, true);
      const before = { status: kase.status, version: kase.version };
      const next = nextCaseStatus(kase.status, action, kase.code);
      const now = this.clock.now();
      await work(m, kase, now);
      kase.status = next;
      kase.version += 1;
      kase.updatedAt = now;
      await m.getRepository(PriceCase).save(kase);
      await this.audit.record(
        m,
        actor,
        `price_case.${action}`,
        { type: 'price_case', id: kase.id },
        {
          before,
          after: {
            code: kase.code,
            status: kase.status,
            outcome: kase.outcome,
            version: kase.version,
          },
        },
      );
    });
    return this.queries.detail(actor, code);
  }

  private async step(
    m: EntityManager,
    actor: Actor,
    kase: PriceCase,
    kind: StepKind,
    body: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    await m.getRepository(PriceCaseStep).insert({
      caseId: kase.id,
      kind,
      actorId: actor.id,
      actorName: actor.name,
      actorOrgId: actor.orgId,
      at: this.clock.now(),
      body,
      details: canonicalJson(details),
    });
    if (kind === 'opened')
      await this.audit.record(
        m,
        actor,
        'price_case.opened',
        { type: 'price_case', id: kase.id },
        { after: { code: kase.code, supplierId: kase.supplierId, ...details } },
      );
  }

  /** The supplier of the case: the one the alerts name (all the same), or the one given. */
  private supplierOf(alerts: PriceAlert[], given: string | undefined): string {
    const named = [...new Set(alerts.map((a) => a.supplierId).filter((s) => s !== null))];
    if (named.length > 1 || (given && named.length === 1 && named[0] !== given))
      throw monitoringError(
        'CASE_SUPPLIER_MISMATCH',
        `alertIds: the alerts concern suppliers ${[...new Set([...named, ...(given ? [given] : [])])].join(', ')}; a case is against one supplier`,
        { field: 'alertIds', suppliers: named },
      );
    const supplierId = given ?? named[0];
    if (!supplierId)
      throw monitoringError(
        'CASE_ALERTS_INVALID',
        'supplierId: the alerts name no supplier; say which supplier the case is against',
        { field: 'supplierId' },
      );
    return supplierId;
  }

  /** The next number of `year`, under the counter row's lock. */
  private async nextSeq(m: EntityManager, year: number): Promise<number> {
    await m
      .createQueryBuilder()
      .insert()
      .into(PriceCaseCounter)
      .values({ year, lastSeq: 0 })
      .orIgnore()
      .execute();
    const counter = await forUpdate(
      m.getRepository(PriceCaseCounter).createQueryBuilder('k').where('k.year = :year', { year }),
    ).getOneOrFail();
    const seq = counter.lastSeq + 1;
    await m.getRepository(PriceCaseCounter).update({ year }, { lastSeq: seq });
    return seq;
  }
}
