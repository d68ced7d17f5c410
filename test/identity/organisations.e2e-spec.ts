import { randomInt } from 'node:crypto';
import {
  makeApiKey,
  makeOrganisation,
  makeRegionTree,
  makeUser,
  TEST_PASSWORD,
} from '../factories/identity';
import { bearer, startApp, TestApp, uniq } from '../setup/test-app';
import { auditEvents, BOOT_TIMEOUT, expectError } from './support';

/** A well-formed 统一社会信用代码 that nobody else uses. */
function creditCode(): string {
  return `9132${String(randomInt(0, 10_000)).padStart(4, '0')}${uniq(10).replace(/[IOSVZ]/g, 'A')}`;
}

describe('organisations', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  beforeAll(async () => {
    t = await startApp();
    admin = bearer(t.adminToken);
  }, BOOT_TIMEOUT);
  afterAll(() => t.close());

  const create = (auth: { Authorization: string }, body: object) =>
    t.http().post('/api/v1/organisations').set(auth).send(body);
  const patch = (auth: { Authorization: string }, id: string, body: object) =>
    t.http().patch(`/api/v1/organisations/${id}`).set(auth).send(body);
  const code = (p = 'H') => `${p}-${uniq(10)}`;

  describe('create', () => {
    let tree: Awaited<ReturnType<typeof makeRegionTree>>;
    beforeAll(async () => {
      tree = await makeRegionTree(t);
    });

    it('creates a public hospital (public by default), reads it back, audits it', async () => {
      const body = {
        code: code(),
        name: '  玄武区人民医院 ',
        type: 'hospital',
        hospitalKind: 'public_hospital',
        grade: '3A',
        regionCode: tree.county.code,
        creditCode: creditCode(),
        contactName: 'Wang',
        contactPhone: '025-84801234',
      };
      const res = await create(admin, body).expect(201);
      expect(res.body).toMatchObject({
        ...body,
        name: '玄武区人民医院',
        isPublic: true,
        status: 'active',
      });
      const read = await t
        .http()
        .get(`/api/v1/organisations/${res.body.id}`)
        .set(admin)
        .expect(200);
      expect(read.body).toEqual(res.body);
      const events = await auditEvents(t, 'organisation', res.body.id);
      expect(events).toEqual([
        expect.objectContaining({
          action: 'organisation.created',
          after: expect.objectContaining({ code: body.code, type: 'hospital', isPublic: true }),
        }),
      ]);
    });

    it.each([
      ['private_hospital', undefined, false],
      ['primary_care', undefined, false],
      ['retail_pharmacy', true, true],
    ])('a %s with isPublic %p is public: %p', async (hospitalKind, isPublic, expected) => {
      const res = await create(admin, {
        code: code(),
        name: 'x',
        type: 'hospital',
        hospitalKind,
        grade: 'none',
        regionCode: tree.county.code,
        ...(isPublic !== undefined ? { isPublic } : {}),
      }).expect(201);
      expect(res.body.isPublic).toBe(expected);
    });

    it('creates suppliers without hospital fields, with or without a region', async () => {
      const m = await create(admin, {
        code: code('M'),
        name: 'Pharma',
        type: 'manufacturer',
      }).expect(201);
      expect(m.body).toMatchObject({
        type: 'manufacturer',
        hospitalKind: null,
        grade: null,
        isPublic: null,
        regionCode: null,
      });
      const d = await create(admin, {
        code: code('D'),
        name: 'Logistics',
        type: 'distributor',
        regionCode: tree.province.code,
      }).expect(201);
      expect(d.body.regionCode).toBe(tree.province.code);
    });

    it('creates authorities: with a region, or platform-wide by a platform admin', async () => {
      const a = await create(admin, {
        code: code('A'),
        name: 'City bureau',
        type: 'authority',
        regionCode: tree.city.code,
      }).expect(201);
      expect(a.body.regionCode).toBe(tree.city.code);
      const p = await create(admin, {
        code: code('A'),
        name: 'National office',
        type: 'authority',
      }).expect(201);
      expect(p.body.regionCode).toBeNull();
    });

    it.each([
      ['hospitalKind', { type: 'hospital', grade: '3A', regionCode: 'COUNTY' }],
      ['grade', { type: 'hospital', hospitalKind: 'public_hospital', regionCode: 'COUNTY' }],
      ['regionCode', { type: 'hospital', hospitalKind: 'public_hospital', grade: '3A' }],
      ['grade', { type: 'manufacturer', grade: '3A' }],
      ['hospitalKind', { type: 'distributor', hospitalKind: 'retail_pharmacy' }],
      ['isPublic', { type: 'authority', isPublic: true, regionCode: 'COUNTY' }],
    ])('400 ORGANISATION_FIELDS_INVALID naming %s', async (field, fields) => {
      const body = {
        code: code(),
        name: 'x',
        ...fields,
        ...('regionCode' in fields ? { regionCode: tree.county.code } : {}),
      };
      const res = await create(admin, body);
      expectError(res, 400, 'IDENTITY.ORGANISATION_FIELDS_INVALID', field);
      await t
        .http()
        .get('/api/v1/organisations')
        .query({ q: body.code })
        .set(admin)
        .expect(200)
        .then((r) => expect(r.body.total).toBe(0));
    });

    it('refuses duplicate codes and credit codes with 409 naming them', async () => {
      const first = { code: code(), name: 'x', type: 'manufacturer', creditCode: creditCode() };
      await create(admin, first).expect(201);
      expectError(
        await create(admin, { ...first, creditCode: undefined }),
        409,
        'IDENTITY.DUPLICATE_ORGANISATION_CODE',
        first.code,
      );
      expectError(
        await create(admin, { ...first, code: code() }),
        409,
        'IDENTITY.DUPLICATE_CREDIT_CODE',
        first.creditCode,
      );
    });

    it('answers an unknown region with 404 REGION_NOT_FOUND', async () => {
      expectError(
        await create(admin, { code: code(), name: 'x', type: 'authority', regionCode: '999999' }),
        404,
        'IDENTITY.REGION_NOT_FOUND',
      );
    });

    it.each([
      ['code', { code: 'h-lower' }],
      ['code', { code: 'AB' }],
      ['creditCode', { creditCode: '91320100MA1MABCDOY' }],
      ['type', { type: 'pharmacy' }],
      ['grade', { grade: '4A' }],
      ['contactPhone', { contactPhone: 'call me' }],
      ['website', { website: 'https://example.org' }],
    ])('400 VALIDATION_FAILED naming %s', async (field, override) => {
      const res = await create(admin, {
        code: code(),
        name: 'x',
        type: 'manufacturer',
        ...override,
      });
      expectError(res, 400, 'COMMON.VALIDATION_FAILED', field);
    });
  });

  describe('a city admin', () => {
    let tree: Awaited<ReturnType<typeof makeRegionTree>>;
    let other: Awaited<ReturnType<typeof makeRegionTree>>;
    let cityAdmin: { Authorization: string };
    let authorityId: string;
    beforeAll(async () => {
      tree = await makeRegionTree(t);
      other = await makeRegionTree(t);
      const authority = await makeOrganisation(t, 'authority', { regionCode: tree.city.code });
      authorityId = authority.id;
      cityAdmin = bearer((await makeUser(t, authority, ['admin'])).token);
    });

    it('creates in its scope, gets 404 REGION_NOT_FOUND outside it, and must give an authority a region', async () => {
      await create(cityAdmin, {
        code: code(),
        name: 'x',
        type: 'hospital',
        hospitalKind: 'primary_care',
        grade: 'none',
        regionCode: tree.otherCounty.code,
      }).expect(201);
      expectError(
        await create(cityAdmin, {
          code: code(),
          name: 'x',
          type: 'hospital',
          hospitalKind: 'primary_care',
          grade: 'none',
          regionCode: other.county.code,
        }),
        404,
        'IDENTITY.REGION_NOT_FOUND',
      );
      expectError(
        await create(cityAdmin, {
          code: code(),
          name: 'x',
          type: 'authority',
          regionCode: tree.province.code,
        }),
        404,
        'IDENTITY.REGION_NOT_FOUND',
      );
      expectError(
        await create(cityAdmin, { code: code(), name: 'x', type: 'authority' }),
        400,
        'IDENTITY.ORGANISATION_FIELDS_INVALID',
        'regionCode',
      );
    });

    it('sees and edits only its scope: another province is 404 ORGANISATION_NOT_FOUND, moving out is 404 REGION_NOT_FOUND', async () => {
      const foreign = await makeOrganisation(t, 'hospital', { regionCode: other.county.code });
      expectError(
        await t.http().get(`/api/v1/organisations/${foreign.id}`).set(cityAdmin),
        404,
        'IDENTITY.ORGANISATION_NOT_FOUND',
      );
      expectError(
        await patch(cityAdmin, foreign.id, { name: 'mine' }),
        404,
        'IDENTITY.ORGANISATION_NOT_FOUND',
      );
      const own = await makeOrganisation(t, 'hospital', { regionCode: tree.county.code });
      expectError(
        await patch(cityAdmin, own.id, { regionCode: other.county.code }),
        404,
        'IDENTITY.REGION_NOT_FOUND',
      );
      const moved = await patch(cityAdmin, own.id, { regionCode: tree.otherCounty.code }).expect(
        200,
      );
      expect(moved.body.regionCode).toBe(tree.otherCounty.code);
    });

    it('cannot deactivate its own organisation (409 CANNOT_DISABLE_SELF)', async () => {
      expectError(
        await patch(cityAdmin, authorityId, { status: 'inactive' }),
        409,
        'IDENTITY.CANNOT_DISABLE_SELF',
        'status',
      );
      const read = await t
        .http()
        .get(`/api/v1/organisations/${authorityId}`)
        .set(cityAdmin)
        .expect(200);
      expect(read.body.status).toBe('active');
    });

    it('lists its scope with every supplier, but not other regions or platform authorities', async () => {
      const inScope = await makeOrganisation(t, 'hospital', { regionCode: tree.county.code });
      const outOfScope = await makeOrganisation(t, 'hospital', { regionCode: other.county.code });
      const supplier = await makeOrganisation(t, 'distributor', {
        regionCode: other.province.code,
      });
      const listed = async (q: string) => {
        const res = await t
          .http()
          .get('/api/v1/organisations')
          .query({ q })
          .set(cityAdmin)
          .expect(200);
        return res.body.items.map((o: { code: string }) => o.code);
      };
      for (const org of [inScope, supplier]) expect(await listed(org.code)).toEqual([org.code]);
      expect(await listed(outOfScope.code)).toEqual([]);
      expect(await listed('PLATFORM')).toEqual([]);
      const inCity = await t
        .http()
        .get('/api/v1/organisations')
        .query({ regionCode: tree.city.code, pageSize: 200 })
        .set(cityAdmin)
        .expect(200);
      expect(inCity.body.items.map((o: { id: string }) => o.id)).toEqual(
        expect.arrayContaining([inScope.id, authorityId]),
      );
    });
  });

  describe('list filters and sorting', () => {
    let tree: Awaited<ReturnType<typeof makeRegionTree>>;
    const orgs: Record<string, { id: string; code: string }> = {};
    beforeAll(async () => {
      tree = await makeRegionTree(t);
      const tag = uniq(6);
      const specs: [string, object][] = [
        [
          'big',
          {
            type: 'hospital',
            hospitalKind: 'public_hospital',
            grade: '3A',
            regionCode: tree.county.code,
            name: `Alpha ${tag}`,
          },
        ],
        [
          'private',
          {
            type: 'hospital',
            hospitalKind: 'private_hospital',
            grade: '2A',
            regionCode: tree.otherCounty.code,
            name: `Beta ${tag}`,
          },
        ],
        [
          'clinic',
          {
            type: 'hospital',
            hospitalKind: 'primary_care',
            grade: 'none',
            regionCode: tree.county.code,
            name: `Gamma ${tag}`,
          },
        ],
        ['bureau', { type: 'authority', regionCode: tree.city.code, name: `Delta ${tag}` }],
      ];
      for (const [key, spec] of specs) {
        const res = await create(admin, { code: code(), ...spec }).expect(201);
        orgs[key] = res.body;
      }
      await patch(admin, orgs.clinic.id, { status: 'inactive' }).expect(200);
    });

    const names = async (query: object) => {
      const res = await t
        .http()
        .get('/api/v1/organisations')
        .query({ regionCode: tree.city.code, ...query })
        .set(admin)
        .expect(200);
      return res.body.items.map((o: { name: string }) => o.name.split(' ')[0]);
    };

    it.each([
      [{}, ['Alpha', 'Beta', 'Delta', 'Gamma']],
      [{ type: 'hospital' }, ['Alpha', 'Beta', 'Gamma']],
      [{ hospitalKind: 'private_hospital' }, ['Beta']],
      [{ grade: '3A' }, ['Alpha']],
      [{ isPublic: 'true' }, ['Alpha']],
      [{ isPublic: 'false' }, ['Beta', 'Gamma']],
      [{ status: 'inactive' }, ['Gamma']],
      [{ regionCode: 'COUNTY' }, ['Alpha', 'Gamma']],
      [{ q: 'TA ' }, ['Beta', 'Delta']],
      [{ sort: 'name', order: 'desc' }, ['Gamma', 'Delta', 'Beta', 'Alpha']],
    ])('%o → %o', async (query, expected) => {
      const q = { sort: 'name', ...query } as Record<string, string>;
      if (q.regionCode === 'COUNTY') q.regionCode = tree.county.code;
      expect(await names(q)).toEqual(expected);
    });

    it('pages', async () => {
      const res = await t
        .http()
        .get('/api/v1/organisations')
        .query({ regionCode: tree.city.code, sort: 'name', page: 2, pageSize: 3 })
        .set(admin)
        .expect(200);
      expect(res.body).toMatchObject({ page: 2, pageSize: 3, total: 4 });
      expect(res.body.items.map((o: { id: string }) => o.id)).toEqual([orgs.clinic.id]);
    });

    it('answers an unknown region filter with an empty page and refuses bad filters', async () => {
      const res = await t
        .http()
        .get('/api/v1/organisations')
        .query({ regionCode: '999999' })
        .set(admin)
        .expect(200);
      expect(res.body).toMatchObject({ items: [], total: 0 });
      for (const [field, value] of [
        ['sort', 'type'],
        ['isPublic', 'maybe'],
        ['pageSize', '500'],
        ['colour', 'red'],
      ]) {
        expectError(
          await t
            .http()
            .get('/api/v1/organisations')
            .query({ [field]: value })
            .set(admin),
          400,
          'COMMON.VALIDATION_FAILED',
          field,
        );
      }
    });
  });

  describe('update', () => {
    let tree: Awaited<ReturnType<typeof makeRegionTree>>;
    beforeAll(async () => {
      tree = await makeRegionTree(t);
    });

    it('updates name, contact, grade, kind (re-deriving isPublic), reads back and audits before/after', async () => {
      const org = await makeOrganisation(t, 'hospital', {
        regionCode: tree.county.code,
        hospitalKind: 'private_hospital',
      });
      const res = await patch(admin, org.id, {
        name: 'Renamed',
        contactName: 'Li',
        contactPhone: '+86 25 1234',
        grade: '3B',
        hospitalKind: 'public_hospital',
      }).expect(200);
      expect(res.body).toMatchObject({
        name: 'Renamed',
        contactName: 'Li',
        grade: '3B',
        hospitalKind: 'public_hospital',
        isPublic: true,
      });
      const cleared = await patch(admin, org.id, { contactName: null, isPublic: false }).expect(
        200,
      );
      expect(cleared.body).toMatchObject({ contactName: null, isPublic: false, name: 'Renamed' });
      const read = await t.http().get(`/api/v1/organisations/${org.id}`).set(admin).expect(200);
      expect(read.body).toEqual(cleared.body);
      const events = await auditEvents(t, 'organisation', org.id);
      expect(events.map((e) => e.action)).toEqual(['organisation.updated', 'organisation.updated']);
      expect(events[0]).toMatchObject({
        before: { name: org.name, grade: '2A', isPublic: false, hospitalKind: 'private_hospital' },
        after: { name: 'Renamed', grade: '3B', isPublic: true, hospitalKind: 'public_hospital' },
      });
    });

    it('deactivating stops its users at once; reactivating lets them back', async () => {
      const org = await makeOrganisation(t, 'manufacturer');
      const { user, token } = await makeUser(t, org, ['supplier_user']);
      await t.http().get('/api/v1/auth/me').set(bearer(token)).expect(200);
      const res = await patch(admin, org.id, { status: 'inactive' }).expect(200);
      expect(res.body.status).toBe('inactive');
      expectError(
        await t.http().get('/api/v1/auth/me').set(bearer(token)),
        401,
        'COMMON.UNAUTHENTICATED',
      );
      const login = () =>
        t
          .http()
          .post('/api/v1/auth/login')
          .send({ username: user.username, password: TEST_PASSWORD });
      expectError(await login(), 403, 'IDENTITY.ACCOUNT_DISABLED');
      await patch(admin, org.id, { status: 'active' }).expect(200);
      await login().expect(200);
    });

    it.each([
      ['grade', 'manufacturer', { grade: '3A' }],
      ['hospitalKind', 'hospital', { hospitalKind: null }],
      ['regionCode', 'hospital', { regionCode: null }],
    ])('400 ORGANISATION_FIELDS_INVALID naming %s', async (field, type, body) => {
      const org = await makeOrganisation(t, type as 'hospital', { regionCode: tree.county.code });
      expectError(
        await patch(admin, org.id, body),
        400,
        'IDENTITY.ORGANISATION_FIELDS_INVALID',
        field,
      );
      const read = await t.http().get(`/api/v1/organisations/${org.id}`).set(admin).expect(200);
      expect(read.body.updatedAt).toBe(org.updatedAt.toISOString());
    });

    it('refuses a taken credit code with 409, unknown fields with 400, unknown ids with 404', async () => {
      const taken = creditCode();
      await create(admin, {
        code: code(),
        name: 'x',
        type: 'manufacturer',
        creditCode: taken,
      }).expect(201);
      const org = await makeOrganisation(t, 'distributor');
      expectError(
        await patch(admin, org.id, { creditCode: taken }),
        409,
        'IDENTITY.DUPLICATE_CREDIT_CODE',
        taken,
      );
      expectError(
        await patch(admin, org.id, { type: 'hospital' }),
        400,
        'COMMON.VALIDATION_FAILED',
        'type',
      );
      expectError(
        await patch(admin, org.id, { code: 'NEW-CODE' }),
        400,
        'COMMON.VALIDATION_FAILED',
        'code',
      );
      expectError(
        await patch(admin, org.id, { status: 'closed' }),
        400,
        'COMMON.VALIDATION_FAILED',
        'status',
      );
      expectError(
        await patch(admin, org.id, { name: null }),
        400,
        'COMMON.VALIDATION_FAILED',
        'name',
      );
      expectError(
        await patch(admin, '99999999', { name: 'x' }),
        404,
        'IDENTITY.ORGANISATION_NOT_FOUND',
      );
      expectError(
        await t.http().get('/api/v1/organisations/abc').set(admin),
        404,
        'IDENTITY.ORGANISATION_NOT_FOUND',
      );
    });
  });

  describe('API keys with organisations:read', () => {
    it('list and read what the key organisation sees; other scopes get 403', async () => {
      const tree = await makeRegionTree(t);
      const hospital = await makeOrganisation(t, 'hospital', { regionCode: tree.county.code });
      const neighbour = await makeOrganisation(t, 'hospital', { regionCode: tree.county.code });
      const { key } = await makeApiKey(t, hospital, ['organisations:read']);
      const list = await t.http().get('/api/v1/organisations').set('X-Api-Key', key).expect(200);
      expect(list.body.items.map((o: { id: string }) => o.id)).toEqual([hospital.id]);
      await t.http().get(`/api/v1/organisations/${hospital.id}`).set('X-Api-Key', key).expect(200);
      expectError(
        await t.http().get(`/api/v1/organisations/${neighbour.id}`).set('X-Api-Key', key),
        404,
        'IDENTITY.ORGANISATION_NOT_FOUND',
      );
      expectError(
        await t
          .http()
          .patch(`/api/v1/organisations/${hospital.id}`)
          .set('X-Api-Key', key)
          .send({ name: 'x' }),
        403,
        'COMMON.FORBIDDEN',
      );
      const other = await makeApiKey(t, hospital, ['catalog:read']);
      expectError(
        await t.http().get('/api/v1/organisations').set('X-Api-Key', other.key),
        403,
        'COMMON.FORBIDDEN',
      );
    });
  });
});
