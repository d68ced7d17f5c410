import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, hasRole } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { DomainError } from '../../../common/errors/domain-error';
import { CatalogDirectory } from '../../catalog/products/catalog-directory.service';
import { normaliseCode } from '../../catalog/products/domain/product-codes';
import { Product } from '../../catalog/products/product.entity';
import { chinaDate } from '../../execution/deliveries/domain/delivery-rules';
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
import {
  DISTRIBUTOR_STOCK_COLUMNS,
  MANUFACTURER_REPORT_COLUMNS,
  parseSupplyReportRow,
  SupplyReportRow,
} from './domain/supply-report-row';
import { checkReportMonth } from './domain/supply-rules';
import { CheckedReportLine, notReportable, SupplyReportsService } from './supply-reports.service';

function productLabel(p: Product): string {
  if (p.category === 'consumable') return [p.name, p.specification].filter(Boolean).join(' ');
  const strength = p.strength ? `${p.strength.toFixed()}${p.strengthUnit ?? ''}` : '';
  const pack = p.packSize ? `×${p.packSize}` : '';
  return [p.name, strength, p.dosageForm ?? '', pack].filter(Boolean).join(' ');
}

/**
 * The shared part of the two §K5 report kinds: the context id is the month reported
 * (`?contextId=2026-03`), the template lists the products the supplier reports, and the upload
 * goes through the same checks and writer as `PUT credit/supply/reports/:month`, all or nothing.
 */
abstract class SupplyReportKind implements ImportKind<SupplyReportRow> {
  abstract readonly kind: string;
  abstract readonly title: string;
  abstract readonly sheetName: string;
  abstract readonly columns: readonly ImportColumn[];
  readonly version = 1;
  protected abstract readonly orgType: 'manufacturer' | 'distributor';

  /** Lines collected per run, written by the last batch (one supply-report write per file). */
  private readonly runs = new WeakMap<ImportContext, CheckedReportLine[]>();

  constructor(
    private readonly reports: SupplyReportsService,
    private readonly catalog: CatalogDirectory,
    private readonly clock: Clock,
    private readonly dataSource: DataSource,
  ) {}

  /** The supplier's own users and its systems (an API key with imports:write). */
  allowed(actor: Actor): boolean {
    return (
      actor.orgType === this.orgType &&
      (actor.kind === 'api_key' || hasRole(actor, 'supplier_user'))
    );
  }

  async checkContext(_actor: Actor, contextId: string): Promise<void> {
    try {
      checkReportMonth(contextId, 'contextId', chinaDate(this.clock.now()));
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      throw importsError(
        'CONTEXT_INVALID',
        `A supply report belongs to a month: pass ?contextId=YYYY-MM (${err.message})`,
        { field: 'contextId' },
      );
    }
    return Promise.resolve();
  }

  async templateRows(actor: Actor, contextId: string): Promise<Record<string, CellValue>[]> {
    const ids = await this.reports.templateProductIds(actor, contextId);
    const products = await this.catalog.findByIds(ids);
    const current = await this.reports.ownReports(actor.orgId, contextId);
    return ids
      .map((id) => products.get(id))
      .filter((p): p is Product => p !== undefined)
      .map((p) => {
        const r = current.get(p.id);
        return {
          productCode: p.code,
          productName: productLabel(p),
          stockQuantity: r ? r.stockQuantity.toFixed(3) : null,
          ...(this.orgType === 'manufacturer'
            ? {
                capacityQuantity: r?.capacityQuantity?.toFixed(3) ?? null,
                reserveQuantity: r?.reserveQuantity?.toFixed(3) ?? null,
              }
            : {}),
        };
      });
  }

  parseRow(cells: Record<string, CellValue>): ParsedRow<SupplyReportRow> {
    return parseSupplyReportRow(cells, this.orgType === 'manufacturer');
  }

  async checkBatch(
    rows: NumberedRow<SupplyReportRow>[],
    ctx: ImportContext,
    seen: Map<string, unknown>,
  ): Promise<Map<number, RowProblem[]>> {
    const products = await this.catalog.findByCodes(rows.map((r) => r.value.productCode));
    const problems = new Map<number, RowProblem[]>();
    const add = (row: number, problem: RowProblem) =>
      problems.set(row, [...(problems.get(row) ?? []), problem]);
    const reported = rows.filter((r) => r.value.figures !== null);
    const known: { rowNumber: number; productId: string }[] = [];
    for (const { rowNumber, value } of reported) {
      const product = products.get(value.productCode);
      if (!product) {
        add(rowNumber, {
          column: 'productCode',
          message: `no product with code ${value.productCode}`,
        });
        continue;
      }
      const first = seen.get(`supply:${product.id}`) as number | undefined;
      if (first !== undefined)
        add(rowNumber, {
          column: 'productCode',
          message: `${value.productCode} is already reported in row ${String(first)}`,
        });
      else seen.set(`supply:${product.id}`, rowNumber);
      known.push({ rowNumber, productId: product.id });
    }
    const allowed = await this.reports.reportableProductIds(
      this.dataSource.manager,
      ctx.actor,
      ctx.contextId,
    );
    for (const { rowNumber, productId } of known)
      if (!allowed.has(productId))
        add(rowNumber, {
          column: 'productCode',
          message: notReportable(ctx.actor, productId, ctx.contextId, 'productCode').replace(
            'productCode: ',
            '',
          ),
        });
    return problems;
  }

  async writeBatch(
    _manager: EntityManager,
    rows: NumberedRow<SupplyReportRow>[],
    ctx: ImportContext,
  ): Promise<void> {
    const products = await this.catalog.findByCodes(rows.map((r) => r.value.productCode));
    const lines = this.runs.get(ctx) ?? [];
    for (const { value } of rows) {
      if (!value.figures) continue;
      const product = products.get(normaliseCode(value.productCode))!;
      lines.push({ productId: product.id, ...value.figures });
    }
    this.runs.set(ctx, lines);
  }

  async finish(manager: EntityManager, ctx: ImportContext): Promise<void> {
    const lines = this.runs.get(ctx) ?? [];
    this.runs.delete(ctx);
    await this.reports.writeReports(manager, ctx.actor, ctx.contextId, lines, 'excel');
  }
}

/** §K5 `credit.supply-report`: a winning manufacturer's monthly stock, capacity and reserve. */
@Injectable()
export class SupplyReportImportKind extends SupplyReportKind {
  readonly kind = 'credit.supply-report';
  readonly title = '供应保障月报 Monthly supply report';
  readonly sheetName = '供应月报 Supply';
  readonly columns = MANUFACTURER_REPORT_COLUMNS;
  protected readonly orgType = 'manufacturer' as const;

  constructor(
    reports: SupplyReportsService,
    catalog: CatalogDirectory,
    clock: Clock,
    dataSource: DataSource,
  ) {
    super(reports, catalog, clock, dataSource);
  }
}

/** §K5 `credit.distributor-stock`: a distributor's monthly stock of key products. */
@Injectable()
export class DistributorStockImportKind extends SupplyReportKind {
  readonly kind = 'credit.distributor-stock';
  readonly title = '配送企业库存 Distributor stock';
  readonly sheetName = '库存 Stock';
  readonly columns = DISTRIBUTOR_STOCK_COLUMNS;
  protected readonly orgType = 'distributor' as const;

  constructor(
    reports: SupplyReportsService,
    catalog: CatalogDirectory,
    clock: Clock,
    dataSource: DataSource,
  ) {
    super(reports, catalog, clock, dataSource);
  }
}
