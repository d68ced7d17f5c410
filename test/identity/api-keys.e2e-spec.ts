import { makeOrganisation, makeRegionTree, makeUser } from '../factories/identity';
import { Organisation } from '../../src/modules/identity/organisations/organisation.entity';
import { bearer, startApp, TestApp } from '../setup/test-app';
import { auditEvents, BOOT_TIMEOUT, expectError } from './support';

describe('api keys', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  let tree: Awaited<ReturnType<typeof makeRegionTree>>;
  let hospital: Organisation;
  beforeAll(async () => {
    t = await startApp();
    admin = bearer(t.adminToken);
    tree = await makeRegionTree(t);
    hospital = await makeOrganisation(t, 'hospital', { regionCode: tree.county.code });
  }, BOOT_TIMEOUT);
  afterAll(() => t.close());

  const create = (auth: { Authorization: string }, body: object) =>
    t.http().post('/api/v1/api-keys').set(auth).send(body);
  const listFor = async (orgId: string) =>
    (await t.http().get('/api/v1/api-keys').query({ organisationId: orgId }).set(admin).expect(200))
      .body;

  it('creates a key shown once; it works on scoped routes, is refused elsewhere, never shows again', async () => {
    const res = await create(admin, {
      organisationId: hospital.id,
      name: 'HIS interface',
      scopes: ['organisations:read'],
    }).expect(201);
    const key: string = res.body.key;
    expect(key).toMatch(/^jk_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(res.body).toMatchObject({
      organisationId: hospital.id,
      name: 'HIS interface',
      prefix: key.slice(3, 11),
      scopes: ['organisations:read'],
      state: 'active',
      expiresAt: null,
      revokedAt: null,
      lastUsedAt: null,
    });
    expect(res.body).not.toHaveProperty('keyHash');

    const orgs = await t.http().get('/api/v1/organisations').set('X-Api-Key', key).expect(200);
    expect(orgs.body.items.map((o: { id: string }) => o.id)).toEqual([hospital.id]);
    await t.http().get(`/api/v1/organisations/${hospital.id}`).set('X-Api-Key', key).expect(200);
    expectError(await t.http().get('/api/v1/users').set('X-Api-Key', key), 403, 'COMMON.FORBIDDEN');
    expectError(
      await t.http().get('/api/v1/alliances').set('X-Api-Key', key),
      403,
      'COMMON.FORBIDDEN',
    );

    const listed = await listFor(hospital.id);
    const row = listed.items.find((k: { id: string }) => k.id === res.body.id);
    expect(row).toMatchObject({
      prefix: res.body.prefix,
      scopes: ['organisations:read'],
      state: 'active',
    });
    expect(row.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(key);
    expect(JSON.stringify(listed)).not.toContain(key.slice(12));
    expect(row).not.toHaveProperty('key');
    expect(row).not.toHaveProperty('keyHash');

    const events = await auditEvents(t, 'api_key', res.body.id);
    expect(events).toEqual([
      expect.objectContaining({
        action: 'api_key.created',
        after: {
          organisationId: hospital.id,
          name: 'HIS interface',
          prefix: res.body.prefix,
          scopes: ['organisations:read'],
          expiresAt: null,
          revokedAt: null,
        },
      }),
    ]);
    expect(JSON.stringify(events)).not.toContain(key.slice(12));
  });

  it('a key without the route scope is refused with 403 naming the scope', async () => {
    const res = await create(admin, {
      organisationId: hospital.id,
      name: 'imports',
      scopes: ['imports:read'],
    }).expect(201);
    expectError(
      await t.http().get('/api/v1/organisations').set('X-Api-Key', res.body.key),
      403,
      'COMMON.FORBIDDEN',
      'organisations:read',
    );
  });

  it('revokes: the key is refused with 401 at once; revoking again is 409; audited', async () => {
    const res = await create(admin, {
      organisationId: hospital.id,
      name: 'temp',
      scopes: ['catalog:read'],
    }).expect(201);
    await t.http().get('/api/v1/regions').set('X-Api-Key', res.body.key).expect(200);
    const revoked = await t.http().delete(`/api/v1/api-keys/${res.body.id}`).set(admin).expect(200);
    expect(revoked.body).toMatchObject({ id: res.body.id, state: 'revoked' });
    expect(revoked.body.revokedAt).not.toBeNull();
    expectError(
      await t.http().get('/api/v1/regions').set('X-Api-Key', res.body.key),
      401,
      'COMMON.UNAUTHENTICATED',
    );
    const row = (await listFor(hospital.id)).items.find(
      (k: { id: string }) => k.id === res.body.id,
    );
    expect(row).toMatchObject({ state: 'revoked', revokedAt: revoked.body.revokedAt });
    expectError(
      await t.http().delete(`/api/v1/api-keys/${res.body.id}`).set(admin),
      409,
      'IDENTITY.API_KEY_ALREADY_REVOKED',
      res.body.prefix,
    );
    expectError(
      await t.http().delete('/api/v1/api-keys/99999999').set(admin),
      404,
      'IDENTITY.API_KEY_NOT_FOUND',
    );
    const events = await auditEvents(t, 'api_key', res.body.id);
    expect(events.map((e) => e.action)).toEqual(['api_key.created', 'api_key.revoked']);
  });

  it('an expired key is refused with 401', async () => {
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const res = await create(admin, {
      organisationId: hospital.id,
      name: 'short',
      scopes: ['catalog:read'],
      expiresAt,
    }).expect(201);
    expect(res.body.expiresAt).toBe(expiresAt);
    await new Promise((r) => setTimeout(r, 1600));
    expectError(
      await t.http().get('/api/v1/regions').set('X-Api-Key', res.body.key),
      401,
      'COMMON.UNAUTHENTICATED',
    );
    const row = (await listFor(hospital.id)).items.find(
      (k: { id: string }) => k.id === res.body.id,
    );
    expect(row.state).toBe('expired');
  });

  it.each([
    ['expiresAt', { expiresAt: '2001-01-01T00:00:00Z' }],
    ['expiresAt', { expiresAt: 'tomorrow' }],
    ['scopes', { scopes: ['everything'] }],
    ['scopes', { scopes: [] }],
    ['organisationId', { organisationId: 'x' }],
    ['name', { name: '' }],
    ['keyHash', { keyHash: 'abc' }],
  ])('400 VALIDATION_FAILED naming %s', async (field, override) => {
    const body = { organisationId: hospital.id, name: 'k', scopes: ['catalog:read'], ...override };
    expectError(await create(admin, body), 400, 'COMMON.VALIDATION_FAILED', field);
  });

  it('a city admin manages keys only for organisations in its scope', async () => {
    const cityAuthority = await makeOrganisation(t, 'authority', { regionCode: tree.city.code });
    const cityAdmin = bearer((await makeUser(t, cityAuthority, ['admin'])).token);
    const elsewhere = await makeRegionTree(t);
    const foreign = await makeOrganisation(t, 'hospital', { regionCode: elsewhere.county.code });
    const foreignKey = await create(admin, {
      organisationId: foreign.id,
      name: 'f',
      scopes: ['catalog:read'],
    }).expect(201);
    expectError(
      await create(cityAdmin, { organisationId: foreign.id, name: 'x', scopes: ['catalog:read'] }),
      404,
      'IDENTITY.ORGANISATION_NOT_FOUND',
    );
    expectError(
      await t.http().delete(`/api/v1/api-keys/${foreignKey.body.id}`).set(cityAdmin),
      404,
      'IDENTITY.API_KEY_NOT_FOUND',
    );
    const own = await create(cityAdmin, {
      organisationId: hospital.id,
      name: 'mine',
      scopes: ['catalog:read'],
    }).expect(201);
    const keysOf = async (organisationId: string) => {
      const res = await t
        .http()
        .get('/api/v1/api-keys')
        .query({ organisationId })
        .set(cityAdmin)
        .expect(200);
      return res.body.items.map((k: { id: string }) => k.id);
    };
    expect(await keysOf(hospital.id)).toContain(own.body.id);
    expect(await keysOf(foreign.id)).toEqual([]);
    // The foreign key still works: nothing was revoked.
    await t.http().get('/api/v1/regions').set('X-Api-Key', foreignKey.body.key).expect(200);
  });
});
