import { Clock } from '../../src/common/clock';
import { Decimal } from '../../src/database/decimal';
import {
  AgreementRow,
  createOrder,
  ExecutionCast,
  makeExecutionCast,
  placedOrder,
} from '../factories/execution';
import { makeUser } from '../factories/identity';
import { bearer, startApp, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

const HOUR = 3600 * 1000;
const api = (path: string) => `/api/v1/credit/supply${path}`;

interface SupplyRow {
  regionCode: string;
  bidId: string;
  duty: string;
  position: number;
}

interface Alert {
  id: string;
  rule: string;
  supplierId: string;
  productId: string;
  regionCode: string;
  lotId: string | null;
  status: string;
  evidence: Record<string, unknown>;
}

interface FullAgreement extends AgreementRow {
  bidId: string;
  lotId: string;
  agreedQuantity: string;
  unitPrice: string;
  status: string;
  replacedFrom: string | null;
  activationId: string | null;
  endDate: string;
}

/**
 * §K5 end to end: a winner reports stock below SUPPLY_STOCK_DAYS of its agreed demand and misses
 * its deliveries → the evaluation raises supply alerts → an officer activates the region's backup
 * → the region's hospital orders the backup's product at the backup's own winning price (agreement
 * basis) while the failing winner's agreement is kept as `replaced` → the failure is recorded
 * with the alerts and escalated to a credit case that the credit cases API shows.
 */
describe('§K5 supply assurance flow', () => {
  let t: TestApp;
  let clock: TestClock;
  let cast: ExecutionCast;

  beforeAll(async () => {
    clock = new TestClock();
    t = await startApp({}, { providers: [{ provide: Clock, useValue: clock }] });
    cast = await makeExecutionCast(t, clock);
  });
  afterAll(() => t.close());

  const officer = () => cast.officer.token;
  const agreementsOf = async (): Promise<FullAgreement[]> =>
    (
      await t
        .http()
        .get(`/api/v1/procurement/rounds/${cast.round.id}/agreements?pageSize=200`)
        .set(bearer(officer()))
        .expect(200)
    ).body.items as FullAgreement[];

  it('takes a failing winner from stock report to backup supply and a credit case', async () => {
    const hospital = cast.hospitals[0];
    const regionCode = hospital.org.regionCode!;
    const before = await agreementsOf();
    const failingAgreement = before.find((a) => a.hospitalId === hospital.org.id)!;
    const winner = cast.suppliers.find((s) => s.org.id === failingAgreement.supplierId)!;

    // The region's supply rows (§P9): its primary is the failing winner, its first backup next.
    const regions = (
      await t
        .http()
        .get(`/api/v1/procurement/rounds/${cast.round.id}/lots/${cast.lot.id}/supply-regions`)
        .set(bearer(officer()))
        .expect(200)
    ).body as SupplyRow[];
    const own = regions.filter((r) => r.regionCode === regionCode);
    expect(own.find((r) => r.duty === 'primary')!.bidId).toBe(failingAgreement.bidId);
    const firstBackup = own
      .filter((r) => r.duty === 'backup')
      .sort((a, b) => a.position - b.position)[0];
    expect(firstBackup).toBeDefined();
    const backupAgreement = before.find((a) => a.bidId === firstBackup.bidId)!;
    const backup = cast.suppliers.find((s) => s.org.id === backupAgreement.supplierId)!;

    // 1. The winner reports stock of 10 against the region's agreed demand (30 days of it is
    //    far more); a repeat of the same figures changes nothing.
    const month = new Date(clock.now().getTime() + 8 * HOUR).toISOString().slice(0, 7);
    const report = {
      items: [
        {
          productId: winner.product.id,
          stockQuantity: '10',
          capacityQuantity: '5000',
          reserveQuantity: '0',
        },
      ],
    };
    const first = await t
      .http()
      .put(api(`/reports/${month}`))
      .set(bearer(winner.token))
      .send(report)
      .expect(200);
    expect(first.body).toMatchObject({ month, created: 1, replaced: 0, unchanged: 0 });
    const again = await t
      .http()
      .put(api(`/reports/${month}`))
      .set(bearer(winner.token))
      .send(report)
      .expect(200);
    expect(again.body).toMatchObject({ created: 0, replaced: 0, unchanged: 1 });

    // 2. The hospital orders from the winner; nothing arrives within DELIVERY_DELAY_HOURS.
    await placedOrder(t, hospital.token, winner.org, [
      { productId: winner.product.id, quantity: '20' },
    ]);
    clock.advance(49 * HOUR);
    // …and the hospital reports the shortage.
    const today = new Date(clock.now().getTime() + 8 * HOUR).toISOString().slice(0, 10);
    const shortage = await t
      .http()
      .post(api('/shortages'))
      .set(bearer(hospital.token))
      .send({ productId: winner.product.id, shortageDate: today, note: '阿托伐他汀断货三天' })
      .expect(201);
    expect(shortage.body).toMatchObject({
      agreementId: failingAgreement.id,
      supplierId: winner.org.id,
      lotId: cast.lot.id,
      regionCode,
    });

    // 3. The evaluation raises one alert per rule for the winner's product in the region.
    const evaluation = await t
      .http()
      .post(api('/evaluations'))
      .set(bearer(officer()))
      .send({ month: today.slice(0, 7) })
      .expect(200);
    expect(evaluation.body.raised).toBeGreaterThanOrEqual(4);
    const alerts = (
      await t
        .http()
        .get(api(`/alerts?supplierId=${winner.org.id}&regionCode=${regionCode}`))
        .set(bearer(officer()))
        .expect(200)
    ).body.items as Alert[];
    const byRule = new Map(alerts.map((a) => [a.rule, a]));
    expect([...byRule.keys()].sort()).toEqual(
      ['delivery_delay', 'low_fill_rate', 'low_stock', 'shortage_reported'].sort(),
    );
    // One stock serves every region the winner supplies: its agreements together set the demand.
    const agreedAnnual = Decimal.sum(
      0,
      ...before.filter((a) => a.supplierId === winner.org.id).map((a) => a.agreedQuantity),
    );
    expect(byRule.get('low_stock')!).toMatchObject({
      productId: winner.product.id,
      lotId: cast.lot.id,
      status: 'open',
      evidence: {
        stockQuantity: '10.000',
        agreedAnnualQuantity: agreedAnnual.toFixed(3),
        regionAgreedAnnualQuantity: failingAgreement.agreedQuantity,
        stockDays: 30,
        requiredStock: agreedAnnual.div(365).times(30).toDecimalPlaces(3).toFixed(3),
      },
    });
    expect(byRule.get('low_fill_rate')!.evidence).toMatchObject({
      orderedQuantity: '20.000',
      acceptedQuantity: '0.000',
      fillRate: '0.0000',
    });
    expect(byRule.get('delivery_delay')!.evidence).toMatchObject({
      orders: 1,
      lateOrders: 0,
      overdueUndelivered: 1,
    });
    // A second run raises nothing new: one alert per rule × supplier × product × region × month.
    const rerun = await t
      .http()
      .post(api('/evaluations'))
      .set(bearer(officer()))
      .send({ month: today.slice(0, 7) })
      .expect(200);
    expect(rerun.body.raised).toBe(0);
    await t
      .http()
      .post(api(`/alerts/${byRule.get('low_stock')!.id}/acknowledge`))
      .set(bearer(officer()))
      .expect(200);

    // 4. The officer activates the region's backup (next in rank order).
    const activation = await t
      .http()
      .post(api('/activations'))
      .set(bearer(officer()))
      .send({ lotId: cast.lot.id, regionCode, reason: '中选企业库存不足且逾期未配送' })
      .expect(201);
    expect(activation.body).toMatchObject({
      lotId: cast.lot.id,
      regionCode,
      failingBidId: failingAgreement.bidId,
      failingSupplierId: winner.org.id,
      backupBidId: firstBackup.bidId,
      backupSupplierId: backup.org.id,
      backupProductId: backup.product.id,
      backupPackPrice: backupAgreement.packPrice,
      backupUnitPrice: backupAgreement.unitPrice,
      effectiveFrom: today,
      agreementsReplaced: 1,
    });
    expect(activation.body.createdAgreementIds).toHaveLength(1);

    // The failing agreement is kept, marked replaced from today; the backup's agreement holds
    // what was left of the agreed quantity (nothing was accepted) at the backup's own price.
    const after = await agreementsOf();
    expect(after.find((a) => a.id === failingAgreement.id)).toMatchObject({
      status: 'replaced',
      replacedFrom: today,
      agreedQuantity: failingAgreement.agreedQuantity,
    });
    const created = after.find((a) => a.id === activation.body.createdAgreementIds[0])!;
    expect(created).toMatchObject({
      hospitalId: hospital.org.id,
      supplierId: backup.org.id,
      productId: backup.product.id,
      bidId: firstBackup.bidId,
      lotId: cast.lot.id,
      packPrice: backupAgreement.packPrice,
      unitPrice: backupAgreement.unitPrice,
      agreedQuantity: failingAgreement.agreedQuantity,
      startDate: today,
      endDate: failingAgreement.endDate,
      status: 'active',
      activationId: activation.body.id,
    });
    // Other regions keep their suppliers.
    expect(after.filter((a) => a.status === 'replaced')).toHaveLength(1);

    // 5. The hospital orders the backup's product: priced at the backup's winning price, on the
    //    agreement basis. The failing winner's product no longer has an agreement price.
    const res = await createOrder(t, hospital.token, backup.org, [
      { productId: backup.product.id, quantity: '30' },
    ]);
    expect(res.body.lines[0]).toMatchObject({
      productId: backup.product.id,
      unitPrice: new Decimal(backupAgreement.packPrice).toFixed(6),
      priceSource: 'agreement',
      agreementId: created.id,
      referencePrice: new Decimal(backupAgreement.packPrice).toFixed(6),
    });
    expect(res.body.totalAmount).toBe(
      new Decimal(backupAgreement.packPrice).times(30).toDecimalPlaces(2).toFixed(2),
    );
    const refused = await createOrder(
      t,
      hospital.token,
      winner.org,
      [{ productId: winner.product.id, quantity: '1' }],
      400,
    );
    expect(refused.body.code).toBe('EXECUTION.PRICE_UNAVAILABLE');
    // The activation is listed for the officer's region.
    const listed = await t
      .http()
      .get(api(`/activations?lotId=${cast.lot.id}`))
      .set(bearer(officer()))
      .expect(200);
    expect(listed.body.items.map((a: { id: string }) => a.id)).toEqual([activation.body.id]);

    // 6. The failure is recorded with its alerts and escalated to a credit case.
    const failure = await t
      .http()
      .post(api('/failures'))
      .set(bearer(officer()))
      .send({
        supplierId: winner.org.id,
        lotId: cast.lot.id,
        productId: winner.product.id,
        regionCode,
        periodFrom: failingAgreement.startDate,
        periodTo: today,
        description: '库存低于30天约定用量，订单逾期未配送，医院报告断货',
        alertIds: alerts.map((a) => a.id),
        activationId: activation.body.id,
      })
      .expect(201);
    expect(failure.body).toMatchObject({
      supplierId: winner.org.id,
      activationId: activation.body.id,
      creditCaseId: null,
    });
    const supervisor = await makeUser(t, cast.authority, ['supervisor']);
    const escalated = await t
      .http()
      .post(api(`/failures/${failure.body.id}/escalation`))
      .set(bearer(supervisor.token))
      .send({ amount: '0.00' })
      .expect(201);
    expect(escalated.body.creditCaseId).toEqual(expect.any(String));
    expect(escalated.body.creditCaseCode).toEqual(expect.any(String));
    const stored = await t
      .http()
      .get(api(`/failures/${failure.body.id}`))
      .set(bearer(officer()))
      .expect(200);
    expect(stored.body.creditCaseCode).toBe(escalated.body.creditCaseCode);
    const creditCase = await t
      .http()
      .get(`/api/v1/credit/cases/${escalated.body.creditCaseId}`)
      .set(bearer(supervisor.token))
      .expect(200);
    expect(creditCase.body).toMatchObject({
      code: escalated.body.creditCaseCode,
      supplierId: winner.org.id,
      behaviour: 'failure_to_supply',
    });
    // Escalating twice is refused, naming the case.
    const twice = await t
      .http()
      .post(api(`/failures/${failure.body.id}/escalation`))
      .set(bearer(supervisor.token))
      .send({})
      .expect(409);
    expect(twice.body.code).toBe('SUPPLY.FAILURE_ALREADY_ESCALATED');
  });
});
