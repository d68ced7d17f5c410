import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { registerUniqueConstraint } from '../../../common/errors/unique-constraints';
import { Decimal } from '../../../database/decimal';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { CatalogDirectory } from '../../catalog/products/catalog-directory.service';
import { isDosageFormCode } from '../../catalog/products/domain/dosage-forms';
import { normaliseStrengthUnit } from '../../catalog/products/domain/strength-units';
import { procurementError } from '../procurement.errors';
import { RuleSetsService } from '../rule-sets/rule-sets.service';
import { Round } from '../rounds/round.entity';
import { isId, RoundsService } from '../rounds/rounds.service';
import { applyOverrides } from '../selection/domain/rule-set';
import {
  CreateLotRequest,
  LotView,
  RepresentativeSpecRequest,
  UpdateLotRequest,
} from './dto/lot.dto';
import { Lot, LotSpec } from './lot.entity';

registerUniqueConstraint('uq_lots__round_id__code', {
  table: 'lots',
  columns: ['round_id', 'code'],
  code: 'PROCUREMENT.LOT_CODE_TAKEN',
  message: 'The round already has a lot with this code',
});

/** Lots are defined while the round is a draft; admitted specs may change until bidding opens. */
const LOT_EDITABLE = ['draft'];
const SPECS_EDITABLE = ['draft', 'demand_collection', 'demand_closed'];

/** §P2 lots: representative spec, maximum valid unit price, admitted specs, rule overrides. */
@Injectable()
export class LotsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly rounds: RoundsService,
    private readonly ruleSets: RuleSetsService,
    private readonly catalog: CatalogDirectory,
    @InjectRepository(Lot) private readonly lots: Repository<Lot>,
    @InjectRepository(LotSpec) private readonly specs: Repository<LotSpec>,
  ) {}

  async create(actor: Actor, roundId: string, body: CreateLotRequest): Promise<LotView> {
    return this.tx.run(async (m) => {
      const round = await this.rounds.lockVisible(m, actor, roundId);
      this.assertState(round, LOT_EDITABLE, 'lots are defined while the round is a draft');
      checkSpec(body.representative);
      checkMaxPrice(body.maxValidUnitPrice, 'maxValidUnitPrice');
      const overrides = await this.checkOverrides(round, body.overrides);
      await this.checkProducts(round, body.admittedProductIds);
      const now = this.clock.now();
      const lot = await m.getRepository(Lot).save(
        m.create(Lot, {
          roundId: round.id,
          code: body.code,
          name: body.name.trim(),
          dosageFormClass: body.dosageFormClass,
          repStrength: new Decimal(body.representative.strength),
          repStrengthUnit: normaliseStrengthUnit(body.representative.strengthUnit)!,
          repDosageForm: body.representative.dosageForm,
          repPackSize: body.representative.packSize,
          maxValidUnitPrice: new Decimal(body.maxValidUnitPrice),
          overridesJson: overrides,
          createdAt: now,
          updatedAt: now,
        }),
      );
      const admitted = await this.replaceSpecs(m, lot.id, body.admittedProductIds);
      const view = LotView.of(lot, admitted);
      await this.audit.record(
        m,
        actor,
        'lot.created',
        { type: 'lot', id: lot.id },
        { after: view },
      );
      return view;
    });
  }

  async update(actor: Actor, roundId: string, lotId: string, body: UpdateLotRequest) {
    return this.tx.run(async (m) => {
      const round = await this.rounds.lockVisible(m, actor, roundId);
      const lot = await this.lotOfRound(m, round.id, lotId);
      const before = LotView.of(lot, await this.admittedProductIds(m, lot.id));
      const onlySpecs =
        Object.keys(body)
          .filter((k) => body[k as keyof UpdateLotRequest] !== undefined)
          .join() === 'admittedProductIds';
      if (onlySpecs)
        this.assertState(round, SPECS_EDITABLE, 'admitted specs change until bidding opens');
      else this.assertState(round, LOT_EDITABLE, 'lots are defined while the round is a draft');
      if (body.name !== undefined) lot.name = body.name.trim();
      if (body.dosageFormClass !== undefined) lot.dosageFormClass = body.dosageFormClass;
      if (body.representative) {
        checkSpec(body.representative);
        lot.repStrength = new Decimal(body.representative.strength);
        lot.repStrengthUnit = normaliseStrengthUnit(body.representative.strengthUnit)!;
        lot.repDosageForm = body.representative.dosageForm;
        lot.repPackSize = body.representative.packSize;
      }
      if (body.maxValidUnitPrice !== undefined) {
        checkMaxPrice(body.maxValidUnitPrice, 'maxValidUnitPrice');
        lot.maxValidUnitPrice = new Decimal(body.maxValidUnitPrice);
      }
      if (body.overrides !== undefined)
        lot.overridesJson = await this.checkOverrides(round, body.overrides);
      lot.updatedAt = this.clock.now();
      await m.getRepository(Lot).save(lot);
      let admitted = before.admittedProductIds;
      if (body.admittedProductIds) {
        await this.checkProducts(round, body.admittedProductIds);
        admitted = await this.replaceSpecs(m, lot.id, body.admittedProductIds);
      }
      const view = LotView.of(lot, admitted);
      await this.audit.record(
        m,
        actor,
        'lot.updated',
        { type: 'lot', id: lot.id },
        {
          before,
          after: view,
        },
      );
      return view;
    });
  }

  async remove(actor: Actor, roundId: string, lotId: string): Promise<void> {
    await this.tx.run(async (m) => {
      const round = await this.rounds.lockVisible(m, actor, roundId);
      this.assertState(round, LOT_EDITABLE, 'lots are removed while the round is a draft');
      const lot = await this.lotOfRound(m, round.id, lotId);
      const before = LotView.of(lot, await this.admittedProductIds(m, lot.id));
      await m.getRepository(LotSpec).delete({ lotId: lot.id });
      await m.getRepository(Lot).delete({ id: lot.id });
      await this.audit.record(m, actor, 'lot.deleted', { type: 'lot', id: lot.id }, { before });
    });
  }

  async list(actor: Actor, roundId: string): Promise<LotView[]> {
    const round = await this.rounds.visible(actor, roundId);
    const lots = await this.lotsOfRound(undefined, round.id);
    const specs = lots.length
      ? await this.specs.find({ where: { lotId: In(lots.map((l) => l.id)) }, order: { id: 'ASC' } })
      : [];
    return lots.map((l) =>
      LotView.of(
        l,
        specs.filter((s) => s.lotId === l.id).map((s) => s.productId),
      ),
    );
  }

  async get(actor: Actor, roundId: string, lotId: string): Promise<LotView> {
    const round = await this.rounds.visible(actor, roundId);
    const lot = await this.lotOfRound(undefined, round.id, lotId);
    return LotView.of(lot, await this.admittedProductIds(undefined, lot.id));
  }

  async lotOfRound(m: EntityManager | undefined, roundId: string, lotId: string): Promise<Lot> {
    const repo = m ? m.getRepository(Lot) : this.lots;
    const lot = isId(lotId) ? await repo.findOneBy({ id: lotId, roundId }) : null;
    if (!lot)
      throw procurementError('LOT_NOT_FOUND', `Lot ${lotId} not found in this round`, {
        id: lotId,
      });
    return lot;
  }

  lotsOfRound(m: EntityManager | undefined, roundId: string): Promise<Lot[]> {
    return (m ? m.getRepository(Lot) : this.lots).find({
      where: { roundId },
      order: { code: 'ASC' },
    });
  }

  async admittedProductIds(m: EntityManager | undefined, lotId: string): Promise<string[]> {
    const rows = await (m ? m.getRepository(LotSpec) : this.specs).find({
      where: { lotId },
      order: { id: 'ASC' },
    });
    return rows.map((r) => r.productId);
  }

  /** The lot's parameters: the frozen rule set with the lot's own overrides applied. */
  lotOverrides(lot: Lot): unknown {
    return lot.overridesJson ? JSON.parse(lot.overridesJson) : undefined;
  }

  private assertState(round: Round, states: string[], rule: string): void {
    if (!states.includes(round.status))
      throw procurementError(
        'ROUND_NOT_EDITABLE',
        `Round ${round.code} is ${round.status}: ${rule}`,
        { state: round.status },
      );
  }

  private async checkOverrides(round: Round, overrides: Record<string, unknown> | undefined) {
    if (overrides === undefined || Object.keys(overrides).length === 0) return null;
    const base = await this.ruleSets.getFrozen(round.ruleSetId);
    try {
      applyOverrides(base.parameters, overrides);
    } catch (err) {
      const e = err as { message?: string; details?: unknown };
      throw procurementError('LOT_OVERRIDES_INVALID', `overrides: ${e.message ?? String(err)}`, {
        field: 'overrides',
        cause: e.details,
      });
    }
    return JSON.stringify(overrides);
  }

  private async checkProducts(round: Round, ids: string[]): Promise<void> {
    const products = await this.catalog.findByIds(ids);
    ids.forEach((id, i) => {
      const p = products.get(id);
      if (!p)
        throw procurementError('LOT_SPEC_INVALID', `admittedProductIds[${i}]: no product ${id}`, {
          field: `admittedProductIds[${i}]`,
        });
      if (p.category !== round.category)
        throw procurementError(
          'LOT_SPEC_INVALID',
          `admittedProductIds[${i}]: product ${p.code} is a ${p.category}, the round buys ${round.category}s`,
          { field: `admittedProductIds[${i}]` },
        );
      if (ids.indexOf(id) !== i)
        throw procurementError(
          'LOT_SPEC_INVALID',
          `admittedProductIds[${i}]: product ${p.code} is listed twice`,
          { field: `admittedProductIds[${i}]` },
        );
    });
  }

  private async replaceSpecs(m: EntityManager, lotId: string, ids: string[]): Promise<string[]> {
    const repo = m.getRepository(LotSpec);
    await repo.delete({ lotId });
    const now = this.clock.now();
    if (ids.length)
      await repo.insert(ids.map((productId) => ({ lotId, productId, createdAt: now })));
    return [...ids];
  }
}

function checkSpec(spec: RepresentativeSpecRequest): void {
  if (new Decimal(spec.strength).lte(0))
    throw procurementError('LOT_SPEC_INVALID', 'representative.strength must be positive', {
      field: 'representative.strength',
    });
  if (!normaliseStrengthUnit(spec.strengthUnit))
    throw procurementError(
      'LOT_SPEC_INVALID',
      `representative.strengthUnit: unknown unit "${spec.strengthUnit}"`,
      { field: 'representative.strengthUnit' },
    );
  if (!isDosageFormCode(spec.dosageForm))
    throw procurementError(
      'LOT_SPEC_INVALID',
      `representative.dosageForm: unknown dosage form "${spec.dosageForm}"`,
      { field: 'representative.dosageForm' },
    );
}

function checkMaxPrice(value: string, field: string): void {
  if (new Decimal(value).lte(0))
    throw procurementError('LOT_SPEC_INVALID', `${field} must be positive`, { field });
}
