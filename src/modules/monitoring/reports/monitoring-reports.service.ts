import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import ExcelJS from 'exceljs';
import type { Response } from 'express';
import { Repository } from 'typeorm';
import { Actor, isAuthority } from '../../../common/auth/actor';
import { canonicalJson } from '../../../common/canonical-json';
import { Clock } from '../../../common/clock';
import { registerUniqueConstraint } from '../../../common/errors/unique-constraints';
import { page, Page, skipTake } from '../../../common/pagination';
import { AppConfig } from '../../../config/config';
import { APP_CONFIG } from '../../../config/config.module';
import { roundTo } from '../../../database/decimal';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService, SYSTEM } from '../../audit/audit.service';
import { CatalogDirectory } from '../../catalog/products/catalog-directory.service';
import { neutraliseCell } from '../../imports/domain/neutralise-cell';
import { attachment, XLSX_CONTENT_TYPE } from '../../imports/excel/xlsx-export';
import { OrganisationDirectory } from '../../identity/organisations/organisation-directory.service';
import { PriceAlert } from '../alerts/price-alert.entity';
import { PriceCase } from '../cases/price-case.entity';
import { EvaluationRun } from '../evaluation/evaluation-run.entity';
import { EvaluationService } from '../evaluation/evaluation.service';
import { addMonths, chainedIndex, indexValue, isPeriod } from '../index/domain/price-index';
import { PriceIndexService } from '../index/price-index.service';
import { monitoringError } from '../monitoring.errors';
import { Observation } from '../observations/observation.entity';
import { checkReportPeriod, lastMonth, reportFileName, topMovers } from './domain/report-period';
import { ReportQuery, ReportView } from './dto/report.dto';
import { MonitoringReport } from './monitoring-report.entity';

registerUniqueConstraint('uq_monitoring_reports__period__version', {
  table: 'monitoring_reports',
  columns: ['period', 'version'],
  code: 'COMMON.CONFLICT',
  message: 'A report version of this period was generated at the same moment; try again',
});

/** How many months the report's Index sheet shows, ending with the report's month. */
const INDEX_MONTHS = 13;
const TOP_MOVERS = 20;

type Cell = string | number | null;
interface SheetData {
  name: string;
  header: string[];
  widths: number[];
  rows: Cell[][];
}

/** What a tick of the scheduled job did. */
export type ScheduledReport =
  | { outcome: 'exists'; period: string }
  | { outcome: 'written'; period: string; report: MonitoringReport }
  /** The period's full scan is running in another process: the next tick writes the report. */
  | { outcome: 'deferred'; period: string; scanRunId: string; scanStatus: string };

/**
 * Whether an actor may see the platform-wide report: an authority without a region restriction.
 * A regional authority's data scope is its subtree (§1), and the report counts every region's
 * alerts, cases and prices.
 */
export function readsPlatformReport(actor: Actor): boolean {
  return isAuthority(actor) && actor.regionPath === null;
}

/**
 * §M7 the monthly monitoring report: an xlsx (Summary, Index, Top movers, Alerts by rule and
 * region, Overdue cases) written with exceljs's streaming writer into DATA_DIR/reports, with its
 * SHA-256. The scheduled job writes version 1 of last month once, after the month's full scan
 * (§M8) has succeeded; an analyst's request writes a new version. Figures come from SQL
 * aggregates. The report is platform-wide: only platform-wide authorities list, download or
 * generate it; to a regional authority it does not exist (an empty list, 404).
 */
@Injectable()
export class MonitoringReports {
  private readonly dir: string;
  private readonly logger = new Logger('MonitoringReports');

  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly index: PriceIndexService,
    private readonly evaluations: EvaluationService,
    private readonly catalog: CatalogDirectory,
    private readonly orgs: OrganisationDirectory,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(MonitoringReport) private readonly reports: Repository<MonitoringReport>,
    @InjectRepository(Observation) private readonly observations: Repository<Observation>,
    @InjectRepository(PriceAlert) private readonly alerts: Repository<PriceAlert>,
    @InjectRepository(PriceCase) private readonly cases: Repository<PriceCase>,
    @InjectRepository(EvaluationRun) private readonly runs: Repository<EvaluationRun>,
  ) {
    this.dir = join(config.dataDir, 'reports');
    mkdirSync(this.dir, { recursive: true });
  }

  /**
   * The periodic job: last month's report, once (version 1); a repeated tick finds it. The
   * alerts of a month are complete only once its full scan (§M8) has run, so without a
   * succeeded full scan of the month the job runs it first, through the same idempotent path as
   * the monthly scan job (`monthly:<period>`). When that scan is running in another process,
   * the report waits for the next tick.
   */
  async generateScheduled(): Promise<ScheduledReport> {
    const period = lastMonth(this.clock.now());
    if (await this.reports.existsBy({ period })) return { outcome: 'exists', period };
    if (!(await this.fullScanOf(period))) {
      const run = await this.evaluations.monthlyScan();
      if (!run || run.status !== 'succeeded' || run.periods !== period) {
        this.logger.log(
          `monthly report ${period} deferred: its full scan is ${run?.status ?? 'missing'}`,
        );
        return {
          outcome: 'deferred',
          period,
          scanRunId: run?.id ?? '',
          scanStatus: run?.status ?? 'missing',
        };
      }
    }
    return { outcome: 'written', period, report: await this.generate(period, 'schedule', SYSTEM) };
  }

  /** POST /reports: a new version of a finished month's report (platform-wide analysts). */
  async generateOnDemand(actor: Actor, period: string): Promise<ReportView> {
    if (!readsPlatformReport(actor))
      throw monitoringError(
        'REPORT_OUT_OF_SCOPE',
        'The monthly report covers the whole platform: only an authority without a region restriction may generate it',
      );
    checkReportPeriod(period, this.clock.now());
    return reportView(await this.generate(period, 'manual', actor));
  }

  async list(actor: Actor, query: ReportQuery): Promise<Page<ReportView>> {
    if (!readsPlatformReport(actor)) return page([], 0, query);
    const qb = this.reports.createQueryBuilder('r');
    if (query.period) qb.where('r.period = :period', { period: query.period });
    const dir = query.order === 'desc' ? 'DESC' : 'ASC';
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb
      .orderBy('r.period', dir)
      .addOrderBy('r.version', dir)
      .skip(skip)
      .take(take)
      .getManyAndCount();
    return page(rows.map(reportView), total, query);
  }

  /** Streams the stored workbook of a period (its latest version unless one is named). */
  async download(
    actor: Actor,
    period: string,
    version: number | undefined,
    res: Response,
  ): Promise<void> {
    const { path, report } = await this.file(actor, period, version);
    const present = await stat(path).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!present)
      throw monitoringError(
        'REPORT_FILE_MISSING',
        `The workbook of the ${period} report version ${report.version} is missing from storage; generate it again`,
        { period, version: report.version },
      );
    attachment(res, reportFileName(report.period, report.version), XLSX_CONTENT_TYPE);
    res.setHeader('X-Content-SHA256', report.sha256);
    await pipeline(createReadStream(path), res);
  }

  /** A period's stored report; to an actor outside its scope, as if it did not exist. */
  async file(
    actor: Actor,
    period: string,
    version?: number,
  ): Promise<{ path: string; report: MonitoringReport }> {
    if (!isPeriod(period))
      throw monitoringError(
        'REPORT_PERIOD_INVALID',
        `period: must be a month YYYY-MM, got ${JSON.stringify(period)}`,
        {
          field: 'period',
        },
      );
    const qb = this.reports.createQueryBuilder('r').where('r.period = :period', { period });
    if (version !== undefined) qb.andWhere('r.version = :version', { version });
    const report = readsPlatformReport(actor)
      ? await qb.orderBy('r.version', 'DESC').getOne()
      : null;
    if (!report)
      throw monitoringError(
        'REPORT_NOT_FOUND',
        `No monitoring report for ${period}${version ? ` version ${version}` : ''}`,
        { period, version: version ?? null },
      );
    return { path: join(this.config.dataDir, report.filePath), report };
  }

  private async generate(
    period: string,
    trigger: 'schedule' | 'manual',
    who: Actor | typeof SYSTEM,
  ): Promise<MonitoringReport> {
    const now = this.clock.now();
    const latest = await this.reports
      .createQueryBuilder('r')
      .select('MAX(r.version)', 'v')
      .where('r.period = :period', { period })
      .getRawOne<{ v: number | string | null }>();
    const version = Number(latest?.v ?? 0) + 1;
    const { sheets, summary } = await this.contents(period, now);
    const relative = join('reports', reportFileName(period, version));
    const target = join(this.config.dataDir, relative);
    const partial = `${target}.part`;
    await writeWorkbook(partial, sheets);
    const sha256 = await sha256Of(partial);
    const { size } = await stat(partial);
    try {
      return await this.tx.run(async (m) => {
        const row = await m.getRepository(MonitoringReport).save(
          m.create(MonitoringReport, {
            period,
            version,
            trigger,
            filePath: relative,
            sha256,
            sizeBytes: size,
            summary: canonicalJson(summary),
            generatedBy: who === SYSTEM ? SYSTEM : who.id,
            generatedAt: now,
          }),
        );
        await rename(partial, target);
        await this.audit.record(
          m,
          who,
          'monitoring_report.generated',
          { type: 'monitoring_report', id: row.id },
          { after: { period, version, trigger, sha256 } },
        );
        return row;
      });
    } catch (err) {
      await rm(partial, { force: true });
      // Two scheduled ticks at once: the other one wrote version 1, which is what we wanted.
      if (trigger === 'schedule') {
        const existing = await this.reports.findOneBy({ period, version: 1 });
        if (existing) return existing;
      }
      throw err;
    }
  }

  /** The period's latest succeeded full scan (the monthly one or an analyst's), if any. */
  private fullScanOf(period: string): Promise<EvaluationRun | null> {
    return this.runs.findOne({
      where: { kind: 'full', status: 'succeeded', periods: period },
      order: { finishedAt: 'DESC', id: 'DESC' },
    });
  }

  /** Every sheet's rows, from SQL aggregates of the period. */
  private async contents(
    period: string,
    now: Date,
  ): Promise<{ sheets: SheetData[]; summary: Record<string, unknown> }> {
    const indexFrom = addMonths(period, -(INDEX_MONTHS - 1));
    const months = await this.index.productMonths(indexFrom, period, {});
    const points = chainedIndex(months, { from: indexFrom, to: period, base: indexFrom });
    const movers = topMovers(
      months.filter((r) => r.period === addMonths(period, -1)),
      months.filter((r) => r.period === period),
      TOP_MOVERS,
    );
    const products = await this.catalog.findByIds(movers.map((m) => m.productId));

    const observed = await this.observations
      .createQueryBuilder('o')
      .select('o.source', 'source')
      .addSelect('COUNT(*)', 'n')
      .where('o.period = :period', { period })
      .groupBy('o.source')
      .getRawMany<{ source: string; n: string | number }>();
    const alertRows = await this.alerts
      .createQueryBuilder('a')
      .select('a.ruleCode', 'rule')
      .addSelect('a.regionCode', 'region')
      .addSelect('a.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .where('a.period = :period', { period })
      .groupBy('a.ruleCode')
      .addGroupBy('a.regionCode')
      .addGroupBy('a.status')
      .getRawMany<{ rule: string; region: string | null; status: string; n: string | number }>();
    const overdue = await this.cases
      .createQueryBuilder('c')
      .where("c.status = 'inquiry_sent' AND c.replyDeadline < :now", { now })
      .orderBy('c.replyDeadline', 'ASC')
      .getMany();
    const openCases = await this.cases
      .createQueryBuilder('c')
      .where("c.status <> 'closed'")
      .getCount();
    const suppliers = await this.orgs.findByIds(overdue.map((c) => c.supplierId));
    const scan = await this.fullScanOf(period);
    const scannedAt = scan?.finishedAt?.toISOString() ?? null;

    const byRuleRegion = new Map<string, Record<string, number>>();
    for (const r of alertRows) {
      const key = `${r.rule}\u0000${r.region ?? ''}`;
      const counts = byRuleRegion.get(key) ?? {};
      counts[r.status] = (counts[r.status] ?? 0) + Number(r.n);
      byRuleRegion.set(key, counts);
    }
    const statuses = ['open', 'acknowledged', 'in_case', 'resolved', 'dismissed'];
    const alertTotal = alertRows.reduce((s, r) => s + Number(r.n), 0);
    const current = points[points.length - 1];
    const summary = {
      period,
      generatedAt: now.toISOString(),
      observations: Object.fromEntries(observed.map((o) => [o.source, Number(o.n)])),
      alerts: alertTotal,
      openCases,
      overdueCases: overdue.length,
      fisherIndex: indexValue(current.fisher),
      indexBase: indexFrom,
      // The alerts are complete for the month once its full scan has run (§M8).
      fullScan: scan ? { runId: scan.id, finishedAt: scannedAt } : null,
    };
    const sheets: SheetData[] = [
      {
        name: 'Summary',
        header: ['Item', 'Value'],
        widths: [36, 30],
        rows: [
          ['Period', period],
          ['Generated at (UTC)', now.toISOString()],
          ...observed.map((o): Cell[] => [`Observations: ${o.source}`, Number(o.n)]),
          ['Alerts raised for the period', alertTotal],
          ['Open price cases', openCases],
          ['Overdue replies', overdue.length],
          [`Fisher price index (${indexFrom} = 100)`, indexValue(current.fisher)],
          ['Full scan of the period finished (UTC)', scannedAt ?? 'not run'],
        ],
      },
      {
        name: 'Index',
        header: ['Period', 'Laspeyres', 'Paasche', 'Fisher', 'Products', 'Products in link'],
        widths: [12, 14, 14, 14, 12, 16],
        rows: points.map((p) => [
          p.period,
          indexValue(p.laspeyres),
          indexValue(p.paasche),
          indexValue(p.fisher),
          p.products,
          p.link?.products ?? null,
        ]),
      },
      {
        name: 'Top movers',
        header: ['Product code', 'Product', 'Previous price', 'Price', 'Change %', 'Quantity'],
        widths: [28, 36, 16, 16, 12, 16],
        rows: movers.map((mv) => [
          products.get(mv.productId)?.code ?? mv.productId,
          products.get(mv.productId)?.name ?? '',
          roundTo(mv.previousPrice, 6),
          roundTo(mv.currentPrice, 6),
          // A percentage, not money: a number, so a fall is not read as a formula ('-…').
          Number(roundTo(mv.change.times(100), 2)),
          roundTo(mv.quantity, 3),
        ]),
      },
      {
        name: 'Alerts by rule and region',
        header: ['Rule', 'Region', 'Total', ...statuses],
        widths: [20, 12, 10, ...statuses.map(() => 14)],
        rows: [...byRuleRegion.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, counts]) => {
            const [rule, region] = key.split('\u0000');
            const total = Object.values(counts).reduce((s, n) => s + n, 0);
            return [rule, region || 'none', total, ...statuses.map((s) => counts[s] ?? 0)];
          }),
      },
      {
        name: 'Overdue cases',
        header: [
          'Case',
          'Supplier',
          'Title',
          'Inquiry sent (UTC)',
          'Reply due (UTC)',
          'Days overdue',
        ],
        widths: [14, 30, 40, 24, 24, 14],
        rows: overdue.map((c) => [
          c.code,
          suppliers.get(c.supplierId)?.name ?? c.supplierId,
          c.title,
          c.inquirySentAt?.toISOString() ?? null,
          c.replyDeadline?.toISOString() ?? null,
          Math.floor((now.getTime() - (c.replyDeadline?.getTime() ?? now.getTime())) / 86_400_000),
        ]),
      },
    ];
    return { sheets, summary };
  }
}

export function reportView(r: MonitoringReport): ReportView {
  return {
    id: r.id,
    period: r.period,
    version: r.version,
    trigger: r.trigger,
    fileName: reportFileName(r.period, r.version),
    sha256: r.sha256,
    sizeBytes: r.sizeBytes,
    generatedBy: r.generatedBy,
    generatedAt: r.generatedAt.toISOString(),
    summary: JSON.parse(r.summary) as Record<string, unknown>,
  };
}

/** Streams the sheets into a file, one committed row at a time; text is formula-neutralised. */
async function writeWorkbook(path: string, sheets: SheetData[]): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useStyles: false,
    useSharedStrings: false,
  });
  for (const spec of sheets) {
    const sheet = workbook.addWorksheet(spec.name);
    sheet.columns = spec.widths.map((width) => ({ width }));
    sheet.addRow(spec.header).commit();
    for (const row of spec.rows)
      sheet.addRow(row.map((c) => (typeof c === 'string' ? neutraliseCell(c) : c))).commit();
    sheet.commit();
  }
  await workbook.commit();
}

function sha256Of(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
