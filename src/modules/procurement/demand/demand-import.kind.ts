import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Actor, hasRole, isAuthority } from '../../../common/auth/actor';
import { AUTHORITY_ROLES } from '../../../common/auth/roles';
import { Clock } from '../../../common/clock';
import { commonError, DomainError } from '../../../common/errors/domain-error';
import { Decimal } from '../../../database/decimal';
import { CatalogDirectory } from '../../catalog/products/catalog-directory.service';
import { dosageForm } from '../../catalog/products/domain/dosage-forms';
import { normaliseCode } from '../../catalog/products/domain/product-codes';
import { OrganisationDirectory } from '../../identity/organisations/organisation-directory.service';
import {
  CellValue,
  ImportColumn,
  ImportContext,
  ImportKind,
  NumberedRow,
  ParsedRow,
  RowProblem,
} from '../../imports/import-kind';
import { importsError } from '../../imports/imports.errors';
import { Lot } from '../lots/lot.entity';
import { LotsService } from '../lots/lots.service';
import { assertDemandWindow } from '../rounds/domain/timeline';
import { Round } from '../rounds/round.entity';
import { RoundsService, timelineOf } from '../rounds/rounds.service';
import { DemandReport } from './demand-report.entity';
import { DemandAuditEntry, DemandFields, DemandInput, DemandService } from './demand.service';
import { checkDemandReport } from './domain/demand-rules';

export interface DemandImportRow {
  lotCode: string;
  /** null = the uploader's own hospital. */
  hospitalCode: string | null;
  quantity: string;
  brandProductCode: string | null;
  reason: string | null;
}

const FIELDS: DemandFields = { hospital: 'hospitalCode', brand: 'brandProductCode' };

export const DEMAND_IMPORT_COLUMNS: readonly ImportColumn[] = [
  { key: 'lotCode', header: '品种编号 Lot code', required: true, text: true, width: 14 },
  {
    key: 'lotName',
    header: '品种名称 Lot name',
    required: false,
    width: 34,
    help: 'For reference only: ignored on upload',
  },
  {
    key: 'spec',
    header: '代表品规格 Representative spec',
    required: false,
    width: 26,
    help: 'For reference only: quantities are in smallest units (片, 粒, 支 …) of this spec',
  },
  {
    key: 'hospitalCode',
    header: '医疗机构编码 Hospital code',
    required: false,
    text: true,
    width: 18,
    help: 'Empty = your own hospital. A county lead hospital may enter another participant of its county (统一报量)',
  },
  {
    key: 'quantity',
    header: '年度需求量 Annual quantity',
    required: true,
    text: true,
    width: 18,
    help: 'Annual quantity in smallest units of the representative spec, at most 3 decimals; 0 if you need none',
  },
  {
    key: 'brandProductCode',
    header: '指定品牌产品代码 Brand product code',
    required: false,
    text: true,
    width: 28,
    help: 'Optional: the insurance code of an admitted product you want (brand-specified demand)',
  },
  {
    key: 'reason',
    header: '说明 Reason',
    required: false,
    width: 40,
    help: 'Required when the quantity is below the round threshold (80 % by default) of your purchases in the previous 12 months',
  },
];

function text(value: CellValue): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  // A number typed into a cell: written out in full, never in exponent notation.
  if (typeof value === 'number') return new Decimal(value).toFixed();
  return null;
}

/** The field a DomainError names, as a column of this template (or null for the whole row). */
function problemOf(err: DomainError): RowProblem {
  const field = (err.details as { field?: unknown } | undefined)?.field;
  const column =
    typeof field === 'string' && DEMAND_IMPORT_COLUMNS.some((c) => c.key === field) ? field : null;
  const prefix = column ? `${column}: ` : '';
  return {
    column,
    message:
      prefix && err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message,
  };
}

/** Pure: one row of the template. The rules that need the round and history run in checkBatch. */
export function parseDemandRow(cells: Record<string, CellValue>): ParsedRow<DemandImportRow> {
  const problems: RowProblem[] = [];
  const read = (key: string, missing: string | null): string | null => {
    const cell = cells[key] ?? null;
    const value = text(cell);
    if (cell !== null && value === null)
      problems.push({ column: key, message: 'enter text or a number' });
    else if (missing !== null && value === null) problems.push({ column: key, message: missing });
    return value;
  };
  const lotCode = read('lotCode', 'is required');
  const hospitalCode = read('hospitalCode', null);
  const quantity = read(
    'quantity',
    'is required: enter the annual quantity (0 if you need none), or delete the row to leave the lot unreported',
  );
  const brandProductCode = read('brandProductCode', null);
  const reason = read('reason', null);
  if (quantity !== null)
    try {
      // Format and length only: without the history the 80 % rule cannot fail here.
      checkDemandReport({ quantity, history: null, threshold: '1', reason }, '');
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      problems.push(problemOf(err));
    }
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    value: { lotCode: lotCode!, hospitalCode, quantity: quantity!, brandProductCode, reason },
  };
}

function specText(lot: Lot): string {
  const form = dosageForm(lot.repDosageForm);
  const formText = form ? `${form.name} ${form.code}` : lot.repDosageForm;
  return `${lot.repStrength.toFixed()}${lot.repStrengthUnit} ${formText} ×${lot.repPackSize}`;
}

interface Resolved {
  round: Round;
  lots: Map<string, Lot>;
  hospitals: Map<string, string>;
  products: Map<string, string>;
}

/**
 * §P3 / §X: a round's demand template (context id = round id). One row per lot, pre-filled with
 * the uploader's current report; an upload applies every row like `PUT …/demand/:lotId`, all or
 * nothing.
 */
@Injectable()
export class DemandImportKind implements ImportKind<DemandImportRow> {
  readonly kind = 'procurement.demand';
  readonly version = 1;
  readonly title = '需求量填报 Demand report';
  readonly sheetName = '报量 Demand';
  readonly columns = DEMAND_IMPORT_COLUMNS;

  /**
   * Audit entries of an import's reports, written by `finish` at the end of its transaction. Keyed
   * by the run's context object, so a run that fails leaves nothing behind.
   */
  private readonly pendingAudit = new WeakMap<ImportContext, DemandAuditEntry[]>();

  constructor(
    private readonly demand: DemandService,
    private readonly rounds: RoundsService,
    private readonly lots: LotsService,
    private readonly orgs: OrganisationDirectory,
    private readonly catalog: CatalogDirectory,
    private readonly clock: Clock,
    @InjectRepository(DemandReport) private readonly reports: Repository<DemandReport>,
  ) {}

  /** Hospitals report; authorities may download the template to see what is asked. */
  allowed(actor: Actor): boolean {
    return actor.kind === 'user' && hasRole(actor, 'hospital_user', ...AUTHORITY_ROLES);
  }

  async checkContext(actor: Actor, contextId: string): Promise<void> {
    if (!contextId)
      throw importsError(
        'CONTEXT_INVALID',
        'contextId: the demand template belongs to a round; pass the round id as ?contextId=',
        { field: 'contextId' },
      );
    const round = await this.rounds.visible(actor, contextId);
    if (!isAuthority(actor)) await this.demand.scope(undefined, actor, round, [], [], false);
  }

  async templateRows(actor: Actor, contextId: string): Promise<Record<string, CellValue>[]> {
    const round = await this.rounds.visible(actor, contextId);
    const lots = await this.lots.lotsOfRound(undefined, round.id);
    const own = isAuthority(actor)
      ? []
      : await this.reports.findBy({ roundId: round.id, hospitalId: actor.orgId });
    const byLot = new Map(own.map((r) => [r.lotId, r]));
    const brands = await this.catalog.findByIds(
      own.map((r) => r.brandProductId).filter((id): id is string => id !== null),
    );
    return lots.map((lot) => {
      const report = byLot.get(lot.id);
      return {
        lotCode: lot.code,
        lotName: lot.name,
        spec: specText(lot),
        hospitalCode: null,
        // The whole current report, so uploading the template unchanged changes nothing.
        quantity: report ? report.quantity.toFixed() : null,
        brandProductCode: report?.brandProductId
          ? (brands.get(report.brandProductId)?.code ?? null)
          : null,
        reason: report?.reason ?? null,
      };
    });
  }

  parseRow(cells: Record<string, CellValue>): ParsedRow<DemandImportRow> {
    return parseDemandRow(cells);
  }

  async checkBatch(
    rows: NumberedRow<DemandImportRow>[],
    ctx: ImportContext,
    seen: Map<string, unknown>,
  ): Promise<Map<number, RowProblem[]>> {
    const round = await this.rounds.visible(ctx.actor, ctx.contextId);
    // A closed window refuses the whole file with one message rather than a problem per row.
    assertDemandWindow(round.status, timelineOf(round), this.clock.now());
    const resolved = await this.resolve(undefined, round, rows);
    const scope = await this.demand.scope(
      undefined,
      ctx.actor,
      round,
      [...resolved.hospitals.values()],
      [...resolved.lots.values()].map((l) => l.id),
      false,
    );
    const problems = new Map<number, RowProblem[]>();
    const add = (row: number, problem: RowProblem) =>
      problems.set(row, [...(problems.get(row) ?? []), problem]);
    for (const { rowNumber, value } of rows) {
      const input = this.input(resolved, value, scope.actor);
      for (const p of input.problems) add(rowNumber, p);
      const hospital = input.value
        ? (input.value.hospitalId ?? ctx.actor.orgId)
        : (value.hospitalCode ?? ctx.actor.orgId);
      const key = `demand:${value.lotCode}@${hospital}`;
      const first = seen.get(key) as number | undefined;
      if (first !== undefined)
        add(rowNumber, {
          column: 'lotCode',
          message: `lot ${value.lotCode} is already reported for this hospital in row ${String(first)}`,
        });
      else seen.set(key, rowNumber);
      if (!input.value) continue;
      await this.demand.check(scope, input.value, FIELDS).catch((err: unknown) => {
        if (!(err instanceof DomainError)) throw err;
        add(rowNumber, problemOf(err));
      });
    }
    return problems;
  }

  async writeBatch(
    manager: EntityManager,
    rows: NumberedRow<DemandImportRow>[],
    ctx: ImportContext,
  ): Promise<void> {
    const round = await this.demand.openForReporting(manager, ctx.actor, ctx.contextId);
    const resolved = await this.resolve(manager, round, rows);
    const inputs = rows.map(({ rowNumber, value }) => {
      const input = this.input(resolved, value, ctx.actor);
      // Validation passed, so only a change since (a lot removed …) can end here.
      if (!input.value)
        throw commonError(
          'CONFLICT',
          `Row ${rowNumber}: ${input.problems.map((p) => p.message).join('; ')}`,
        );
      return input.value;
    });
    try {
      const deferred = this.pendingAudit.get(ctx) ?? [];
      this.pendingAudit.set(ctx, deferred);
      await this.demand.reportIn(manager, ctx.actor, round, inputs, FIELDS, deferred);
    } catch (err) {
      const index = (err as DomainError).details as { index?: number } | undefined;
      if (err instanceof DomainError && index?.index !== undefined)
        throw new DomainError(
          err.code,
          err.status,
          `Row ${rows[index.index].rowNumber}: ${err.message}`,
          err.details,
        );
      throw err;
    }
  }

  async finish(manager: EntityManager, ctx: ImportContext): Promise<void> {
    await this.demand.recordAudit(manager, ctx.actor, this.pendingAudit.get(ctx) ?? []);
    this.pendingAudit.delete(ctx);
  }

  /** Codes in the rows → the round's lots, hospitals and products. */
  private async resolve(
    m: EntityManager | undefined,
    round: Round,
    rows: NumberedRow<DemandImportRow>[],
  ): Promise<Resolved> {
    const lots = await this.lots.lotsOfRound(m, round.id);
    const hospitalCodes = rows
      .map((r) => r.value.hospitalCode)
      .filter((c): c is string => c !== null);
    const productCodes = rows
      .map((r) => r.value.brandProductCode)
      .filter((c): c is string => c !== null);
    const [orgs, products] = await Promise.all([
      this.orgs.findByCodes(hospitalCodes),
      this.catalog.findByCodes(productCodes),
    ]);
    return {
      round,
      lots: new Map(lots.map((l) => [l.code, l])),
      hospitals: new Map(
        [...orgs].filter(([, o]) => o.type === 'hospital').map(([code, o]) => [code, o.id]),
      ),
      products: new Map([...products].map(([code, p]) => [code, p.id])),
    };
  }

  private input(
    resolved: Resolved,
    row: DemandImportRow,
    actor: Actor,
  ): { value: DemandInput | null; problems: RowProblem[] } {
    const problems: RowProblem[] = [];
    const lot = resolved.lots.get(row.lotCode);
    if (!lot)
      problems.push({
        column: 'lotCode',
        message: `round ${resolved.round.code} has no lot ${row.lotCode}`,
      });
    let hospitalId: string | null = null;
    if (row.hospitalCode !== null) {
      hospitalId = resolved.hospitals.get(row.hospitalCode) ?? null;
      if (!hospitalId)
        problems.push({
          column: 'hospitalCode',
          message: `hospital ${row.hospitalCode} is not a participant of round ${resolved.round.code} that you may report for`,
        });
    }
    let brandProductId: string | null = null;
    if (row.brandProductCode !== null) {
      brandProductId = resolved.products.get(normaliseCode(row.brandProductCode)) ?? null;
      if (!brandProductId)
        problems.push({
          column: 'brandProductCode',
          message: `no product with code ${row.brandProductCode}`,
        });
    }
    if (problems.length || !lot) return { value: null, problems };
    return {
      value: {
        lot,
        hospitalId: hospitalId === actor.orgId ? null : hospitalId,
        hospitalRef: row.hospitalCode,
        brandRef: row.brandProductCode,
        quantity: row.quantity,
        brandProductId,
        reason: row.reason,
      },
      problems,
    };
  }
}
