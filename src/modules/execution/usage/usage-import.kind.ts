import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor, hasRole } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { commonError } from '../../../common/errors/domain-error';
import { CatalogDirectory } from '../../catalog/products/catalog-directory.service';
import { normaliseCode } from '../../catalog/products/domain/product-codes';
import {
  CellValue,
  ImportColumn,
  ImportContext,
  ImportKind,
  NumberedRow,
  ParsedRow,
  RowProblem,
} from '../../imports/import-kind';
import { chinaDate } from '../deliveries/domain/delivery-rules';
import { checkUsageDate, parseUsageCells, UsageRow } from './domain/usage-rules';
import { UsageBatch } from './usage.entity';
import { AuditService } from '../../audit/audit.service';
import { UsageBatchView } from './dto/usage.dto';
import { ResolvedUsageRow, UsageService, WriteCounts } from './usage.service';

const QUANTITY_HELP = 'in smallest units (片, 粒, 支 …) of the product, ≥ 0, at most 3 decimals';

export const USAGE_IMPORT_COLUMNS: readonly ImportColumn[] = [
  {
    key: 'productCode',
    header: '医保编码 Product code',
    required: true,
    text: true,
    width: 28,
    help: 'National insurance code (医保药品代码 / 医保耗材代码) of the product',
  },
  {
    key: 'date',
    header: '日期 Date',
    required: true,
    text: true,
    width: 14,
    help: 'The business day reported, YYYY-MM-DD; one row per product and day',
  },
  {
    key: 'purchasedQuantity',
    header: '购进数量 Purchased',
    required: true,
    text: true,
    width: 16,
    help: `Received that day, ${QUANTITY_HELP}`,
  },
  {
    key: 'usedQuantity',
    header: '使用数量 Used',
    required: true,
    text: true,
    width: 16,
    help: `Used (dispensed) that day, ${QUANTITY_HELP}`,
  },
  {
    key: 'stockQuantity',
    header: '库存数量 Stock',
    required: true,
    text: true,
    width: 16,
    help: `In stock at the end of the day, ${QUANTITY_HELP}`,
  },
];

/** What one import run has written so far, across its write batches. */
interface RunState {
  batch: UsageBatch;
  rows: number;
  counts: WriteCounts;
}

/**
 * §E3 / §X usage and stock by Excel (`execution.usage`, no context id): the same rules as
 * `PUT execution/usage-batches/:batchId`, all or nothing. The upload is one usage batch keyed
 * by its import (`#import-<id>`, a key no API client can send); the pipeline recognises the
 * same file uploaded twice.
 */
@Injectable()
export class UsageImportKind implements ImportKind<UsageRow> {
  readonly kind = 'execution.usage';
  readonly version = 1;
  readonly title = '进销存 Usage and stock';
  readonly sheetName = '进销存 Usage';
  readonly columns = USAGE_IMPORT_COLUMNS;
  readonly exampleRows = [
    {
      productCode: 'XC10AAA0001010101234',
      date: '2026-03-03',
      purchasedQuantity: '700',
      usedQuantity: '350.5',
      stockQuantity: '1200',
    },
  ];

  /** Keyed by the run's context object, so a run that fails leaves nothing behind. */
  private readonly runs = new WeakMap<ImportContext, RunState>();

  constructor(
    private readonly usage: UsageService,
    private readonly catalog: CatalogDirectory,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** A hospital's users and its HIS (API key with imports:write) upload their own usage. */
  allowed(actor: Actor): boolean {
    return (
      actor.orgType === 'hospital' && (actor.kind === 'api_key' || hasRole(actor, 'hospital_user'))
    );
  }

  parseRow(cells: Record<string, CellValue>): ParsedRow<UsageRow> {
    return parseUsageCells(cells);
  }

  async checkBatch(
    rows: NumberedRow<UsageRow>[],
    _ctx: ImportContext,
    seen: Map<string, unknown>,
  ): Promise<Map<number, RowProblem[]>> {
    const today = chinaDate(this.clock.now());
    const products = await this.catalog.findByCodes(rows.map((r) => r.value.productCode));
    const problems = new Map<number, RowProblem[]>();
    const add = (row: number, problem: RowProblem) =>
      problems.set(row, [...(problems.get(row) ?? []), problem]);
    for (const { rowNumber, value } of rows) {
      const code = normaliseCode(value.productCode);
      if (!products.has(code))
        add(rowNumber, { column: 'productCode', message: `no product with code ${code}` });
      try {
        checkUsageDate(value.date, 'date', today);
      } catch (err) {
        add(rowNumber, {
          column: 'date',
          message: (err as Error).message.replace('date: ', ''),
        });
      }
      const key = `usage:${code}@${value.date}`;
      const first = seen.get(key) as number | undefined;
      if (first !== undefined)
        add(rowNumber, {
          column: 'productCode',
          message: `${code} on ${value.date} is already reported in row ${String(first)}`,
        });
      else seen.set(key, rowNumber);
    }
    return problems;
  }

  async writeBatch(
    manager: EntityManager,
    rows: NumberedRow<UsageRow>[],
    ctx: ImportContext,
  ): Promise<void> {
    const now = this.clock.now();
    let run = this.runs.get(ctx);
    if (!run) {
      const batch = await this.usage.openBatch(
        manager,
        ctx.actor,
        `#import-${ctx.importId}`,
        'excel',
        null,
        now,
      );
      run = { batch, rows: 0, counts: { created: 0, corrected: 0, late: 0 } };
      this.runs.set(ctx, run);
    }
    const products = await this.catalog.findByCodes(rows.map((r) => r.value.productCode));
    const resolved: ResolvedUsageRow[] = rows.map(({ rowNumber, value }) => {
      const product = products.get(normaliseCode(value.productCode));
      // Validation passed, so only a product removed since can end here.
      if (!product)
        throw commonError(
          'CONFLICT',
          `Row ${rowNumber}: no product with code ${value.productCode}`,
        );
      return { ...value, productId: product.id };
    });
    const counts = await this.usage.writeRows(
      manager,
      ctx.actor.orgId,
      run.batch.id,
      resolved,
      run.batch.receivedAt,
    );
    run.rows += rows.length;
    run.counts.created += counts.created;
    run.counts.corrected += counts.corrected;
    run.counts.late += counts.late;
  }

  async finish(manager: EntityManager, ctx: ImportContext): Promise<void> {
    const run = this.runs.get(ctx);
    this.runs.delete(ctx);
    if (!run) return;
    await this.usage.closeBatch(manager, run.batch, run.rows, run.counts);
    await this.audit.record(
      manager,
      ctx.actor,
      'usage_batch.received',
      { type: 'usage_batch', id: run.batch.id },
      { after: { ...UsageBatchView.of(run.batch), importId: ctx.importId } },
    );
  }
}
