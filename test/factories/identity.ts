import { randomInt } from 'node:crypto';
import { ApiScope, OrgType, Role } from '../../src/common/auth/roles';
import { ApiKey } from '../../src/modules/identity/api-keys/api-key.entity';
import { generateApiKey, hashPassword } from '../../src/modules/identity/domain/credentials';
import {
  Organisation,
  HospitalKind,
} from '../../src/modules/identity/organisations/organisation.entity';
import { Region, RegionLevel } from '../../src/modules/identity/regions/region.entity';
import { User } from '../../src/modules/identity/users/user.entity';
import { In } from 'typeorm';
import { TestApp, uniq } from '../setup/test-app';

/**
 * Factories write straight to the tables (fast, independent of the endpoints under test) and
 * always use unique codes, so tests share a MySQL database without stepping on each other.
 */

const pad2 = (n: number) => String(n).padStart(2, '0');

function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(0, i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function isDuplicate(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  const code = e.code ?? e.driverError?.code;
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * A region with an unused code. Codes have only two digits per level, so candidates are tried
 * in random order and a clash with a parallel test file just moves on to the next one. Factory
 * provinces use 100000–890000 (900000–990000 are left to tests that create provinces through
 * the API). When all 80 are taken, as on a long-lived MySQL database, a province is shared: its
 * cities and counties are still fresh, so city- and county-scoped tests stay isolated.
 */
export async function makeRegion(
  t: TestApp,
  opts: { parent?: Region; name?: string } = {},
): Promise<Region> {
  const parent = opts.parent;
  const level: RegionLevel = !parent ? 'province' : parent.level === 'province' ? 'city' : 'county';
  const candidates = Array.from({ length: level === 'province' ? 80 : 99 }, (_, i) =>
    level === 'province'
      ? `${i + 10}0000`
      : level === 'city'
        ? `${parent!.code.slice(0, 2)}${pad2(i + 1)}00`
        : `${parent!.code.slice(0, 4)}${pad2(i + 1)}`,
  );
  const repo = t.dataSource.getRepository(Region);
  for (const code of shuffled(candidates)) {
    if (await repo.existsBy({ code })) continue;
    const now = new Date();
    try {
      return await repo.save({
        code,
        name: opts.name ?? `Region ${code}`,
        level,
        parentCode: parent?.code ?? null,
        path: `${parent?.path ?? '/'}${code}/`,
        createdAt: now,
        updatedAt: now,
      });
    } catch (err) {
      if (!isDuplicate(err)) throw err;
    }
  }
  if (level === 'province') {
    const existing = await repo.findBy({ code: In(candidates) });
    if (existing.length) return existing[randomInt(0, existing.length)];
  }
  throw new Error(`no free ${level} code${parent ? ` under ${parent.code}` : ''}`);
}

/** province → city → two counties. */
export async function makeRegionTree(t: TestApp) {
  const province = await makeRegion(t);
  const city = await makeRegion(t, { parent: province });
  const county = await makeRegion(t, { parent: city });
  const otherCounty = await makeRegion(t, { parent: city });
  return { province, city, county, otherCounty };
}

export async function makeOrganisation(
  t: TestApp,
  type: OrgType,
  opts: Partial<Pick<Organisation, 'regionCode' | 'name' | 'grade' | 'isPublic' | 'status'>> & {
    hospitalKind?: HospitalKind;
  } = {},
): Promise<Organisation> {
  const now = new Date();
  const code = `${type.slice(0, 1).toUpperCase()}${uniq(10)}`;
  const hospital = type === 'hospital';
  return t.dataSource.getRepository(Organisation).save({
    code,
    name: opts.name ?? `${type} ${code}`,
    type,
    hospitalKind: hospital ? (opts.hospitalKind ?? 'public_hospital') : null,
    grade: hospital ? (opts.grade ?? '2A') : null,
    isPublic: hospital
      ? (opts.isPublic ?? (opts.hospitalKind ?? 'public_hospital') === 'public_hospital')
      : null,
    regionCode: opts.regionCode ?? null,
    creditCode: null,
    contactName: null,
    contactPhone: null,
    status: opts.status ?? 'active',
    createdAt: now,
    updatedAt: now,
  });
}

/** `n` public hospitals in one region, made one after the other. */
export async function makeHospitals(
  t: TestApp,
  regionCode: string,
  n: number,
): Promise<Organisation[]> {
  const hospitals: Organisation[] = [];
  for (let i = 0; i < n; i++) hospitals.push(await makeOrganisation(t, 'hospital', { regionCode }));
  return hospitals;
}

export const TEST_PASSWORD = 'Test-password-2026';
let cachedHash: Promise<string> | null = null;

export async function makeUser(
  t: TestApp,
  org: Organisation,
  roles: Role[],
  opts: { username?: string; status?: 'active' | 'disabled' } = {},
): Promise<{ user: User; token: string }> {
  const now = new Date();
  const user = await t.dataSource.getRepository(User).save({
    username: opts.username ?? `u_${uniq(12).toLowerCase()}`,
    displayName: `Test ${roles.join('+')}`,
    organisationId: org.id,
    roles,
    passwordHash: await (cachedHash ??= hashPassword(TEST_PASSWORD)),
    status: opts.status ?? 'active',
    passwordChangedAt: now,
    lastLoginAt: null,
    createdAt: now,
    updatedAt: now,
  });
  if (user.status !== 'active') return { user, token: '' };
  const res = await t
    .http()
    .post('/api/v1/auth/login')
    .send({ username: user.username, password: TEST_PASSWORD });
  if (res.status !== 200)
    throw new Error(`login of ${user.username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { user, token: (res.body as { accessToken: string }).accessToken };
}

/** One organisation and one user per role, in a fresh region tree: the cast of a scoping test. */
export async function makeCast(t: TestApp) {
  const regions = await makeRegionTree(t);
  const authority = await makeOrganisation(t, 'authority', { regionCode: regions.city.code });
  const otherAuthority = await makeOrganisation(t, 'authority', {
    regionCode: regions.otherCounty.code,
  });
  const hospital = await makeOrganisation(t, 'hospital', { regionCode: regions.county.code });
  const otherHospital = await makeOrganisation(t, 'hospital', {
    regionCode: regions.otherCounty.code,
  });
  const manufacturer = await makeOrganisation(t, 'manufacturer', {
    regionCode: regions.province.code,
  });
  const distributor = await makeOrganisation(t, 'distributor', {
    regionCode: regions.province.code,
  });
  const users = {
    admin: await makeUser(t, authority, ['admin']),
    procurement_officer: await makeUser(t, authority, ['procurement_officer']),
    pricing_analyst: await makeUser(t, authority, ['pricing_analyst']),
    fund_officer: await makeUser(t, authority, ['fund_officer']),
    supervisor: await makeUser(t, authority, ['supervisor']),
    auditor: await makeUser(t, authority, ['auditor']),
    hospital_user: await makeUser(t, hospital, ['hospital_user']),
    supplier_user: await makeUser(t, manufacturer, ['supplier_user']),
  };
  return {
    regions,
    authority,
    otherAuthority,
    hospital,
    otherHospital,
    manufacturer,
    distributor,
    users,
  };
}

/** An API key of `org` with `scopes`, written straight to the table; returns the key to send. */
export async function makeApiKey(
  t: TestApp,
  org: Organisation,
  scopes: ApiScope[],
  opts: { createdBy?: string; expiresAt?: Date | null } = {},
): Promise<{ apiKey: ApiKey; key: string }> {
  const { key, prefix, hash } = generateApiKey();
  const apiKey = await t.dataSource.getRepository(ApiKey).save({
    organisationId: org.id,
    name: `key ${prefix}`,
    prefix,
    keyHash: hash,
    scopes,
    createdBy: opts.createdBy ?? '0',
    expiresAt: opts.expiresAt ?? null,
    lastUsedAt: null,
    revokedAt: null,
    createdAt: new Date(),
  });
  return { apiKey, key };
}
