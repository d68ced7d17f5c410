import { Organisation } from '../../src/modules/identity/organisations/organisation.entity';
import { makeOrganisation, makeRegionTree, makeUser, TEST_PASSWORD } from '../factories/identity';
import { bearer, startApp, TestApp } from '../setup/test-app';
import { auditEvents, BOOT_TIMEOUT, expectError } from './support';

describe('auth', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  }, BOOT_TIMEOUT);
  afterAll(() => t.close());

  async function hospitalUser(status: 'active' | 'disabled' = 'active') {
    const { county } = await makeRegionTree(t);
    const org = await makeOrganisation(t, 'hospital', { regionCode: county.code });
    return { org, ...(await makeUser(t, org, ['hospital_user'], { status })) };
  }

  const login = (username: string, password: string) =>
    t.http().post('/api/v1/auth/login').send({ username, password });

  it('logs in, and the token works on /auth/me', async () => {
    const { org, user } = await hospitalUser();
    const res = await login(user.username, TEST_PASSWORD).expect(200);
    expect(res.body).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: t.config.jwtTtlSeconds,
      user: { id: user.id, kind: 'user', roles: ['hospital_user'], organisation: { id: org.id } },
    });
    const me = await t.http().get('/api/v1/auth/me').set(bearer(res.body.accessToken)).expect(200);
    expect(me.body).toMatchObject({
      id: user.id,
      name: user.username,
      organisation: { id: org.id, code: org.code, type: 'hospital', regionCode: org.regionCode },
      scopeRegionCode: null,
    });
  });

  it('answers a wrong password and an unknown user alike: 401 INVALID_CREDENTIALS', async () => {
    const { user } = await hospitalUser();
    const wrong = await login(user.username, 'Not-the-password-1');
    expectError(wrong, 401, 'IDENTITY.INVALID_CREDENTIALS');
    const unknown = await login(`nobody_${user.username}`, TEST_PASSWORD);
    expectError(unknown, 401, 'IDENTITY.INVALID_CREDENTIALS');
    expect(unknown.body.message).toBe(wrong.body.message);
  });

  it('refuses a disabled user with 403 ACCOUNT_DISABLED', async () => {
    const { user } = await hospitalUser('disabled');
    expectError(await login(user.username, TEST_PASSWORD), 403, 'IDENTITY.ACCOUNT_DISABLED');
  });

  it('refuses a user of an inactive organisation with 403 ACCOUNT_DISABLED', async () => {
    const { county } = await makeRegionTree(t);
    const org = await makeOrganisation(t, 'hospital', { regionCode: county.code });
    const { user } = await makeUser(t, org, ['hospital_user']);
    await t.dataSource.getRepository(Organisation).update({ id: org.id }, { status: 'inactive' });
    expectError(await login(user.username, TEST_PASSWORD), 403, 'IDENTITY.ACCOUNT_DISABLED');
  });

  it('rejects unknown and missing login fields, naming them', async () => {
    const extra = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'admin', password: 'x', remember: true });
    expectError(extra, 400, 'COMMON.VALIDATION_FAILED', 'remember');
    const missing = await t.http().post('/api/v1/auth/login').send({ username: 'admin' });
    expectError(missing, 400, 'COMMON.VALIDATION_FAILED', 'password');
  });

  describe('password change', () => {
    it('refuses a wrong current password (400 WRONG_PASSWORD) and a weak one (400 WEAK_PASSWORD)', async () => {
      const { token } = await hospitalUser();
      const wrong = await t
        .http()
        .post('/api/v1/auth/password')
        .set(bearer(token))
        .send({ currentPassword: 'Not-the-password-1', newPassword: 'Brand-new-pass-42' });
      expectError(wrong, 400, 'IDENTITY.WRONG_PASSWORD', 'currentPassword');
      const weak = await t
        .http()
        .post('/api/v1/auth/password')
        .set(bearer(token))
        .send({ currentPassword: TEST_PASSWORD, newPassword: 'short' });
      expectError(weak, 400, 'IDENTITY.WEAK_PASSWORD', 'newPassword', '10 characters', 'digit');
      // Nothing changed: the token and the old password still work.
      await t.http().get('/api/v1/auth/me').set(bearer(token)).expect(200);
    });

    it('changes the password: old token 401, old password refused, new login works, audited', async () => {
      const { user, token } = await hospitalUser();
      await t
        .http()
        .post('/api/v1/auth/password')
        .set(bearer(token))
        .send({ currentPassword: TEST_PASSWORD, newPassword: 'Brand-new-pass-42' })
        .expect(204);
      expectError(
        await t.http().get('/api/v1/auth/me').set(bearer(token)),
        401,
        'COMMON.UNAUTHENTICATED',
      );
      expectError(await login(user.username, TEST_PASSWORD), 401, 'IDENTITY.INVALID_CREDENTIALS');
      const fresh = await login(user.username, 'Brand-new-pass-42').expect(200);
      await t.http().get('/api/v1/auth/me').set(bearer(fresh.body.accessToken)).expect(200);
      const events = await auditEvents(t, 'user', user.id);
      expect(events.map((e) => e.action)).toContain('user.password_changed');
      expect(JSON.stringify(events)).not.toContain('Brand-new-pass-42');
    });
  });

  describe('login rate limit', () => {
    let limited: TestApp;
    beforeAll(async () => {
      limited = await startApp({ LOGIN_RATE_LIMIT: '3' });
    }, BOOT_TIMEOUT);
    afterAll(() => limited.close());

    it('answers the 4th attempt in the window with 429 RATE_LIMITED, even with the right password', async () => {
      const org = await makeOrganisation(limited, 'manufacturer');
      // makeUser logs in once: attempt 1.
      const { user } = await makeUser(limited, org, ['supplier_user']);
      const attempt = (password: string) =>
        limited.http().post('/api/v1/auth/login').send({ username: user.username, password });
      expectError(await attempt('Wrong-password-2'), 401, 'IDENTITY.INVALID_CREDENTIALS');
      expectError(await attempt('Wrong-password-3'), 401, 'IDENTITY.INVALID_CREDENTIALS');
      const fourth = await attempt(TEST_PASSWORD);
      expectError(fourth, 429, 'COMMON.RATE_LIMITED');
      expect(fourth.body.details.retryAfterSeconds).toBeGreaterThan(0);
      // The limit is per username: another account from the same address still logs in.
      const other = await makeUser(limited, org, ['supplier_user']);
      expect(other.token).toBeTruthy();
    });
  });
});
