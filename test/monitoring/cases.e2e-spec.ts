import { Clock } from '../../src/common/clock';
import { chinaDate } from '../../src/modules/execution/deliveries/domain/delivery-rules';
import { ListingPrice } from '../../src/modules/catalog/listing-prices/listing-price.entity';
import { makeDrug, makeListingPrice } from '../factories/catalog';
import { makeCast, makeOrganisation, makeUser } from '../factories/identity';
import { insertAlert } from '../factories/monitoring';
import { bearer, startApp, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

type Json = Record<string, unknown>;
const api = (path = '') => `/api/v1/monitoring${path}`;

describe('price cases (§M6)', () => {
  let t: TestApp;
  let cast: Awaited<ReturnType<typeof makeCast>>;
  let analyst: string;
  let supplierToken: string;
  const clock = new TestClock();

  beforeAll(async () => {
    t = await startApp({}, { providers: [{ provide: Clock, useValue: clock }] });
    // Monday 2027-03-01, 10:00 China time (the clock only moves forwards).
    clock.passes('2027-03-01T10:00:00+08:00');
    cast = await makeCast(t);
    analyst = cast.users.pricing_analyst.token;
    supplierToken = cast.users.supplier_user.token;
  });
  afterAll(() => t.close());

  const post = (token: string, path: string, body: object = {}) =>
    t.http().post(api(path)).set(bearer(token)).send(body);
  const get = (token: string, path: string) => t.http().get(api(path)).set(bearer(token));

  async function alertsAgainstSupplier(n = 2) {
    const product = await makeDrug(t, { manufacturer: cast.manufacturer });
    const alerts = [];
    for (let i = 0; i < n; i++)
      alerts.push(
        await insertAlert(t, {
          regionCode: cast.regions.county.code,
          productId: product.id,
          supplierId: cast.manufacturer.id,
          ruleCode: i === 0 ? 'above_contract' : 'listing_multiple',
        }),
      );
    return { product, alerts };
  }

  it('runs inquiry → supplier reply → interview → investigation → price cut, with the full record', async () => {
    const { alerts } = await alertsAgainstSupplier();
    const opened = await post(analyst, '/cases', {
      alertIds: alerts.map((a) => a.id),
      title: '阿托伐他汀 价格异常',
    });
    expect(opened.status).toBe(201);
    const code = (opened.body as { code: string }).code;
    expect(code).toMatch(/^PC2027-\d{4}$/);
    expect(opened.body).toMatchObject({ status: 'open', supplierId: cast.manufacturer.id });
    for (const a of alerts)
      expect((await get(analyst, `/alerts/${a.id}`)).body).toMatchObject({
        status: 'in_case',
        caseCode: code,
      });

    // Before the letter is sent the case is internal: the supplier does not see it.
    expect((await get(supplierToken, `/cases/${code}`)).status).toBe(404);

    const inquiry = await post(analyst, `/cases/${code}/inquiry`, { letter: '请说明价格构成' });
    expect(inquiry.status).toBe(200);
    // Ten working days from Monday 2027-03-01: the end of Monday 2027-03-15, China time.
    expect(inquiry.body).toMatchObject({
      status: 'inquiry_sent',
      replyDeadline: '2027-03-15T16:00:00.000Z',
      replyOverdue: false,
    });

    // Only the supplier itself replies: another supplier gets 404, an analyst 403.
    const otherSupplier = await makeOrganisation(t, 'manufacturer');
    const stranger = await makeUser(t, otherSupplier, ['supplier_user']);
    expect((await post(stranger.token, `/cases/${code}/reply`, { text: 'x' })).status).toBe(404);
    expect((await get(stranger.token, `/cases/${code}`)).status).toBe(404);
    expect((await post(analyst, `/cases/${code}/reply`, { text: 'x' })).status).toBe(403);

    clock.advance(2 * 86_400_000);
    const reply = await post(supplierToken, `/cases/${code}/reply`, { text: '原料涨价' });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ status: 'replied' });
    expect((await post(supplierToken, `/cases/${code}/reply`, { text: 'again' })).status).toBe(409);

    expect(
      (
        await post(analyst, `/cases/${code}/interview`, {
          record: '约谈记录',
          heldOn: '2027-03-05',
          participants: '企业负责人',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await post(analyst, `/cases/${code}/investigation`, {
          findings: '成本偏高',
          unitCost: '0.85',
        })
      ).status,
    ).toBe(200);
    const bad = await post(analyst, `/cases/${code}/outcome`, {
      outcome: 'price_cut',
      note: '承诺降价',
      newUnitPrice: '-1',
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'MONITORING.CASE_OUTCOME_INVALID' });
    const outcome = await post(analyst, `/cases/${code}/outcome`, {
      outcome: 'price_cut',
      note: '承诺降价',
      newUnitPrice: '1.25',
      effectiveDate: '2027-04-01',
    });
    expect(outcome.status).toBe(200);

    const record = (await get(analyst, `/cases/${code}`)).body as {
      status: string;
      outcome: string;
      steps: Json[];
      alerts: Json[];
    };
    expect(record).toMatchObject({ status: 'closed', outcome: 'price_cut' });
    expect(record.steps.map((s) => [s.kind, s.actorId])).toEqual([
      ['opened', cast.users.pricing_analyst.user.id],
      ['inquiry_sent', cast.users.pricing_analyst.user.id],
      ['replied', cast.users.supplier_user.user.id],
      ['interview', cast.users.pricing_analyst.user.id],
      ['investigation', cast.users.pricing_analyst.user.id],
      ['outcome', cast.users.pricing_analyst.user.id],
    ]);
    expect(record.steps[5]).toMatchObject({
      details: { outcome: 'price_cut', newUnitPrice: '1.250000', effectiveDate: '2027-04-01' },
    });
    expect(record.steps[4]).toMatchObject({ details: { unitCost: '0.850000' } });
    expect(record.steps.every((s) => typeof s.at === 'string')).toBe(true);
    // Closing resolved the alerts.
    expect(record.alerts.map((a) => a.status)).toEqual(['resolved', 'resolved']);
    // The supplier reads its own full record.
    expect((await get(supplierToken, `/cases/${code}`)).body).toMatchObject({
      code,
      status: 'closed',
    });
  });

  it('overdue replies are listed; suspension suspends the products’ listings (source price_case)', async () => {
    const { product, alerts } = await alertsAgainstSupplier(1);
    const listing = await makeListingPrice(t, product, cast.regions.county.code, {
      validFrom: '2026-01-01',
    });
    const code = (
      (await post(analyst, '/cases', { alertIds: [alerts[0].id], title: 'suspend' })).body as {
        code: string;
      }
    ).code;
    // A sanction needs the supplier asked first.
    const early = await post(analyst, `/cases/${code}/outcome`, {
      outcome: 'listing_suspended',
      note: 'x',
    });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'MONITORING.CASE_OUTCOME_NEEDS_INQUIRY' });

    await post(analyst, `/cases/${code}/inquiry`, { letter: '请说明' });
    const notYet = await get(analyst, `/cases?overdue=true&supplierId=${cast.manufacturer.id}`);
    expect((notYet.body as { items: Json[] }).items.map((c) => c.code)).not.toContain(code);
    clock.advance(20 * 86_400_000);
    const overdue = await get(analyst, `/cases?overdue=true&supplierId=${cast.manufacturer.id}`);
    expect(overdue.status).toBe(200);
    const item = (overdue.body as { items: Json[] }).items.find((c) => c.code === code);
    expect(item).toMatchObject({ replyOverdue: true, status: 'inquiry_sent' });

    const decided = await post(analyst, `/cases/${code}/outcome`, {
      outcome: 'listing_suspended',
      note: '拒不答复',
    });
    expect(decided.status).toBe(200);
    const row = await t.dataSource.getRepository(ListingPrice).findOneByOrFail({ id: listing.id });
    expect(row).toMatchObject({ status: 'suspended', suspensionSource: 'price_case' });
    const steps = (decided.body as { steps: Json[] }).steps;
    expect(steps[steps.length - 1]).toMatchObject({
      details: { outcome: 'listing_suspended', suspendedListingIds: [listing.id] },
    });
  });

  it('referred_to_credit records a credit case a supervisor reads, with the price case as its source', async () => {
    const { product, alerts } = await alertsAgainstSupplier(2);
    const code = (
      (await post(analyst, '/cases', { alertIds: alerts.map((a) => a.id), title: '操纵价格' }))
        .body as { code: string }
    ).code;
    // A referral is a sanction: the supplier is asked first.
    const early = await post(analyst, `/cases/${code}/outcome`, {
      outcome: 'referred_to_credit',
      note: 'x',
    });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'MONITORING.CASE_OUTCOME_NEEDS_INQUIRY' });
    expect((await post(analyst, `/cases/${code}/inquiry`, { letter: '请说明' })).status).toBe(200);
    expect((await post(supplierToken, `/cases/${code}/reply`, { text: '无异常' })).status).toBe(
      200,
    );
    // An unknown behaviour is refused by credit inside the same transaction: nothing changes.
    const badBehaviour = await post(analyst, `/cases/${code}/outcome`, {
      outcome: 'referred_to_credit',
      note: '移送',
      behaviour: 'jaywalking',
    });
    expect(badBehaviour.status).toBe(400);
    expect(badBehaviour.body).toMatchObject({ code: 'CREDIT.CASE_BEHAVIOUR_INVALID' });
    expect((await get(analyst, `/cases/${code}`)).body).toMatchObject({
      status: 'replied',
      creditCaseCode: null,
    });

    const referred = await post(analyst, `/cases/${code}/outcome`, {
      outcome: 'referred_to_credit',
      note: '移送信用评价',
      amount: '150000.00',
    });
    expect(referred.status).toBe(200);
    const record = referred.body as {
      status: string;
      outcome: string;
      creditCaseCode: string | null;
      steps: Json[];
      alerts: Json[];
    };
    expect(record).toMatchObject({ status: 'closed', outcome: 'referred_to_credit' });
    expect(record.creditCaseCode).toMatch(/^CC2027-\d{4,}$/);
    const last = record.steps[record.steps.length - 1];
    expect(last).toMatchObject({
      kind: 'outcome',
      actorId: cast.users.pricing_analyst.user.id,
      details: { outcome: 'referred_to_credit', creditCaseCode: record.creditCaseCode },
    });
    expect(record.alerts.map((a) => a.status)).toEqual(['resolved', 'resolved']);
    const creditCaseId = (last.details as { creditCaseId: string }).creditCaseId;

    // The supervisor of the same authority reads the credit case, waiting for its rating.
    const creditCase = await t
      .http()
      .get(`/api/v1/credit/cases/${creditCaseId}`)
      .set(bearer(cast.users.supervisor.token));
    expect(creditCase.status).toBe(200);
    expect(creditCase.body).toMatchObject({
      id: creditCaseId,
      code: record.creditCaseCode,
      supplierId: cast.manufacturer.id,
      supplierType: 'manufacturer',
      behaviour: 'price_manipulation',
      amount: '150000.00',
      // Both alerts name the same product: it is involved once.
      productIds: [product.id],
      source: { type: 'price_case', ref: code, date: chinaDate(clock.now()) },
      status: 'recorded',
      recordedBy: cast.users.pricing_analyst.user.id,
      rating: null,
    });
    expect((creditCase.body as { summary: string }).summary).toContain('移送信用评价');
    // Found by its code too; the supplier sees the case against itself, another region does not.
    const listed = await t
      .http()
      .get(`/api/v1/credit/cases?code=${record.creditCaseCode!}`)
      .set(bearer(cast.users.supervisor.token));
    expect((listed.body as { items: Json[] }).items.map((c) => c.id)).toEqual([creditCaseId]);
    expect(
      (await t.http().get(`/api/v1/credit/cases/${creditCaseId}`).set(bearer(supplierToken)))
        .status,
    ).toBe(200);
    const elsewhere = await makeCast(t);
    expect(
      (
        await t
          .http()
          .get(`/api/v1/credit/cases/${creditCaseId}`)
          .set(bearer(elsewhere.users.supervisor.token))
      ).status,
    ).toBe(404);
    // A closed case is referred once.
    const again = await post(analyst, `/cases/${code}/outcome`, {
      outcome: 'referred_to_credit',
      note: 'again',
    });
    expect(again.status).toBe(409);
  });

  it('refuses alerts of two suppliers, alerts already in a case, and unknown alerts', async () => {
    const { alerts } = await alertsAgainstSupplier(1);
    const other = await insertAlert(t, {
      regionCode: cast.regions.county.code,
      supplierId: cast.distributor.id,
    });
    const mixed = await post(analyst, '/cases', { alertIds: [alerts[0].id, other.id], title: 'x' });
    expect(mixed.status).toBe(400);
    expect(mixed.body).toMatchObject({ code: 'MONITORING.CASE_SUPPLIER_MISMATCH' });

    expect((await post(analyst, '/cases', { alertIds: [alerts[0].id], title: 'a' })).status).toBe(
      201,
    );
    const twice = await post(analyst, '/cases', { alertIds: [alerts[0].id], title: 'b' });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ code: 'MONITORING.CASE_ALERT_UNAVAILABLE' });

    const unknown = await post(analyst, '/cases', { alertIds: ['999999999'], title: 'c' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'MONITORING.CASE_ALERTS_INVALID' });
    const empty = await post(analyst, '/cases', { alertIds: [], title: 'c' });
    expect(empty.status).toBe(400);
    expect(JSON.stringify(empty.body)).toContain('alertIds');

    // An alert without a supplier needs one named.
    const anonymous = await insertAlert(t, { regionCode: cast.regions.county.code });
    const unnamed = await post(analyst, '/cases', { alertIds: [anonymous.id], title: 'd' });
    expect(unnamed.status).toBe(400);
    const named = await post(analyst, '/cases', {
      alertIds: [anonymous.id],
      title: 'd',
      supplierId: cast.distributor.id,
    });
    expect(named.status).toBe(201);
    // Closed without consequence at once; the alert is resolved with it.
    const code = (named.body as { code: string }).code;
    const closed = await post(analyst, `/cases/${code}/outcome`, {
      outcome: 'closed',
      note: '误报',
    });
    expect(closed.status).toBe(200);
    expect((await get(analyst, `/alerts/${anonymous.id}`)).body).toMatchObject({
      status: 'resolved',
    });
    expect((await post(analyst, `/cases/${code}/inquiry`, { letter: 'late' })).status).toBe(409);
  });

  it('scope: other authorities, hospitals and unknown codes get 404 or 403', async () => {
    const { alerts } = await alertsAgainstSupplier(1);
    const code = (
      (await post(analyst, '/cases', { alertIds: [alerts[0].id], title: 'scope' })).body as {
        code: string;
      }
    ).code;
    const elsewhere = await makeCast(t);
    expect((await get(elsewhere.users.pricing_analyst.token, `/cases/${code}`)).status).toBe(404);
    expect((await get(cast.users.hospital_user.token, `/cases/${code}`)).status).toBe(403);
    expect((await get(analyst, '/cases/PC1999-0001')).status).toBe(404);
    expect((await get(cast.users.auditor.token, `/cases/${code}`)).status).toBe(200);
    expect(
      (await post(cast.users.auditor.token, `/cases/${code}/inquiry`, { letter: 'x' })).status,
    ).toBe(403);
  });
});
