import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { isSupplierType } from '../../../common/auth/roles';
import { Clock } from '../../../common/clock';
import {
  duplicateKeyError,
  registerUniqueConstraint,
} from '../../../common/errors/unique-constraints';
import { page, Page, skipTake } from '../../../common/pagination';
import { forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { CatalogDirectory } from '../../catalog/products/catalog-directory.service';
import { chinaDate } from '../../execution/deliveries/domain/delivery-rules';
import { OrganisationDirectory } from '../../identity/organisations/organisation-directory.service';
import { IdentityScope } from '../../identity/scope/identity-scope.service';
import { BackupActivationService } from '../../procurement/awards/backup-activation.service';
import { CreditIntake } from '../cases/credit-intake.service';
import { checkPeriod } from './domain/supply-rules';
import {
  ActivationQuery,
  ActivationRequest,
  ActivationView,
  EscalateRequest,
  FailureQuery,
  FailureRequest,
  FailureView,
} from './dto/supply.dto';
import { SupplyAlertsService } from './supply-alerts.service';
import { restrictByRegion } from './supply-scope';
import { SupplySignals } from './supply-signals.service';
import { SupplyFailure } from './supply.entities';
import { supplyError } from './supply.errors';

registerUniqueConstraint('uq_backup_activations__lot_id__region_code__backup_bid_id', {
  table: 'backup_activations',
  columns: ['lot_id', 'region_code', 'backup_bid_id'],
  code: 'SUPPLY.ACTIVATION_CONFLICT',
  message: 'Another activation of this backup in the region happened at the same moment',
});
registerUniqueConstraint('uq_supply_failures__code', {
  table: 'supply_failures',
  columns: ['code'],
  code: 'SUPPLY.FAILURE_CODE_TAKEN',
  message: 'Another supply failure took this code at the same moment; try again',
});

const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const isId = (v: string) => /^\d{1,18}$/.test(v);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** SF<yyyymm>-<6 random characters>, like order codes: no 0/O or 1/I. */
function failureCode(today: string): string {
  const random = [...randomBytes(6)].map((b) => CODE_ALPHABET[b % 32]).join('');
  return `SF${today.slice(0, 7).replace('-', '')}-${random}`;
}

function calendarDate(value: string, field: string): string {
  const ok =
    DATE.test(value) && new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
  if (!ok)
    throw supplyError('DATE_INVALID', `${field}: ${value} is not a calendar date`, { field });
  return value;
}

/**
 * §K5 the officer's side of supply assurance: activating a region's backup supplier for a lot
 * (procurement rewrites the agreements; this records who, why and on what evidence) and
 * recording supply failures, which a supervisor or officer escalates to a §K1 credit case
 * (behaviour `failure_to_supply`); the failure keeps the case's code.
 */
@Injectable()
export class SupplyAssuranceService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly scope: IdentityScope,
    private readonly orgs: OrganisationDirectory,
    private readonly catalog: CatalogDirectory,
    private readonly backups: BackupActivationService,
    private readonly signals: SupplySignals,
    private readonly alerts: SupplyAlertsService,
    private readonly intake: CreditIntake,
    @InjectRepository(SupplyFailure) private readonly failures: Repository<SupplyFailure>,
  ) {}

  async activate(actor: Actor, body: ActivationRequest): Promise<ActivationView> {
    await this.scope.assertRegionInScope(actor, body.regionCode);
    const effectiveFrom = chinaDate(this.clock.now());
    return this.tx.run(async (m) => {
      const result = await this.backups.activate(m, {
        lotId: body.lotId,
        regionCode: body.regionCode,
        backupBidId: body.backupBidId ?? null,
        effectiveFrom,
        reason: body.reason.trim(),
        activatedBy: actor.id,
        purchasedPacks: (ids) => this.signals.acceptedPacksByAgreement(m, ids),
      });
      const view = ActivationView.of(
        result.activation,
        result.created.map((a) => a.id),
      );
      await this.audit.record(
        m,
        actor,
        'supply.backup_activated',
        { type: 'backup_activation', id: result.activation.id },
        {
          after: {
            ...view,
            replacedAgreementIds: result.replacedAgreementIds,
            createdAgreements: result.created.map((a) => ({
              id: a.id,
              hospitalId: a.hospitalId,
              agreedQuantity: a.agreedQuantity.toFixed(3),
            })),
          },
        },
      );
      return view;
    });
  }

  async listActivations(actor: Actor, query: ActivationQuery): Promise<Page<ActivationView>> {
    const [rows, total] = await this.backups.activations(
      this.failures.manager,
      { lotId: query.lotId, regionCode: query.regionCode, regionPath: actor.regionPath },
      { ...skipTake(query), order: query.order },
    );
    return page(
      rows.map((a) => ActivationView.of(a)),
      total,
      query,
    );
  }

  async getActivation(actor: Actor, id: string): Promise<ActivationView> {
    const row = isId(id) ? await this.backups.activation(id, this.failures.manager) : null;
    if (!row || !(await this.inScope(actor, row.regionCode)))
      throw supplyError('ACTIVATION_NOT_FOUND', `Backup activation ${id} not found`, { id });
    return ActivationView.of(row);
  }

  async recordFailure(actor: Actor, body: FailureRequest): Promise<FailureView> {
    await this.scope.assertRegionInScope(actor, body.regionCode);
    const from = calendarDate(body.periodFrom, 'periodFrom');
    const to = calendarDate(body.periodTo, 'periodTo');
    checkPeriod(from, to);
    const supplier = await this.orgs.findById(body.supplierId);
    if (!supplier || !isSupplierType(supplier.type))
      throw supplyError('SUPPLIER_NOT_FOUND', `supplierId: supplier ${body.supplierId} not found`, {
        field: 'supplierId',
      });
    const products = await this.catalog.findByIds([body.productId]);
    if (!products.has(body.productId))
      throw supplyError('PRODUCT_NOT_FOUND', `productId: product ${body.productId} not found`, {
        field: 'productId',
      });
    const attempt = () =>
      this.tx.run(async (m) => {
        if (!(await this.backups.lotExists(m, body.lotId)))
          throw supplyError('LOT_NOT_FOUND', `lotId: lot ${body.lotId} not found`, {
            field: 'lotId',
          });
        await this.alerts.visibleIds(m, actor, body.alertIds);
        if (body.activationId) {
          const activation = await this.backups.activation(body.activationId, m);
          if (!activation || activation.regionCode !== body.regionCode)
            throw supplyError(
              'ACTIVATION_NOT_FOUND',
              `activationId: backup activation ${body.activationId} of region ${body.regionCode} not found`,
              { field: 'activationId' },
            );
        }
        const now = this.clock.now();
        const failure = await m.getRepository(SupplyFailure).save(
          m.create(SupplyFailure, {
            code: failureCode(chinaDate(now)),
            supplierId: supplier.id,
            lotId: body.lotId,
            productId: body.productId,
            regionCode: body.regionCode,
            periodFrom: from,
            periodTo: to,
            description: body.description.trim(),
            alertIds: JSON.stringify([...new Set(body.alertIds)]),
            activationId: body.activationId ?? null,
            creditCaseId: null,
            creditCaseCode: null,
            recordedBy: actor.id,
            recordedAt: now,
            escalatedBy: null,
            escalatedAt: null,
          }),
        );
        const view = FailureView.of(failure);
        await this.audit.record(
          m,
          actor,
          'supply_failure.recorded',
          { type: 'supply_failure', id: failure.id },
          { after: { ...view } },
        );
        return view;
      });
    for (let tries = 1; ; tries++) {
      try {
        return await attempt();
      } catch (err) {
        if (duplicateKeyError(err)?.code !== 'SUPPLY.FAILURE_CODE_TAKEN' || tries >= 5) throw err;
      }
    }
  }

  async listFailures(actor: Actor, query: FailureQuery): Promise<Page<FailureView>> {
    const qb = this.failures.createQueryBuilder('f');
    restrictByRegion(qb, actor, 'f.regionCode');
    if (query.supplierId) qb.andWhere('f.supplierId = :sid', { sid: query.supplierId });
    if (query.regionCode) qb.andWhere('f.regionCode = :region', { region: query.regionCode });
    if (query.escalated === 'true') qb.andWhere('f.creditCaseId IS NOT NULL');
    if (query.escalated === 'false') qb.andWhere('f.creditCaseId IS NULL');
    const dir = query.order === 'desc' ? 'DESC' : 'ASC';
    qb.orderBy('f.recordedAt', dir).addOrderBy('f.id', dir);
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    return page(rows.map(FailureView.of), total, query);
  }

  async getFailure(actor: Actor, id: string): Promise<FailureView> {
    return FailureView.of(await this.visibleFailure(actor, id, false));
  }

  /**
   * §K5 → §K1: the failure becomes a credit case (behaviour `failure_to_supply`) in the same
   * transaction, and keeps the case's id and code. Escalating twice is a 409 naming the case.
   */
  async escalate(actor: Actor, id: string, body: EscalateRequest): Promise<FailureView> {
    return this.tx.run(async (m) => {
      const failure = await this.visibleFailure(actor, id, true, m);
      if (failure.creditCaseId)
        throw supplyError(
          'FAILURE_ALREADY_ESCALATED',
          `Supply failure ${failure.code} is already credit case ${failure.creditCaseCode}`,
          { creditCaseId: failure.creditCaseId, creditCaseCode: failure.creditCaseCode },
        );
      const created = await this.intake.escalate(m, {
        supplierId: failure.supplierId,
        behaviour: 'failure_to_supply',
        productIds: [failure.productId],
        amount: body.amount ?? null,
        sourceRef: failure.code,
        summary: body.summary?.trim() || failure.description,
        referredBy: actor.id,
        sourceType: 'supply_failure',
      });
      const now = this.clock.now();
      failure.creditCaseId = created.creditCaseId;
      failure.creditCaseCode = created.creditCaseCode;
      failure.escalatedBy = actor.id;
      failure.escalatedAt = now;
      await m.getRepository(SupplyFailure).save(failure);
      const view = FailureView.of(failure);
      await this.audit.record(
        m,
        actor,
        'supply_failure.escalated',
        { type: 'supply_failure', id: failure.id },
        { before: { creditCaseId: null }, after: { ...created } },
      );
      return view;
    });
  }

  private async visibleFailure(
    actor: Actor,
    id: string,
    lock: boolean,
    manager = this.failures.manager,
  ): Promise<SupplyFailure> {
    let row: SupplyFailure | null = null;
    if (isId(id)) {
      const qb = manager
        .getRepository(SupplyFailure)
        .createQueryBuilder('f')
        .where('f.id = :id', { id });
      restrictByRegion(qb, actor, 'f.regionCode');
      row = await (lock ? forUpdate(qb) : qb).getOne();
    }
    if (!row) throw supplyError('FAILURE_NOT_FOUND', `Supply failure ${id} not found`, { id });
    return row;
  }

  /** Whether a region lies in the actor's scope. */
  private inScope(actor: Actor, code: string): Promise<boolean> {
    return this.scope
      .assertRegionInScope(actor, code)
      .then(() => true)
      .catch(() => false);
  }
}
