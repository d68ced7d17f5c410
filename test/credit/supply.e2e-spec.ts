import { Clock } from '../../src/common/clock';
import { Role } from '../../src/common/auth/roles';
import { AgreementRow, ExecutionCast, makeExecutionCast } from '../factories/execution';
import { makeApiKey, makeOrganisation, makeRegion, makeUser } from '../factories/identity';
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

/**
 * §K5 every route's errors, idempotent reports with history, API keys, alert life cycle,
 * backup choice rules, and the role / region matrix (out of scope is 404, a wrong role 403).
 */
describe('§K5 supply assurance routes', () => {
  let t: TestApp;
  let clock: TestClock;
  let cast: ExecutionCast;
  let month: string;
  let today: string;
  let winner: ExecutionCast['suppliers'][number];
  let hospital: ExecutionCast['hospitals'][number];
  let agreement: AgreementRow;
  let supervisor: string;
  let otherOfficer: string;
  let distributor: string;
  const roleTokens: Record<string, string> = {};

  beforeAll(async () => {
    clock = new TestClock();
    t = await startApp({}, { providers: [{ provide: Clock, useValue: clock }] });
    cast = await makeExecutionCast(t, clock);
    const china = new Date(clock.now().getTime() + 8 * HOUR).toISOString();
    month = china.slice(0, 7);
    today = china.slice(0, 10);
    hospital = cast.hospitals[0];
    agreement = cast.agreements.find((a) => a.hospitalId === hospital.org.id)!;
    winner = cast.suppliers.find((s) => s.org.id === agreement.supplierId)!;
    supervisor = (await makeUser(t, cast.authority, ['supervisor'])).token;
    // An authority of an unrelated region: sees none of the cast's regions.
    const elsewhere = await makeOrganisation(t, 'authority', {
      regionCode: (await makeRegion(t)).code,
    });
    otherOfficer = (await makeUser(t, elsewhere, ['procurement_officer'])).token;
    distributor = cast.distributor.token;
    Object.assign(roleTokens, {
      hospital_user: hospital.token,
      supplier_user: winner.token,
      auditor: cast.auditor.token,
      procurement_officer: cast.officer.token,
      supervisor,
    });
  });
  afterAll(() => t.close());

  const put = (headers: Record<string, string>, m: string, items: object[]) =>
    t
      .http()
      .put(api(`/reports/${m}`))
      .set(headers)
      .send({ items });
  const full = (productId: string, stock = '100') => ({
    productId,
    stockQuantity: stock,
    capacityQuantity: '1000',
    reserveQuantity: '50',
  });

  describe('supply reports', () => {
    it('replaces a report with new figures and keeps the old version', async () => {
      const first = await put(bearer(winner.token), month, [full(winner.product.id, '100')]).expect(
        200,
      );
      const second = await put(bearer(winner.token), month, [
        full(winner.product.id, '250.5'),
      ]).expect(200);
      expect(second.body).toMatchObject({ created: 0, replaced: 1, unchanged: 0 });
      const id = first.body.items[0].id as string;
      expect(second.body.items[0]).toMatchObject({ id, version: 2, stockQuantity: '250.500' });
      const read = await t
        .http()
        .get(api(`/reports/${id}`))
        .set(bearer(winner.token))
        .expect(200);
      expect(read.body).toMatchObject({
        supplierId: winner.org.id,
        supplierType: 'manufacturer',
        month,
        version: 2,
        stockQuantity: '250.500',
        capacityQuantity: '1000.000',
        reserveQuantity: '50.000',
        source: 'api',
      });
      expect(read.body.revisions).toEqual([
        expect.objectContaining({ version: 1, stockQuantity: '100.000' }),
      ]);
      // Another supplier cannot read it; an authority can.
      const other = cast.suppliers.find((s) => s.org.id !== winner.org.id)!;
      await t
        .http()
        .get(api(`/reports/${id}`))
        .set(bearer(other.token))
        .expect(404);
      await t
        .http()
        .get(api(`/reports/${id}`))
        .set(bearer(cast.auditor.token))
        .expect(200);
      const own = await t.http().get(api('/reports')).set(bearer(other.token)).expect(200);
      expect(
        own.body.items.every((r: { supplierId: string }) => r.supplierId === other.org.id),
      ).toBe(true);
      const all = await t
        .http()
        .get(api(`/reports?supplierId=${winner.org.id}&month=${month}`))
        .set(bearer(cast.officer.token))
        .expect(200);
      expect(all.body.total).toBe(1);
    });

    it.each([
      [
        'a malformed month',
        'bad',
        () => [full(winner.product.id)],
        400,
        'SUPPLY.MONTH_INVALID',
        'month',
      ],
      [
        'a future month',
        'FUTURE',
        () => [full(winner.product.id)],
        400,
        'SUPPLY.MONTH_INVALID',
        'month',
      ],
      [
        'no capacity from a manufacturer',
        'NOW',
        () => [{ productId: winner.product.id, stockQuantity: '1', reserveQuantity: '1' }],
        400,
        'SUPPLY.REPORT_FIELDS_INVALID',
        'items[0].capacityQuantity',
      ],
      [
        'a negative stock',
        'NOW',
        () => [full(winner.product.id, '-1')],
        400,
        'SUPPLY.QUANTITY_INVALID',
        'items[0].stockQuantity',
      ],
      [
        'a product twice',
        'NOW',
        () => [full(winner.product.id), full(winner.product.id)],
        400,
        'SUPPLY.REPORT_PRODUCT_REPEATED',
        'items[1].productId',
      ],
      [
        'a product not awarded to the supplier',
        'NOW',
        () => [full(cast.listed.id)],
        400,
        'SUPPLY.PRODUCT_NOT_AWARDED',
        'items[0].productId',
      ],
    ])('refuses %s', async (_name, m, items, status, code, field) => {
      const target =
        m === 'NOW' ? month : m === 'FUTURE' ? `${Number(month.slice(0, 4)) + 1}-01` : m;
      const res = await put(bearer(winner.token), target, items()).expect(status);
      expect(res.body.code).toBe(code);
      expect(res.body.message).toContain(field);
    });

    it('refuses unknown fields', async () => {
      const res = await t
        .http()
        .put(api(`/reports/${month}`))
        .set(bearer(winner.token))
        .send({ items: [{ ...full(winner.product.id), colour: 'red' }] })
        .expect(400);
      expect(res.body.code).toBe('COMMON.VALIDATION_FAILED');
    });

    it('takes stock only from a distributor, for products under an agreement', async () => {
      const refused = await put(bearer(distributor), month, [full(winner.product.id)]).expect(400);
      expect(refused.body.code).toBe('SUPPLY.REPORT_FIELDS_INVALID');
      const ok = await put(bearer(distributor), month, [
        { productId: winner.product.id, stockQuantity: '40' },
      ]).expect(200);
      expect(ok.body.items[0]).toMatchObject({
        supplierType: 'distributor',
        capacityQuantity: null,
        reserveQuantity: null,
      });
      const notKey = await put(bearer(distributor), month, [
        { productId: cast.listed.id, stockQuantity: '40' },
      ]).expect(400);
      expect(notKey.body.code).toBe('SUPPLY.PRODUCT_NOT_AWARDED');
    });

    it('accepts the supplier’s API key with supply:write only', async () => {
      const key = await makeApiKey(t, winner.org, ['supply:write']);
      const ok = await put({ 'X-Api-Key': key.key }, month, [full(winner.product.id, '77')]).expect(
        200,
      );
      expect(ok.body.items[0]).toMatchObject({ stockQuantity: '77.000' });
      const readOnly = await makeApiKey(t, winner.org, ['usage:read']);
      await put({ 'X-Api-Key': readOnly.key }, month, [full(winner.product.id)]).expect(403);
      const hospitalKey = await makeApiKey(t, hospital.org, ['supply:write']);
      const refused = await put({ 'X-Api-Key': hospitalKey.key }, month, [
        full(winner.product.id),
      ]).expect(403);
      expect(refused.body.code).toBe('COMMON.FORBIDDEN');
    });
  });

  describe('shortages', () => {
    it('attaches a shortage to the hospital’s agreement and scopes the list', async () => {
      const res = await t
        .http()
        .post(api('/shortages'))
        .set(bearer(hospital.token))
        .send({ productId: agreement.productId, shortageDate: today, note: '缺货' })
        .expect(201);
      expect(res.body).toMatchObject({
        hospitalId: hospital.org.id,
        agreementId: agreement.id,
        supplierId: agreement.supplierId,
        regionCode: hospital.org.regionCode,
      });
      const mine = await t.http().get(api('/shortages')).set(bearer(hospital.token)).expect(200);
      expect(mine.body.items.map((s: { id: string }) => s.id)).toContain(res.body.id);
      const otherHospital = cast.hospitals[1];
      const theirs = await t
        .http()
        .get(api('/shortages'))
        .set(bearer(otherHospital.token))
        .expect(200);
      expect(theirs.body.items.map((s: { id: string }) => s.id)).not.toContain(res.body.id);
      const region = await t
        .http()
        .get(api('/shortages'))
        .set(bearer(cast.officer.token))
        .expect(200);
      expect(region.body.items.map((s: { id: string }) => s.id)).toContain(res.body.id);
      const outside = await t.http().get(api('/shortages')).set(bearer(otherOfficer)).expect(200);
      expect(outside.body.total).toBe(0);
    });

    it.each([
      [
        'a product without an agreement',
        () => cast.listed.id,
        () => today,
        400,
        'SUPPLY.NO_AGREEMENT',
        'productId',
      ],
      [
        'a future date',
        () => agreement.productId,
        () => '2999-01-01',
        400,
        'SUPPLY.DATE_INVALID',
        'shortageDate',
      ],
      [
        'a date that does not exist',
        () => agreement.productId,
        () => '2026-02-30',
        400,
        'SUPPLY.DATE_INVALID',
        'shortageDate',
      ],
      [
        'an unknown product',
        () => '999999999',
        () => today,
        404,
        'SUPPLY.PRODUCT_NOT_FOUND',
        'productId',
      ],
    ])('refuses %s', async (_n, product, date, status, code, field) => {
      const res = await t
        .http()
        .post(api('/shortages'))
        .set(bearer(hospital.token))
        .send({ productId: product(), shortageDate: date(), note: 'x' })
        .expect(status);
      expect(res.body.code).toBe(code);
      expect(res.body.message).toContain(field);
    });
  });

  describe('evaluations and alerts', () => {
    let alertId: string;

    it('evaluates a month and runs the alert life cycle', async () => {
      await put(bearer(winner.token), month, [full(winner.product.id, '0')]).expect(200);
      const evaluation = await t
        .http()
        .post(api('/evaluations'))
        .set(bearer(supervisor))
        .send({})
        .expect(200);
      expect(evaluation.body.month).toBe(month);
      const list = await t
        .http()
        .get(api(`/alerts?rule=low_stock&supplierId=${winner.org.id}`))
        .set(bearer(cast.officer.token))
        .expect(200);
      expect(list.body.total).toBeGreaterThanOrEqual(1);
      alertId = list.body.items[0].id;
      // The supplier sees its own alerts; an authority elsewhere sees none of them.
      await t
        .http()
        .get(api(`/alerts/${alertId}`))
        .set(bearer(winner.token))
        .expect(200);
      const other = cast.suppliers.find((s) => s.org.id !== winner.org.id)!;
      await t
        .http()
        .get(api(`/alerts/${alertId}`))
        .set(bearer(other.token))
        .expect(404);
      await t
        .http()
        .get(api(`/alerts/${alertId}`))
        .set(bearer(otherOfficer))
        .expect(404);
      await t
        .http()
        .post(api(`/alerts/${alertId}/acknowledge`))
        .set(bearer(otherOfficer))
        .expect(404);

      const ack = await t
        .http()
        .post(api(`/alerts/${alertId}/acknowledge`))
        .set(bearer(cast.officer.token))
        .expect(200);
      expect(ack.body).toMatchObject({
        status: 'acknowledged',
        acknowledgedAt: expect.any(String),
      });
      const again = await t
        .http()
        .post(api(`/alerts/${alertId}/acknowledge`))
        .set(bearer(cast.officer.token))
        .expect(409);
      expect(again.body.code).toBe('SUPPLY.ALERT_STATE_CONFLICT');
      const noNote = await t
        .http()
        .post(api(`/alerts/${alertId}/resolve`))
        .set(bearer(cast.officer.token))
        .send({ note: '' })
        .expect(400);
      expect(noNote.body.message).toContain('note');
      const resolved = await t
        .http()
        .post(api(`/alerts/${alertId}/resolve`))
        .set(bearer(supervisor))
        .send({ note: '企业已补货' })
        .expect(200);
      expect(resolved.body).toMatchObject({ status: 'resolved', resolutionNote: '企业已补货' });
      // A later evaluation of the month neither reopens nor duplicates it.
      await t.http().post(api('/evaluations')).set(bearer(supervisor)).send({ month }).expect(200);
      const after = await t
        .http()
        .get(api(`/alerts/${alertId}`))
        .set(bearer(cast.officer.token))
        .expect(200);
      expect(after.body.status).toBe('resolved');
    });

    it.each([
      [{ month: '2026-13' }, 400, 'COMMON.VALIDATION_FAILED'],
      [{ month: '2999-01' }, 400, 'SUPPLY.MONTH_INVALID'],
      [{ month: '2026-01', extra: 1 }, 400, 'COMMON.VALIDATION_FAILED'],
    ])('refuses evaluation %j', async (body, status, code) => {
      const res = await t
        .http()
        .post(api('/evaluations'))
        .set(bearer(cast.officer.token))
        .send(body)
        .expect(status);
      expect(res.body.code).toBe(code);
    });

    it('answers 404 for unknown alerts and 400 for bad filters', async () => {
      const res = await t
        .http()
        .get(api('/alerts/999999999'))
        .set(bearer(cast.officer.token))
        .expect(404);
      expect(res.body.code).toBe('SUPPLY.ALERT_NOT_FOUND');
      await t.http().get(api('/alerts?rule=nope')).set(bearer(cast.officer.token)).expect(400);
      await t.http().get(api('/alerts?pageSize=500')).set(bearer(cast.officer.token)).expect(400);
    });
  });

  describe('backup activation', () => {
    let rows: SupplyRow[];
    let region: string;

    beforeAll(async () => {
      const res = await t
        .http()
        .get(`/api/v1/procurement/rounds/${cast.round.id}/lots/${cast.lot.id}/supply-regions`)
        .set(bearer(cast.officer.token))
        .expect(200);
      // A region other than the first hospital's (left for the flow of failures below).
      region = cast.hospitals[1].org.regionCode!;
      rows = (res.body as SupplyRow[]).filter((r) => r.regionCode === region);
    });

    const activate = (token: string, body: object) =>
      t.http().post(api('/activations')).set(bearer(token)).send(body);

    it.each([
      [
        'a region the lot is not supplied in',
        // The city is in the officer's scope, but the lot's supply regions are its counties.
        () => ({ regionCode: cast.regions.city.code }),
        404,
        'PROCUREMENT.SUPPLY_REGION_NOT_FOUND',
      ],
      [
        'an unknown lot',
        () => ({ lotId: '999999999' }),
        404,
        'PROCUREMENT.SUPPLY_REGION_NOT_FOUND',
      ],
      [
        'the primary as its own backup',
        () => ({ backupBidId: rows.find((r) => r.duty === 'primary')!.bidId }),
        409,
        'PROCUREMENT.BACKUP_NOT_ELIGIBLE',
      ],
      [
        'a bid that is no backup',
        () => ({ backupBidId: '999999999' }),
        409,
        'PROCUREMENT.BACKUP_NOT_ELIGIBLE',
      ],
      ['no reason', () => ({ reason: '' }), 400, 'COMMON.VALIDATION_FAILED'],
      ['a malformed region', () => ({ regionCode: '12' }), 400, 'COMMON.VALIDATION_FAILED'],
    ])('refuses %s', async (_n, over, status, code) => {
      const res = await activate(cast.officer.token, {
        lotId: cast.lot.id,
        regionCode: region,
        reason: '断供',
        ...over(),
      }).expect(status);
      expect(res.body.code).toBe(code);
    });

    it('keeps regions outside the officer’s scope hidden', async () => {
      const res = await activate(otherOfficer, {
        lotId: cast.lot.id,
        regionCode: region,
        reason: '断供',
      }).expect(404);
      expect(res.body.code).toBe('IDENTITY.REGION_NOT_FOUND');
    });

    it('activates a chosen backup, then the next ones in rank order, then has none left', async () => {
      const backups = rows
        .filter((r) => r.duty === 'backup')
        .sort((a, b) => a.position - b.position);
      expect(backups.length).toBeGreaterThanOrEqual(1);
      // The officer picks the last-ranked backup; then each default activation takes the best
      // ranked backup that has not served, replacing the one before it.
      const last = backups[backups.length - 1];
      const chosen = await activate(cast.officer.token, {
        lotId: cast.lot.id,
        regionCode: region,
        backupBidId: last.bidId,
        reason: '选定备供',
      }).expect(201);
      expect(chosen.body).toMatchObject({ backupBidId: last.bidId, agreementsReplaced: 1 });
      const ids = [chosen.body.id as string];
      let current = last.bidId;
      for (const next of backups.slice(0, -1)) {
        const res = await activate(cast.officer.token, {
          lotId: cast.lot.id,
          regionCode: region,
          reason: '备供亦断供',
        }).expect(201);
        expect(res.body).toMatchObject({
          failingBidId: current,
          backupBidId: next.bidId,
          agreementsReplaced: 1,
        });
        ids.push(res.body.id as string);
        current = next.bidId;
      }
      const none = await activate(cast.officer.token, {
        lotId: cast.lot.id,
        regionCode: region,
        reason: '再次',
      }).expect(409);
      expect(none.body.code).toBe('PROCUREMENT.NO_BACKUP_AVAILABLE');
      const listed = await t
        .http()
        .get(api(`/activations?regionCode=${region}&order=asc`))
        .set(bearer(cast.auditor.token))
        .expect(200);
      expect(listed.body.items.map((a: { id: string }) => a.id)).toEqual(ids);
      const hidden = await t.http().get(api('/activations')).set(bearer(otherOfficer)).expect(200);
      expect(hidden.body.total).toBe(0);
      await t
        .http()
        .get(api(`/activations/${chosen.body.id}`))
        .set(bearer(otherOfficer))
        .expect(404);
      await t
        .http()
        .get(api(`/activations/${chosen.body.id}`))
        .set(bearer(supervisor))
        .expect(200);
    });
  });

  describe('supply failures', () => {
    const body = (over: object = {}) => ({
      supplierId: winner.org.id,
      lotId: cast.lot.id,
      productId: winner.product.id,
      regionCode: hospital.org.regionCode,
      periodFrom: today,
      periodTo: today,
      description: '未按约定供货',
      alertIds: [],
      ...over,
    });

    it.each([
      [
        'a period ending before it starts',
        () => ({ periodFrom: '2026-03-02', periodTo: '2026-03-01' }),
        400,
        'SUPPLY.PERIOD_INVALID',
        'periodTo',
      ],
      [
        'an impossible date',
        () => ({ periodFrom: '2026-02-30' }),
        400,
        'SUPPLY.DATE_INVALID',
        'periodFrom',
      ],
      [
        'an unknown alert',
        () => ({ alertIds: ['999999999'] }),
        400,
        'SUPPLY.ALERTS_NOT_FOUND',
        'alertIds[0]',
      ],
      [
        'a hospital as supplier',
        () => ({ supplierId: hospital.org.id }),
        404,
        'SUPPLY.SUPPLIER_NOT_FOUND',
        'supplierId',
      ],
      ['an unknown lot', () => ({ lotId: '999999999' }), 404, 'SUPPLY.LOT_NOT_FOUND', 'lotId'],
      [
        'an unknown activation',
        () => ({ activationId: '999999999' }),
        404,
        'SUPPLY.ACTIVATION_NOT_FOUND',
        'activationId',
      ],
    ])('refuses %s', async (_n, over, status, code, field) => {
      const res = await t
        .http()
        .post(api('/failures'))
        .set(bearer(cast.officer.token))
        .send(body(over()))
        .expect(status);
      expect(res.body.code).toBe(code);
      expect(res.body.message).toContain(field);
    });

    it('records, lists by scope and refuses an unknown failure', async () => {
      const res = await t
        .http()
        .post(api('/failures'))
        .set(bearer(supervisor))
        .send(body())
        .expect(201);
      expect(res.body.code).toMatch(/^SF\d{6}-[2-9A-Z]{6}$/);
      const list = await t
        .http()
        .get(api('/failures?escalated=false'))
        .set(bearer(cast.auditor.token))
        .expect(200);
      expect(list.body.items.map((f: { id: string }) => f.id)).toContain(res.body.id);
      await t
        .http()
        .get(api(`/failures/${res.body.id}`))
        .set(bearer(otherOfficer))
        .expect(404);
      const hidden = await t.http().get(api('/failures')).set(bearer(otherOfficer)).expect(200);
      expect(hidden.body.total).toBe(0);
      await t
        .http()
        .post(api(`/failures/${res.body.id}/escalation`))
        .set(bearer(otherOfficer))
        .send({})
        .expect(404);
      const bad = await t
        .http()
        .post(api(`/failures/${res.body.id}/escalation`))
        .set(bearer(supervisor))
        .send({ amount: '-5' })
        .expect(400);
      expect(bad.body.message).toContain('amount');
      const missing = await t
        .http()
        .get(api('/failures/999999999'))
        .set(bearer(cast.officer.token))
        .expect(404);
      expect(missing.body.code).toBe('SUPPLY.FAILURE_NOT_FOUND');
    });
  });

  // Which roles may call each route: any other role gets 403 before anything is read.
  const ROUTES: Array<[string, string, () => string, Role[]]> = [
    ['PUT', 'reports', () => `/reports/${month}`, ['supplier_user']],
    [
      'GET',
      'reports',
      () => '/reports',
      ['supplier_user', 'auditor', 'procurement_officer', 'supervisor'],
    ],
    ['POST', 'shortages', () => '/shortages', ['hospital_user']],
    [
      'GET',
      'shortages',
      () => '/shortages',
      ['hospital_user', 'auditor', 'procurement_officer', 'supervisor'],
    ],
    ['POST', 'evaluations', () => '/evaluations', ['procurement_officer', 'supervisor']],
    [
      'GET',
      'alerts',
      () => '/alerts',
      ['supplier_user', 'auditor', 'procurement_officer', 'supervisor'],
    ],
    ['POST', 'acknowledge', () => '/alerts/1/acknowledge', ['procurement_officer', 'supervisor']],
    ['POST', 'resolve', () => '/alerts/1/resolve', ['procurement_officer', 'supervisor']],
    ['POST', 'activations', () => '/activations', ['procurement_officer']],
    ['GET', 'activations', () => '/activations', ['auditor', 'procurement_officer', 'supervisor']],
    ['POST', 'failures', () => '/failures', ['procurement_officer', 'supervisor']],
    ['GET', 'failures', () => '/failures', ['auditor', 'procurement_officer', 'supervisor']],
    ['POST', 'escalation', () => '/failures/1/escalation', ['procurement_officer', 'supervisor']],
  ];
  const ROLES: Role[] = [
    'hospital_user',
    'supplier_user',
    'auditor',
    'procurement_officer',
    'supervisor',
  ];

  it.each(
    ROUTES.flatMap(([method, name, path, allowed]) =>
      ROLES.map((role) => [method, name, role, path, allowed.includes(role)] as const),
    ),
  )('%s %s as %s', async (method, _name, role, path, allowed) => {
    const req = t.http()[method.toLowerCase() as 'get' | 'post' | 'put'](api(path()));
    const res = await req.set(bearer(roleTokens[role])).send({});
    if (allowed) expect(res.status).not.toBe(403);
    else {
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('COMMON.FORBIDDEN');
    }
  });
});
