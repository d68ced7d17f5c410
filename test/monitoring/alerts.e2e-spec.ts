import { Clock } from '../../src/common/clock';
import { makeDrug } from '../factories/catalog';
import { makeCast, makeOrganisation, makeUser } from '../factories/identity';
import { insertAlert } from '../factories/monitoring';
import { bearer, startApp, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

type Json = Record<string, unknown>;
const api = (path = '') => `/api/v1/monitoring/alerts${path}`;

describe('monitoring alert workflow (§M4)', () => {
  let t: TestApp;
  let cast: Awaited<ReturnType<typeof makeCast>>;
  let analyst: string;
  let secondAnalyst: { id: string; token: string };
  const clock = new TestClock();

  beforeAll(async () => {
    t = await startApp({}, { providers: [{ provide: Clock, useValue: clock }] });
    cast = await makeCast(t);
    analyst = cast.users.pricing_analyst.token;
    const second = await makeUser(t, cast.authority, ['pricing_analyst']);
    secondAnalyst = { id: second.user.id, token: second.token };
  });
  afterAll(() => t.close());

  const post = (token: string, path: string, body: object = {}) =>
    t.http().post(api(path)).set(bearer(token)).send(body);
  const get = (token: string, path: string) => t.http().get(api(path)).set(bearer(token));

  it('lists with filters and summary counts, scoped to the authority’s region', async () => {
    const product = await makeDrug(t);
    const a = await insertAlert(t, {
      regionCode: cast.regions.county.code,
      productId: product.id,
      severity: 'red_2',
    });
    const b = await insertAlert(t, {
      regionCode: cast.regions.otherCounty.code,
      ruleCode: 'peer_outlier',
      severity: 'yellow',
    });
    const outside = await insertAlert(t, { regionCode: cast.regions.province.code });

    const all = await get(
      analyst,
      `?regionCode=${cast.regions.city.code}&sort=severity&order=desc`,
    );
    expect(all.status).toBe(200);
    const ids = (all.body as { items: Json[] }).items.map((i) => i.id);
    expect(ids).toEqual([a.id, b.id]);
    expect(ids).not.toContain(outside.id);

    const byProduct = await get(analyst, `?productId=${product.id}`);
    expect((byProduct.body as { items: Json[] }).items.map((i) => i.id)).toEqual([a.id]);
    const byRule = await get(analyst, `?rule=peer_outlier&regionCode=${cast.regions.city.code}`);
    expect((byRule.body as { total: number }).total).toBe(1);

    // The province-level alert lies above the city authority: out of scope.
    expect((await get(analyst, `/${outside.id}`)).status).toBe(404);

    const summary = await get(analyst, `/summary?regionCode=${cast.regions.city.code}`);
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({
      total: 2,
      byStatus: [{ key: 'open', count: 2 }],
    });
    expect((summary.body as { byRegion: Json[] }).byRegion).toEqual(
      expect.arrayContaining([
        { key: cast.regions.county.code, count: 1 },
        { key: cast.regions.otherCounty.code, count: 1 },
      ]),
    );
    expect((summary.body as { byRule: Json[] }).byRule).toEqual(
      expect.arrayContaining([
        { key: 'above_contract', count: 1 },
        { key: 'peer_outlier', count: 1 },
      ]),
    );
  });

  it('detail with evidence; assign, acknowledge, resolve with history and versions', async () => {
    const alert = await insertAlert(t, { regionCode: cast.regions.county.code });
    const detail = await get(analyst, `/${alert.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      id: alert.id,
      status: 'open',
      version: 1,
      evidence: { reference: '28.500000', unitPrice: '31.000000' },
      events: [],
      caseCode: null,
      allowedActions: ['assign', 'acknowledge', 'dismiss', 'open_case'],
    });

    const assigned = await post(analyst, `/${alert.id}/assign`, {
      assigneeId: secondAnalyst.id,
      expectedVersion: 1,
    });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({
      assigneeId: secondAnalyst.id,
      status: 'open',
      version: 2,
    });

    // A stale version is refused: someone changed the alert meanwhile.
    const stale = await post(secondAnalyst.token, `/${alert.id}/acknowledge`, {
      expectedVersion: 1,
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'MONITORING.ALERT_VERSION_CONFLICT' });

    const ack = await post(secondAnalyst.token, `/${alert.id}/acknowledge`, { expectedVersion: 2 });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ status: 'acknowledged', version: 3 });

    const resolved = await post(secondAnalyst.token, `/${alert.id}/resolve`, {
      reason: 'listing price corrected by the supplier',
    });
    expect(resolved.status).toBe(200);
    const body = resolved.body as { status: string; events: Json[]; statusReason: string };
    expect(body.status).toBe('resolved');
    expect(body.statusReason).toBe('listing price corrected by the supplier');
    expect(body.events.map((e) => [e.action, e.fromStatus, e.toStatus, e.actorId])).toEqual([
      ['assign', 'open', 'open', cast.users.pricing_analyst.user.id],
      ['acknowledge', 'open', 'acknowledged', secondAnalyst.id],
      ['resolve', 'acknowledged', 'resolved', secondAnalyst.id],
    ]);

    // Resolved is final.
    const again = await post(analyst, `/${alert.id}/dismiss`, { reason: 'x' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'MONITORING.ALERT_STATE_CONFLICT' });
  });

  it('dismissal needs a reason; an open alert cannot be resolved by hand', async () => {
    const alert = await insertAlert(t, { regionCode: cast.regions.county.code });
    const noReason = await post(analyst, `/${alert.id}/dismiss`, {});
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body)).toContain('reason');
    const blank = await post(analyst, `/${alert.id}/dismiss`, { reason: '   ' });
    expect(blank.status).toBe(400);
    expect(blank.body).toMatchObject({ code: 'MONITORING.ALERT_REASON_REQUIRED' });

    const resolve = await post(analyst, `/${alert.id}/resolve`, {});
    expect(resolve.status).toBe(409);

    const dismissed = await post(analyst, `/${alert.id}/dismiss`, { reason: 'duplicate feed row' });
    expect(dismissed.status).toBe(200);
    expect(dismissed.body).toMatchObject({
      status: 'dismissed',
      statusReason: 'duplicate feed row',
    });
    const listed = await get(analyst, `?status=dismissed&regionCode=${cast.regions.county.code}`);
    expect((listed.body as { items: Json[] }).items.map((i) => i.id)).toContain(alert.id);
  });

  it('assignees must be active pricing analysts of the same authority', async () => {
    const alert = await insertAlert(t, { regionCode: cast.regions.county.code });
    const other = await makeOrganisation(t, 'authority', { regionCode: cast.regions.city.code });
    const foreign = await makeUser(t, other, ['pricing_analyst']);
    for (const assigneeId of [foreign.user.id, cast.users.fund_officer.user.id, '999999999']) {
      const res = await post(analyst, `/${alert.id}/assign`, { assigneeId });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'MONITORING.ALERT_ASSIGNEE_INVALID' });
    }
    const bad = await post(analyst, `/${alert.id}/assign`, { assigneeId: 'abc' });
    expect(bad.status).toBe(400);
  });

  it('bad filters are 400 naming the field', async () => {
    for (const [query, field] of [
      ['?severity=purple', 'severity'],
      ['?periodFrom=2026-13', 'periodFrom'],
      ['?periodFrom=2026-03&periodTo=2026-01', 'periodTo'],
      ['?sort=name', 'sort'],
      ['?unknown=1', 'unknown'],
    ]) {
      const res = await get(analyst, query);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain(field);
    }
  });

  it.each([
    ['hospital_user', 403],
    ['supplier_user', 403],
    ['fund_officer', 403],
    ['procurement_officer', 403],
    ['auditor', 200],
    ['supervisor', 200],
    ['admin', 200],
  ] as const)('%s reading alerts: %d; only analysts change them', async (role, status) => {
    const alert = await insertAlert(t, { regionCode: cast.regions.county.code });
    const token = cast.users[role].token;
    expect((await get(token, '')).status).toBe(status);
    expect((await get(token, `/${alert.id}`)).status).toBe(status);
    expect((await get(token, '/summary')).status).toBe(status);
    expect((await post(token, `/${alert.id}/acknowledge`)).status).toBe(403);
  });

  it('another region’s authority sees none of these alerts', async () => {
    const alert = await insertAlert(t, { regionCode: cast.regions.county.code });
    const elsewhere = await makeCast(t);
    const token = elsewhere.users.pricing_analyst.token;
    expect((await get(token, `/${alert.id}`)).status).toBe(404);
    expect((await post(token, `/${alert.id}/acknowledge`)).status).toBe(404);
    const list = await get(token, `?regionCode=${cast.regions.county.code}`);
    expect((list.body as { total: number }).total).toBe(0);
  });
});
