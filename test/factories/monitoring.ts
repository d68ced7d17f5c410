import { Product } from '../../src/modules/catalog/products/product.entity';
import { Organisation } from '../../src/modules/identity/organisations/organisation.entity';
import { PriceAlert } from '../../src/modules/monitoring/alerts/price-alert.entity';
import { ObservationBulkLoader } from '../../src/modules/monitoring/bulk/observation-bulk-loader.service';
import {
  genericKey,
  ObservationRow,
} from '../../src/modules/monitoring/observations/domain/observation-rows';
import { downloadTemplate, loadWorkbook, settled, upload } from '../imports/workbooks';
import { bearer, TestApp, uniq } from '../setup/test-app';

type Json = Record<string, unknown>;

export const monitoringApi = (path = '') => `/api/v1/monitoring${path}`;

/** An alert as an evaluation run writes it (the workflow's input). */
export async function insertAlert(
  t: TestApp,
  over: Partial<PriceAlert> & Pick<PriceAlert, 'regionCode'>,
): Promise<PriceAlert> {
  const now = new Date();
  return t.dataSource.getRepository(PriceAlert).save({
    ruleCode: 'above_contract',
    subjectKey: `test:${uniq(16)}`,
    period: '2026-03',
    severity: 'red_1',
    status: 'open',
    productId: null,
    supplierId: null,
    hospitalId: null,
    genericKey: null,
    category: 'drug',
    evidence: '{"reference":"28.500000","unitPrice":"31.000000"}',
    firing: true,
    assigneeId: null,
    statusReason: null,
    firstRunId: '1',
    lastRunId: '1',
    raisedAt: now,
    lastEvaluatedAt: now,
    updatedAt: now,
    version: 1,
    ...over,
  });
}

/** An external reference row as `POST monitoring/observations/external` takes it. */
export interface ExternalRowBody {
  productCode: string;
  referenceKind: 'other_region' | 'national_monitoring';
  regionCode?: string;
  date: string;
  unitPrice: string;
  quantity?: string;
}

/** Loads external references through the API (a pricing analyst's token); answers the batch. */
export async function loadExternalObservations(
  t: TestApp,
  token: string,
  rows: ExternalRowBody[],
  batchId = `EXT-${uniq(10)}`,
  expected = 200,
): Promise<Json> {
  const res = await t
    .http()
    .post(monitoringApi('/observations/external'))
    .set(bearer(token))
    .send({ batchId, rows })
    .expect(expected);
  return res.body as Json;
}

/** Designates a hospital or pharmacy as a sentinel (a pricing analyst's token). */
export async function designateSentinel(
  t: TestApp,
  token: string,
  organisationId: string,
  expected = 200,
): Promise<Json> {
  const res = await t
    .http()
    .put(monitoringApi(`/sentinels/${organisationId}`))
    .set(bearer(token))
    .send({})
    .expect(expected);
  return res.body as Json;
}

/** A sentinel report row as the template's columns take it: product code, date, unit price, quantity. */
export type SentinelReportRow = [
  productCode: string,
  date: string,
  unitPrice: string,
  quantity: string,
];

/**
 * A designated sentinel's report through the Excel pipeline, as its own user does it: download
 * the organisation's template, fill the rows in, upload, wait for the import. Answers the
 * settled import.
 */
export async function uploadSentinelReport(
  t: TestApp,
  token: string,
  organisationId: string,
  rows: SentinelReportRow[],
): Promise<Json> {
  const kind = 'monitoring.sentinel';
  const query = `?contextId=${organisationId}`;
  const wb = await loadWorkbook(await downloadTemplate(t, token, kind, query));
  const sheet = wb.getWorksheet('哨点报价 Sentinel prices')!;
  rows.forEach((r, i) => (sheet.getRow(2 + i).values = [...r]));
  const file = Buffer.from(await wb.xlsx.writeBuffer());
  const res = await upload(t, token, kind, file, 'sentinel.xlsx', query).expect(202);
  return (await settled(t, token, res.body.id as string)).body as Json;
}

/** Derives one month's observations (a pricing analyst's token); answers the run. */
export async function deriveObservations(
  t: TestApp,
  token: string,
  period: string,
  expected = 200,
): Promise<{
  batchId: string;
  period: string;
  inserted: Record<string, number>;
  seen: Record<string, number>;
}> {
  const res = await t
    .http()
    .post(monitoringApi(`/observations/derive?period=${period}`))
    .set(bearer(token))
    .expect(expected);
  return res.body as {
    batchId: string;
    period: string;
    inserted: Record<string, number>;
    seen: Record<string, number>;
  };
}

/** Every observation the token sees for `query` (all pages). */
export async function listObservations(t: TestApp, token: string, query = ''): Promise<Json[]> {
  const out: Json[] = [];
  for (let p = 1; ; p++) {
    const res = await t
      .http()
      .get(monitoringApi(`/observations?pageSize=200&page=${p}&${query}`))
      .set(bearer(token))
      .expect(200);
    const body = res.body as { items: Json[]; total: number };
    out.push(...body.items);
    if (out.length >= body.total || body.items.length === 0) return out;
  }
}

/**
 * An observation row of `product` for the bulk loader: defaults give a purchase in the product's
 * generic group; override what the test is about.
 */
export function observationRow(
  product: Product,
  over: Partial<ObservationRow> & Pick<ObservationRow, 'regionCode' | 'observedOn' | 'unitPrice'>,
): ObservationRow {
  return {
    source: 'purchase',
    sourceRef: `test:${uniq(16)}`,
    productId: product.id,
    genericKey: genericKey(product),
    category: product.category,
    categoryPath: product.categoryPath,
    hospitalId: null,
    supplierId: product.manufacturerId,
    comparablePrice: null,
    quantity: null,
    referenceKind: null,
    ...over,
    period: over.observedOn.slice(0, 7),
  };
}

/** A purchase of `product` by `hospital` (in the hospital's region) on `observedOn`. */
export function hospitalPurchase(
  product: Product,
  hospital: Organisation,
  observedOn: string,
  unitPrice: string,
  quantity: string,
): ObservationRow {
  return observationRow(product, {
    regionCode: hospital.regionCode as string,
    hospitalId: hospital.id,
    observedOn,
    unitPrice,
    quantity,
  });
}

/**
 * Writes observations straight through the bulk loader (one committed batch, evaluation enqueued
 * as after any load): the quickest way for rule tests to set up a price history.
 */
export async function loadObservations(
  t: TestApp,
  rows: ObservationRow[],
  batchKey = `bulk:test-${uniq(12)}`,
): Promise<{ batchId: string; inserted: number }> {
  const loader = t.app.get(ObservationBulkLoader);
  const result = await loader.load(
    { kind: 'bulk', source: null, batchKey, createdBy: 'test' },
    rows.length,
    (chunk) => rows.slice(chunk.firstRow, chunk.lastRow + 1),
  );
  return { batchId: result.batchId, inserted: result.inserted };
}
