import { Organisation } from '../../src/modules/identity/organisations/organisation.entity';
import { makeOrganisation, makeRegionTree, makeUser, TEST_PASSWORD } from '../factories/identity';
import { bearer, startApp, TestApp, uniq } from '../setup/test-app';
import { auditEvents, BOOT_TIMEOUT, expectError } from './support';

describe('users', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  let tree: Awaited<ReturnType<typeof makeRegionTree>>;
  let hospital: Organisation;
  let authority: Organisation;
  beforeAll(async () => {
    t = await startApp();
    admin = bearer(t.adminToken);
    tree = await makeRegionTree(t);
    hospital = await makeOrganisation(t, 'hospital', { regionCode: tree.county.code });
    authority = await makeOrganisation(t, 'authority', { regionCode: tree.city.code });
  }, BOOT_TIMEOUT);
  afterAll(() => t.close());

  const username = () => `u.${uniq(10).toLowerCase()}`;
  const create = (auth: { Authorization: string }, body: object) =>
    t.http().post('/api/v1/users').set(auth).send(body);
  const patch = (auth: { Authorization: string }, id: string, body: object) =>
    t.http().patch(`/api/v1/users/${id}`).set(auth).send(body);
  const login = (name: string, password: string) =>
    t.http().post('/api/v1/auth/login').send({ username: name, password });

  it('creates a user with a generated password shown once; it logs in; no hash anywhere; audited', async () => {
    const name = username();
    const res = await create(admin, {
      username: name,
      displayName: ' Zhang Wei ',
      organisationId: hospital.id,
      roles: ['hospital_user'],
    }).expect(201);
    expect(res.body).toMatchObject({
      username: name,
      displayName: 'Zhang Wei',
      organisation: { id: hospital.id, type: 'hospital' },
      roles: ['hospital_user'],
      status: 'active',
      lastLoginAt: null,
    });
    const password: string = res.body.initialPassword;
    expect(password.length).toBeGreaterThanOrEqual(10);
    expect(Object.keys(res.body)).not.toContain('passwordHash');

    await login(name, password).expect(200);
    const read = await t.http().get(`/api/v1/users/${res.body.id}`).set(admin).expect(200);
    expect(read.body).toMatchObject({ id: res.body.id, username: name, roles: ['hospital_user'] });
    expect(read.body.lastLoginAt).not.toBeNull();
    expect(read.body).not.toHaveProperty('initialPassword');
    expect(JSON.stringify(read.body)).not.toMatch(/scrypt|password"/i);

    const events = await auditEvents(t, 'user', res.body.id);
    expect(events).toEqual([
      expect.objectContaining({
        action: 'user.created',
        after: {
          username: name,
          displayName: 'Zhang Wei',
          organisationId: hospital.id,
          roles: ['hospital_user'],
          status: 'active',
        },
      }),
    ]);
    expect(JSON.stringify(events)).not.toContain(password);
    expect(JSON.stringify(events)).not.toContain('scrypt');
  });

  it('creates a user with a given password and returns no initialPassword', async () => {
    const name = username();
    const res = await create(admin, {
      username: name,
      displayName: 'Officer',
      organisationId: authority.id,
      roles: ['procurement_officer', 'auditor'],
      password: 'Chosen-password-7',
    }).expect(201);
    expect(res.body).not.toHaveProperty('initialPassword');
    expect(res.body.roles).toEqual(['procurement_officer', 'auditor']);
    await login(name, 'Chosen-password-7').expect(200);
    const events = await auditEvents(t, 'user', res.body.id);
    expect(JSON.stringify(events)).not.toContain('Chosen-password-7');
  });

  it('refuses weak passwords, taken usernames, roles that do not fit, unknown organisations', async () => {
    const base = { displayName: 'x', organisationId: hospital.id, roles: ['hospital_user'] };
    expectError(
      await create(admin, { ...base, username: username(), password: 'weakpass' }),
      400,
      'IDENTITY.WEAK_PASSWORD',
      'password',
    );
    const { user } = await makeUser(t, hospital, ['hospital_user']);
    expectError(
      await create(admin, { ...base, username: user.username }),
      409,
      'IDENTITY.DUPLICATE_USERNAME',
      user.username,
    );
    expectError(
      await create(admin, {
        ...base,
        username: username(),
        roles: ['hospital_user', 'fund_officer'],
      }),
      400,
      'IDENTITY.ROLE_NOT_ALLOWED_FOR_ORGANISATION',
      'fund_officer',
    );
    expectError(
      await create(admin, { ...base, username: username(), organisationId: authority.id }),
      400,
      'IDENTITY.ROLE_NOT_ALLOWED_FOR_ORGANISATION',
      'hospital_user',
    );
    expectError(
      await create(admin, { ...base, username: username(), organisationId: '99999999' }),
      404,
      'IDENTITY.ORGANISATION_NOT_FOUND',
    );
  });

  it.each([
    ['username', { username: 'Upper.Case' }],
    ['username', { username: 'ab' }],
    ['roles', { roles: [] }],
    ['roles', { roles: ['superuser'] }],
    ['organisationId', { organisationId: 'abc' }],
    ['displayName', { displayName: '  ' }],
    ['passwordHash', { passwordHash: 'scrypt$x' }],
  ])('400 VALIDATION_FAILED naming %s', async (field, override) => {
    const body = {
      username: username(),
      displayName: 'x',
      organisationId: hospital.id,
      roles: ['hospital_user'],
      ...override,
    };
    expectError(await create(admin, body), 400, 'COMMON.VALIDATION_FAILED', field);
  });

  it('lists with filters (organisationId, role, status, q) and paging', async () => {
    const org = await makeOrganisation(t, 'authority', { regionCode: tree.otherCounty.code });
    const a = await makeUser(t, org, ['admin', 'auditor']);
    const b = await makeUser(t, org, ['auditor']);
    const c = await makeUser(t, org, ['fund_officer'], { status: 'disabled' });
    const ids = async (query: object) => {
      const res = await t
        .http()
        .get('/api/v1/users')
        .query({ organisationId: org.id, ...query })
        .set(admin)
        .expect(200);
      return res.body.items.map((u: { id: string }) => u.id).sort();
    };
    expect(await ids({})).toEqual([a.user.id, b.user.id, c.user.id].sort());
    expect(await ids({ role: 'auditor' })).toEqual([a.user.id, b.user.id].sort());
    expect(await ids({ role: 'admin' })).toEqual([a.user.id]);
    expect(await ids({ status: 'disabled' })).toEqual([c.user.id]);
    expect(await ids({ q: b.user.username.slice(2) })).toEqual([b.user.id]);
    const paged = await t
      .http()
      .get('/api/v1/users')
      .query({ organisationId: org.id, pageSize: 2, page: 2 })
      .set(admin)
      .expect(200);
    expect(paged.body).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(paged.body.items).toHaveLength(1);
    expectError(
      await t.http().get('/api/v1/users').query({ role: 'root' }).set(admin),
      400,
      'COMMON.VALIDATION_FAILED',
      'role',
    );
  });

  it('updates display name, roles and status; a disabled user is out at once; audited', async () => {
    const { user, token } = await makeUser(t, authority, ['auditor']);
    const res = await patch(admin, user.id, {
      displayName: 'Renamed',
      roles: ['auditor', 'supervisor'],
    }).expect(200);
    expect(res.body).toMatchObject({
      displayName: 'Renamed',
      roles: ['auditor', 'supervisor'],
      status: 'active',
    });
    const me = await t.http().get('/api/v1/auth/me').set(bearer(token)).expect(200);
    expect(me.body.roles).toEqual(['auditor', 'supervisor']);

    await patch(admin, user.id, { status: 'disabled' }).expect(200);
    expectError(
      await t.http().get('/api/v1/auth/me').set(bearer(token)),
      401,
      'COMMON.UNAUTHENTICATED',
    );
    expectError(await login(user.username, TEST_PASSWORD), 403, 'IDENTITY.ACCOUNT_DISABLED');
    const read = await t.http().get(`/api/v1/users/${user.id}`).set(admin).expect(200);
    expect(read.body).toMatchObject({ displayName: 'Renamed', status: 'disabled' });

    const events = await auditEvents(t, 'user', user.id);
    expect(events.map((e) => e.action)).toEqual(['user.updated', 'user.updated']);
    expect(events[0]).toMatchObject({
      before: { roles: ['auditor'], displayName: 'Test auditor' },
      after: { roles: ['auditor', 'supervisor'], displayName: 'Renamed' },
    });
    expect(JSON.stringify(events)).not.toContain('scrypt');

    expectError(
      await patch(admin, user.id, { roles: ['supplier_user'] }),
      400,
      'IDENTITY.ROLE_NOT_ALLOWED_FOR_ORGANISATION',
      'supplier_user',
    );
    expectError(
      await patch(admin, user.id, { username: 'other' }),
      400,
      'COMMON.VALIDATION_FAILED',
      'username',
    );
    expectError(
      await patch(admin, user.id, { status: 'locked' }),
      400,
      'COMMON.VALIDATION_FAILED',
      'status',
    );
    expectError(
      await patch(admin, '99999999', { displayName: 'x' }),
      404,
      'IDENTITY.USER_NOT_FOUND',
    );
    expectError(
      await t.http().get('/api/v1/users/nope').set(admin),
      404,
      'IDENTITY.USER_NOT_FOUND',
    );
  });

  it('an admin cannot disable itself or drop its own admin role (409 CANNOT_DISABLE_SELF)', async () => {
    const { user, token } = await makeUser(t, authority, ['admin', 'auditor']);
    const self = bearer(token);
    expectError(
      await patch(self, user.id, { status: 'disabled' }),
      409,
      'IDENTITY.CANNOT_DISABLE_SELF',
      'status',
    );
    expectError(
      await patch(self, user.id, { roles: ['auditor'] }),
      409,
      'IDENTITY.CANNOT_DISABLE_SELF',
      'admin',
    );
    const ok = await patch(self, user.id, { displayName: 'Still me', roles: ['admin'] }).expect(
      200,
    );
    expect(ok.body).toMatchObject({ displayName: 'Still me', roles: ['admin'], status: 'active' });
  });

  it('resets a password: shown once, old tokens die, the new one logs in, audited without it', async () => {
    const { user, token } = await makeUser(t, hospital, ['hospital_user']);
    const res = await t
      .http()
      .post(`/api/v1/users/${user.id}/reset-password`)
      .set(admin)
      .expect(200);
    expect(res.body.userId).toBe(user.id);
    const password: string = res.body.password;
    expectError(
      await t.http().get('/api/v1/auth/me').set(bearer(token)),
      401,
      'COMMON.UNAUTHENTICATED',
    );
    expectError(await login(user.username, TEST_PASSWORD), 401, 'IDENTITY.INVALID_CREDENTIALS');
    await login(user.username, password).expect(200);
    const read = await t.http().get(`/api/v1/users/${user.id}`).set(admin).expect(200);
    expect(new Date(read.body.passwordChangedAt).getTime()).toBeGreaterThan(
      user.passwordChangedAt.getTime(),
    );
    const events = await auditEvents(t, 'user', user.id);
    expect(events.map((e) => e.action)).toEqual(['user.password_reset']);
    expect(JSON.stringify(events)).not.toContain(password);
    expectError(
      await t.http().post('/api/v1/users/99999999/reset-password').set(admin),
      404,
      'IDENTITY.USER_NOT_FOUND',
    );
  });

  describe('a city admin', () => {
    it('sees and manages only users of organisations in its scope', async () => {
      const cityAuthority = await makeOrganisation(t, 'authority', { regionCode: tree.city.code });
      const cityAdmin = bearer((await makeUser(t, cityAuthority, ['admin'])).token);
      const elsewhere = await makeRegionTree(t);
      const foreignOrg = await makeOrganisation(t, 'hospital', {
        regionCode: elsewhere.county.code,
      });
      const foreign = await makeUser(t, foreignOrg, ['hospital_user']);
      const local = await makeUser(t, hospital, ['hospital_user']);

      const ids = async (query: object) => {
        const res = await t.http().get('/api/v1/users').query(query).set(cityAdmin).expect(200);
        return res.body.items.map((u: { id: string }) => u.id);
      };
      expect(await ids({ organisationId: hospital.id })).toContain(local.user.id);
      expect(await ids({ organisationId: foreignOrg.id })).toEqual([]);
      expect(await ids({ q: foreign.user.username })).toEqual([]);
      const bootstrap = await t.http().get('/api/v1/auth/me').set(admin).expect(200);
      expect(await ids({ q: 'admin', role: 'admin' })).not.toContain(bootstrap.body.id);

      expectError(
        await t.http().get(`/api/v1/users/${foreign.user.id}`).set(cityAdmin),
        404,
        'IDENTITY.USER_NOT_FOUND',
      );
      expectError(
        await patch(cityAdmin, foreign.user.id, { status: 'disabled' }),
        404,
        'IDENTITY.USER_NOT_FOUND',
      );
      expectError(
        await t.http().post(`/api/v1/users/${foreign.user.id}/reset-password`).set(cityAdmin),
        404,
        'IDENTITY.USER_NOT_FOUND',
      );
      expectError(
        await create(cityAdmin, {
          username: username(),
          displayName: 'x',
          organisationId: foreignOrg.id,
          roles: ['hospital_user'],
        }),
        404,
        'IDENTITY.ORGANISATION_NOT_FOUND',
      );
      await create(cityAdmin, {
        username: username(),
        displayName: 'x',
        organisationId: hospital.id,
        roles: ['hospital_user'],
      }).expect(201);
      // The foreign user is untouched.
      await t.http().get('/api/v1/auth/me').set(bearer(foreign.token)).expect(200);
    });
  });
});
