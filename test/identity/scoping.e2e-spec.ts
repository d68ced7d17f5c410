import type { Response } from 'supertest';
import { Role } from '../../src/common/auth/roles';
import { makeApiKey, makeCast, makeOrganisation, makeUser } from '../factories/identity';
import { bearer, startApp, TestApp, uniq } from '../setup/test-app';
import { BOOT_TIMEOUT, unusedCountyCode } from './support';

/**
 * Tenant isolation (DESIGN §1, §N): every identity endpoint × every role. A role the route
 * does not admit gets 403; an admitted role asking for something outside its data scope gets
 * 404, never the data and never a 403 that would confirm the thing exists.
 */

type Cast = Awaited<ReturnType<typeof makeCast>>;
interface World {
  t: TestApp;
  /** The cast under test: a city authority, hospitals in two of its counties, suppliers. */
  cast: Cast;
  /** The same cast in another province. */
  foreign: Cast;
  platform: { Authorization: string };
  allianceId: string;
  foreignAllianceId: string;
}

const ROLES: Role[] = [
  'admin',
  'procurement_officer',
  'pricing_analyst',
  'fund_officer',
  'supervisor',
  'auditor',
  'hospital_user',
  'supplier_user',
];
const AUTHORITY: Role[] = ROLES.slice(0, 6);

interface Case {
  endpoint: string;
  /** Roles answered with `status`. */
  ok: Role[];
  status: number;
  /** Roles the route admits but whose scope does not contain the target: 404. */
  hidden?: Role[];
  call(w: World, auth: { Authorization: string }): Promise<Response>;
}

const api = (w: World) => w.t.http();

async function newAlliance(w: World, leadOrgId: string): Promise<string> {
  const res = await api(w)
    .post('/api/v1/alliances')
    .set(w.platform)
    .send({ code: `AL-${uniq(10)}`, name: 'matrix', leadOrgId })
    .expect(201);
  return res.body.id;
}

/** A fresh hospital in `regionCode`, added to the alliance by the platform admin. */
async function newMember(w: World, allianceId: string, regionCode: string): Promise<string> {
  const hospital = await makeOrganisation(w.t, 'hospital', { regionCode });
  const res = await api(w)
    .post(`/api/v1/alliances/${allianceId}/members`)
    .set(w.platform)
    .send({ type: 'hospital', organisationId: hospital.id })
    .expect(201);
  return res.body.id;
}

function hospitalBody(regionCode: string) {
  return {
    code: `H-${uniq(10)}`,
    name: 'matrix hospital',
    type: 'hospital',
    hospitalKind: 'public_hospital',
    grade: '2A',
    regionCode,
  };
}

/** Targets inside the cast's city: authorities in the city see them. */
const IN_SCOPE: Case[] = [
  {
    endpoint: 'GET /regions',
    ok: ROLES,
    status: 200,
    call: (w, a) => api(w).get('/api/v1/regions').set(a),
  },
  {
    endpoint: 'GET /regions/:code',
    ok: ROLES,
    status: 200,
    call: (w, a) => api(w).get(`/api/v1/regions/${w.cast.regions.county.code}`).set(a),
  },
  {
    endpoint: 'GET /regions/:code/children',
    ok: ROLES,
    status: 200,
    call: (w, a) => api(w).get(`/api/v1/regions/${w.cast.regions.city.code}/children`).set(a),
  },
  {
    endpoint: 'POST /regions',
    ok: ['admin'],
    status: 201,
    call: async (w, a) =>
      api(w)
        .post('/api/v1/regions')
        .set(a)
        .send({ code: await unusedCountyCode(w.t, w.cast.regions.city), name: 'matrix county' }),
  },
  {
    endpoint: 'PATCH /regions/:code',
    ok: ['admin'],
    status: 200,
    call: (w, a) =>
      api(w)
        .patch(`/api/v1/regions/${w.cast.regions.otherCounty.code}`)
        .set(a)
        .send({ name: `n ${uniq()}` }),
  },
  {
    endpoint: 'GET /organisations',
    ok: ROLES,
    status: 200,
    call: (w, a) => api(w).get('/api/v1/organisations').set(a),
  },
  {
    endpoint: 'GET /organisations/:id (a hospital in the city)',
    ok: [...AUTHORITY, 'hospital_user'],
    hidden: ['supplier_user'],
    status: 200,
    call: (w, a) => api(w).get(`/api/v1/organisations/${w.cast.hospital.id}`).set(a),
  },
  {
    endpoint: 'POST /organisations',
    ok: ['admin'],
    status: 201,
    call: (w, a) =>
      api(w).post('/api/v1/organisations').set(a).send(hospitalBody(w.cast.regions.county.code)),
  },
  {
    endpoint: 'PATCH /organisations/:id',
    ok: ['admin'],
    status: 200,
    call: (w, a) =>
      api(w)
        .patch(`/api/v1/organisations/${w.cast.otherHospital.id}`)
        .set(a)
        .send({ name: `n ${uniq()}` }),
  },
  {
    endpoint: 'GET /alliances',
    ok: ROLES,
    status: 200,
    call: (w, a) => api(w).get('/api/v1/alliances').set(a),
  },
  {
    endpoint: 'GET /alliances/:id (the hospital is a member)',
    ok: [...AUTHORITY, 'hospital_user'],
    hidden: ['supplier_user'],
    status: 200,
    call: (w, a) => api(w).get(`/api/v1/alliances/${w.allianceId}`).set(a),
  },
  {
    endpoint: 'POST /alliances',
    ok: ['admin', 'procurement_officer'],
    status: 201,
    call: (w, a) =>
      api(w)
        .post('/api/v1/alliances')
        .set(a)
        .send({ code: `AL-${uniq(10)}`, name: 'm', leadOrgId: w.cast.authority.id }),
  },
  {
    endpoint: 'PATCH /alliances/:id',
    ok: ['admin', 'procurement_officer'],
    status: 200,
    call: (w, a) =>
      api(w)
        .patch(`/api/v1/alliances/${w.allianceId}`)
        .set(a)
        .send({ name: `n ${uniq()}` }),
  },
  {
    endpoint: 'POST /alliances/:id/members',
    ok: ['admin', 'procurement_officer'],
    status: 201,
    call: async (w, a) => {
      const hospital = await makeOrganisation(w.t, 'hospital', {
        regionCode: w.cast.regions.county.code,
      });
      return api(w)
        .post(`/api/v1/alliances/${w.allianceId}/members`)
        .set(a)
        .send({ type: 'hospital', organisationId: hospital.id });
    },
  },
  {
    endpoint: 'DELETE /alliances/:id/members/:memberId',
    ok: ['admin', 'procurement_officer'],
    status: 204,
    call: async (w, a) => {
      const allianceId = await newAlliance(w, w.cast.authority.id);
      const memberId = await newMember(w, allianceId, w.cast.regions.county.code);
      return api(w).delete(`/api/v1/alliances/${allianceId}/members/${memberId}`).set(a);
    },
  },
  {
    endpoint: 'GET /users',
    ok: ['admin', 'auditor'],
    status: 200,
    call: (w, a) => api(w).get('/api/v1/users').set(a),
  },
  {
    endpoint: 'GET /users/:id',
    ok: ['admin', 'auditor'],
    status: 200,
    call: (w, a) => api(w).get(`/api/v1/users/${w.cast.users.hospital_user.user.id}`).set(a),
  },
  {
    endpoint: 'POST /users',
    ok: ['admin'],
    status: 201,
    call: (w, a) =>
      api(w)
        .post('/api/v1/users')
        .set(a)
        .send({
          username: `m.${uniq(10).toLowerCase()}`,
          displayName: 'm',
          organisationId: w.cast.hospital.id,
          roles: ['hospital_user'],
          password: 'Matrix-password-1',
        }),
  },
  {
    endpoint: 'PATCH /users/:id',
    ok: ['admin'],
    status: 200,
    call: async (w, a) => {
      const { user } = await makeUser(w.t, w.cast.hospital, ['hospital_user'], {
        status: 'disabled',
      });
      return api(w).patch(`/api/v1/users/${user.id}`).set(a).send({ displayName: 'm' });
    },
  },
  {
    endpoint: 'POST /users/:id/reset-password',
    ok: ['admin'],
    status: 200,
    call: async (w, a) => {
      const { user } = await makeUser(w.t, w.cast.hospital, ['hospital_user'], {
        status: 'disabled',
      });
      return api(w).post(`/api/v1/users/${user.id}/reset-password`).set(a);
    },
  },
  {
    endpoint: 'GET /api-keys',
    ok: ['admin', 'auditor'],
    status: 200,
    call: (w, a) => api(w).get('/api/v1/api-keys').set(a),
  },
  {
    endpoint: 'POST /api-keys',
    ok: ['admin'],
    status: 201,
    call: (w, a) =>
      api(w)
        .post('/api/v1/api-keys')
        .set(a)
        .send({ organisationId: w.cast.hospital.id, name: 'm', scopes: ['catalog:read'] }),
  },
  {
    endpoint: 'DELETE /api-keys/:id',
    ok: ['admin'],
    status: 200,
    call: async (w, a) => {
      const { apiKey } = await makeApiKey(w.t, w.cast.hospital, ['catalog:read']);
      return api(w).delete(`/api/v1/api-keys/${apiKey.id}`).set(a);
    },
  },
];

/** Targets in another province: admitted roles get 404, the others 403. */
const OUT_OF_SCOPE: { endpoint: string; admitted: Role[]; call: Case['call'] }[] = [
  {
    endpoint: 'GET /organisations/:id (a hospital in another province)',
    admitted: ROLES,
    call: (w, a) => api(w).get(`/api/v1/organisations/${w.foreign.hospital.id}`).set(a),
  },
  {
    endpoint: 'PATCH /organisations/:id',
    admitted: ['admin'],
    call: (w, a) =>
      api(w).patch(`/api/v1/organisations/${w.foreign.hospital.id}`).set(a).send({ name: 'x' }),
  },
  {
    endpoint: 'POST /organisations (in another province)',
    admitted: ['admin'],
    call: (w, a) =>
      api(w).post('/api/v1/organisations').set(a).send(hospitalBody(w.foreign.regions.county.code)),
  },
  {
    endpoint: 'POST /regions (under another province’s city)',
    admitted: ['admin'],
    call: async (w, a) =>
      api(w)
        .post('/api/v1/regions')
        .set(a)
        .send({ code: await unusedCountyCode(w.t, w.foreign.regions.city), name: 'x' }),
  },
  {
    endpoint: 'PATCH /regions/:code',
    admitted: ['admin'],
    call: (w, a) =>
      api(w).patch(`/api/v1/regions/${w.foreign.regions.county.code}`).set(a).send({ name: 'x' }),
  },
  {
    endpoint: 'GET /alliances/:id',
    admitted: ROLES,
    call: (w, a) => api(w).get(`/api/v1/alliances/${w.foreignAllianceId}`).set(a),
  },
  {
    endpoint: 'PATCH /alliances/:id',
    admitted: ['admin', 'procurement_officer'],
    call: (w, a) =>
      api(w).patch(`/api/v1/alliances/${w.foreignAllianceId}`).set(a).send({ name: 'x' }),
  },
  {
    endpoint: 'POST /alliances (led by another province’s authority)',
    admitted: ['admin', 'procurement_officer'],
    call: (w, a) =>
      api(w)
        .post('/api/v1/alliances')
        .set(a)
        .send({ code: `AL-${uniq(10)}`, name: 'x', leadOrgId: w.foreign.authority.id }),
  },
  {
    endpoint: 'POST /alliances/:id/members (a hospital in another province)',
    admitted: ['admin', 'procurement_officer'],
    call: (w, a) =>
      api(w)
        .post(`/api/v1/alliances/${w.allianceId}/members`)
        .set(a)
        .send({ type: 'hospital', organisationId: w.foreign.hospital.id }),
  },
  {
    endpoint: 'DELETE /alliances/:id/members/:memberId',
    admitted: ['admin', 'procurement_officer'],
    call: async (w, a) => {
      const memberId = await newMember(w, w.foreignAllianceId, w.foreign.regions.otherCounty.code);
      return api(w).delete(`/api/v1/alliances/${w.foreignAllianceId}/members/${memberId}`).set(a);
    },
  },
  {
    endpoint: 'GET /users/:id',
    admitted: ['admin', 'auditor'],
    call: (w, a) => api(w).get(`/api/v1/users/${w.foreign.users.hospital_user.user.id}`).set(a),
  },
  {
    endpoint: 'POST /users (in another province)',
    admitted: ['admin'],
    call: (w, a) =>
      api(w)
        .post('/api/v1/users')
        .set(a)
        .send({
          username: `m.${uniq(10).toLowerCase()}`,
          displayName: 'm',
          organisationId: w.foreign.hospital.id,
          roles: ['hospital_user'],
        }),
  },
  {
    endpoint: 'PATCH /users/:id',
    admitted: ['admin'],
    call: (w, a) =>
      api(w)
        .patch(`/api/v1/users/${w.foreign.users.hospital_user.user.id}`)
        .set(a)
        .send({ status: 'disabled' }),
  },
  {
    endpoint: 'POST /users/:id/reset-password',
    admitted: ['admin'],
    call: (w, a) =>
      api(w).post(`/api/v1/users/${w.foreign.users.hospital_user.user.id}/reset-password`).set(a),
  },
  {
    endpoint: 'POST /api-keys (for another province’s hospital)',
    admitted: ['admin'],
    call: (w, a) =>
      api(w)
        .post('/api/v1/api-keys')
        .set(a)
        .send({ organisationId: w.foreign.hospital.id, name: 'x', scopes: ['catalog:read'] }),
  },
  {
    endpoint: 'DELETE /api-keys/:id',
    admitted: ['admin'],
    call: async (w, a) => {
      const { apiKey } = await makeApiKey(w.t, w.foreign.hospital, ['catalog:read']);
      return api(w).delete(`/api/v1/api-keys/${apiKey.id}`).set(a);
    },
  },
];

/** Cross-tenant reads between organisations of the same cast. */
const NEIGHBOURS: {
  endpoint: string;
  target: (w: World) => string;
  expect: Record<Role, number>;
}[] = [
  {
    endpoint: 'GET /organisations/:id (another hospital in the city)',
    target: (w) => w.cast.otherHospital.id,
    expect: { ...allOf(200), hospital_user: 404, supplier_user: 404 },
  },
  {
    endpoint: 'GET /organisations/:id (another supplier)',
    target: (w) => w.cast.distributor.id,
    expect: { ...allOf(200), hospital_user: 404, supplier_user: 404 },
  },
  {
    endpoint: 'GET /organisations/:id (a supplier of another province)',
    target: (w) => w.foreign.manufacturer.id,
    expect: { ...allOf(200), hospital_user: 404, supplier_user: 404 },
  },
  {
    endpoint: 'GET /organisations/:id (the authority of another county)',
    target: (w) => w.cast.otherAuthority.id,
    expect: { ...allOf(200), hospital_user: 404, supplier_user: 404 },
  },
];

function allOf(status: number): Record<Role, number> {
  return Object.fromEntries(ROLES.map((r) => [r, status])) as Record<Role, number>;
}

function expectedStatus(c: Case, role: Role): number {
  if (c.ok.includes(role)) return c.status;
  return c.hidden?.includes(role) ? 404 : 403;
}

describe('identity scoping matrix', () => {
  const w = {} as World;
  beforeAll(async () => {
    w.t = await startApp();
    w.platform = bearer(w.t.adminToken);
    w.cast = await makeCast(w.t);
    w.foreign = await makeCast(w.t);
    w.allianceId = await newAlliance(w, w.cast.authority.id);
    await api(w)
      .post(`/api/v1/alliances/${w.allianceId}/members`)
      .set(w.platform)
      .send({ type: 'hospital', organisationId: w.cast.hospital.id })
      .expect(201);
    w.foreignAllianceId = await newAlliance(w, w.foreign.authority.id);
  }, BOOT_TIMEOUT);
  afterAll(() => w.t.close());

  const token = (role: Role) => bearer(w.cast.users[role].token);

  describe('in scope', () => {
    it.each(
      IN_SCOPE.flatMap((c) =>
        ROLES.map((role) => [c.endpoint, role, expectedStatus(c, role), c] as const),
      ),
    )('%s as %s → %i', async (_endpoint, role, status, c) => {
      const res = await c.call(w, token(role));
      expect(res.status).toBe(status);
      if (status === 403) expect(res.body.code).toBe('COMMON.FORBIDDEN');
      if (status === 404) expect(res.body.code).toMatch(/^IDENTITY\.\w+_NOT_FOUND$/);
    });
  });

  describe('out of scope', () => {
    it.each(
      OUT_OF_SCOPE.flatMap((c) =>
        ROLES.map((role) => [c.endpoint, role, c.admitted.includes(role) ? 404 : 403, c] as const),
      ),
    )('%s as %s → %i', async (_endpoint, role, status, c) => {
      const res = await c.call(w, token(role));
      expect(res.status).toBe(status);
      expect(res.body.code).toEqual(
        status === 403 ? 'COMMON.FORBIDDEN' : expect.stringMatching(/^IDENTITY\.\w+_NOT_FOUND$/),
      );
      expect(JSON.stringify(res.body)).not.toContain(w.foreign.hospital.name);
    });

    it('left the other province untouched', async () => {
      const hospital = await api(w)
        .get(`/api/v1/organisations/${w.foreign.hospital.id}`)
        .set(w.platform)
        .expect(200);
      expect(hospital.body.name).toBe(w.foreign.hospital.name);
      const user = await api(w)
        .get(`/api/v1/users/${w.foreign.users.hospital_user.user.id}`)
        .set(w.platform)
        .expect(200);
      expect(user.body.status).toBe('active');
      await api(w)
        .get('/api/v1/auth/me')
        .set(bearer(w.foreign.users.hospital_user.token))
        .expect(200);
      const alliance = await api(w)
        .get(`/api/v1/alliances/${w.foreignAllianceId}`)
        .set(w.platform)
        .expect(200);
      expect(alliance.body.name).toBe('matrix');
    });
  });

  describe('cross-tenant reads', () => {
    it.each(
      NEIGHBOURS.flatMap((c) =>
        ROLES.map((role) => [c.endpoint, role, c.expect[role], c] as const),
      ),
    )('%s as %s → %i', async (_endpoint, role, status, c) => {
      const res = await api(w)
        .get(`/api/v1/organisations/${c.target(w)}`)
        .set(token(role));
      expect(res.status).toBe(status);
      if (status === 404) expect(res.body.code).toBe('IDENTITY.ORGANISATION_NOT_FOUND');
    });
  });

  describe('what each role lists', () => {
    it.each(ROLES)('GET /organisations as %s', async (role) => {
      const c = w.cast;
      const f = w.foreign;
      const visible =
        role === 'hospital_user'
          ? [c.hospital]
          : role === 'supplier_user'
            ? [c.manufacturer]
            : [
                c.authority,
                c.otherAuthority,
                c.hospital,
                c.otherHospital,
                c.manufacturer,
                c.distributor,
                f.manufacturer,
                f.distributor,
              ];
      const everyone = [
        c.authority,
        c.otherAuthority,
        c.hospital,
        c.otherHospital,
        c.manufacturer,
        c.distributor,
        f.authority,
        f.hospital,
        f.otherHospital,
        f.manufacturer,
      ];
      // One narrow query per organisation: on a shared database the unfiltered list is long.
      for (const org of everyone) {
        const res = await api(w)
          .get('/api/v1/organisations')
          .query({ q: org.code })
          .set(token(role))
          .expect(200);
        expect([org.code, res.body.items.map((o: { id: string }) => o.id)]).toEqual([
          org.code,
          visible.includes(org) ? [org.id] : [],
        ]);
      }
      if (!AUTHORITY.includes(role)) {
        const all = await api(w).get('/api/v1/organisations').set(token(role)).expect(200);
        expect(all.body.items.map((o: { id: string }) => o.id)).toEqual([visible[0].id]);
      }
    });

    it.each(ROLES)('GET /alliances as %s', async (role) => {
      const res = await api(w)
        .get('/api/v1/alliances')
        .query({ pageSize: 200 })
        .set(token(role))
        .expect(200);
      const ids: string[] = res.body.items.map((a: { id: string }) => a.id);
      expect(ids).not.toContain(w.foreignAllianceId);
      if (role === 'supplier_user') expect(ids).toEqual([]);
      else expect(ids).toContain(w.allianceId);
    });
  });
});
