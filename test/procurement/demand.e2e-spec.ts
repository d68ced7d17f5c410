import ExcelJS from 'exceljs';
import type { Response } from 'supertest';
import { Clock } from '../../src/common/clock';
import { Lot } from '../../src/modules/procurement/lots/lot.entity';
import { PurchaseHistory } from '../../src/modules/procurement/demand/purchase-history';
import { makeDrug } from '../factories/catalog';
import { makeOrganisation, makeRegion, makeUser } from '../factories/identity';
import {
  makeProcurementCast,
  makeRoundWithLot,
  ProcurementCast,
  transition,
} from '../factories/procurement';
import { downloadTemplate, loadWorkbook, settled, upload } from '../imports/workbooks';
import { bearer, startApp, TestApp, uniq } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

type Json = Record<string, unknown>;

const KIND = 'procurement.demand';
const SHEET = '报量 Demand';
const HEADERS = [
  '品种编号 Lot code',
  '品种名称 Lot name',
  '代表品规格 Representative spec',
  '医疗机构编码 Hospital code',
  '年度需求量 Annual quantity',
  '指定品牌产品代码 Brand product code',
  '说明 Reason',
];

/** Purchase history the test sets per hospital and lot; none unless set (as with no §E data). */
class TestHistory extends PurchaseHistory {
  readonly known = new Map<string, string>();

  twelveMonths(hospitalId: string, lot: Lot): Promise<string | null> {
    return Promise.resolve(this.known.get(`${hospitalId}:${lot.id}`) ?? null);
  }
}

function expectError(res: Response, status: number, code: string, ...words: string[]) {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  for (const w of words) expect(res.body.message).toContain(w);
}

describe('procurement: demand reporting (§P3 报量)', () => {
  let t: TestApp;
  let clock: TestClock;
  let history: TestHistory;
  let cast: ProcurementCast;
  let officer: string;
  /** An officer of another province: sees none of this cast's rounds. */
  let outsider: string;

  const api = (path: string) => `/api/v1/procurement${path}`;
  const put = (token: string, roundId: string, lotId: string, body: object) =>
    t
      .http()
      .put(api(`/rounds/${roundId}/demand/${lotId}`))
      .set(bearer(token))
      .send(body);
  const get = (token: string, path: string, query: Json = {}) =>
    t.http().get(api(path)).query(query).set(bearer(token));
  const review = (token: string, id: string, action: 'confirm' | 'return', body: object = {}) =>
    t
      .http()
      .post(api(`/demand-reports/${id}/${action}`))
      .set(bearer(token))
      .send(body);
  const auditOf = async (id: string): Promise<Json[]> =>
    (
      await t
        .http()
        .get('/api/v1/audit/events')
        .query({ entityType: 'demand_report', entityId: id, pageSize: 200 })
        .set(bearer(t.adminToken))
        .expect(200)
    ).body.items;

  /** A round collecting demand over the cast's city, with lots L001 (all products) and L002. */
  async function openRound() {
    const { round, lot } = await makeRoundWithLot(t, cast, { now: clock.now() });
    const second = await t
      .http()
      .post(api(`/rounds/${round.id}/lots`))
      .set(bearer(officer))
      .send({
        code: 'L002',
        name: '氨氯地平 口服常释剂型',
        dosageFormClass: 'oral_solid',
        representative: { strength: '5', strengthUnit: 'mg', dosageForm: 'tablet', packSize: 28 },
        maxValidUnitPrice: '0.500000',
        admittedProductIds: [cast.suppliers[0].product.id],
      })
      .expect(201);
    await transition(t, officer, round.id, 'open_demand');
    return { round, lots: [lot, second.body as { id: string; code: string }] };
  }

  const countyLead = (roundId: string, hospitalId: string) =>
    t
      .http()
      .put(api(`/rounds/${roundId}/participants/${hospitalId}/county-lead`))
      .set(bearer(officer))
      .send({ countyLead: true })
      .expect(200);

  beforeAll(async () => {
    clock = new TestClock();
    history = new TestHistory();
    // The test moves the clock past deadlines itself; the timer must not act in between.
    t = await startApp(
      { ROUND_TIMER_SECONDS: '86400' },
      {
        providers: [
          { provide: Clock, useValue: clock },
          { provide: PurchaseHistory, useValue: history },
        ],
      },
    );
    // Hospitals 0 and 3 share a county, as do 1 and 4, and 2 and 5.
    cast = await makeProcurementCast(t, { hospitals: 6, suppliers: 3 });
    officer = cast.officer.token;
    const elsewhere = await makeOrganisation(t, 'authority', {
      regionCode: (await makeRegion(t)).code,
    });
    outsider = (await makeUser(t, elsewhere, ['procurement_officer'])).token;
  });
  afterAll(() => t.close());

  describe('PUT /rounds/:roundId/demand/:lotId', () => {
    it('creates a report, replaces it, and audits both', async () => {
      const { round, lots } = await openRound();
      const [h0] = cast.hospitals;
      const first = await put(h0.token, round.id, lots[0].id, { quantity: '12000' }).expect(200);
      expect(first.body).toMatchObject({
        roundId: round.id,
        lotId: lots[0].id,
        lotCode: 'L001',
        hospitalId: h0.org.id,
        hospitalCode: h0.org.code,
        hospitalName: h0.org.name,
        quantity: '12000.000',
        brandProductId: null,
        brandProductCode: null,
        historyQuantity: null,
        reason: null,
        status: 'reported',
        reviewNote: null,
        reportedByOrgId: h0.org.id,
        reviewedBy: null,
        reviewedAt: null,
      });

      const brand = cast.suppliers[1].product;
      const second = await put(h0.token, round.id, lots[0].id, {
        quantity: '11500.5',
        brandProductId: brand.id,
        reason: '  门诊量下降  ',
      }).expect(200);
      expect(second.body).toMatchObject({
        id: first.body.id,
        quantity: '11500.500',
        brandProductId: brand.id,
        brandProductCode: brand.code,
        reason: '门诊量下降',
        status: 'reported',
      });

      const list = await get(h0.token, `/rounds/${round.id}/demand`).expect(200);
      expect(list.body).toMatchObject({ total: 1, page: 1 });
      expect(list.body.items[0]).toEqual(second.body);

      const events = await auditOf(first.body.id);
      expect(events.map((e) => e.action)).toEqual(['demand.reported', 'demand.reported']);
      expect(events[0].before).toBeNull();
      expect(events[0].after).toMatchObject({ quantity: '12000.000', status: 'reported' });
      expect(events[1].before).toMatchObject({ quantity: '12000.000', brandProductId: null });
      expect(events[1].after).toMatchObject({
        quantity: '11500.500',
        brandProductId: brand.id,
        reason: '门诊量下降',
      });
    });

    it('refuses a brand that is not an admitted product of the lot, naming the field', async () => {
      const { round, lots } = await openRound();
      const h0 = cast.hospitals[0];
      // Supplier 1's product is admitted to L001 but not to L002.
      const res = await put(h0.token, round.id, lots[1].id, {
        quantity: '100',
        brandProductId: cast.suppliers[1].product.id,
      });
      expectError(res, 400, 'PROCUREMENT.DEMAND_BRAND_INVALID', 'brandProductId', 'L002');
      expect(res.body.details).toMatchObject({ field: 'brandProductId' });
      const stranger = await makeDrug(t);
      expectError(
        await put(h0.token, round.id, lots[0].id, { quantity: '1', brandProductId: stranger.id }),
        400,
        'PROCUREMENT.DEMAND_BRAND_INVALID',
      );
      expect((await get(h0.token, `/rounds/${round.id}/demand`).expect(200)).body.total).toBe(0);
    });

    it.each([
      ['-1', 'PROCUREMENT.DEMAND_QUANTITY_INVALID'],
      ['1.2345', 'PROCUREMENT.DEMAND_QUANTITY_INVALID'],
      ['1e3', 'PROCUREMENT.DEMAND_QUANTITY_INVALID'],
      ['', 'PROCUREMENT.DEMAND_QUANTITY_INVALID'],
    ])('refuses the quantity %j with %s', async (quantity, code) => {
      const { round, lots } = await openRound();
      const res = await put(cast.hospitals[0].token, round.id, lots[0].id, { quantity });
      expectError(res, 400, code, 'quantity');
      expect(res.body.details).toMatchObject({ field: 'quantity' });
    });

    it('refuses a reason longer than 500 characters and unknown fields', async () => {
      const { round, lots } = await openRound();
      const h0 = cast.hospitals[0];
      const long = await put(h0.token, round.id, lots[0].id, {
        quantity: '1',
        reason: '说'.repeat(501),
      });
      expectError(long, 400, 'PROCUREMENT.DEMAND_REASON_INVALID', 'reason');
      await put(h0.token, round.id, lots[0].id, { quantity: '1', reason: '说'.repeat(500) }).expect(
        200,
      );
      expectError(
        await put(h0.token, round.id, lots[0].id, { quantity: '1', price: '3' }),
        400,
        'COMMON.VALIDATION_FAILED',
        'price',
      );
    });

    it('needs a reason below 80 % of the 12-month purchase history, and stores the history', async () => {
      const { round, lots } = await openRound();
      const [, h1, h2] = cast.hospitals;
      history.known.set(`${h1.org.id}:${lots[0].id}`, '10000');

      const form = await get(h1.token, `/rounds/${round.id}/demand/form`).expect(200);
      expect(form.body.lots[0]).toMatchObject({
        lotCode: 'L001',
        history: '10000.000',
        minimumWithoutReason: '8000.000',
      });
      expect(form.body.lots[1]).toMatchObject({ history: null, minimumWithoutReason: null });

      const low = await put(h1.token, round.id, lots[0].id, { quantity: '7999.999' });
      expectError(low, 400, 'PROCUREMENT.DEMAND_REASON_REQUIRED', 'reason', '80%');
      expect(low.body.details).toMatchObject({
        field: 'reason',
        history: '10000',
        minimumWithoutReason: '8000',
      });
      expectError(
        await put(h1.token, round.id, lots[0].id, { quantity: '100', reason: '   ' }),
        400,
        'PROCUREMENT.DEMAND_REASON_REQUIRED',
      );
      const explained = await put(h1.token, round.id, lots[0].id, {
        quantity: '100',
        reason: '该品种转为门诊统筹用药',
      }).expect(200);
      expect(explained.body).toMatchObject({ quantity: '100.000', historyQuantity: '10000.000' });
      const atThreshold = await put(h1.token, round.id, lots[0].id, { quantity: '8000' }).expect(
        200,
      );
      expect(atThreshold.body).toMatchObject({ reason: null, historyQuantity: '10000.000' });

      // Without purchase history (no §E data) any quantity stands without a reason.
      const none = await put(h2.token, round.id, lots[0].id, { quantity: '0' }).expect(200);
      expect(none.body).toMatchObject({ quantity: '0.000', historyQuantity: null });
    });

    it('is for participants only: others get 404, suppliers and officers 403', async () => {
      const { round, lots } = await openRound();
      expectError(
        await put(cast.privateHospital.token, round.id, lots[0].id, { quantity: '1' }),
        404,
        'PROCUREMENT.DEMAND_NOT_PARTICIPANT',
      );
      const [h0, h1] = cast.hospitals;
      const other = await put(h0.token, round.id, lots[0].id, {
        quantity: '1',
        hospitalId: h1.org.id,
      });
      expectError(other, 404, 'PROCUREMENT.DEMAND_NOT_PARTICIPANT', 'hospitalId');
      expectError(
        await put(h0.token, '999999999', lots[0].id, { quantity: '1' }),
        404,
        'PROCUREMENT.ROUND_NOT_FOUND',
      );
      expectError(
        await put(h0.token, round.id, '999999999', { quantity: '1' }),
        404,
        'PROCUREMENT.LOT_NOT_FOUND',
      );
      for (const token of [cast.suppliers[0].token, officer])
        expectError(
          await put(token, round.id, lots[0].id, { quantity: '1' }),
          403,
          'COMMON.FORBIDDEN',
        );
      expect((await get(officer, `/rounds/${round.id}/demand`).expect(200)).body.total).toBe(0);
    });

    it('takes reports only inside the demand window, and freezes them after demand closes', async () => {
      const { round, lots } = await openRound();
      const h0 = cast.hospitals[0];
      const saved = await put(h0.token, round.id, lots[0].id, { quantity: '500' }).expect(200);

      // A draft round is not visible to hospitals at all.
      const { round: draft, lot: draftLot } = await makeRoundWithLot(t, cast, {
        now: clock.now(),
      });
      expectError(
        await put(h0.token, draft.id, draftLot.id, { quantity: '1' }),
        404,
        'PROCUREMENT.ROUND_NOT_FOUND',
      );

      clock.passes(round.timeline.demandClosesAt);
      const late = await put(h0.token, round.id, lots[0].id, { quantity: '600' });
      expectError(late, 409, 'PROCUREMENT.DEMAND_WINDOW_CLOSED', 'closed');
      expect(late.body.details).toMatchObject({ state: 'demand_collection' });

      await transition(t, officer, round.id, 'close_demand');
      const frozen = await put(h0.token, round.id, lots[1].id, { quantity: '600' });
      expectError(frozen, 409, 'PROCUREMENT.DEMAND_WINDOW_CLOSED', 'demand_closed');
      const form = await get(h0.token, `/rounds/${round.id}/demand/form`).expect(200);
      expect(form.body).toMatchObject({ roundStatus: 'demand_closed', editable: false });
      expect(
        form.body.lots.map((l: { report: Json | null }) => l.report?.quantity ?? null),
      ).toEqual(['500.000', null]);
      expect(form.body.lots[0].report).toEqual(saved.body);
    });
  });

  describe('county lead hospitals (统一报量)', () => {
    it('report for the participants of their own county only', async () => {
      const { round, lots } = await openRound();
      const [h0, h1, , h3] = cast.hospitals;
      await countyLead(round.id, h0.org.id);

      const forH3 = await put(h0.token, round.id, lots[0].id, {
        quantity: '250',
        hospitalId: h3.org.id,
      }).expect(200);
      expect(forH3.body).toMatchObject({
        hospitalId: h3.org.id,
        hospitalCode: h3.org.code,
        reportedByOrgId: h0.org.id,
      });
      await put(h0.token, round.id, lots[0].id, { quantity: '300' }).expect(200);
      await put(h1.token, round.id, lots[0].id, { quantity: '400' }).expect(200);

      expectError(
        await put(h0.token, round.id, lots[0].id, { quantity: '1', hospitalId: h1.org.id }),
        404,
        'PROCUREMENT.DEMAND_NOT_PARTICIPANT',
      );
      expectError(
        await put(h0.token, round.id, lots[0].id, {
          quantity: '1',
          hospitalId: cast.privateHospital.org.id,
        }),
        404,
        'PROCUREMENT.DEMAND_NOT_PARTICIPANT',
      );
      // The county's other hospitals are not leads: they report for themselves only.
      expectError(
        await put(h3.token, round.id, lots[0].id, { quantity: '1', hospitalId: h0.org.id }),
        404,
        'PROCUREMENT.DEMAND_NOT_PARTICIPANT',
      );

      const form = await get(h0.token, `/rounds/${round.id}/demand/form`, {
        hospitalId: h3.org.id,
      }).expect(200);
      expect(form.body).toMatchObject({ hospitalId: h3.org.id, hospitalCode: h3.org.code });
      expect(form.body.lots[0].report).toEqual(forH3.body);
      expectError(
        await get(h0.token, `/rounds/${round.id}/demand/form`, { hospitalId: h1.org.id }),
        404,
        'PROCUREMENT.DEMAND_NOT_PARTICIPANT',
      );
      expectError(
        await get(h3.token, `/rounds/${round.id}/demand/form`, { hospitalId: h0.org.id }),
        404,
        'PROCUREMENT.DEMAND_NOT_PARTICIPANT',
      );

      const hospitalsSeenBy = async (token: string) =>
        ((await get(token, `/rounds/${round.id}/demand`).expect(200)).body.items as Json[]).map(
          (r) => r.hospitalId,
        );
      expect((await hospitalsSeenBy(h0.token)).sort()).toEqual([h0.org.id, h3.org.id].sort());
      expect(await hospitalsSeenBy(h3.token)).toEqual([h3.org.id]);
      expect(await hospitalsSeenBy(h1.token)).toEqual([h1.org.id]);
    });
  });

  describe('GET /rounds/:roundId/demand/form', () => {
    it('lists every lot with the report (or null), the admitted products and the window', async () => {
      const { round, lots } = await openRound();
      const h2 = cast.hospitals[2];
      const saved = await put(h2.token, round.id, lots[1].id, { quantity: '42' }).expect(200);
      const res = await get(h2.token, `/rounds/${round.id}/demand/form`).expect(200);
      expect(res.body).toMatchObject({
        roundId: round.id,
        roundCode: round.code,
        roundStatus: 'demand_collection',
        demandOpensAt: round.timeline.demandOpensAt,
        demandClosesAt: round.timeline.demandClosesAt,
        reasonThreshold: '0.8',
        hospitalId: h2.org.id,
        hospitalCode: h2.org.code,
        editable: true,
      });
      expect(res.body.lots).toEqual([
        {
          lotId: lots[0].id,
          lotCode: 'L001',
          lotName: '阿托伐他汀钙 口服常释剂型',
          representative: { strength: '20', strengthUnit: 'mg', dosageForm: 'tablet', packSize: 7 },
          admittedProductIds: cast.suppliers.map((s) => s.product.id),
          history: null,
          minimumWithoutReason: null,
          report: null,
        },
        {
          lotId: lots[1].id,
          lotCode: 'L002',
          lotName: '氨氯地平 口服常释剂型',
          representative: { strength: '5', strengthUnit: 'mg', dosageForm: 'tablet', packSize: 28 },
          admittedProductIds: [cast.suppliers[0].product.id],
          history: null,
          minimumWithoutReason: null,
          report: saved.body,
        },
      ]);
      expectError(
        await get(cast.privateHospital.token, `/rounds/${round.id}/demand/form`),
        404,
        'PROCUREMENT.DEMAND_NOT_PARTICIPANT',
      );
      for (const token of [officer, cast.suppliers[0].token])
        expectError(await get(token, `/rounds/${round.id}/demand/form`), 403, 'COMMON.FORBIDDEN');
    });
  });

  describe('GET /rounds/:roundId/demand', () => {
    it('shows authorities every report, filtered and paged; others only theirs', async () => {
      const { round, lots } = await openRound();
      const [h0, h1, h2] = cast.hospitals;
      const a = await put(h0.token, round.id, lots[0].id, { quantity: '1' }).expect(200);
      const b = await put(h0.token, round.id, lots[1].id, { quantity: '2' }).expect(200);
      const c = await put(h1.token, round.id, lots[0].id, { quantity: '3' }).expect(200);
      await put(h2.token, round.id, lots[1].id, { quantity: '4' }).expect(200);
      await review(officer, c.body.id, 'confirm').expect(200);

      const ids = async (token: string, query: Json = {}) => {
        const res = await get(token, `/rounds/${round.id}/demand`, query).expect(200);
        return { total: res.body.total, ids: (res.body.items as Json[]).map((r) => r.id) };
      };
      expect((await ids(officer)).total).toBe(4);
      expect((await ids(cast.auditor.token)).total).toBe(4);
      expect(await ids(officer, { lotId: lots[0].id })).toEqual({
        total: 2,
        ids: [a.body.id, c.body.id],
      });
      expect(await ids(officer, { hospitalId: h0.org.id })).toEqual({
        total: 2,
        ids: [a.body.id, b.body.id],
      });
      expect(await ids(officer, { status: 'confirmed' })).toEqual({ total: 1, ids: [c.body.id] });
      expect(await ids(officer, { pageSize: 1, page: 2 })).toEqual({ total: 4, ids: [b.body.id] });
      expect(await ids(h0.token)).toEqual({ total: 2, ids: [a.body.id, b.body.id] });
      // A hospital's filter never widens its view.
      expect(await ids(h0.token, { hospitalId: h1.org.id })).toEqual({ total: 0, ids: [] });
      expect(await ids(cast.privateHospital.token)).toEqual({ total: 0, ids: [] });

      expectError(
        await get(outsider, `/rounds/${round.id}/demand`),
        404,
        'PROCUREMENT.ROUND_NOT_FOUND',
      );
      expectError(
        await get(cast.suppliers[0].token, `/rounds/${round.id}/demand`),
        403,
        'COMMON.FORBIDDEN',
      );
      expectError(
        await get(officer, `/rounds/${round.id}/demand`, { status: 'approved' }),
        400,
        'COMMON.VALIDATION_FAILED',
        'status',
      );
    });
  });

  describe('GET /rounds/:roundId/demand/completeness', () => {
    it('counts reported and missing lots per participant, with exact totals per lot', async () => {
      const { round, lots } = await openRound();
      const [h0, h1, h2] = cast.hospitals;
      await put(h0.token, round.id, lots[0].id, { quantity: '0.1' }).expect(200);
      await put(h0.token, round.id, lots[1].id, { quantity: '10' }).expect(200);
      await put(h1.token, round.id, lots[0].id, { quantity: '0.2' }).expect(200);
      const r = await put(h2.token, round.id, lots[0].id, { quantity: '999999999999.7' }).expect(
        200,
      );
      await review(officer, r.body.id, 'return', { note: '请核实数量' }).expect(200);

      const res = await get(officer, `/rounds/${round.id}/demand/completeness`, {
        pageSize: 200,
      }).expect(200);
      expect(res.body.summary).toEqual({
        participants: 6,
        complete: 1,
        incomplete: 5,
        reports: 4,
        lots: 2,
        statuses: { reported: 3, confirmed: 0, returned: 1 },
        byLot: [
          {
            lotId: lots[0].id,
            lotCode: 'L001',
            reports: 3,
            totalQuantity: '1000000000000.000',
          },
          { lotId: lots[1].id, lotCode: 'L002', reports: 1, totalQuantity: '10.000' },
        ],
      });
      expect(res.body.total).toBe(6);
      const byHospital = new Map((res.body.items as Json[]).map((p) => [p.hospitalId, p]));
      expect(byHospital.get(h0.org.id)).toEqual({
        hospitalId: h0.org.id,
        hospitalCode: h0.org.code,
        hospitalName: h0.org.name,
        regionCode: h0.org.regionCode,
        countyLead: false,
        participation: 'mandatory',
        lotsReported: 2,
        lotsTotal: 2,
        complete: true,
        missingLotCodes: [],
        statuses: { reported: 2, confirmed: 0, returned: 0 },
      });
      expect(byHospital.get(h2.org.id)).toMatchObject({
        lotsReported: 1,
        complete: false,
        missingLotCodes: ['L002'],
        statuses: { reported: 0, confirmed: 0, returned: 1 },
      });
      expect(byHospital.get(cast.hospitals[5].org.id)).toMatchObject({
        lotsReported: 0,
        missingLotCodes: ['L001', 'L002'],
      });

      const complete = await get(officer, `/rounds/${round.id}/demand/completeness`, {
        complete: 'true',
      }).expect(200);
      expect(complete.body.total).toBe(1);
      expect((complete.body.items as Json[]).map((p) => p.hospitalId)).toEqual([h0.org.id]);
      const incomplete = await get(officer, `/rounds/${round.id}/demand/completeness`, {
        complete: 'false',
        pageSize: 2,
        page: 3,
      }).expect(200);
      expect(incomplete.body).toMatchObject({ total: 5, page: 3, pageSize: 2 });
      expect(incomplete.body.items).toHaveLength(1);
      expect(incomplete.body.summary.participants).toBe(6);

      expectError(
        await get(officer, `/rounds/${round.id}/demand/completeness`, { complete: 'maybe' }),
        400,
        'COMMON.VALIDATION_FAILED',
        'complete',
      );
      expectError(
        await get(outsider, `/rounds/${round.id}/demand/completeness`),
        404,
        'PROCUREMENT.ROUND_NOT_FOUND',
      );
      for (const token of [h0.token, cast.suppliers[0].token])
        expectError(
          await get(token, `/rounds/${round.id}/demand/completeness`),
          403,
          'COMMON.FORBIDDEN',
        );
      await get(cast.auditor.token, `/rounds/${round.id}/demand/completeness`).expect(200);
    });
  });

  describe('confirm and return', () => {
    it('confirms and returns reports, and a resent report goes back for review', async () => {
      const { round, lots } = await openRound();
      const h0 = cast.hospitals[0];
      const saved = await put(h0.token, round.id, lots[0].id, { quantity: '900' }).expect(200);
      const id = saved.body.id as string;

      const confirmed = await review(officer, id, 'confirm', { note: '已核' }).expect(200);
      expect(confirmed.body).toMatchObject({
        id,
        status: 'confirmed',
        reviewNote: '已核',
        reviewedBy: expect.any(String),
      });
      expect(confirmed.body.reviewedAt).not.toBeNull();
      expectError(
        await review(officer, id, 'confirm'),
        409,
        'PROCUREMENT.DEMAND_STATUS_CONFLICT',
        'confirmed',
      );
      // The same report sent again changes nothing: it stays confirmed.
      const same = await put(h0.token, round.id, lots[0].id, { quantity: '900.000' }).expect(200);
      expect(same.body).toEqual(confirmed.body);

      expectError(
        await review(officer, id, 'return', { note: '   ' }),
        400,
        'PROCUREMENT.DEMAND_NOTE_REQUIRED',
        'note',
      );
      expectError(await review(officer, id, 'return'), 400, 'COMMON.VALIDATION_FAILED', 'note');
      const returned = await review(officer, id, 'return', { note: '数量偏低，请核实' }).expect(
        200,
      );
      expect(returned.body).toMatchObject({ status: 'returned', reviewNote: '数量偏低，请核实' });
      expectError(
        await review(officer, id, 'return', { note: 'again' }),
        409,
        'PROCUREMENT.DEMAND_STATUS_CONFLICT',
        'returned',
      );

      // The hospital corrects it: the report is up for review again.
      const fixed = await put(h0.token, round.id, lots[0].id, { quantity: '900' }).expect(200);
      expect(fixed.body).toMatchObject({
        status: 'reported',
        reviewNote: null,
        reviewedBy: null,
        reviewedAt: null,
      });

      const events = await auditOf(id);
      expect(events.map((e) => e.action)).toEqual([
        'demand.reported',
        'demand.confirmed',
        'demand.returned',
        'demand.reported',
      ]);
      expect(events[2].before).toMatchObject({ status: 'confirmed' });
      expect(events[2].after).toMatchObject({ status: 'returned', reviewNote: '数量偏低，请核实' });
    });

    it('answers 404 for unknown and out-of-scope reports, 403 for other roles', async () => {
      const { round, lots } = await openRound();
      const h0 = cast.hospitals[0];
      const saved = await put(h0.token, round.id, lots[0].id, { quantity: '1' }).expect(200);
      for (const id of ['999999999', 'abc'])
        expectError(
          await review(officer, id, 'confirm'),
          404,
          'PROCUREMENT.DEMAND_REPORT_NOT_FOUND',
        );
      expectError(
        await review(outsider, saved.body.id, 'confirm'),
        404,
        'PROCUREMENT.DEMAND_REPORT_NOT_FOUND',
      );
      for (const token of [h0.token, cast.auditor.token, cast.suppliers[0].token])
        expectError(await review(token, saved.body.id, 'confirm'), 403, 'COMMON.FORBIDDEN');
      const after = await get(officer, `/rounds/${round.id}/demand`).expect(200);
      expect(after.body.items[0].status).toBe('reported');
    });

    it('returns only while hospitals can correct; confirms until bidding opens', async () => {
      const { round, lots } = await openRound();
      const [h0, h1, h2] = cast.hospitals;
      const a = await put(h0.token, round.id, lots[0].id, { quantity: '1' }).expect(200);
      const b = await put(h1.token, round.id, lots[0].id, { quantity: '2' }).expect(200);
      const c = await put(h2.token, round.id, lots[0].id, { quantity: '3' }).expect(200);

      clock.passes(round.timeline.demandClosesAt);
      const late = await review(officer, a.body.id, 'return', { note: 'too late' });
      expectError(late, 409, 'PROCUREMENT.DEMAND_REVIEW_CLOSED', 'closed');
      expect(late.body.details).toMatchObject({ state: 'demand_collection' });

      await transition(t, officer, round.id, 'close_demand');
      expectError(
        await review(officer, a.body.id, 'return', { note: 'too late' }),
        409,
        'PROCUREMENT.DEMAND_REVIEW_CLOSED',
        'demand_closed',
      );
      await review(officer, a.body.id, 'confirm').expect(200);

      clock.passes(round.timeline.biddingOpensAt);
      await transition(t, officer, round.id, 'open_bidding');
      const closed = await review(officer, b.body.id, 'confirm');
      expectError(closed, 409, 'PROCUREMENT.DEMAND_REVIEW_CLOSED', 'bidding');
      expect(closed.body.details).toEqual({ state: 'bidding' });
      const statuses = (
        (await get(officer, `/rounds/${round.id}/demand`).expect(200)).body.items as Json[]
      ).map((r) => [r.id, r.status]);
      expect(statuses).toEqual([
        [a.body.id, 'confirmed'],
        [b.body.id, 'reported'],
        [c.body.id, 'reported'],
      ]);
    });
  });

  describe(`Excel: ${KIND}`, () => {
    const template = (token: string, roundId: string) =>
      downloadTemplate(t, token, KIND, `?contextId=${roundId}`);

    /** Replaces the data rows of the template (row 2 on), as someone filling it in would. */
    async function fill(buf: Buffer, rows: ExcelJS.CellValue[][]): Promise<Buffer> {
      const wb = await loadWorkbook(buf);
      const sheet = wb.getWorksheet(SHEET)!;
      for (let r = 2; r <= sheet.rowCount; r++)
        for (let c = 1; c <= HEADERS.length; c++) sheet.getCell(r, c).value = null;
      rows.forEach((values, i) =>
        values.forEach((value, c) => {
          sheet.getCell(2 + i, c + 1).value = value;
        }),
      );
      return Buffer.from(await wb.xlsx.writeBuffer());
    }

    const uploadFor = async (token: string, roundId: string, file: Buffer) => {
      const res = await upload(t, token, KIND, file, 'demand.xlsx', `?contextId=${roundId}`).expect(
        202,
      );
      return (await settled(t, token, res.body.id)).body as Json;
    };

    it('generates the template with one row per lot, pre-filled with the current report', async () => {
      const { round, lots } = await openRound();
      const h0 = cast.hospitals[0];
      const brand = cast.suppliers[2].product;
      await put(h0.token, round.id, lots[0].id, {
        quantity: '1234.5',
        brandProductId: brand.id,
        reason: '按上年用量',
      }).expect(200);

      const kinds = await t.http().get('/api/v1/imports/kinds').set(bearer(h0.token)).expect(200);
      const kind = (kinds.body as Json[]).find((k) => k.kind === KIND);
      expect(kind).toMatchObject({ version: 1, sheetName: SHEET, contextRequired: true });
      expect((kind!.columns as Json[]).map((c) => c.header)).toEqual(HEADERS);

      const wb = await loadWorkbook(await template(h0.token, round.id));
      const meta = wb.getWorksheet('_meta')!;
      expect(meta.getCell('B1').value).toBe(KIND);
      expect(meta.getCell('B3').value).toBe(round.id);
      const sheet = wb.getWorksheet(SHEET)!;
      expect(sheet.getRow(1).values).toEqual([undefined, ...HEADERS]);
      expect(sheet.rowCount).toBe(3);
      expect(sheet.getRow(2).values).toEqual([
        undefined,
        'L001',
        '阿托伐他汀钙 口服常释剂型',
        '20mg 普通片 tablet ×7',
        undefined,
        '1234.5',
        brand.code,
        '按上年用量',
      ]);
      expect(sheet.getRow(3).values).toEqual([
        undefined,
        'L002',
        '氨氯地平 口服常释剂型',
        '5mg 普通片 tablet ×28',
      ]);

      // Officers may download it (nothing pre-filled); the round id is required.
      const blank = await loadWorkbook(await template(officer, round.id));
      expect(blank.getWorksheet(SHEET)!.getRow(2).values).toEqual([
        undefined,
        'L001',
        '阿托伐他汀钙 口服常释剂型',
        '20mg 普通片 tablet ×7',
      ]);
      const noContext = await t
        .http()
        .get(`/api/v1/imports/templates/${KIND}`)
        .set(bearer(h0.token));
      expectError(noContext, 400, 'IMPORTS.CONTEXT_INVALID', 'contextId');
      const outside = await t
        .http()
        .get(`/api/v1/imports/templates/${KIND}?contextId=${round.id}`)
        .set(bearer(cast.privateHospital.token));
      expectError(outside, 404, 'PROCUREMENT.DEMAND_NOT_PARTICIPANT');
      const unseen = await t
        .http()
        .get(`/api/v1/imports/templates/${KIND}?contextId=${round.id}`)
        .set(bearer(outsider));
      expectError(unseen, 404, 'PROCUREMENT.ROUND_NOT_FOUND');
      const supplier = await t
        .http()
        .get(`/api/v1/imports/templates/${KIND}?contextId=${round.id}`)
        .set(bearer(cast.suppliers[0].token));
      expectError(supplier, 403, 'IMPORTS.KIND_NOT_ALLOWED');
    });

    it('imports a filled-in template like the API, county lead rows included', async () => {
      const { round, lots } = await openRound();
      const [h0, , , h3] = cast.hospitals;
      await countyLead(round.id, h0.org.id);
      const earlier = await put(h0.token, round.id, lots[1].id, { quantity: '5' }).expect(200);
      await review(officer, earlier.body.id, 'confirm').expect(200);
      const brand = cast.suppliers[0].product;

      const file = await fill(await template(h0.token, round.id), [
        ['L001', null, null, null, '3000', null, null],
        // Unchanged: stays confirmed.
        ['L002', '氨氯地平 口服常释剂型', null, h0.org.code, 5, null, null],
        ['L001', null, null, h3.org.code, '1500.25', brand.code, '社区首诊'],
        ['L002', null, null, h3.org.code, 12.5, brand.code.toLowerCase(), null],
      ]);
      const done = await uploadFor(h0.token, round.id, file);
      expect(done).toMatchObject({
        status: 'committed',
        rowsTotal: 4,
        rowsWritten: 4,
        errorCount: 0,
        problems: [],
      });

      const reports = (
        await get(officer, `/rounds/${round.id}/demand`, { pageSize: 200 }).expect(200)
      ).body.items as Json[];
      expect(
        reports.map((r) => [
          r.lotCode,
          r.hospitalId,
          r.quantity,
          r.brandProductCode,
          r.reason,
          r.status,
          r.reportedByOrgId,
        ]),
      ).toEqual([
        ['L002', h0.org.id, '5.000', null, null, 'confirmed', h0.org.id],
        ['L001', h0.org.id, '3000.000', null, null, 'reported', h0.org.id],
        ['L001', h3.org.id, '1500.250', brand.code, '社区首诊', 'reported', h0.org.id],
        ['L002', h3.org.id, '12.500', brand.code, null, 'reported', h0.org.id],
      ]);
      const events = await auditOf(reports[2].id as string);
      expect(events.map((e) => e.action)).toEqual(['demand.reported']);
    });

    it('writes nothing when a row breaks a rule, naming each row and column', async () => {
      const { round, lots } = await openRound();
      const [h0, h1] = cast.hospitals;
      history.known.set(`${h0.org.id}:${lots[1].id}`, '1000');
      const stranger = await makeDrug(t);

      const file = await fill(await template(h0.token, round.id), [
        ['L001', null, null, null, '10', null, null],
        ['L009', null, null, null, '10', null, null],
        ['L002', null, null, null, '1.23456', null, null],
        ['L002', null, null, null, '100', null, null],
        ['L001', null, null, h1.org.code, '10', null, null],
        ['L001', null, null, null, '20', null, null],
        ['L001', null, null, h0.org.code, '10', stranger.code, null],
        ['L001', null, null, null, null, `X${uniq(20)}`, null],
      ]);
      const done = await uploadFor(h0.token, round.id, file);
      expect(done).toMatchObject({ status: 'failed_validation', rowsTotal: 8, rowsWritten: 0 });
      expect(done.problems).toEqual([
        { row: 3, column: 'lotCode', message: `round ${round.code} has no lot L009` },
        { row: 4, column: 'quantity', message: expect.stringContaining('at most 15 integer') },
        { row: 5, column: 'reason', message: expect.stringContaining('is required') },
        {
          row: 6,
          column: 'hospitalCode',
          message: expect.stringContaining(`hospital ${h1.org.code} is not a participant`),
        },
        {
          row: 7,
          column: 'lotCode',
          message: 'lot L001 is already reported for this hospital in row 2',
        },
        {
          row: 8,
          column: 'lotCode',
          message: 'lot L001 is already reported for this hospital in row 2',
        },
        {
          row: 8,
          column: 'brandProductCode',
          message: `product ${stranger.code} is not an admitted product of lot L001`,
        },
        { row: 9, column: 'quantity', message: expect.stringContaining('is required') },
      ]);
      expect((await get(officer, `/rounds/${round.id}/demand`).expect(200)).body.total).toBe(0);
    });

    it('refuses the whole file from non-participants and after the window closes', async () => {
      const { round } = await openRound();
      const h0 = cast.hospitals[0];
      const filled = await fill(await template(officer, round.id), [
        ['L001', null, null, null, '10', null, null],
      ]);
      const byOfficer = await uploadFor(officer, round.id, filled);
      expect(byOfficer.status).toBe('failed');
      expect(byOfficer.message).toContain('does not take part');

      const privateUpload = await upload(
        t,
        cast.privateHospital.token,
        KIND,
        filled,
        'demand.xlsx',
        `?contextId=${round.id}`,
      );
      expectError(privateUpload, 404, 'PROCUREMENT.DEMAND_NOT_PARTICIPANT');

      const mine = await fill(await template(h0.token, round.id), [
        ['L002', null, null, null, '7', null, null],
      ]);
      clock.passes(round.timeline.demandClosesAt);
      const late = await uploadFor(h0.token, round.id, mine);
      expect(late.status).toBe('failed');
      expect(late.message).toContain('Demand reporting closed');
      expect((await get(officer, `/rounds/${round.id}/demand`).expect(200)).body.total).toBe(0);
    });
  });
});
