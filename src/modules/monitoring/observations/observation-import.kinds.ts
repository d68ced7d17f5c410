import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor, hasRole } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { commonError } from '../../../common/errors/domain-error';
import { AuditService } from '../../audit/audit.service';
import { normaliseCode } from '../../catalog/products/domain/product-codes';
import {
  CellValue,
  ImportContext,
  ImportKind,
  NumberedRow,
  ParsedRow,
  RowProblem,
} from '../../imports/import-kind';
import { firstRowIndex } from '../../imports/domain/row-index';
import { OrganisationDirectory } from '../../identity/organisations/organisation-directory.service';
import { insertObservations } from '../bulk/observation-writer';
import { monitoringError } from '../monitoring.errors';
import {
  EXTERNAL_COLUMNS,
  ExternalRow,
  parseExternalRow,
  parseSentinelRow,
  SENTINEL_COLUMNS,
  SentinelRow,
} from './domain/import-rows';
import { ObservationRow } from './domain/observation-rows';
import { ObservationBatches } from './observation-batches.service';
import { ObservationIntake, ProductLookup, ResolvedProducts } from './observation-intake.service';
import { ObservationSource } from './observation.entity';

/**
 * Rows per checkBatch / writeBatch call: two multi-row INSERT statements on MySQL (2,000 rows
 * each), four on SQLite. Products are looked up once per file, so a batch costs the database
 * little besides its inserts.
 */
export const OBSERVATION_IMPORT_BATCH_ROWS = 4000;

interface RunState {
  batchId: string;
  rows: number;
  inserted: number;
  products: ProductLookup;
  /** What toObservations needs once per import (the sentinel's organisation). */
  memo: Map<string, unknown>;
}

/** Key of the validation pass's product lookup in the file's `seen` state. */
const PRODUCTS = '#products';

type Problems = Map<number, RowProblem[]>;

function add(problems: Problems, row: number, problem: RowProblem): void {
  problems.set(row, [...(problems.get(row) ?? []), problem]);
}

/**
 * Shared by the two observation kinds: one observation batch per import (`import:<fileId>`),
 * written inside the pipeline's single transaction with multi-row inserts, committed in
 * `finish`; the rules' evaluation is dispatched once that transaction has committed.
 */
abstract class ObservationImportKind<T extends { productCode: string }> implements ImportKind<T> {
  abstract readonly kind: string;
  readonly version = 1;
  abstract readonly title: string;
  abstract readonly sheetName: string;
  abstract readonly columns: ImportKind<T>['columns'];
  protected abstract readonly source: ObservationSource;
  readonly batchRows = OBSERVATION_IMPORT_BATCH_ROWS;
  private readonly runs = new WeakMap<ImportContext, RunState>();

  constructor(
    protected readonly intake: ObservationIntake,
    protected readonly batches: ObservationBatches,
    protected readonly audit: AuditService,
    protected readonly clock: Clock,
  ) {}

  abstract allowed(actor: Actor, contextId: string): boolean;
  abstract parseRow(cells: Record<string, CellValue>): ParsedRow<T>;
  /** Row-level checks beyond the product (duplicates within the file, the sender …). */
  protected abstract extraChecks(
    rows: NumberedRow<T>[],
    ctx: ImportContext,
    seen: Map<string, unknown>,
    problems: Problems,
  ): Promise<void>;
  protected abstract toObservations(
    rows: NumberedRow<T>[],
    products: ResolvedProducts,
    ctx: ImportContext,
    memo: Map<string, unknown>,
  ): Promise<ObservationRow[]>;

  async checkBatch(
    rows: NumberedRow<T>[],
    ctx: ImportContext,
    seen: Map<string, unknown>,
  ): Promise<Problems> {
    const problems: Problems = new Map();
    let products = seen.get(PRODUCTS);
    if (!(products instanceof ProductLookup)) {
      products = this.intake.productLookup();
      seen.set(PRODUCTS, products);
    }
    const { byCode } = await (products as ProductLookup).resolve(
      rows.map((r) => r.value.productCode),
    );
    for (const { rowNumber, value } of rows) {
      const code = normaliseCode(value.productCode);
      if (!byCode.has(code))
        add(problems, rowNumber, {
          column: 'productCode',
          message: `no product with code ${code}`,
        });
    }
    await this.extraChecks(rows, ctx, seen, problems);
    return problems;
  }

  async writeBatch(
    manager: EntityManager,
    rows: NumberedRow<T>[],
    ctx: ImportContext,
  ): Promise<void> {
    let run = this.runs.get(ctx);
    if (!run) {
      const batch = await this.batches.open(manager, {
        kind: 'import',
        source: this.source,
        batchKey: `import:${ctx.importId}`,
        importFileId: ctx.importId,
        organisationId: ctx.actor.orgId,
        createdBy: ctx.actor.id,
      });
      run = {
        batchId: batch.id,
        rows: 0,
        inserted: 0,
        products: this.intake.productLookup(),
        memo: new Map(),
      };
      this.runs.set(ctx, run);
    }
    const products = await run.products.resolve(rows.map((r) => r.value.productCode));
    const observations = await this.toObservations(rows, products, ctx, run.memo);
    if (observations.length !== rows.length)
      // Validation passed, so only a product removed since can end here.
      throw commonError('CONFLICT', 'A product of the file no longer exists; upload it again');
    run.inserted += await insertObservations(manager, run.batchId, observations, this.clock.now());
    run.rows += rows.length;
  }

  async finish(manager: EntityManager, ctx: ImportContext): Promise<void> {
    const run = this.runs.get(ctx);
    this.runs.delete(ctx);
    if (!run) return;
    await this.batches.commit(manager, run.batchId, run.rows, run.inserted);
    await this.audit.record(
      manager,
      ctx.actor,
      'observation_batch.received',
      { type: 'observation_batch', id: run.batchId },
      { after: { kind: 'import', source: this.source, importId: ctx.importId, rows: run.rows } },
    );
    // Runs once the pipeline's transaction has committed (it retries until it sees the batch).
    await this.batches.dispatchLater(run.batchId);
  }
}

/**
 * §M1 `monitoring.sentinel`: a designated sentinel hospital or pharmacy reports the prices it
 * paid or charged. The template belongs to the sentinel: its context id is the organisation's
 * own id, and only a designated organisation gets or uploads it.
 */
@Injectable()
export class SentinelImportKind extends ObservationImportKind<SentinelRow> {
  readonly kind = 'monitoring.sentinel';
  readonly title = '价格监测哨点报价 Sentinel price report';
  readonly sheetName = '哨点报价 Sentinel prices';
  readonly columns = SENTINEL_COLUMNS;
  protected readonly source = 'sentinel' as const;
  readonly exampleRows = [
    {
      productCode: 'XC10AAA0001010101234',
      date: '2026-03-03',
      unitPrice: '0.215000',
      quantity: '1200',
    },
  ];

  constructor(
    intake: ObservationIntake,
    batches: ObservationBatches,
    audit: AuditService,
    clock: Clock,
    private readonly orgs: OrganisationDirectory,
  ) {
    super(intake, batches, audit, clock);
  }

  allowed(actor: Actor): boolean {
    return (
      actor.orgType === 'hospital' && (actor.kind === 'api_key' || hasRole(actor, 'hospital_user'))
    );
  }

  async checkContext(actor: Actor, contextId: string): Promise<void> {
    if (contextId !== actor.orgId)
      throw monitoringError(
        'SENTINEL_ORGANISATION_INVALID',
        `contextId: a sentinel template belongs to the reporting organisation; use contextId=${actor.orgId}`,
        { field: 'contextId' },
      );
    if (!(await this.intake.isSentinel(actor.orgId)))
      throw monitoringError(
        'SENTINEL_NOT_DESIGNATED',
        'This organisation is not a designated price-monitoring sentinel; a pricing analyst designates sentinels',
      );
  }

  parseRow(cells: Record<string, CellValue>): ParsedRow<SentinelRow> {
    return parseSentinelRow(cells);
  }

  protected async extraChecks(
    rows: NumberedRow<SentinelRow>[],
    ctx: ImportContext,
    seen: Map<string, unknown>,
    problems: Problems,
  ): Promise<void> {
    // The designation may end between upload and processing.
    if (!seen.has('#designated'))
      seen.set('#designated', await this.intake.isSentinel(ctx.actor.orgId));
    const designated = seen.get('#designated') === true;
    const today = new Date(this.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const firstRows = firstRowIndex(seen, 'product-date');
    for (const { rowNumber, value } of rows) {
      if (!designated)
        add(problems, rowNumber, {
          column: null,
          message: 'the organisation is no longer a designated sentinel',
        });
      if (value.date > today)
        add(problems, rowNumber, { column: 'date', message: `${value.date} is in the future` });
      const first = firstRows.firstRow(
        `${normaliseCode(value.productCode)}@${value.date}`,
        rowNumber,
      );
      if (first !== null)
        add(problems, rowNumber, {
          column: 'productCode',
          message: `${value.productCode} on ${value.date} is already reported in row ${first}`,
        });
    }
  }

  protected async toObservations(
    rows: NumberedRow<SentinelRow>[],
    products: ResolvedProducts,
    ctx: ImportContext,
    memo: Map<string, unknown>,
  ): Promise<ObservationRow[]> {
    let who = memo.get('sentinel') as { id: string; regionCode: string } | undefined;
    if (!who) {
      const org = await this.orgs.findById(ctx.actor.orgId);
      if (!org?.regionCode)
        throw commonError('CONFLICT', 'The reporting organisation has no region');
      who = { id: org.id, regionCode: org.regionCode };
      memo.set('sentinel', who);
    }
    return rows
      .map((r) =>
        this.intake.sentinelRow(products, who, `import:${ctx.importId}:${r.rowNumber}`, r.value),
      )
      .filter((o): o is ObservationRow => o !== null);
  }
}

/**
 * §M1 `monitoring.external`: prices of other regions and the national monitoring price, loaded
 * by a pricing analyst, as the `.xlsx` template or a UTF-8 `.csv` headed with the template's
 * labels (national and provincial platforms publish CSV); JSON feeds use
 * `POST monitoring/observations/external`.
 */
@Injectable()
export class ExternalImportKind extends ObservationImportKind<ExternalRow> {
  readonly kind = 'monitoring.external';
  readonly title = '外部参考价格 External reference prices';
  readonly sheetName = '外部参考价 External prices';
  readonly columns = EXTERNAL_COLUMNS;
  protected readonly source = 'external' as const;
  readonly csv = true as const;

  // Nest reads constructor parameter types from the decorated class itself.
  constructor(
    intake: ObservationIntake,
    batches: ObservationBatches,
    audit: AuditService,
    clock: Clock,
  ) {
    super(intake, batches, audit, clock);
  }
  readonly exampleRows = [
    {
      productCode: 'XC10AAA0001010101234',
      referenceKind: 'other_region',
      regionCode: '330100',
      date: '2026-03-01',
      unitPrice: '0.198000',
      quantity: null,
    },
    {
      productCode: 'XC10AAA0001010101234',
      referenceKind: 'national_monitoring',
      regionCode: 'national',
      date: '2026-03-01',
      unitPrice: '0.205000',
      quantity: null,
    },
  ];

  allowed(actor: Actor): boolean {
    return (
      actor.orgType === 'authority' && actor.kind === 'user' && hasRole(actor, 'pricing_analyst')
    );
  }

  parseRow(cells: Record<string, CellValue>): ParsedRow<ExternalRow> {
    return parseExternalRow(cells);
  }

  protected async extraChecks(
    rows: NumberedRow<ExternalRow>[],
    _ctx: ImportContext,
    seen: Map<string, unknown>,
    problems: Problems,
  ): Promise<void> {
    const firstRows = firstRowIndex(seen, 'product-region-date');
    for (const { rowNumber, value } of rows) {
      const key = `${normaliseCode(value.productCode)}|${value.referenceKind}|${value.regionCode}|${value.date}`;
      const first = firstRows.firstRow(key, rowNumber);
      if (first !== null)
        add(problems, rowNumber, {
          column: 'productCode',
          message: `the same product, region and date as row ${first}`,
        });
    }
  }

  protected toObservations(
    rows: NumberedRow<ExternalRow>[],
    products: ResolvedProducts,
    ctx: ImportContext,
  ): Promise<ObservationRow[]> {
    return Promise.resolve(
      rows
        .map((r) =>
          this.intake.externalRow(products, `import:${ctx.importId}:${r.rowNumber}`, r.value),
        )
        .filter((o): o is ObservationRow => o !== null),
    );
  }
}
