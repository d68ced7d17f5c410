import { Clock } from '../../src/common/clock';
import { Decimal } from '../../src/database/decimal';
import { makeDrug, makeListingPrice } from '../factories/catalog';
import {
  AgreementRow,
  createOrder,
  deliveryLine,
  ExecutionCast,
  makeExecutionCast,
  ordersApi,
  placedOrder,
} from '../factories/execution';
import { makeOrganisation } from '../factories/identity';
import { bearer, startApp, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

const HOUR = 3600 * 1000;

interface LineView {
  id: string;
  productId: string;
  quantity: string;
  unitPrice: string;
  amount: string;
  priceSource: string;
  agreementId: string | null;
  listingPriceId: string | null;
  referencePrice: string;
  priceReason: string | null;
  deliveredQuantity: string;
  acceptedQuantity: string;
  outstandingQuantity: string;
}

interface DeliveryLineView {
  id: string;
  orderLineId: string;
  quantity: string;
  amount: string;
  decision: string;
  acceptedAt: string | null;
  rejectionReason: string | null;
}

/**
 * §E1 orders and §E2 deliveries over HTTP, on top of an awarded round: prices defaulted from
 * the agreement and the listing, manual prices with reasons, the order state machine, partial
 * and full deliveries, acceptance and rejection, and the supplier's delay and fill-rate figures.
 */
describe('purchase orders, deliveries and acceptance', () => {
  let t: TestApp;
  let clock: TestClock;
  let cast: ExecutionCast;
  let hospital: ExecutionCast['hospitals'][number];
  let agreement: AgreementRow;
  let winner: ExecutionCast['suppliers'][number];

  beforeAll(async () => {
    clock = new TestClock();
    t = await startApp({}, { providers: [{ provide: Clock, useValue: clock }] });
    cast = await makeExecutionCast(t, clock);
    hospital = cast.hospitals[0];
    agreement = cast.agreements.find((a) => a.hospitalId === hospital.org.id)!;
    winner = cast.suppliers.find((s) => s.org.id === agreement.supplierId)!;
  });
  afterAll(() => t.close());

  const get = (token: string, path: string, expected = 200) =>
    t.http().get(path).set(bearer(token)).expect(expected);
  const post = (token: string, path: string, body: object, expected: number) =>
    t.http().post(path).set(bearer(token)).send(body).expect(expected);
  const deliver = (token: string, orderId: string, lines: object[], expected = 201) =>
    post(token, ordersApi(`/${orderId}/deliveries`), { lines }, expected);
  const decide = (token: string, deliveryId: string, lines: object[], expected = 200) =>
    post(token, `/api/v1/execution/deliveries/${deliveryId}/acceptance`, { lines }, expected);
  const agreementPrice = () => new Decimal(agreement.packPrice).toFixed(6);

  it('prices a winning product at the agreement price and a listed product at the listing price', async () => {
    const res = await createOrder(t, hospital.token, winner.org, [
      { productId: agreement.productId, quantity: '100' },
      { productId: cast.listed.id, quantity: '3' },
    ]);
    const lines = res.body.lines as LineView[];
    expect(res.body).toMatchObject({
      status: 'draft',
      hospitalId: hospital.org.id,
      supplierId: winner.org.id,
      allowedActions: ['place', 'cancel'],
      placedAt: null,
    });
    expect(res.body.code).toMatch(/^PO\d{8}-[2-9A-HJ-NP-Z]{6}$/);
    expect(lines[0]).toMatchObject({
      productId: agreement.productId,
      quantity: '100.000',
      unitPrice: agreementPrice(),
      amount: new Decimal(agreement.packPrice).times(100).toFixed(2),
      priceSource: 'agreement',
      agreementId: agreement.id,
      listingPriceId: null,
      priceReason: null,
      outstandingQuantity: '100.000',
    });
    // 3 × 31.85 = 95.55
    expect(lines[1]).toMatchObject({
      unitPrice: '31.850000',
      amount: '95.55',
      priceSource: 'listing',
      agreementId: null,
    });
    expect(res.body.totalAmount).toBe(new Decimal(lines[0].amount).plus('95.55').toFixed(2));
    const back = await get(hospital.token, ordersApi(`/${res.body.id}`));
    expect(back.body).toEqual(res.body);
  });

  it('needs a reason for a price other than the default and records it as manual', async () => {
    const refused = await createOrder(
      t,
      hospital.token,
      winner.org,
      [
        { productId: cast.listed.id, quantity: '1' },
        { productId: agreement.productId, quantity: '10', unitPrice: '9.9' },
      ],
      400,
    );
    expect(refused.body.code).toBe('EXECUTION.PRICE_REASON_REQUIRED');
    expect(refused.body.message).toMatch(/^lines\[1\]\.priceReason: /);
    expect(refused.body.details).toMatchObject({ field: 'lines[1].priceReason' });

    const res = await createOrder(t, hospital.token, winner.org, [
      { productId: agreement.productId, quantity: '10', unitPrice: '9.9', priceReason: '院内议价' },
      // The default price given explicitly is still the default.
      { productId: cast.listed.id, quantity: '2', unitPrice: '31.85' },
    ]);
    expect(res.body.lines[0]).toMatchObject({
      unitPrice: '9.900000',
      amount: '99.00',
      priceSource: 'manual',
      agreementId: agreement.id,
      referencePrice: agreementPrice(),
      priceReason: '院内议价',
    });
    expect(res.body.lines[1]).toMatchObject({ priceSource: 'listing', priceReason: null });
  });

  it('refuses orders it cannot price or address, naming the field', async () => {
    const unlisted = await makeDrug(t);
    const suspended = await makeDrug(t);
    await makeListingPrice(t, suspended, cast.regions.city.code, {
      validFrom: '2020-01-01',
      status: 'suspended',
    });
    const inactive = await makeOrganisation(t, 'distributor', { status: 'inactive' });
    const ok = { productId: cast.listed.id, quantity: '1' };
    const cases: Array<[string, object, number, string, string]> = [
      [
        'neither agreement nor listing',
        { lines: [ok, { productId: unlisted.id, quantity: '1' }] },
        400,
        'EXECUTION.PRICE_UNAVAILABLE',
        'lines[1].productId',
      ],
      [
        'a suspended listing',
        { lines: [{ productId: suspended.id, quantity: '1' }] },
        409,
        'EXECUTION.LISTING_SUSPENDED',
        'lines[0].productId',
      ],
      [
        'an unknown product',
        { lines: [{ productId: '999999999', quantity: '1' }] },
        400,
        'EXECUTION.PRODUCT_NOT_FOUND',
        'lines[0].productId',
      ],
      [
        'a product twice',
        { lines: [ok, ok] },
        400,
        'EXECUTION.PRODUCT_REPEATED',
        'lines[1].productId',
      ],
      [
        'a zero quantity',
        { lines: [{ ...ok, quantity: '0' }] },
        400,
        'EXECUTION.QUANTITY_INVALID',
        'lines[0].quantity',
      ],
      [
        'a negative price',
        { lines: [{ ...ok, unitPrice: '-1', priceReason: 'x' }] },
        400,
        'EXECUTION.PRICE_INVALID',
        'lines[0].unitPrice',
      ],
      [
        'a hospital as supplier',
        { supplierId: cast.hospitals[1].org.id, lines: [ok] },
        404,
        'EXECUTION.SUPPLIER_NOT_FOUND',
        'supplierId',
      ],
      [
        'an inactive supplier',
        { supplierId: inactive.id, lines: [ok] },
        409,
        'EXECUTION.SUPPLIER_INACTIVE',
        'supplierId',
      ],
    ];
    for (const [name, body, status, code, field] of cases) {
      const res = await post(
        hospital.token,
        ordersApi(),
        { supplierId: winner.org.id, ...body },
        status,
      );
      expect({ name, code: res.body.code, field: res.body.details?.field }).toEqual({
        name,
        code,
        field,
      });
      expect(res.body.message).toContain(field);
    }
    const invalid = await post(
      hospital.token,
      ordersApi(),
      { supplierId: winner.org.id, lines: [], extra: 1 },
      400,
    );
    expect(invalid.body.code).toBe('COMMON.VALIDATION_FAILED');
    await post(winner.token, ordersApi(), { supplierId: winner.org.id, lines: [ok] }, 403);
    await post(cast.officer.token, ordersApi(), { supplierId: winner.org.id, lines: [ok] }, 403);
  });

  it('places, delivers partly then fully, accepts and rejects, and closes an order', async () => {
    const created = await createOrder(t, hospital.token, winner.org, [
      { productId: agreement.productId, quantity: '100' },
      { productId: cast.listed.id, quantity: '3' },
    ]);
    const id = created.body.id as string;
    const [l0, l1] = created.body.lines as LineView[];
    // Suppliers do not see drafts.
    await get(winner.token, ordersApi(`/${id}`), 404);
    await deliver(winner.token, id, [deliveryLine(l0.id, '1')], 404);

    const placed = await post(hospital.token, ordersApi(`/${id}/place`), {}, 200);
    expect(placed.body.status).toBe('placed');
    expect(
      new Date(placed.body.deliveryDueAt).getTime() - new Date(placed.body.placedAt).getTime(),
    ).toBe(48 * HOUR);
    const again = await post(hospital.token, ordersApi(`/${id}/place`), {}, 409);
    expect(again.body).toMatchObject({
      code: 'EXECUTION.ORDER_STATE_CONFLICT',
      details: { state: 'placed' },
    });
    expect(again.body.message).toContain('is placed');
    await post(hospital.token, ordersApi(`/${id}/close`), {}, 409);
    expect((await get(winner.token, ordersApi(`/${id}`))).body.status).toBe('placed');

    // Delivery errors, each naming its field.
    const errors: Array<[object[], number, string, string]> = [
      [
        [deliveryLine(l0.id, '100.001')],
        409,
        'EXECUTION.QUANTITY_EXCEEDS_OUTSTANDING',
        'lines[0].quantity',
      ],
      [
        [deliveryLine(l1.id, '1'), deliveryLine('999999999', '1')],
        400,
        'EXECUTION.ORDER_LINE_NOT_FOUND',
        'lines[1].orderLineId',
      ],
      [
        [deliveryLine(l0.id, '1'), deliveryLine(l0.id, '1')],
        400,
        'EXECUTION.ORDER_LINE_REPEATED',
        'lines[1].orderLineId',
      ],
      [
        [deliveryLine(l0.id, '1', { expiryDate: '2020-01-01' })],
        400,
        'EXECUTION.EXPIRY_INVALID',
        'lines[0].expiryDate',
      ],
      [[deliveryLine(l0.id, '0')], 400, 'EXECUTION.QUANTITY_INVALID', 'lines[0].quantity'],
    ];
    for (const [lines, status, code, field] of errors) {
      const res = await deliver(winner.token, id, lines, status);
      expect([res.body.code, res.body.details?.field]).toEqual([code, field]);
    }
    const missingBatch = await deliver(
      winner.token,
      id,
      [{ ...deliveryLine(l0.id, '1'), batchNumber: undefined }],
      400,
    );
    expect(missingBatch.body.message).toContain('lines[0].batchNumber');
    await deliver(hospital.token, id, [deliveryLine(l0.id, '1')], 403);

    // First delivery: 40 of 100 and all 3 of the listed product.
    const first = await deliver(winner.token, id, [
      deliveryLine(l0.id, '40'),
      deliveryLine(l1.id, '3'),
    ]);
    expect(first.body.code).toBe(`${created.body.code}-D01`);
    const firstLines = first.body.lines as DeliveryLineView[];
    expect(firstLines.map((l) => [l.quantity, l.amount, l.decision])).toEqual([
      ['40.000', new Decimal(agreement.packPrice).times(40).toFixed(2), 'pending'],
      ['3.000', '95.55', 'pending'],
    ]);
    let order = (await get(hospital.token, ordersApi(`/${id}`))).body;
    expect(order.status).toBe('partially_delivered');
    expect(order.firstDeliveredAt).not.toBeNull();
    expect(order.lines.map((l: LineView) => l.outstandingQuantity)).toEqual(['60.000', '0.000']);
    const cancel = await post(
      hospital.token,
      ordersApi(`/${id}/cancel`),
      { reason: '不要了' },
      409,
    );
    expect(cancel.body.code).toBe('EXECUTION.ORDER_HAS_DELIVERIES');
    const over = await deliver(winner.token, id, [deliveryLine(l1.id, '0.001')], 409);
    expect(over.body.details).toEqual({ field: 'lines[0].quantity', outstanding: '0.000' });

    // Second delivery: the remaining 60.
    const second = await deliver(winner.token, id, [
      deliveryLine(l0.id, '60', { batchNumber: 'B2' }),
    ]);
    order = (await get(hospital.token, ordersApi(`/${id}`))).body;
    expect(order.status).toBe('delivered');
    const done = await deliver(winner.token, id, [deliveryLine(l0.id, '1')], 409);
    expect(done.body).toMatchObject({
      code: 'EXECUTION.ORDER_STATE_CONFLICT',
      details: { state: 'delivered' },
    });
    const pending = await post(hospital.token, ordersApi(`/${id}/close`), {}, 409);
    expect(pending.body).toMatchObject({
      code: 'EXECUTION.ORDER_HAS_PENDING_ACCEPTANCE',
      details: { pendingLines: 3 },
    });

    // Acceptance of the first delivery.
    await decide(
      winner.token,
      first.body.id,
      [{ deliveryLineId: firstLines[0].id, decision: 'accepted' }],
      403,
    );
    const accepted = await decide(hospital.token, first.body.id, [
      { deliveryLineId: firstLines[0].id, decision: 'accepted' },
      { deliveryLineId: firstLines[1].id, decision: 'accepted' },
    ]);
    const acceptedLines = accepted.body.lines as DeliveryLineView[];
    expect(acceptedLines.map((l) => l.decision)).toEqual(['accepted', 'accepted']);
    expect(new Date(acceptedLines[0].acceptedAt!).getTime()).toBeCloseTo(clock.now().getTime(), -4);
    const twice = await decide(
      hospital.token,
      first.body.id,
      [{ deliveryLineId: firstLines[0].id, decision: 'rejected', reason: '破损' }],
      409,
    );
    expect(twice.body).toMatchObject({
      code: 'EXECUTION.DELIVERY_LINE_DECIDED',
      details: { field: 'lines[0].deliveryLineId', decision: 'accepted' },
    });

    // Rejection of the second: a reason is needed, and the 60 are owed again.
    const secondLine = (second.body.lines as DeliveryLineView[])[0];
    const noReason = await decide(
      hospital.token,
      second.body.id,
      [{ deliveryLineId: secondLine.id, decision: 'rejected' }],
      400,
    );
    expect(noReason.body).toMatchObject({
      code: 'EXECUTION.REJECTION_REASON_REQUIRED',
      details: { field: 'lines[0].reason' },
    });
    const foreign = await decide(
      hospital.token,
      second.body.id,
      [{ deliveryLineId: firstLines[0].id, decision: 'accepted' }],
      400,
    );
    expect(foreign.body).toMatchObject({
      code: 'EXECUTION.DELIVERY_LINE_NOT_FOUND',
      details: { field: 'lines[0].deliveryLineId' },
    });
    const repeated = await decide(
      hospital.token,
      second.body.id,
      [
        { deliveryLineId: secondLine.id, decision: 'rejected', reason: '外包装破损' },
        { deliveryLineId: secondLine.id, decision: 'accepted' },
      ],
      400,
    );
    expect(repeated.body.code).toBe('EXECUTION.DELIVERY_LINE_REPEATED');
    const rejected = await decide(hospital.token, second.body.id, [
      { deliveryLineId: secondLine.id, decision: 'rejected', reason: '外包装破损' },
    ]);
    expect(rejected.body.lines[0]).toMatchObject({
      decision: 'rejected',
      rejectionReason: '外包装破损',
      acceptedAt: null,
    });
    order = (await get(hospital.token, ordersApi(`/${id}`))).body;
    expect(order.status).toBe('partially_delivered');
    expect(order.lines[0]).toMatchObject({
      deliveredQuantity: '40.000',
      acceptedQuantity: '40.000',
      outstandingQuantity: '60.000',
    });

    // The replacement, accepted; then the order is closed for good.
    const third = await deliver(winner.token, id, [
      deliveryLine(l0.id, '60', { batchNumber: 'B3' }),
    ]);
    expect(third.body.code).toBe(`${created.body.code}-D03`);
    await decide(hospital.token, third.body.id, [
      { deliveryLineId: third.body.lines[0].id, decision: 'accepted' },
    ]);
    const closed = await post(hospital.token, ordersApi(`/${id}/close`), {}, 200);
    expect(closed.body).toMatchObject({ status: 'closed', allowedActions: [] });
    expect(closed.body.lines[0]).toMatchObject({
      acceptedQuantity: '100.000',
      outstandingQuantity: '0.000',
    });
    await post(hospital.token, ordersApi(`/${id}/close`), {}, 409);

    const deliveries = await get(cast.officer.token, ordersApi(`/${id}/deliveries`));
    expect(deliveries.body.total).toBe(3);
    expect(
      deliveries.body.items.map((d: { lines: DeliveryLineView[] }) =>
        d.lines.map((l) => l.decision),
      ),
    ).toEqual([['accepted', 'accepted'], ['rejected'], ['accepted']]);

    const audit = await t
      .http()
      .get(`/api/v1/audit/events?entityType=purchase_order&entityId=${id}`)
      .set(bearer(t.adminToken))
      .expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual([
      'purchase_order.created',
      'purchase_order.placed',
      'purchase_order.status_changed',
      'purchase_order.status_changed',
      'purchase_order.status_changed',
      'purchase_order.status_changed',
      'purchase_order.closed',
    ]);
  });

  it('cancels drafts and placed orders without deliveries, with a reason', async () => {
    const lines = [{ productId: cast.listed.id, quantity: '1' }];
    const draft = await createOrder(t, hospital.token, winner.org, lines);
    const noReason = await post(hospital.token, ordersApi(`/${draft.body.id}/cancel`), {}, 400);
    expect(noReason.body.message).toContain('reason');
    const cancelled = await post(
      hospital.token,
      ordersApi(`/${draft.body.id}/cancel`),
      { reason: '重复下单' },
      200,
    );
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: '重复下单' });
    await post(hospital.token, ordersApi(`/${draft.body.id}/place`), {}, 409);
    const placed = await placedOrder(t, hospital.token, winner.org, lines);
    const gone = await post(
      hospital.token,
      ordersApi(`/${placed.id}/cancel`),
      { reason: '科室停用' },
      200,
    );
    expect(gone.body.status).toBe('cancelled');
    await deliver(winner.token, placed.id, [deliveryLine(placed.lines[0].id, '1')], 409);
    const listed = await get(hospital.token, ordersApi(`?status=cancelled&pageSize=200`));
    expect(listed.body.items.map((o: { id: string }) => o.id)).toEqual(
      expect.arrayContaining([draft.body.id, placed.id]),
    );
  });

  it('reports a supplier’s deliveries, delays and fill rate over the orders placed in a window', async () => {
    const distributor = cast.distributor;
    const day = new Date(clock.now().getTime() + 8 * HOUR).toISOString().slice(0, 10);
    // A: 100 packs, delivered at once as 70 + 30; 70 accepted, 30 rejected.
    const a = await placedOrder(t, hospital.token, distributor.org, [
      { productId: agreement.productId, quantity: '100' },
    ]);
    const b = await placedOrder(t, hospital.token, distributor.org, [
      { productId: cast.listed.id, quantity: '10' },
    ]);
    const c = await placedOrder(t, hospital.token, distributor.org, [
      { productId: cast.listed.id, quantity: '5' },
    ]);
    const d = await placedOrder(t, hospital.token, distributor.org, [
      { productId: cast.listed.id, quantity: '1000' },
    ]);
    await post(hospital.token, ordersApi(`/${d.id}/cancel`), { reason: '取消' }, 200);
    const a1 = await deliver(distributor.token, a.id, [deliveryLine(a.lines[0].id, '70')]);
    const a2 = await deliver(distributor.token, a.id, [deliveryLine(a.lines[0].id, '30')]);
    await decide(hospital.token, a1.body.id, [
      { deliveryLineId: a1.body.lines[0].id, decision: 'accepted' },
    ]);
    await decide(hospital.token, a2.body.id, [
      { deliveryLineId: a2.body.lines[0].id, decision: 'rejected', reason: '近效期' },
    ]);
    // B's first delivery comes 49 hours after placement: a delay. C never comes.
    clock.advance(49 * HOUR);
    const b1 = await deliver(distributor.token, b.id, [deliveryLine(b.lines[0].id, '10')]);
    await decide(hospital.token, b1.body.id, [
      { deliveryLineId: b1.body.lines[0].id, decision: 'accepted' },
    ]);
    expect(c.status).toBe('placed');

    const path = `/api/v1/execution/suppliers/${distributor.org.id}/performance?from=${day}&to=${day}`;
    const expected = {
      supplierId: distributor.org.id,
      from: day,
      to: day,
      deliveryDelayHours: 48,
      orders: 3,
      deliveries: 3,
      lateDeliveries: 1,
      overdueUndelivered: 1,
      orderedQuantity: '115.000',
      deliveredQuantity: '80.000',
      acceptedQuantity: '80.000',
      rejectedQuantity: '30.000',
      // 80 ÷ 115 = 0.69565…
      fillRate: '0.6957',
    };
    expect((await get(cast.officer.token, path)).body).toEqual(expected);
    expect((await get(distributor.token, path)).body).toEqual(expected);
    const dayBefore = new Date(new Date(`${day}T00:00:00Z`).getTime() - 24 * HOUR)
      .toISOString()
      .slice(0, 10);
    const empty = await get(
      cast.officer.token,
      `/api/v1/execution/suppliers/${distributor.org.id}/performance?from=${dayBefore}&to=${dayBefore}`,
    );
    expect(empty.body).toMatchObject({
      orders: 0,
      deliveries: 0,
      orderedQuantity: '0.000',
      fillRate: null,
    });
    const window = await get(
      cast.officer.token,
      `/api/v1/execution/suppliers/${distributor.org.id}/performance?from=${day}&to=${dayBefore}`,
      400,
    );
    expect(window.body).toMatchObject({
      code: 'EXECUTION.WINDOW_INVALID',
      details: { field: 'to' },
    });
    await get(winner.token, path, 404);
    await get(hospital.token, path, 403);
    await get(
      cast.officer.token,
      `/api/v1/execution/suppliers/${hospital.org.id}/performance?from=${day}&to=${day}`,
      404,
    );
  });
});
