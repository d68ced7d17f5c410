import type { Response } from 'supertest';
import { ListingPriceView } from '../../src/modules/catalog/listing-prices/dto/listing-price.dto';
import { DrugView } from '../../src/modules/catalog/products/dto/drug.dto';
import { bearer, TestApp } from '../setup/test-app';

export type Fields = Record<string, unknown>;

export interface AuditRow {
  action: string;
  before: Fields;
  after: Fields;
  actorId: string;
}

/** JSON bodies as the API answers them. */
export type ListingRow = ListingPriceView;
export type DrugRow = DrugView;

/** Audit events of one entity, read through the API as the platform admin. */
export async function auditOf(
  t: TestApp,
  entityType: string,
  entityId: string,
): Promise<AuditRow[]> {
  const res = await t
    .http()
    .get('/api/v1/audit/events')
    .query({ entityType, entityId, pageSize: 200 })
    .set(bearer(t.adminToken))
    .expect(200);
  return res.body.items;
}

/** Asserts the error envelope: status, code and words the message must contain. */
export function expectError(res: Response, status: number, code: string, ...words: string[]) {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  for (const w of words) expect(res.body.message).toContain(w);
}
