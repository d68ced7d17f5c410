import { Clock } from '../../src/common/clock';
import { Decimal } from '../../src/database/decimal';
import { AcceptedLines } from '../../src/modules/execution/deliveries/accepted-lines.service';
import {
  deliveryLine,
  ExecutionCast,
  makeExecutionCast,
  ordersApi,
  placedOrder,
} from '../factories/execution';
import { makeOrganisation, makeRegion, makeUser } from '../factories/identity';
import { bearer, startApp, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

const HOUR = 3600 * 1000;

/**
 * Tenant isolation of §E1/§E2 as a table: every endpoint × every outsider answers 404 (or 403
 * for a role that never may), and the settlement read of accepted lines. Runs with a 24-hour
 * delivery delay to show the setting reaches the orders.
 */
describe('execution isolation', () => {
  let t: TestApp;
  let clock: TestClock;
  let cast: ExecutionCast;
  let order: Awaited<ReturnType<typeof placedOrder>>;
  let deliveryId: string;
  let deliveryLineId: string;
  let tokens: Record<string, string>;

  beforeAll(async () => {
    clock = new TestClock();
    t = await startApp(
      { DELIVERY_DELAY_HOURS: '24' },
      { providers: [{ provide: Clock, useValue: clock }] },
    );
    cast = await makeExecutionCast(t, clock);
    const hospital = cast.hospitals[0];
    const agreement = cast.agreements.find((a) => a.hospitalId === hospital.org.id)!;
    const supplier = cast.suppliers.find((s) => s.org.id === agreement.supplierId)!;
    const otherSupplier = cast.suppliers.find((s) => s.org.id !== supplier.org.id)!;
    order = await placedOrder(t, hospital.token, supplier.org, [
      { productId: agreement.productId, quantity: '12.5' },
    ]);
    const delivery = await t
      .http()
      .post(ordersApi(`/${order.id}/deliveries`))
      .set(bearer(supplier.token))
      .send({ lines: [deliveryLine(order.lines[0].id, '12.5')] })
      .expect(201);
    deliveryId = delivery.body.id;
    deliveryLineId = delivery.body.lines[0].id;
    const elsewhere = await makeRegion(t, { parent: cast.regions.city });
    const otherAuthority = await makeOrganisation(t, 'authority', {
      regionCode: elsewhere.code,
    });
    tokens = {
      hospital: hospital.token,
      supplier: supplier.token,
      officer: cast.officer.token,
      auditor: cast.auditor.token,
      otherHospital: cast.hospitals[1].token,
      otherSupplier: otherSupplier.token,
      distributor: cast.distributor.token,
      otherRegionOfficer: (await makeUser(t, otherAuthority, ['procurement_officer'])).token,
    };
  });
  afterAll(() => t.close());

  it('fixes the first delivery due time with the configured delay', async () => {
    const res = await t
      .http()
      .get(ordersApi(`/${order.id}`))
      .set(bearer(tokens.hospital))
      .expect(200);
    expect(new Date(res.body.deliveryDueAt).getTime() - new Date(res.body.placedAt).getTime()).toBe(
      24 * HOUR,
    );
  });

  const reads: Array<[string, () => string]> = [
    ['GET order', () => ordersApi(`/${order.id}`)],
    ['GET order deliveries', () => ordersApi(`/${order.id}/deliveries`)],
    ['GET delivery', () => `/api/v1/execution/deliveries/${deliveryId}`],
  ];

  it.each([
    ['hospital', 200],
    ['supplier', 200],
    ['officer', 200],
    ['auditor', 200],
    ['otherHospital', 404],
    ['otherSupplier', 404],
    ['distributor', 404],
    ['otherRegionOfficer', 404],
  ])('reads as %s → %d', async (who, status) => {
    for (const [name, path] of reads) {
      const res = await t.http().get(path()).set(bearer(tokens[who])).expect(status);
      if (status === 404)
        expect([name, res.body.code]).toEqual([name, expect.stringMatching(/NOT_FOUND$/)]);
    }
    const list = await t
      .http()
      .get(ordersApi('?pageSize=200'))
      .set(bearer(tokens[who]))
      .expect(200);
    const ids = (list.body.items as Array<{ id: string }>).map((o) => o.id);
    expect(ids.includes(order.id)).toBe(status === 200);
  });

  const writes: Array<[string, string, () => string, () => object]> = [
    ['hospital', 'place', () => ordersApi(`/${order.id}/place`), () => ({})],
    ['hospital', 'cancel', () => ordersApi(`/${order.id}/cancel`), () => ({ reason: '测试' })],
    ['hospital', 'close', () => ordersApi(`/${order.id}/close`), () => ({})],
    [
      'hospital',
      'acceptance',
      () => `/api/v1/execution/deliveries/${deliveryId}/acceptance`,
      () => ({ lines: [{ deliveryLineId, decision: 'accepted' }] }),
    ],
    [
      'supplier',
      'delivery',
      () => ordersApi(`/${order.id}/deliveries`),
      () => ({ lines: [deliveryLine(order.lines[0].id, '1')] }),
    ],
  ];

  it.each(writes)(
    '%s-only %s: the other tenant gets 404, other roles 403',
    async (owner, _n, path, body) => {
      const outsider = owner === 'hospital' ? 'otherHospital' : 'otherSupplier';
      const res = await t
        .http()
        .post(path())
        .set(bearer(tokens[outsider]))
        .send(body())
        .expect(404);
      expect(res.body.code).toMatch(/NOT_FOUND$/);
      const wrongRole = owner === 'hospital' ? ['supplier', 'officer'] : ['hospital', 'officer'];
      for (const who of wrongRole)
        await t.http().post(path()).set(bearer(tokens[who])).send(body()).expect(403);
    },
  );

  it('hands accepted lines to settlement by acceptance window, hospital and supplier', async () => {
    const before = clock.now();
    await t
      .http()
      .post(`/api/v1/execution/deliveries/${deliveryId}/acceptance`)
      .set(bearer(tokens.hospital))
      .send({ lines: [{ deliveryLineId, decision: 'accepted' }] })
      .expect(200);
    const accepted = t.app.get(AcceptedLines);
    const window = {
      from: new Date(before.getTime() - 1000),
      to: new Date(clock.now().getTime() + 1000),
    };
    const lines = await accepted.page({ ...window, hospitalId: cast.hospitals[0].org.id });
    expect(lines).toHaveLength(1);
    const agreement = cast.agreements.find((a) => a.hospitalId === cast.hospitals[0].org.id)!;
    expect(lines[0]).toMatchObject({
      deliveryLineId,
      orderId: order.id,
      hospitalId: cast.hospitals[0].org.id,
      supplierId: agreement.supplierId,
      productId: agreement.productId,
    });
    expect(lines[0].quantity.toFixed(3)).toBe('12.500');
    expect(lines[0].amount.toFixed(2)).toBe(
      new Decimal(agreement.packPrice).times('12.5').toDecimalPlaces(2).toFixed(2),
    );
    expect(await accepted.page({ ...window, hospitalId: cast.hospitals[1].org.id })).toEqual([]);
    // Filtered by hospital: other test files accept lines in the same window on a shared database.
    const own = { hospitalId: cast.hospitals[0].org.id };
    expect(await accepted.page({ ...window, ...own, afterId: deliveryLineId })).toEqual([]);
    expect(
      await accepted.page({ from: window.to, to: new Date(window.to.getTime() + HOUR), ...own }),
    ).toEqual([]);
  });
});
