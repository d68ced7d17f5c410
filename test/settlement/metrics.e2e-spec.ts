import { Clock } from '../../src/common/clock';
import { Product } from '../../src/modules/catalog/products/product.entity';
import { OverdueCheckJob } from '../../src/modules/settlement/metrics/jobs/overdue-check.job';
import { makeConsumable, makeListingPrice } from '../factories/catalog';
import { deliveryLine, ordersApi, placedOrder } from '../factories/execution';
import {
  acceptedDelivery,
  AcceptedLineRow,
  approveStatement,
  makeSettlementCast,
  payStatement,
  SettlementCast,
  statementsApi,
} from '../factories/statements';
import { bearer, startApp, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

interface DeadlineBody {
  deliveryLineId: string;
  amount: string;
  dueDate: string;
  state: string;
  daysLeft: number | null;
  daysOverdue: number;
  statementId: string | null;
  disputed: boolean;
}

interface AlertBody {
  id: string;
  deliveryLineId: string;
  amount: string;
  dueDate: string;
  status: string;
}

/**
 * §S4 over HTTP. All lines of June are accepted on 10 June 2027 (China time), so due by
 * 10 July: drug lines 318.50 + 95.55 (supplier A) and 637.00 (supplier B), a consumable line of
 * 2 × 100.00 = 200.00 (supplier B). The hospital disputes the 95.55 line; statement A (318.50)
 * is paid with a bank reference on 5 July (25 days), statement B is left unpaid. A drug line of
 * 31.85 is accepted on 5 July (due 4 August). On 11 July the B lines and the disputed line are
 * one day overdue.
 */
describe('settlement deadlines and metrics (§S4)', () => {
  let t: TestApp;
  let clock: TestClock;
  let cast: SettlementCast;
  let other: SettlementCast;
  let consumable: Product;
  let a: AcceptedLineRow[];
  let b: AcceptedLineRow[];
  let c: AcceptedLineRow[];
  let july: AcceptedLineRow[];

  const api = statementsApi;
  const get = (token: string, path: string, expected = 200) =>
    t.http().get(api(path)).set(bearer(token)).expect(expected);
  const post = (token: string, path: string, body: object = {}, expected = 200) =>
    t.http().post(api(path)).set(bearer(token)).send(body).expect(expected);
  const officer = () => cast.officers[0].token;
  const deadlines = async (token: string, query: string) =>
    (await get(token, `/deadlines?pageSize=200&${query}`)).body as {
      items: DeadlineBody[];
      total: number;
    };
  const ours = (items: DeadlineBody[]) =>
    items.map((i) => [i.amount, i.state, i.daysLeft, i.daysOverdue, i.disputed]);

  async function acceptedProduct(product: Product, quantity: string) {
    const supplier = cast.suppliers[1];
    const order = await placedOrder(t, cast.hospital.token, supplier.org, [
      { productId: product.id, quantity },
    ]);
    const delivery = await t
      .http()
      .post(ordersApi(`/${order.id}/deliveries`))
      .set(bearer(supplier.token))
      .send({ lines: order.lines.map((l) => deliveryLine(l.id, l.quantity)) })
      .expect(201);
    const lines = delivery.body.lines as AcceptedLineRow[];
    await t
      .http()
      .post(`/api/v1/execution/deliveries/${delivery.body.id}/acceptance`)
      .set(bearer(cast.hospital.token))
      .send({ lines: lines.map((l) => ({ deliveryLineId: l.id, decision: 'accepted' })) })
      .expect(200);
    return lines.map((l) => ({ id: l.id, amount: l.amount }));
  }

  beforeAll(async () => {
    clock = new TestClock();
    t = await startApp(
      { RECONCILIATION_CHECK_SECONDS: '86400', OVERDUE_CHECK_SECONDS: '86400' },
      { providers: [{ provide: Clock, useValue: clock }] },
    );
    clock.passes('2027-06-10T10:00:00+08:00');
    cast = await makeSettlementCast(t);
    other = await makeSettlementCast(t);
    consumable = await makeConsumable(t);
    await makeListingPrice(t, consumable, cast.regions.province.code, {
      packPrice: '100',
      validFrom: '2020-01-01',
    });
    a = await acceptedDelivery(t, cast, cast.suppliers[0], ['10', '3']);
    b = await acceptedDelivery(t, cast, cast.suppliers[1], ['20']);
    c = await acceptedProduct(consumable, '2');
    expect([...a, ...b, ...c].map((l) => l.amount)).toEqual([
      '318.50',
      '95.55',
      '637.00',
      '200.00',
    ]);

    clock.passes('2027-07-01T09:00:00+08:00');
    await post(officer(), '/statements/generate', { period: '2027-06' });
    const list = await get(
      officer(),
      `/statements?period=2027-06&hospitalId=${cast.hospital.org.id}`,
    );
    const statements = list.body.items as Array<{ id: string; supplierId: string }>;
    const statementA = statements.find((s) => s.supplierId === cast.suppliers[0].org.id)!.id;
    const detail = await get(officer(), `/statements/${statementA}`);
    const disputedLine = (detail.body.lines as Array<{ id: string; deliveryLineId: string }>).find(
      (l) => l.deliveryLineId === a[1].id,
    )!;
    await post(
      cast.hospital.token,
      `/statements/${statementA}/lines/${disputedLine.id}/dispute`,
      { reason: '数量与验收单不符' },
      201,
    );
    await approveStatement(t, cast, statementA, cast.suppliers[0]);

    clock.passes('2027-07-05T10:00:00+08:00');
    await payStatement(t, officer(), statementA, `metrics-${statementA}`, {
      bankReference: 'CBC-20270705-1',
    });
    july = await acceptedDelivery(t, cast, cast.suppliers[0], ['1']);
  });
  afterAll(() => t.close());

  it('lists unpaid lines by state on 5 July: due soon within 5 days, pending after', async () => {
    const hid = `hospitalId=${cast.hospital.org.id}`;
    const dueSoon = await deadlines(officer(), `state=due_soon&${hid}`);
    expect(dueSoon.total).toBe(3);
    // Due 10 July: 5 days left. The disputed line is still owed, flagged.
    expect(ours(dueSoon.items)).toEqual([
      ['95.55', 'due_soon', 5, 0, true],
      ['637.00', 'due_soon', 5, 0, false],
      ['200.00', 'due_soon', 5, 0, false],
    ]);
    expect(dueSoon.items.every((i) => i.dueDate === '2027-07-10')).toBe(true);
    const pending = await deadlines(officer(), `state=pending&${hid}`);
    expect(pending.items).toEqual([
      expect.objectContaining({
        deliveryLineId: july[0].id,
        amount: '31.85',
        dueDate: '2027-08-04',
        daysLeft: 30,
        statementId: null,
      }),
    ]);
    expect((await deadlines(officer(), `state=overdue&${hid}`)).total).toBe(0);
    // The paid line (318.50) is in no list.
    const all = await deadlines(officer(), hid);
    expect(all.total).toBe(4);
    expect(all.items.map((i) => i.deliveryLineId)).not.toContain(a[0].id);
  });

  it('scopes deadlines: a supplier sees its own lines, another region none', async () => {
    const supplierB = await deadlines(cast.suppliers[1].token, '');
    expect(supplierB.items.map((i) => i.deliveryLineId).sort()).toEqual([b[0].id, c[0].id].sort());
    const hospital = await deadlines(cast.hospital.token, `supplierId=${cast.suppliers[0].org.id}`);
    expect(hospital.items.map((i) => i.amount)).toEqual(['95.55', '31.85']);
    const foreign = await deadlines(other.officers[0].token, `hospitalId=${cast.hospital.org.id}`);
    expect(foreign.total).toBe(0);
    const bad = await get(officer(), '/deadlines?state=late', 400);
    expect(bad.body.code).toBe('COMMON.VALIDATION_FAILED');
  });

  it('raises one overdue alert per line once the due date has passed, however often it runs', async () => {
    const job = t.app.get(OverdueCheckJob);
    await job.handle();
    expect(
      (await get(officer(), `/overdue-alerts?hospitalId=${cast.hospital.org.id}`)).body.total,
    ).toBe(0);

    clock.passes('2027-07-11T10:00:00+08:00');
    const overdue = await deadlines(officer(), `state=overdue&hospitalId=${cast.hospital.org.id}`);
    expect(ours(overdue.items)).toEqual([
      ['95.55', 'overdue', null, 1, true],
      ['637.00', 'overdue', null, 1, false],
      ['200.00', 'overdue', null, 1, false],
    ]);
    await job.handle();
    await job.handle();
    const alerts = (await get(officer(), `/overdue-alerts?hospitalId=${cast.hospital.org.id}`))
      .body as { items: AlertBody[]; total: number };
    expect(alerts.total).toBe(3);
    expect(alerts.items.map((x) => [x.deliveryLineId, x.amount, x.dueDate, x.status])).toEqual([
      [a[1].id, '95.55', '2027-07-10', 'open'],
      [b[0].id, '637.00', '2027-07-10', 'open'],
      [c[0].id, '200.00', '2027-07-10', 'open'],
    ]);
    const mine = (await get(cast.suppliers[0].token, '/overdue-alerts')).body as {
      items: AlertBody[];
    };
    expect(mine.items.map((x) => x.deliveryLineId)).toEqual([a[1].id]);
    expect((await get(other.officers[0].token, '/overdue-alerts')).body.items).toEqual(
      expect.not.arrayContaining([expect.objectContaining({ deliveryLineId: a[1].id })]),
    );
  });

  it('lets a fund officer acknowledge an alert once', async () => {
    const alerts = (await get(officer(), `/overdue-alerts?hospitalId=${cast.hospital.org.id}`))
      .body as { items: AlertBody[] };
    const id = alerts.items[0].id;
    const forbidden = await post(cast.hospital.token, `/overdue-alerts/${id}/acknowledge`, {}, 403);
    expect(forbidden.body.code).toBe('COMMON.FORBIDDEN');
    const foreign = await post(
      other.officers[0].token,
      `/overdue-alerts/${id}/acknowledge`,
      {},
      404,
    );
    expect(foreign.body.code).toBe('SETTLEMENT.OVERDUE_ALERT_NOT_FOUND');
    const done = await post(officer(), `/overdue-alerts/${id}/acknowledge`);
    expect(done.body).toMatchObject({
      id,
      status: 'acknowledged',
      acknowledgedBy: cast.officers[0].userId,
    });
    const again = await post(officer(), `/overdue-alerts/${id}/acknowledge`, {}, 409);
    expect(again.body.code).toBe('SETTLEMENT.OVERDUE_ALERT_ALREADY_ACKNOWLEDGED');
    expect(
      (await post(officer(), '/overdue-alerts/999999999/acknowledge', {}, 404)).body.code,
    ).toBe('SETTLEMENT.OVERDUE_ALERT_NOT_FOUND');
    const open = (
      await get(officer(), `/overdue-alerts?status=open&hospitalId=${cast.hospital.org.id}`)
    ).body as { total: number };
    expect(open.total).toBe(2);
  });

  it('reports the metrics per month, drugs and consumables apart, hand-computed', async () => {
    const res = await get(
      officer(),
      `/metrics?from=2027-06&to=2027-07&regionCode=${cast.regions.city.code}`,
    );
    expect(res.body).toMatchObject({
      from: '2027-06',
      to: '2027-07',
      regionCode: cast.regions.city.code,
    });
    const none = {
      lines: 0,
      acceptedAmount: '0.00',
      settlementRate: null,
      onTimeRate: null,
      averageDaysToPayment: null,
    };
    expect(res.body.periods).toEqual([
      {
        period: '2027-06',
        groups: [
          {
            group: 'drug',
            lines: 3,
            // 318.50 + 95.55 + 637.00
            acceptedAmount: '1051.05',
            settledAmount: '318.50',
            // 318.50 ÷ 1051.05 = 0.30303…
            settlementRate: '0.3030',
            // Paid 318.50 + overdue 95.55 + 637.00: every June line is judged by 11 July.
            dueAmount: '1051.05',
            onTimeAmount: '318.50',
            onTimeRate: '0.3030',
            paidLines: 1,
            // 10 June → 5 July.
            averageDaysToPayment: '25.00',
            overdueLines: 2,
            overdueAmount: '732.55',
            disputedAmount: '95.55',
          },
          {
            group: 'consumable',
            lines: 1,
            acceptedAmount: '200.00',
            settledAmount: '0.00',
            settlementRate: '0.0000',
            dueAmount: '200.00',
            onTimeAmount: '0.00',
            onTimeRate: '0.0000',
            paidLines: 0,
            averageDaysToPayment: null,
            overdueLines: 1,
            overdueAmount: '200.00',
            disputedAmount: '0.00',
          },
        ],
      },
      {
        period: '2027-07',
        groups: [
          expect.objectContaining({
            group: 'drug',
            lines: 1,
            acceptedAmount: '31.85',
            settlementRate: '0.0000',
            dueAmount: '0.00',
            onTimeRate: null,
          }),
          expect.objectContaining({ group: 'consumable', ...none }),
        ],
      },
    ]);
    // The hospital sees the same figures for its own lines; another region's officer none.
    const hospital = await get(cast.hospital.token, '/metrics?from=2027-06&to=2027-06');
    expect(hospital.body.periods[0].groups[0]).toMatchObject({
      acceptedAmount: '1051.05',
      settlementRate: '0.3030',
    });
    const foreign = await get(other.officers[0].token, '/metrics?from=2027-06&to=2027-06');
    expect(foreign.body.periods[0].groups[0]).toMatchObject({ acceptedAmount: '0.00' });
  });

  it.each<[string, number, string, string]>([
    ['from=2027-13&to=2027-07', 400, 'COMMON.VALIDATION_FAILED', 'from'],
    ['from=2027-06', 400, 'COMMON.VALIDATION_FAILED', 'to'],
    ['from=2027-07&to=2027-06', 400, 'SETTLEMENT.METRICS_PERIOD_INVALID', 'to'],
    ['from=2020-01&to=2027-06', 400, 'SETTLEMENT.METRICS_PERIOD_INVALID', 'to'],
    ['from=2027-06&to=2027-06&regionCode=12', 400, 'COMMON.VALIDATION_FAILED', 'regionCode'],
  ])('answers %s with %i %s naming %s', async (query, status, code, field) => {
    const res = await get(officer(), `/metrics?${query}`, status);
    expect(res.body.code).toBe(code);
    expect(JSON.stringify(res.body)).toContain(field);
  });

  it('answers 404 for a region outside the caller’s scope', async () => {
    const res = await get(
      officer(),
      `/metrics?from=2027-06&to=2027-06&regionCode=${other.regions.city.code}`,
      404,
    );
    expect(res.body).toMatchObject({
      code: 'SETTLEMENT.METRICS_REGION_NOT_FOUND',
      details: { field: 'regionCode' },
    });
  });
});
