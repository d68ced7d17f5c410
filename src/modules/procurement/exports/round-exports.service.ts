import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Response } from 'express';
import { Repository } from 'typeorm';
import { Actor, isAuthority } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { CatalogDirectory } from '../../catalog/products/catalog-directory.service';
import { OrganisationDirectory } from '../../identity/organisations/organisation-directory.service';
import {
  attachment,
  drained,
  ExportColumn,
  exportSheet,
  streamXlsx,
  streamXlsxSheets,
} from '../../imports/excel/xlsx-export';
import { Agreement } from '../awards/agreement.entity';
import { AgreementsService, scopeAgreements } from '../awards/agreements.service';
import { LotsService } from '../lots/lots.service';
import { procurementError } from '../procurement.errors';
import { DecisionTrace } from '../results/domain/decision-trace';
import { LotResultView } from '../results/dto/result.dto';
import { ResultsService } from '../results/results.service';
import { Round } from '../rounds/round.entity';
import { RoundsService } from '../rounds/rounds.service';
import { AgreedVolumeExportRow, ExportFormat, ResultExportRow } from './dto/export.dto';

/** Agreements read per round trip: a national round has tens of thousands of them. */
const AGREEMENT_BATCH = 1000;

const RESULT_COLUMNS: readonly ExportColumn<ResultExportRow>[] = [
  { header: '品种编号 Lot code', width: 12, value: (r) => r.lotCode },
  { header: '品种名称 Lot name', width: 30, value: (r) => r.lotName },
  { header: '结果版本 Result version', width: 10, value: (r) => r.resultVersion },
  { header: '排名 Rank', width: 8, value: (r) => r.rank },
  { header: '申报编号 Bid code', width: 20, value: (r) => r.bidCode },
  { header: '企业 Supplier', width: 30, value: (r) => r.supplierName },
  { header: '产品代码 Product code', width: 28, value: (r) => r.productCode },
  { header: '申报价 Pack price', width: 14, value: (r) => r.packPrice },
  { header: '单位价 Unit price', width: 14, value: (r) => r.unitPrice },
  { header: '单位可比价 Unit comparable price', width: 16, value: (r) => r.unitComparablePrice },
  { header: '结果 Outcome', width: 10, value: (r) => r.outcome },
  {
    header: '中选单位可比价 Awarded unit comparable price',
    width: 18,
    value: (r) => r.awardedUnitComparablePrice,
  },
  { header: '理由 Reasons', width: 40, value: (r) => r.reasons.join(', ') },
];

const AGREEMENT_COLUMNS: readonly ExportColumn<AgreedVolumeExportRow>[] = [
  { header: '协议编号 Agreement code', width: 24, value: (a) => a.agreementCode },
  { header: '品种编号 Lot code', width: 12, value: (a) => a.lotCode },
  { header: '医疗机构编码 Hospital code', width: 20, value: (a) => a.hospitalCode },
  { header: '医疗机构 Hospital', width: 30, value: (a) => a.hospitalName },
  { header: '中选企业 Supplier', width: 30, value: (a) => a.supplierName },
  { header: '产品代码 Product code', width: 28, value: (a) => a.productCode },
  { header: '报送量 Declared quantity', width: 14, value: (a) => a.declaredQuantity },
  { header: '约定采购量 Agreed quantity', width: 14, value: (a) => a.agreedQuantity },
  { header: '中选价(每包装) Pack price', width: 14, value: (a) => a.packPrice },
  { header: '单位价 Unit price', width: 14, value: (a) => a.unitPrice },
  { header: '开始日期 Start date', width: 12, value: (a) => a.startDate },
  { header: '结束日期 End date', width: 12, value: (a) => a.endDate },
  { header: '指定品牌 Brand specified', width: 10, value: (a) => a.brandSpecified },
];

interface TraceEntry {
  view: LotResultView;
  trace: DecisionTrace;
}

interface ParameterRow {
  lotCode: string;
  version: number;
  name: string;
  value: string;
}

const PARAMETER_COLUMNS: readonly ExportColumn<ParameterRow>[] = [
  { header: 'lotCode', width: 12, value: (p) => p.lotCode },
  { header: 'resultVersion', width: 10, value: (p) => p.version },
  { header: 'name', width: 36, value: (p) => p.name },
  { header: 'value', width: 40, value: (p) => p.value },
];

interface TraceBidRow {
  lotCode: string;
  version: number;
  bid: DecisionTrace['bids'][number];
  supplierName: string;
  productCode: string;
  revivalAnswer: boolean | null;
}

const TRACE_BID_COLUMNS: readonly ExportColumn<TraceBidRow>[] = [
  { header: 'lotCode', width: 12, value: (b) => b.lotCode },
  { header: 'resultVersion', width: 10, value: (b) => b.version },
  { header: 'bid', width: 20, value: (b) => b.bid.id },
  { header: 'bidId', width: 10, value: (b) => b.bid.bidId },
  { header: 'supplierId', width: 10, value: (b) => b.bid.supplierId },
  { header: 'supplierName', width: 30, value: (b) => b.supplierName },
  { header: 'productId', width: 10, value: (b) => b.bid.productId },
  { header: 'productCode', width: 28, value: (b) => b.productCode },
  { header: 'packPrice', width: 14, value: (b) => b.bid.packPrice },
  { header: 'packSize', width: 10, value: (b) => b.bid.packSize },
  { header: 'strength', width: 10, value: (b) => b.bid.strength },
  { header: 'strengthUnit', width: 10, value: (b) => b.bid.strengthUnit },
  { header: 'dosageForm', width: 18, value: (b) => b.bid.dosageForm },
  { header: 'capacity', width: 14, value: (b) => b.bid.capacity },
  { header: 'submittedAt', width: 26, value: (b) => b.bid.submittedAt },
  { header: 'revivalAnswer', width: 12, value: (b) => b.revivalAnswer },
];

interface TraceResultRow {
  lotCode: string;
  version: number;
  output: DecisionTrace['output'];
  bid: DecisionTrace['output']['bids'][number];
}

const TRACE_RESULT_COLUMNS: readonly ExportColumn<TraceResultRow>[] = [
  { header: 'lotCode', width: 12, value: (r) => r.lotCode },
  { header: 'resultVersion', width: 10, value: (r) => r.version },
  { header: 'engineVersion', width: 10, value: (r) => r.output.engineVersion },
  { header: 'anchorPrice', width: 14, value: (r) => r.output.anchorPrice },
  { header: 'validBidders', width: 10, value: (r) => r.output.validBidders },
  { header: 'revivalPrice', width: 14, value: (r) => r.output.revivalPrice },
  { header: 'agreedVolumeRatio', width: 10, value: (r) => r.output.agreedVolumeRatio },
  { header: 'termYears', width: 8, value: (r) => r.output.termYears },
  { header: 'bid', width: 20, value: (r) => r.bid.id },
  { header: 'unitPrice', width: 14, value: (r) => r.bid.unitPrice },
  { header: 'unitComparablePrice', width: 16, value: (r) => r.bid.unitComparablePrice },
  { header: 'valid', width: 8, value: (r) => r.bid.valid },
  { header: 'rank', width: 8, value: (r) => r.bid.rank },
  { header: 'outcome', width: 10, value: (r) => r.bid.outcome },
  {
    header: 'awardedUnitComparablePrice',
    width: 16,
    value: (r) => r.bid.awardedUnitComparablePrice,
  },
  { header: 'reasons', width: 40, value: (r) => r.bid.reasons.join(', ') },
];

/**
 * §P10 exports of a round: award results, agreed volumes per hospital and the decision trace,
 * as xlsx (§X: streamed, formula-safe) or JSON. Who may read what is decided by the services
 * that own the data: results from ResultsService (sealed until the opening), agreements with
 * the scope of AgreementsService.
 */
@Injectable()
export class RoundExportsService {
  constructor(
    private readonly clock: Clock,
    private readonly rounds: RoundsService,
    private readonly lots: LotsService,
    private readonly resultsService: ResultsService,
    private readonly agreementsService: AgreementsService,
    private readonly orgs: OrganisationDirectory,
    private readonly catalog: CatalogDirectory,
    @InjectRepository(Agreement) private readonly agreements: Repository<Agreement>,
  ) {}

  async results(actor: Actor, roundId: string, format: ExportFormat, res: Response): Promise<void> {
    const views = await this.resultsService.latest(actor, roundId);
    const round = await this.rounds.visible(actor, roundId);
    const rows = views.flatMap(resultRows);
    const name = this.fileName(round, 'results', format);
    if (format === 'json') return sendJson(res, name, rows);
    await streamXlsx(res, name, '中选结果 Results', RESULT_COLUMNS, [rows]);
  }

  async agreedVolumes(
    actor: Actor,
    roundId: string,
    format: ExportFormat,
    res: Response,
  ): Promise<void> {
    const round = await this.agreementsService.awardedRound(actor, roundId);
    const pages = this.agreementPages(actor, round);
    const name = this.fileName(round, 'agreed-volumes', format);
    if (format === 'json') return streamJsonArray(res, name, pages);
    await streamXlsx(res, name, '约定采购量 Agreed volumes', AGREEMENT_COLUMNS, pages);
  }

  /** The latest decision trace of every lot (or one): authorities only, from the opening. */
  async decisionTrace(
    actor: Actor,
    roundId: string,
    lotId: string | undefined,
    format: ExportFormat,
    res: Response,
  ): Promise<void> {
    // The role guard stops others at the door; the trace holds every sealed input, so the
    // service refuses them as well, like ResultsService.trace.
    if (!isAuthority(actor))
      throw procurementError('RESULT_NOT_FOUND', `Round ${roundId} has no trace for you`, {
        roundId,
      });
    const views = await this.resultsService.latest(actor, roundId, lotId);
    const round = await this.rounds.visible(actor, roundId);
    const entries: TraceEntry[] = [];
    for (const view of views)
      entries.push({
        view,
        trace: await this.resultsService.trace(actor, round.id, view.lotId, view.version),
      });
    const name = this.fileName(round, 'decision-trace', format);
    if (format === 'json')
      return sendJson(
        res,
        name,
        entries.map((e) => e.trace),
      );
    await streamXlsxSheets(res, name, [
      exportSheet('parameters', PARAMETER_COLUMNS, entries.map(parameterRows)),
      exportSheet('bids', TRACE_BID_COLUMNS, entries.map(traceBidRows)),
      exportSheet('results', TRACE_RESULT_COLUMNS, entries.map(traceResultRows)),
    ]);
  }

  /**
   * Keyset pages (id > last id) so the thousandth page costs what the first does, scoped to the
   * agreements the actor may read.
   */
  private async *agreementPages(
    actor: Actor,
    round: Round,
  ): AsyncIterable<AgreedVolumeExportRow[]> {
    const lots = new Map(
      (await this.lots.lotsOfRound(undefined, round.id)).map((l) => [l.id, l.code]),
    );
    let after = '0';
    for (;;) {
      const qb = this.agreements
        .createQueryBuilder('a')
        .where('a.roundId = :id', { id: round.id })
        .andWhere('a.id > :after', { after });
      scopeAgreements(qb, actor);
      const rows = await qb.orderBy('a.id', 'ASC').limit(AGREEMENT_BATCH).getMany();
      if (rows.length === 0) return;
      const [orgs, products] = await Promise.all([
        this.orgs.findByIds(rows.flatMap((a) => [a.hospitalId, a.supplierId])),
        this.catalog.findByIds(rows.map((a) => a.productId)),
      ]);
      yield rows.map((a) => ({
        agreementCode: a.code,
        lotCode: lots.get(a.lotId) ?? '',
        hospitalCode: orgs.get(a.hospitalId)?.code ?? '',
        hospitalName: orgs.get(a.hospitalId)?.name ?? '',
        supplierName: orgs.get(a.supplierId)?.name ?? '',
        productCode: products.get(a.productId)?.code ?? '',
        declaredQuantity: a.declaredQuantity.toFixed(3),
        agreedQuantity: a.agreedQuantity.toFixed(3),
        packPrice: a.packPrice.toFixed(4),
        unitPrice: a.unitPrice.toFixed(6),
        startDate: a.startDate,
        endDate: a.endDate,
        brandSpecified: a.brandSpecified,
      }));
      if (rows.length < AGREEMENT_BATCH) return;
      after = rows[rows.length - 1].id;
    }
  }

  private fileName(round: Round, what: string, format: ExportFormat): string {
    const day = this.clock.now().toISOString().slice(0, 10).replace(/-/g, '');
    return `${round.code}-${what}-${day}.${format}`;
  }
}

function resultRows(view: LotResultView): ResultExportRow[] {
  return view.bids.map((b) => ({
    lotCode: view.lotCode,
    lotName: view.lotName,
    resultVersion: view.version,
    rank: b.rank,
    bidCode: b.bid,
    supplierName: b.supplierName,
    productCode: b.productCode,
    packPrice: b.packPrice,
    unitPrice: b.unitPrice,
    unitComparablePrice: b.unitComparablePrice,
    outcome: b.outcome,
    awardedUnitComparablePrice: b.awardedUnitComparablePrice,
    reasons: b.reasons,
  }));
}

/** Everything the engine was given about a lot, one scalar per row under its dotted path. */
function parameterRows({ view, trace }: TraceEntry): ParameterRow[] {
  const scalars: Array<[string, unknown]> = [
    ['engineVersion', trace.engineVersion],
    ['ruleSet.name', trace.ruleSet.name],
    ['ruleSet.version', trace.ruleSet.version],
    ['ruleSet.sha256', trace.ruleSet.sha256],
    ['lotOverrides', trace.lotOverrides === null ? null : JSON.stringify(trace.lotOverrides)],
    ...flatten('lotInput', trace.lotInput),
    ...flatten('parameters', trace.parameters),
    ...trace.excluded.map((e): [string, unknown] => [`excluded.${e.bid}`, e.reason]),
  ];
  return scalars.map(([name, value]) => ({
    lotCode: view.lotCode,
    version: view.version,
    name,
    value: scalarText(value),
  }));
}

/** flatten() leaves scalars; anything else (a bigint, a symbol) would be a trace shape it missed. */
function scalarText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  return JSON.stringify(value) ?? '';
}

function flatten(prefix: string, value: unknown): Array<[string, unknown]> {
  if (Array.isArray(value)) return value.flatMap((v, i) => flatten(`${prefix}[${i}]`, v));
  if (value !== null && typeof value === 'object')
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      flatten(`${prefix}.${k}`, v),
    );
  return [[prefix, value]];
}

function traceBidRows({ view, trace }: TraceEntry): TraceBidRow[] {
  const named = new Map(view.bids.map((b) => [b.bid, b]));
  return trace.bids.map((bid) => ({
    lotCode: view.lotCode,
    version: view.version,
    bid,
    supplierName: named.get(bid.id)?.supplierName ?? '',
    productCode: named.get(bid.id)?.productCode ?? '',
    revivalAnswer: trace.revivalAnswers[bid.id] ?? null,
  }));
}

function traceResultRows({ view, trace }: TraceEntry): TraceResultRow[] {
  return trace.output.bids.map((bid) => ({
    lotCode: view.lotCode,
    version: view.version,
    output: trace.output,
    bid,
  }));
}

function sendJson(res: Response, fileName: string, body: unknown): void {
  attachment(res, fileName, 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/** A JSON array written page by page, waiting for the client between pages like streamXlsx. */
async function streamJsonArray<T>(
  res: Response,
  fileName: string,
  pages: AsyncIterable<T[]>,
): Promise<void> {
  attachment(res, fileName, 'application/json; charset=utf-8');
  let first = true;
  res.write('[');
  for await (const items of pages) {
    const chunk = items.map((item) => JSON.stringify(item)).join(',');
    if (chunk.length > 0) {
      res.write(first ? chunk : `,${chunk}`);
      first = false;
    }
    await drained(res);
    if (res.destroyed) return;
  }
  res.end(']');
}
