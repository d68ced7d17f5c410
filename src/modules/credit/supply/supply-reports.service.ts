import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Actor, isAuthority } from '../../../common/auth/actor';
import { isSupplierType } from '../../../common/auth/roles';
import { Clock } from '../../../common/clock';
import { commonError } from '../../../common/errors/domain-error';
import { registerUniqueConstraint } from '../../../common/errors/unique-constraints';
import { page, Page, skipTake } from '../../../common/pagination';
import { Decimal } from '../../../database/decimal';
import { forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { CatalogDirectory } from '../../catalog/products/catalog-directory.service';
import { chinaDate } from '../../execution/deliveries/domain/delivery-rules';
import { OrganisationDirectory } from '../../identity/organisations/organisation-directory.service';
import { AgreementDirectory } from '../../procurement/awards/agreement-directory.service';
import { BackupActivationService } from '../../procurement/awards/backup-activation.service';
import { checkQuantity, checkReportMonth, monthWindow } from './domain/supply-rules';
import {
  ShortageQuery,
  ShortageRequest,
  ShortageView,
  SupplyReportBatchView,
  SupplyReportItem,
  SupplyReportQuery,
  SupplyReportView,
} from './dto/supply.dto';
import { restrictByRegion } from './supply-scope';
import {
  ReportSource,
  SupplyReport,
  SupplyReportRevision,
  SupplyShortage,
} from './supply.entities';
import { supplyError } from './supply.errors';

registerUniqueConstraint('uq_supply_reports__supplier_id__product_id__month', {
  table: 'supply_reports',
  columns: ['supplier_id', 'product_id', 'month'],
  code: 'SUPPLY.REPORT_CONFLICT',
  message: 'The same product was reported for the month at the same moment; send it again',
});

/** One checked report line: figures at scale 3, capacity and reserve null for distributors. */
export interface CheckedReportLine {
  productId: string;
  stock: string;
  capacity: string | null;
  reserve: string | null;
}

const isId = (v: string) => /^\d{1,18}$/.test(v);

/**
 * §K5 supply reports and hospital shortage reports.
 *
 * A winning manufacturer reports, per awarded product and month, its stock, monthly production
 * capacity and emergency reserve; a distributor reports the stock it holds of key products
 * (products under an agreement in force). Quantities are in smallest units (片, 支 …). A report
 * is keyed by supplier × product × month: sending the same figures again changes nothing; new
 * figures replace the report, whose previous version is kept as a revision.
 */
@Injectable()
export class SupplyReportsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly orgs: OrganisationDirectory,
    private readonly catalog: CatalogDirectory,
    private readonly agreements: AgreementDirectory,
    private readonly awards: BackupActivationService,
    @InjectRepository(SupplyReport) private readonly reports: Repository<SupplyReport>,
    @InjectRepository(SupplyShortage) private readonly shortages: Repository<SupplyShortage>,
  ) {}

  /** PUT credit/supply/reports/:month — the supplier's own login or API key. */
  async putReports(
    actor: Actor,
    month: string,
    body: { items: SupplyReportItem[] },
  ): Promise<SupplyReportBatchView> {
    // An API key's scope says what it may do, not who it is: only suppliers report supply.
    if (!isSupplierType(actor.orgType))
      throw commonError('FORBIDDEN', 'Only a manufacturer or distributor reports supply');
    checkReportMonth(month, 'month', chinaDate(this.clock.now()));
    const lines = this.checkItems(actor, body.items);
    return this.tx.run(async (m) => {
      await this.checkProducts(m, actor, month, lines, (i) => `items[${i}].productId`);
      return this.writeReports(m, actor, month, lines, 'api');
    });
  }

  /** Shape checks of the lines, by the supplier's type; field names follow the request. */
  checkItems(actor: Actor, items: SupplyReportItem[]): CheckedReportLine[] {
    const manufacturer = actor.orgType === 'manufacturer';
    const seen = new Map<string, number>();
    return items.map((item, i) => {
      const first = seen.get(item.productId);
      if (first !== undefined)
        throw supplyError(
          'REPORT_PRODUCT_REPEATED',
          `items[${i}].productId: product ${item.productId} is already on items[${first}]`,
          { field: `items[${i}].productId` },
        );
      seen.set(item.productId, i);
      return {
        ...checkLine(manufacturer, item, (name) => `items[${i}].${name}`),
        productId: item.productId,
      };
    });
  }

  /**
   * Manufacturers report products they hold an agreement for in the month; distributors report
   * products under anyone's agreement in the month (the key products of §K5).
   */
  async reportableProductIds(m: EntityManager, actor: Actor, month: string): Promise<Set<string>> {
    const { from, to } = monthWindow(month);
    return this.awards.awardedProductIds(
      m,
      actor.orgType === 'manufacturer' ? actor.orgId : null,
      from,
      to,
    );
  }

  async checkProducts(
    m: EntityManager,
    actor: Actor,
    month: string,
    lines: readonly { productId: string }[],
    field: (index: number) => string,
  ): Promise<void> {
    const allowed = await this.reportableProductIds(m, actor, month);
    lines.forEach((line, i) => {
      if (!allowed.has(line.productId))
        throw supplyError(
          'PRODUCT_NOT_AWARDED',
          notReportable(actor, line.productId, month, field(i)),
          {
            field: field(i),
          },
        );
    });
  }

  /** Writes checked lines in the caller's transaction (the API and the Excel kinds). */
  async writeReports(
    m: EntityManager,
    actor: Actor,
    month: string,
    lines: CheckedReportLine[],
    source: ReportSource,
  ): Promise<SupplyReportBatchView> {
    const now = this.clock.now();
    const existing = lines.length
      ? await forUpdate(
          m
            .getRepository(SupplyReport)
            .createQueryBuilder('r')
            .where('r.supplierId = :sid AND r.month = :month', { sid: actor.orgId, month })
            .andWhere('r.productId IN (:...pids)', { pids: lines.map((l) => l.productId) }),
        ).getMany()
      : [];
    const byProduct = new Map(existing.map((r) => [r.productId, r]));
    let created = 0;
    let replaced = 0;
    let unchanged = 0;
    const revisions: Partial<SupplyReportRevision>[] = [];
    const out: SupplyReport[] = [];
    const changed: SupplyReport[] = [];
    for (const line of lines) {
      const old = byProduct.get(line.productId);
      if (old && sameFigures(old, line)) {
        unchanged += 1;
        out.push(old);
        continue;
      }
      if (old) {
        revisions.push({
          reportId: old.id,
          version: old.version,
          stockQuantity: old.stockQuantity,
          capacityQuantity: old.capacityQuantity,
          reserveQuantity: old.reserveQuantity,
          source: old.source,
          reportedBy: old.reportedBy,
          reportedAt: old.reportedAt,
        });
        replaced += 1;
      } else created += 1;
      const row = m.create(SupplyReport, {
        ...(old ?? {}),
        supplierId: actor.orgId,
        supplierType: actor.orgType === 'manufacturer' ? 'manufacturer' : 'distributor',
        productId: line.productId,
        month,
        stockQuantity: new Decimal(line.stock),
        capacityQuantity: line.capacity === null ? null : new Decimal(line.capacity),
        reserveQuantity: line.reserve === null ? null : new Decimal(line.reserve),
        version: old ? old.version + 1 : 1,
        source,
        reportedBy: actor.id,
        reportedAt: now,
      });
      out.push(row);
      changed.push(row);
    }
    for (let i = 0; i < revisions.length; i += 500)
      await m.getRepository(SupplyReportRevision).insert(revisions.slice(i, i + 500));
    for (let i = 0; i < changed.length; i += 500)
      await m.getRepository(SupplyReport).save(changed.slice(i, i + 500));
    const result: SupplyReportBatchView = {
      month,
      created,
      replaced,
      unchanged,
      items: out.map((r) => SupplyReportView.from(r)),
    };
    if (created + replaced > 0)
      await this.audit.record(
        m,
        actor,
        'supply_report.submitted',
        { type: 'supply_report_month', id: `${actor.orgId}:${month}` },
        {
          after: {
            month,
            source,
            created,
            replaced,
            products: changed.map((r) => ({
              productId: r.productId,
              version: r.version,
              stock: r.stockQuantity.toFixed(3),
              capacity: r.capacityQuantity?.toFixed(3) ?? null,
              reserve: r.reserveQuantity?.toFixed(3) ?? null,
            })),
          },
        },
      );
    return result;
  }

  async list(actor: Actor, query: SupplyReportQuery): Promise<Page<SupplyReportView>> {
    const qb = this.reports.createQueryBuilder('r');
    // Suppliers are visible to every authority (DESIGN §1); a supplier sees its own reports.
    if (!isAuthority(actor)) qb.andWhere('r.supplierId = :own', { own: actor.orgId });
    if (query.supplierId) qb.andWhere('r.supplierId = :sid', { sid: query.supplierId });
    if (query.productId) qb.andWhere('r.productId = :pid', { pid: query.productId });
    if (query.month) qb.andWhere('r.month = :month', { month: query.month });
    const dir = query.order === 'desc' ? 'DESC' : 'ASC';
    qb.orderBy('r.month', dir).addOrderBy('r.id', dir);
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    return page(
      rows.map((r) => SupplyReportView.from(r)),
      total,
      query,
    );
  }

  /** One report with its earlier versions. */
  async get(actor: Actor, id: string): Promise<SupplyReportView> {
    const report = isId(id) ? await this.reports.findOneBy({ id }) : null;
    if (!report || (!isAuthority(actor) && report.supplierId !== actor.orgId))
      throw supplyError('REPORT_NOT_FOUND', `Supply report ${id} not found`, { id });
    const revisions = await this.reports.manager
      .getRepository(SupplyReportRevision)
      .find({ where: { reportId: report.id }, order: { version: 'ASC' } });
    return SupplyReportView.from(report, revisions);
  }

  /** Latest reports of a month, for the stock rule. */
  async reportsOfMonth(m: EntityManager, month: string): Promise<SupplyReport[]> {
    return m.getRepository(SupplyReport).findBy({ month });
  }

  // ---- hospital shortages ----------------------------------------------------------------------

  /**
   * A hospital reports a shortage of a product it buys under an agreement: the agreement in
   * force on the shortage date names the lot and the supplier the shortage is held against.
   */
  async reportShortage(actor: Actor, body: ShortageRequest): Promise<ShortageView> {
    const today = chinaDate(this.clock.now());
    const date = body.shortageDate;
    if (
      Number.isNaN(Date.parse(`${date}T00:00:00Z`)) ||
      new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date
    )
      throw supplyError('DATE_INVALID', `shortageDate: ${date} is not a calendar date`, {
        field: 'shortageDate',
      });
    if (date > today)
      throw supplyError('DATE_INVALID', `shortageDate: ${date} is in the future`, {
        field: 'shortageDate',
      });
    const products = await this.catalog.findByIds([body.productId]);
    if (!products.has(body.productId))
      throw supplyError('PRODUCT_NOT_FOUND', `productId: product ${body.productId} not found`, {
        field: 'productId',
      });
    const hospital = await this.orgs.findById(actor.orgId);
    return this.tx.run(async (m) => {
      const agreement = await this.agreements.effectiveAgreement(
        actor.orgId,
        body.productId,
        date,
        m,
      );
      if (!agreement)
        throw supplyError(
          'NO_AGREEMENT',
          `productId: the hospital has no agreement in force for product ${body.productId} on ${date}`,
          { field: 'productId' },
        );
      const region =
        (await this.awards.supplyRegionOf(m, agreement.roundId, actor.orgId)) ??
        hospital?.regionCode ??
        null;
      if (!region) throw new Error(`hospital ${actor.orgId} has no region`);
      const row = await m.getRepository(SupplyShortage).save(
        m.create(SupplyShortage, {
          hospitalId: actor.orgId,
          regionCode: region,
          productId: body.productId,
          agreementId: agreement.id,
          lotId: agreement.lotId,
          supplierId: agreement.supplierId,
          shortageDate: date,
          note: body.note.trim(),
          reportedBy: actor.id,
          reportedAt: this.clock.now(),
        }),
      );
      const view = ShortageView.of(row);
      await this.audit.record(
        m,
        actor,
        'supply_shortage.reported',
        { type: 'supply_shortage', id: row.id },
        { after: { ...view } },
      );
      return view;
    });
  }

  async listShortages(actor: Actor, query: ShortageQuery): Promise<Page<ShortageView>> {
    const qb = this.shortages.createQueryBuilder('s');
    if (isAuthority(actor)) restrictByRegion(qb, actor, 's.regionCode');
    else qb.andWhere('s.hospitalId = :own', { own: actor.orgId });
    if (query.supplierId) qb.andWhere('s.supplierId = :sid', { sid: query.supplierId });
    if (query.productId) qb.andWhere('s.productId = :pid', { pid: query.productId });
    if (query.month) {
      const { from, to } = monthWindow(query.month);
      qb.andWhere('s.shortageDate >= :from AND s.shortageDate <= :to', { from, to });
    }
    const dir = query.order === 'desc' ? 'DESC' : 'ASC';
    qb.orderBy('s.shortageDate', dir).addOrderBy('s.id', dir);
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    return page(rows.map(ShortageView.of), total, query);
  }

  /** Shortages reported for dates of a month, for the shortage rule. */
  async shortagesOfMonth(m: EntityManager, month: string): Promise<SupplyShortage[]> {
    const { from, to } = monthWindow(month);
    return m
      .getRepository(SupplyShortage)
      .createQueryBuilder('s')
      .where('s.shortageDate >= :from AND s.shortageDate <= :to', { from, to })
      .orderBy('s.id', 'ASC')
      .getMany();
  }

  /** Supply reports of a supplier in a month, by product (template pre-fill). */
  async ownReports(supplierId: string, month: string): Promise<Map<string, SupplyReport>> {
    const rows = await this.reports.findBy({ supplierId, month });
    return new Map(rows.map((r) => [r.productId, r]));
  }

  /** Products listed for a month's report template: the supplier's, or every awarded one. */
  async templateProductIds(actor: Actor, month: string): Promise<string[]> {
    const { from, to } = monthWindow(month);
    const ids = await this.awards.awardedProductIds(
      this.reports.manager,
      actor.orgType === 'manufacturer' ? actor.orgId : null,
      from,
      to,
    );
    return [...ids].sort((a, b) => Number(a) - Number(b));
  }
}

/** Why a product cannot be reported by this supplier for the month. */
export function notReportable(
  actor: Actor,
  productId: string,
  month: string,
  field: string,
): string {
  return actor.orgType === 'manufacturer'
    ? `${field}: product ${productId} is not one of your products awarded in ${month}`
    : `${field}: product ${productId} is under no agreement in ${month}`;
}

/**
 * One line's figures. Manufacturers give all three (§K5: stock, capacity, reserve);
 * distributors report stock only, so capacity or reserve from them is refused, not ignored.
 */
export function checkLine(
  manufacturer: boolean,
  item: { stockQuantity: unknown; capacityQuantity?: unknown; reserveQuantity?: unknown },
  field: (name: string) => string,
): CheckedReportLine {
  const stock = checkQuantity(item.stockQuantity, field('stockQuantity'));
  const present = (v: unknown) => v !== undefined && v !== null && v !== '';
  if (manufacturer) {
    for (const name of ['capacityQuantity', 'reserveQuantity'] as const)
      if (!present(item[name]))
        throw supplyError(
          'REPORT_FIELDS_INVALID',
          `${field(name)}: a manufacturer reports its production capacity and emergency reserve`,
          { field: field(name) },
        );
    return {
      productId: '',
      stock,
      capacity: checkQuantity(item.capacityQuantity, field('capacityQuantity')),
      reserve: checkQuantity(item.reserveQuantity, field('reserveQuantity')),
    };
  }
  for (const name of ['capacityQuantity', 'reserveQuantity'] as const)
    if (present(item[name]))
      throw supplyError(
        'REPORT_FIELDS_INVALID',
        `${field(name)}: a distributor reports stock only`,
        { field: field(name) },
      );
  return { productId: '', stock, capacity: null, reserve: null };
}

function sameFigures(r: SupplyReport, line: CheckedReportLine): boolean {
  const eq = (a: Decimal | null, b: string | null) =>
    a === null || b === null ? a === b : a.eq(b);
  return (
    r.stockQuantity.eq(line.stock) &&
    eq(r.capacityQuantity, line.capacity) &&
    eq(r.reserveQuantity, line.reserve)
  );
}
