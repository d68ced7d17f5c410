import { AuditEvent } from '../../src/modules/audit/audit-event.entity';
import { makeCast, makeUser, TEST_PASSWORD } from '../factories/identity';
import { bearer, startApp, TestApp } from '../setup/test-app';

describe('audit log', () => {
  let t: TestApp;
  let cast: Awaited<ReturnType<typeof makeCast>>;

  beforeAll(async () => {
    t = await startApp();
    cast = await makeCast(t);
  });
  afterAll(() => t.close());

  /** Produces an audited action of our own: a password change by a fresh user. */
  async function auditedAction(): Promise<AuditEvent> {
    const { user, token } = await makeUser(t, cast.hospital, ['hospital_user']);
    await t
      .http()
      .post('/api/v1/auth/password')
      .set(bearer(token))
      .send({ currentPassword: TEST_PASSWORD, newPassword: 'Another-pass-2027' })
      .expect(204);
    return t.dataSource
      .getRepository(AuditEvent)
      .findOneByOrFail({ action: 'user.password_changed', entityId: user.id });
  }

  it('records state changes with actor, organisation and request id, queryable by auditors', async () => {
    const event = await auditedAction();
    const res = await t
      .http()
      .get('/api/v1/audit/events')
      .query({ entityType: 'user', entityId: event.entityId })
      .set(bearer(cast.users.auditor.token))
      .expect(200);
    expect(res.body.total).toBe(1);
    expect(res.body.items[0]).toMatchObject({
      id: event.id,
      action: 'user.password_changed',
      actorKind: 'user',
      actorId: event.entityId,
      orgId: cast.hospital.id,
      entityType: 'user',
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      prevHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(res.body.items[0].requestId).toBeTruthy();
    // Audit rows never carry secrets.
    expect(JSON.stringify(res.body.items[0])).not.toMatch(/Another-pass|scrypt/);
  });

  it('filters by action prefix, organisation and time window, and pages', async () => {
    await auditedAction();
    await auditedAction();
    const from = new Date(Date.now() - 60_000).toISOString();
    const res = await t
      .http()
      .get('/api/v1/audit/events')
      .query({
        actionPrefix: 'user.password',
        orgId: cast.hospital.id,
        from,
        pageSize: 1,
        order: 'desc',
      })
      .set(bearer(cast.users.admin.token))
      .expect(200);
    expect(res.body.pageSize).toBe(1);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.total).toBeGreaterThanOrEqual(2);
    expect(res.body.items[0].orgId).toBe(cast.hospital.id);
  });

  it('shows a regional auditor only what organisations in its region did', async () => {
    const inScope = await auditedAction();
    const elsewhere = await makeCast(t);
    const { user, token } = await makeUser(t, elsewhere.hospital, ['hospital_user']);
    await t
      .http()
      .post('/api/v1/auth/password')
      .set(bearer(token))
      .send({ currentPassword: TEST_PASSWORD, newPassword: 'Another-pass-2027' })
      .expect(204);
    const read = (token: string, entityId: string) =>
      t
        .http()
        .get('/api/v1/audit/events')
        .query({ entityType: 'user', entityId })
        .set(bearer(token))
        .expect(200);

    expect((await read(cast.users.auditor.token, inScope.entityId)).body.total).toBe(1);
    expect((await read(cast.users.auditor.token, user.id)).body.total).toBe(0);
    expect((await read(elsewhere.users.auditor.token, user.id)).body.total).toBe(1);
    // The platform administrator's scope is the whole platform.
    expect((await read(t.adminToken, user.id)).body.total).toBe(1);
  });

  it.each([
    ['procurement_officer'],
    ['pricing_analyst'],
    ['fund_officer'],
    ['supervisor'],
    ['hospital_user'],
    ['supplier_user'],
  ] as const)('refuses %s (403)', async (role) => {
    const res = await t
      .http()
      .get('/api/v1/audit/events')
      .set(bearer(cast.users[role].token))
      .expect(403);
    expect(res.body.code).toBe('COMMON.FORBIDDEN');
    await t.http().get('/api/v1/audit/verify').set(bearer(cast.users[role].token)).expect(403);
  });

  it('rejects bad filters with a message naming the field', async () => {
    const res = await t
      .http()
      .get('/api/v1/audit/events')
      .query({ from: 'yesterday', pageSize: 500 })
      .set(bearer(cast.users.auditor.token))
      .expect(400);
    expect(res.body.code).toBe('COMMON.VALIDATION_FAILED');
    expect(res.body.message).toMatch(/from/);
    expect(res.body.message).toMatch(/pageSize/);
  });

  it('verifies the chain, names the first tampered row, and recovers when it is restored', async () => {
    const ok = await t
      .http()
      .get('/api/v1/audit/verify')
      .set(bearer(cast.users.auditor.token))
      .expect(200);
    expect(ok.body).toMatchObject({ ok: true, firstBroken: null });
    expect(ok.body.checked).toBeGreaterThan(0);

    const event = await auditedAction();
    const repo = t.dataSource.getRepository(AuditEvent);
    const original = event.afterJson;
    await repo.update({ id: event.id }, { afterJson: '{"forged":true}' });
    try {
      const broken = await t
        .http()
        .get('/api/v1/audit/verify')
        .set(bearer(cast.users.auditor.token))
        .expect(200);
      expect(broken.body.ok).toBe(false);
      expect(broken.body.firstBroken).toMatchObject({ id: event.id, reason: 'hash_mismatch' });
    } finally {
      await repo.update({ id: event.id }, { afterJson: original });
    }

    const deleted = await auditedAction();
    const row = await repo.findOneByOrFail({ id: deleted.id });
    await repo.delete({ id: deleted.id });
    try {
      const gap = await t
        .http()
        .get('/api/v1/audit/verify')
        .set(bearer(cast.users.admin.token))
        .expect(200);
      expect(gap.body.ok).toBe(false);
      expect(['sequence_gap', 'head_mismatch']).toContain(gap.body.firstBroken.reason);
    } finally {
      await repo.insert(row);
    }
    const again = await t
      .http()
      .get('/api/v1/audit/verify')
      .set(bearer(cast.users.auditor.token))
      .expect(200);
    expect(again.body).toMatchObject({ ok: true, firstBroken: null });
  });
});
