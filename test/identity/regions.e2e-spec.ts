import { Region } from '../../src/modules/identity/regions/region.entity';
import { makeApiKey, makeOrganisation, makeRegionTree, makeUser } from '../factories/identity';
import { bearer, startApp, TestApp } from '../setup/test-app';
import {
  auditEvents,
  BOOT_TIMEOUT,
  expectError,
  unusedCountyCode,
  unusedProvinceCode,
} from './support';

describe('regions', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  beforeAll(async () => {
    t = await startApp();
    admin = bearer(t.adminToken);
  }, BOOT_TIMEOUT);
  afterAll(() => t.close());

  const post = (auth: { Authorization: string }, body: object) =>
    t.http().post('/api/v1/regions').set(auth).send(body);

  describe('creating the tree', () => {
    let province: string;
    let city: string;
    let county: string;
    let since: string;
    beforeAll(async () => {
      since = new Date().toISOString();
      province = await unusedProvinceCode(t);
      city = `${province.slice(0, 2)}0100`;
      county = `${province.slice(0, 2)}0102`;
    });
    // Province codes are scarce on a shared database: give this one back.
    afterAll(async () => {
      for (const code of [county, city, province]) {
        await t.dataSource.getRepository(Region).delete({ code });
      }
    });

    it('creates a province, a city (parent derived) and a county (parent given), with levels and paths', async () => {
      const p = await post(admin, { code: province, name: '  Test province  ' }).expect(201);
      expect(p.body).toMatchObject({
        code: province,
        name: 'Test province',
        level: 'province',
        parentCode: null,
        path: `/${province}/`,
      });
      const c = await post(admin, { code: city, name: 'Test city' }).expect(201);
      expect(c.body).toMatchObject({
        level: 'city',
        parentCode: province,
        path: `/${province}/${city}/`,
      });
      const k = await post(admin, { code: county, name: 'Test county', parentCode: city }).expect(
        201,
      );
      expect(k.body).toMatchObject({
        level: 'county',
        parentCode: city,
        path: `/${province}/${city}/${county}/`,
      });

      const read = await t.http().get(`/api/v1/regions/${county}`).set(admin).expect(200);
      expect(read.body).toEqual(k.body);
      const children = await t
        .http()
        .get(`/api/v1/regions/${city}/children`)
        .set(admin)
        .expect(200);
      expect(children.body.map((r: { code: string }) => r.code)).toEqual([county]);
      const leaf = await t.http().get(`/api/v1/regions/${county}/children`).set(admin).expect(200);
      expect(leaf.body).toEqual([]);

      const events = await auditEvents(t, 'region', county, since);
      expect(events).toEqual([
        expect.objectContaining({
          action: 'region.created',
          after: { code: county, name: 'Test county', level: 'county', path: k.body.path },
        }),
      ]);
    });

    it('refuses a duplicate code with 409 DUPLICATE_REGION_CODE naming it', async () => {
      const res = await post(admin, { code: county, name: 'Again' });
      expectError(res, 409, 'IDENTITY.DUPLICATE_REGION_CODE', county);
      const read = await t.http().get(`/api/v1/regions/${county}`).set(admin).expect(200);
      expect(read.body.name).toBe('Test county');
    });

    it('refuses parents that do not match the code or do not exist (400 REGION_PARENT_INVALID)', async () => {
      const prefix = province.slice(0, 2);
      // A parent whose code does not begin the child's: any other province than ours.
      const otherProvince = prefix === '99' ? '980000' : '990000';
      expectError(
        await post(admin, { code: `${prefix}0200`, name: 'x', parentCode: otherProvince }),
        400,
        'IDENTITY.REGION_PARENT_INVALID',
        'parentCode',
      );
      expectError(
        await post(admin, { code: `${prefix}0201`, name: 'x' }),
        400,
        'IDENTITY.REGION_PARENT_INVALID',
        `${prefix}0200`,
      );
      expectError(
        await post(admin, { code: `${prefix}0103`, name: 'x', parentCode: province }),
        400,
        'IDENTITY.REGION_PARENT_INVALID',
      );
      expectError(
        await post(admin, { code: province, name: 'x', parentCode: city }),
        400,
        'IDENTITY.REGION_PARENT_INVALID',
      );
      await t.http().get(`/api/v1/regions/${prefix}0201`).set(admin).expect(404);
    });

    it('lists with filters (parentCode, level, q, code prefix) and paging', async () => {
      const byParent = await t
        .http()
        .get('/api/v1/regions')
        .query({ parentCode: province })
        .set(admin)
        .expect(200);
      expect(byParent.body).toMatchObject({ total: 1, page: 1, pageSize: 50 });
      expect(byParent.body.items[0].code).toBe(city);

      const byPrefix = await t
        .http()
        .get('/api/v1/regions')
        .query({ code: province.slice(0, 2), order: 'desc' })
        .set(admin)
        .expect(200);
      expect(byPrefix.body.items.map((r: { code: string }) => r.code)).toEqual([
        county,
        city,
        province,
      ]);

      const counties = await t
        .http()
        .get('/api/v1/regions')
        .query({ code: province.slice(0, 2), level: 'county' })
        .set(admin)
        .expect(200);
      expect(counties.body.items.map((r: { code: string }) => r.code)).toEqual([county]);

      const named = await t
        .http()
        .get('/api/v1/regions')
        .query({ code: province.slice(0, 2), q: 'city' })
        .set(admin)
        .expect(200);
      expect(named.body.items.map((r: { code: string }) => r.code)).toEqual([city]);

      const paged = await t
        .http()
        .get('/api/v1/regions')
        .query({ code: province.slice(0, 2), pageSize: 2, page: 2 })
        .set(admin)
        .expect(200);
      expect(paged.body).toMatchObject({ total: 3, page: 2, pageSize: 2 });
      expect(paged.body.items).toHaveLength(1);
    });

    it('renames a region (admin), reads it back and audits before/after', async () => {
      const res = await t
        .http()
        .patch(`/api/v1/regions/${city}`)
        .set(admin)
        .send({ name: 'Renamed city' })
        .expect(200);
      expect(res.body).toMatchObject({ code: city, name: 'Renamed city', level: 'city' });
      const read = await t.http().get(`/api/v1/regions/${city}`).set(admin).expect(200);
      expect(read.body.name).toBe('Renamed city');
      const events = await auditEvents(t, 'region', city, since);
      expect(events.map((e) => e.action)).toEqual(['region.created', 'region.updated']);
      expect(events[1]).toMatchObject({
        before: { name: 'Test city' },
        after: { name: 'Renamed city' },
      });
    });
  });

  it.each([['12345'], ['1234567'], ['00AB00'], ['abcdef'], ['000000'], ['001100']])(
    'refuses code %p with 400 REGION_CODE_INVALID',
    async (code) => {
      expectError(
        await post(admin, { code, name: 'x' }),
        400,
        'IDENTITY.REGION_CODE_INVALID',
        'code',
      );
    },
  );

  it('answers unknown regions with 404 REGION_NOT_FOUND', async () => {
    for (const path of [
      '/api/v1/regions/999999',
      '/api/v1/regions/999999/children',
      '/api/v1/regions/nope',
    ]) {
      expectError(await t.http().get(path).set(admin), 404, 'IDENTITY.REGION_NOT_FOUND');
    }
    expectError(
      await t.http().patch('/api/v1/regions/999999').set(admin).send({ name: 'x' }),
      404,
      'IDENTITY.REGION_NOT_FOUND',
    );
  });

  it('validates bodies: unknown fields and empty names are 400 naming the field', async () => {
    expectError(
      await post(admin, { code: '320000', name: 'x', level: 'province' }),
      400,
      'COMMON.VALIDATION_FAILED',
      'level',
    );
    expectError(
      await post(admin, { code: '320000', name: '   ' }),
      400,
      'COMMON.VALIDATION_FAILED',
      'name',
    );
    expectError(
      await t.http().patch('/api/v1/regions/320000').set(admin).send({ name: 'x', code: '330000' }),
      400,
      'COMMON.VALIDATION_FAILED',
      'code',
    );
    expectError(
      await t.http().get('/api/v1/regions').query({ level: 'village' }).set(admin),
      400,
      'COMMON.VALIDATION_FAILED',
      'level',
    );
  });

  describe('an admin scoped to a city', () => {
    let tree: Awaited<ReturnType<typeof makeRegionTree>>;
    let cityAdmin: { Authorization: string };
    beforeAll(async () => {
      tree = await makeRegionTree(t);
      const authority = await makeOrganisation(t, 'authority', { regionCode: tree.city.code });
      cityAdmin = bearer((await makeUser(t, authority, ['admin'])).token);
    });

    it('creates counties below its city', async () => {
      const code = await unusedCountyCode(t, tree.city);
      const res = await post(cityAdmin, { code, name: 'New county' }).expect(201);
      expect(res.body.path).toBe(`${tree.city.path}${code}/`);
    });

    it('gets 404 REGION_NOT_FOUND below a region outside its scope, and 403 OUT_OF_SCOPE for a province', async () => {
      const other = await makeRegionTree(t);
      const code = await unusedCountyCode(t, other.city);
      expectError(
        await post(cityAdmin, { code, name: 'x' }),
        404,
        'IDENTITY.REGION_NOT_FOUND',
        other.city.code,
      );
      const province = await unusedProvinceCode(t);
      expectError(
        await post(cityAdmin, { code: province, name: 'x' }),
        403,
        'IDENTITY.OUT_OF_SCOPE',
      );
      expectError(
        await t
          .http()
          .patch(`/api/v1/regions/${other.county.code}`)
          .set(cityAdmin)
          .send({ name: 'x' }),
        404,
        'IDENTITY.REGION_NOT_FOUND',
      );
      expectError(
        await t
          .http()
          .patch(`/api/v1/regions/${tree.province.code}`)
          .set(cityAdmin)
          .send({ name: 'x' }),
        404,
        'IDENTITY.REGION_NOT_FOUND',
      );
      const read = await t
        .http()
        .get(`/api/v1/regions/${other.county.code}`)
        .set(cityAdmin)
        .expect(200);
      expect(read.body.name).toBe(other.county.name);
    });

    it('can still read every region (reference data)', async () => {
      const other = await makeRegionTree(t);
      await t.http().get(`/api/v1/regions/${other.province.code}`).set(cityAdmin).expect(200);
    });
  });

  it('accepts API keys with catalog:read or organisations:read, refuses others with 403', async () => {
    const { county } = await makeRegionTree(t);
    const org = await makeOrganisation(t, 'hospital', { regionCode: county.code });
    for (const scope of ['catalog:read', 'organisations:read'] as const) {
      const { key } = await makeApiKey(t, org, [scope]);
      await t.http().get('/api/v1/regions').set('X-Api-Key', key).expect(200);
      await t.http().get(`/api/v1/regions/${county.code}`).set('X-Api-Key', key).expect(200);
      await t
        .http()
        .get(`/api/v1/regions/${county.code}/children`)
        .set('X-Api-Key', key)
        .expect(200);
      expectError(
        await t
          .http()
          .post('/api/v1/regions')
          .set('X-Api-Key', key)
          .send({ code: '320000', name: 'x' }),
        403,
        'COMMON.FORBIDDEN',
      );
    }
    const { key } = await makeApiKey(t, org, ['imports:read']);
    expectError(
      await t.http().get('/api/v1/regions').set('X-Api-Key', key),
      403,
      'COMMON.FORBIDDEN',
      'catalog:read',
    );
  });
});
