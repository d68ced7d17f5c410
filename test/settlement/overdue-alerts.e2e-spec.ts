import { Clock } from '../../src/common/clock';
import { OverdueCheckJob } from '../../src/modules/settlement/metrics/jobs/overdue-check.job';
import { OverdueAlerts } from '../../src/modules/settlement/metrics/overdue-alerts.service';
import {
  AcceptedLineRow,
  acceptedDelivery,
  makeSettlementCast,
  SettlementCast,
  statementsApi,
} from '../factories/statements';
import { bearer, startApp, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

type Json = Record<string, unknown>;

interface AlertBody {
  id: string;
  deliveryLineId: string;
  amount: string;
  status: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  resolution: string | null;
}

/**
 * §S4 overdue alerts resolve themselves. Two lines are accepted on 10 June 2027 (due 10 July):
 * 318.50 (supplier A) and 637.00 (supplier B), each on its own statement. On 11 July both are
 * overdue and alerted; an officer acknowledges B's. A's statement is paid with a bank reference on
 * 12 July, B's on 13 July: each next check resolves the alert (acknowledged or not), and the open
 * lists and counts leave it out.
 */
describe('settlement overdue alerts: resolved when paid (§S4)', () => {
  let t: TestApp;
  let clock: TestClock;
  let cast: SettlementCast;
  let other: SettlementCast;
  let a: AcceptedLineRow[];
  let b: AcceptedLineRow[];
  const statementOf = new Map<string, string>();

  const api = statementsApi;
  const officer = () => cast.officers[0].token;
  const get = (token: string, path: string, expected = 200) =>
    t.http().get(api(path)).set(bearer(token)).expect(expected);
  const post = (token: string, path: string, body: object = {}, expected = 200) =>
    t.http().post(api(path)).set(bearer(token)).send(body).expect(expected);
  const hid = () => `hospitalId=${cast.hospital.org.id}`;
  const alerts = async (query: string, token = officer()) =>
    (await get(token, `/overdue-alerts?${query}`)).body.items as AlertBody[];
  const alertOf = async (line: AcceptedLineRow, query = '') =>
    (await alerts(`${hid()}${query}`)).find((x) => x.deliveryLineId === line.id);
  const summary = async (query = hid(), token = officer()) =>
    (await get(token, `/overdue-alerts/summary?${query}`)).body as Json;
  const pay = async (supplier: 0 | 1, reference: string) =>
    t
      .http()
      .post(api(`/statements/${statementOf.get(cast.suppliers[supplier].org.id)!}/pay`))
      .set(bearer(officer()))
      .set('Idempotency-Key', `overdue-${reference}`)
      .send({ bankReference: reference })
      .expect(201);
  const check = () => t.app.get(OverdueCheckJob).handle();

  beforeAll(async () => {
    clock = new TestClock();
    t = await startApp(
      { RECONCILIATION_CHECK_SECONDS: '86400', OVERDUE_CHECK_SECONDS: '86400' },
      { providers: [{ provide: Clock, useValue: clock }] },
    );
    clock.passes('2027-06-10T10:00:00+08:00');
    cast = await makeSettlementCast(t);
    other = await makeSettlementCast(t);
    a = await acceptedDelivery(t, cast, cast.suppliers[0], ['10']);
    b = await acceptedDelivery(t, cast, cast.suppliers[1], ['20']);
    expect([...a, ...b].map((l) => l.amount)).toEqual(['318.50', '637.00']);
    clock.passes('2027-07-01T09:00:00+08:00');
    await post(officer(), '/statements/generate', { period: '2027-06' });
    const list = await get(officer(), `/statements?period=2027-06&${hid()}`);
    for (const s of list.body.items as Array<{ id: string; supplierId: string }>) {
      statementOf.set(s.supplierId, s.id);
      const supplier = cast.suppliers.find((p) => p.org.id === s.supplierId)!;
      await post(cast.hospital.token, `/statements/${s.id}/confirm`);
      await post(supplier.token, `/statements/${s.id}/confirm`);
      for (const o of cast.officers) await post(o.token, `/statements/${s.id}/approve`);
    }
    clock.passes('2027-07-11T09:00:00+08:00');
    await check();
  });
  afterAll(() => t.close());

  it('raises both alerts; an officer acknowledges B’s', async () => {
    expect(await alertOf(a[0])).toMatchObject({
      status: 'open',
      resolvedAt: null,
      resolution: null,
    });
    const alertB = (await alertOf(b[0]))!;
    await post(officer(), `/overdue-alerts/${alertB.id}/acknowledge`);
    expect(await summary()).toEqual({
      open: 1,
      acknowledged: 1,
      unresolved: 2,
      resolved: 0,
      unresolvedAmount: '955.50',
    });
  });

  it('resolves an open alert once its line is paid, at the next check', async () => {
    clock.passes('2027-07-12T10:00:00+08:00');
    await pay(0, 'BOC-0712-1');
    // Paid, but the check has not run: still open.
    expect(await alertOf(a[0])).toMatchObject({ status: 'open' });
    expect(await t.app.get(OverdueAlerts).checkAll()).toMatchObject({ raised: 0 });
    const resolved = (await alertOf(a[0], '&status=resolved'))!;
    expect(resolved).toMatchObject({
      status: 'resolved',
      resolution: 'paid',
      acknowledgedAt: null,
    });
    expect(Date.parse(resolved.resolvedAt!)).toBeGreaterThanOrEqual(
      Date.parse('2027-07-12T10:00:00+08:00'),
    );
    // The default (open) list and the counts leave it out.
    expect((await alerts(hid())).map((x) => x.deliveryLineId)).toEqual([b[0].id]);
    expect((await alerts(`${hid()}&status=open`)).map((x) => x.deliveryLineId)).toEqual([]);
    expect(await summary()).toEqual({
      open: 0,
      acknowledged: 1,
      unresolved: 1,
      resolved: 1,
      unresolvedAmount: '637.00',
    });
    const refused = await post(officer(), `/overdue-alerts/${resolved.id}/acknowledge`, {}, 409);
    expect(refused.body.code).toBe('SETTLEMENT.OVERDUE_ALERT_RESOLVED');
    // Another check changes nothing.
    await check();
    expect((await alertOf(a[0], '&status=resolved'))!.resolvedAt).toBe(resolved.resolvedAt);
  });

  it('resolves an acknowledged alert too, and refuses to acknowledge it again', async () => {
    clock.passes('2027-07-13T10:00:00+08:00');
    await pay(1, 'BOC-0713-1');
    await check();
    const resolved = (await alertOf(b[0], '&status=resolved'))!;
    expect(resolved).toMatchObject({
      status: 'resolved',
      resolution: 'paid',
      acknowledgedAt: expect.any(String),
      resolvedAt: expect.any(String),
    });
    expect(await alerts(hid())).toEqual([]);
    expect(await summary()).toEqual({
      open: 0,
      acknowledged: 0,
      unresolved: 0,
      resolved: 2,
      unresolvedAmount: '0.00',
    });
    const refused = await post(officer(), `/overdue-alerts/${resolved.id}/acknowledge`, {}, 409);
    expect(refused.body.code).toBe('SETTLEMENT.OVERDUE_ALERT_RESOLVED');
  });

  it('scopes the counts and checks their filters', async () => {
    // A supplier counts its own alerts; another region's officer none of these.
    expect(await summary('', cast.suppliers[0].token)).toMatchObject({
      resolved: 1,
      unresolved: 0,
    });
    expect(await summary(hid(), other.officers[0].token)).toMatchObject({
      resolved: 0,
      unresolved: 0,
      unresolvedAmount: '0.00',
    });
    expect(await summary(`supplierId=${cast.suppliers[1].org.id}`)).toMatchObject({ resolved: 1 });
    const bad = await get(officer(), '/overdue-alerts/summary?hospitalId=abc', 400);
    expect(bad.body.code).toBe('COMMON.VALIDATION_FAILED');
    await get(officer(), '/overdue-alerts?status=closed', 400);
    await get(cast.auditor.token, '/overdue-alerts/summary', 200);
  });
});
