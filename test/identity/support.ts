import { randomInt } from 'node:crypto';
import type { Response } from 'supertest';
import { In } from 'typeorm';
import { Region } from '../../src/modules/identity/regions/region.entity';
import { bearer, TestApp } from '../setup/test-app';

/**
 * Audit events of one entity, read through the API as the platform admin; `since` (ISO) skips
 * older events of an entity whose key an earlier run also used.
 */
export async function auditEvents(
  t: TestApp,
  entityType: string,
  entityId: string,
  since?: string,
): Promise<{ action: string; before: unknown; after: unknown; actorId: string }[]> {
  const res = await t
    .http()
    .get('/api/v1/audit/events')
    .query({ entityType, entityId, pageSize: 200, ...(since ? { from: since } : {}) })
    .set(bearer(t.adminToken))
    .expect(200);
  return res.body.items;
}

/** Asserts the error envelope: status, code and (optionally) words the message must contain. */
export function expectError(res: Response, status: number, code: string, ...words: string[]) {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  for (const w of words) expect(res.body.message).toContain(w);
}

/**
 * A province code nobody uses yet, for tests that create a province through the API: taken
 * from 900000–990000, which the factories leave alone. Such tests delete what they created.
 */
export async function unusedProvinceCode(t: TestApp): Promise<string> {
  const candidates = Array.from({ length: 10 }, (_, i) => `${i + 90}0000`);
  const taken = new Set(
    (await t.dataSource.getRepository(Region).findBy({ code: In(candidates) })).map((r) => r.code),
  );
  const free = candidates.filter((c) => !taken.has(c));
  if (free.length === 0) throw new Error('every province code from 900000 to 990000 is taken');
  return free[randomInt(0, free.length)];
}

/** A county code under `city` nobody uses yet. */
export async function unusedCountyCode(t: TestApp, city: Region): Promise<string> {
  const repo = t.dataSource.getRepository(Region);
  for (let i = 1; i < 100; i++) {
    const code = `${city.code.slice(0, 4)}${String(i).padStart(2, '0')}`;
    if (!(await repo.existsBy({ code }))) return code;
  }
  throw new Error(`no free county under ${city.code}`);
}

/** For hooks that boot an app (migrations, a worker on Redis) and log in a cast of users. */
export const BOOT_TIMEOUT = 60_000;
