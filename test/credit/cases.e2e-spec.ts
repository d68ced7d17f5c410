import { Response } from 'supertest';
import { Product } from '../../src/modules/catalog/products/product.entity';
import { Organisation } from '../../src/modules/identity/organisations/organisation.entity';
import { makeDrug, makeListingPrice } from '../factories/catalog';
import { signCurrentCommitment } from '../factories/credit';
import { deliveryLine, placedOrder } from '../factories/execution';
import { makeCast, makeOrganisation, makeUser } from '../factories/identity';
import { bearer, startApp, TestApp } from '../setup/test-app';

function expectError(res: Response, status: number, code: string, ...words: string[]) {
  expect({ status: res.status, code: (res.body as { code: string }).code }).toEqual({
    status,
    code,
  });
  for (const w of words) expect((res.body as { message: string }).message).toContain(w);
}

type Cast = Awaited<ReturnType<typeof makeCast>>;

/**
 * §K1–§K4 routes: every error code, and who may do what — only supervisors write, suppliers see
 * their own, hospitals see risk notices, authorities see the cases of their region subtree.
 */
describe('credit: cases, ratings, repairs and commitments (§K)', () => {
  let t: TestApp;
  let cast: Cast;
  let tokens: Record<string, string>;
  let supervisor: string;
  /** A supervisor of an authority in another county: outside the cast authority's cases. */
  let outsider: string;
  let drug: Product;
  let otherMakersDrug: Product;
  let rival: { org: Organisation; token: string };
  let rivalDrug: { id: string };
  let distributorToken: string;

  const api = (path: string) => `/api/v1${path}`;
  const post = (token: string, path: string, body: object = {}) =>
    t.http().post(api(path)).set(bearer(token)).send(body);
  const get = (token: string, path: string) => t.http().get(api(path)).set(bearer(token));
  const caseBody = (over: object = {}) => ({
    supplierId: cast.manufacturer.id,
    behaviour: 'bribery',
    amount: '120000',
    productIds: [drug.id],
    source: { type: 'audit', ref: '审计报告 2026-07', date: '2026-01-02' },
    ...over,
  });
  const record = async (over: object = {}) =>
    (await post(supervisor, '/credit/cases', caseBody(over)).expect(201)).body as {
      id: string;
      code: string;
    };

  beforeAll(async () => {
    t = await startApp();
    cast = await makeCast(t);
    tokens = Object.fromEntries(Object.entries(cast.users).map(([role, u]) => [role, u.token]));
    supervisor = tokens.supervisor;
    outsider = (await makeUser(t, cast.otherAuthority, ['supervisor'])).token;
    drug = await makeDrug(t, { manufacturer: cast.manufacturer });
    otherMakersDrug = await makeDrug(t);
    const rivalOrg = await makeOrganisation(t, 'manufacturer');
    rival = { org: rivalOrg, token: (await makeUser(t, rivalOrg, ['supplier_user'])).token };
    rivalDrug = await makeDrug(t, { manufacturer: rivalOrg });
    distributorToken = (await makeUser(t, cast.distributor, ['supplier_user'])).token;
    await makeListingPrice(t, drug, cast.regions.province.code, { validFrom: '2020-01-01' });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  describe('recording a case', () => {
    it('is for supervisors only', async () => {
      for (const role of Object.keys(tokens).filter((r) => r !== 'supervisor'))
        expectError(await post(tokens[role], '/credit/cases', caseBody()), 403, 'COMMON.FORBIDDEN');
    });

    it.each<[string, object, number, string, string]>([
      [
        'an unknown supplier',
        { supplierId: '999999999' },
        400,
        'CREDIT.CASE_SUPPLIER_INVALID',
        'supplierId',
      ],
      ['a hospital', {}, 400, 'CREDIT.CASE_SUPPLIER_INVALID', 'supplierId'],
      [
        'an unknown product',
        { productIds: ['999999999'] },
        400,
        'CREDIT.CASE_PRODUCTS_INVALID',
        'productIds[0]',
      ],
      ['another maker’s product', {}, 400, 'CREDIT.CASE_PRODUCTS_INVALID', 'held by another'],
      ['a repeated product', {}, 400, 'CREDIT.CASE_PRODUCTS_INVALID', 'productIds[1]'],
      ['a negative amount', { amount: '-5' }, 400, 'CREDIT.CASE_AMOUNT_INVALID', 'amount'],
      ['three decimals', { amount: '1.005' }, 400, 'CREDIT.CASE_AMOUNT_INVALID', 'amount'],
      [
        'a future source date',
        { source: { type: 'audit', ref: 'x', date: '2999-01-01' } },
        400,
        'CREDIT.CASE_DATE_INVALID',
        'source.date',
      ],
      [
        'a non-date',
        { source: { type: 'audit', ref: 'x', date: '2026-02-30' } },
        400,
        'CREDIT.CASE_DATE_INVALID',
        'source.date',
      ],
      [
        'an unknown behaviour',
        { behaviour: 'gossip' },
        400,
        'COMMON.VALIDATION_FAILED',
        'behaviour',
      ],
      [
        'an unknown source',
        { source: { type: 'rumour', ref: 'x', date: '2026-01-01' } },
        400,
        'COMMON.VALIDATION_FAILED',
        'source.type',
      ],
      ['an unknown field', { colour: 'red' }, 400, 'COMMON.VALIDATION_FAILED', 'colour'],
    ])('refuses %s', async (name, over, status, code, words) => {
      const extra =
        name === 'a hospital'
          ? { supplierId: cast.hospital.id }
          : name === 'another maker’s product'
            ? { productIds: [otherMakersDrug.id] }
            : name === 'a repeated product'
              ? { productIds: [drug.id, drug.id] }
              : {};
      expectError(
        await post(supervisor, '/credit/cases', caseBody({ ...over, ...extra })),
        status,
        code,
        words,
      );
    });

    it('records a case with a code and audits it', async () => {
      const created = await post(supervisor, '/credit/cases', caseBody()).expect(201);
      expect(created.body).toMatchObject({
        code: expect.stringMatching(/^CC\d{4}-\d{4}$/),
        supplierId: cast.manufacturer.id,
        supplierType: 'manufacturer',
        behaviour: 'bribery',
        amount: '120000.00',
        productIds: [drug.id],
        source: { type: 'audit', ref: '审计报告 2026-07', date: '2026-01-02' },
        status: 'recorded',
        rating: null,
      });
      const events = await get(
        tokens.auditor,
        `/audit/events?entityType=credit_case&entityId=${created.body.id}`,
      ).expect(200);
      expect(events.body.items).toEqual([
        expect.objectContaining({ action: 'credit_case.recorded', entityId: created.body.id }),
      ]);
    });

    it('takes a distributor case only for products it delivered', async () => {
      const body = caseBody({
        supplierId: cast.distributor.id,
        behaviour: 'false_materials',
        amount: null,
      });
      expectError(
        await post(supervisor, '/credit/cases', body),
        400,
        'CREDIT.CASE_PRODUCTS_INVALID',
        'no accepted delivery',
      );
      const order = await placedOrder(t, tokens.hospital_user, cast.distributor, [
        { productId: drug.id, quantity: '5' },
      ]);
      const delivered = await post(distributorToken, `/execution/orders/${order.id}/deliveries`, {
        lines: [deliveryLine(order.lines[0].id, '5')],
      }).expect(201);
      await post(tokens.hospital_user, `/execution/deliveries/${delivered.body.id}/acceptance`, {
        lines: [{ deliveryLineId: delivered.body.lines[0].id, decision: 'accepted' }],
      }).expect(200);
      await post(supervisor, '/credit/cases', body).expect(201);
    });
  });

  describe('reading cases: scope by role', () => {
    let own: { id: string; code: string };
    let rivals: { id: string; code: string };

    beforeAll(async () => {
      own = await record();
      rivals = await record({ supplierId: rival.org.id, productIds: [] });
    });

    it('shows authorities in scope every case, suppliers their own, and hides the rest as 404', async () => {
      for (const token of [supervisor, tokens.auditor, tokens.admin])
        await get(token, `/credit/cases/${own.id}`).expect(200);
      await get(tokens.supplier_user, `/credit/cases/${own.id}`).expect(200);
      expectError(await get(rival.token, `/credit/cases/${own.id}`), 404, 'CREDIT.CASE_NOT_FOUND');
      expectError(await get(outsider, `/credit/cases/${own.id}`), 404, 'CREDIT.CASE_NOT_FOUND');
      expectError(await get(supervisor, '/credit/cases/abc'), 404, 'CREDIT.CASE_NOT_FOUND');
      const mine = await get(tokens.supplier_user, '/credit/cases?pageSize=200').expect(200);
      const codes = (mine.body.items as Array<{ code: string; supplierId: string }>).map(
        (c) => c.code,
      );
      expect(codes).toContain(own.code);
      expect(codes).not.toContain(rivals.code);
      const far = await get(outsider, '/credit/cases').expect(200);
      expect(far.body.total).toBe(0);
    });

    it('filters and pages', async () => {
      const res = await get(
        supervisor,
        `/credit/cases?supplierId=${rival.org.id}&status=recorded&pageSize=1`,
      ).expect(200);
      expect(res.body).toMatchObject({ total: 1, page: 1, pageSize: 1 });
      expect(res.body.items[0].code).toBe(rivals.code);
      const byCode = await get(supervisor, `/credit/cases?code=${own.code}`).expect(200);
      expect(byCode.body.items.map((c: { id: string }) => c.id)).toEqual([own.id]);
      expectError(
        await get(supervisor, '/credit/cases?status=open'),
        400,
        'COMMON.VALIDATION_FAILED',
      );
    });

    it('is closed to hospitals and other officers', async () => {
      for (const role of [
        'hospital_user',
        'procurement_officer',
        'fund_officer',
        'pricing_analyst',
      ])
        expectError(await get(tokens[role], '/credit/cases'), 403, 'COMMON.FORBIDDEN');
    });
  });

  describe('rating', () => {
    it('refuses amounts below the scheme, missing amounts, a second rating and other roles', async () => {
      const small = await record({ amount: '9999.99' });
      expectError(
        await post(supervisor, `/credit/cases/${small.id}/rating`),
        409,
        'CREDIT.CASE_NOT_RATABLE',
        '10000',
      );
      const none = await record({ amount: null });
      expectError(
        await post(supervisor, `/credit/cases/${none.id}/rating`),
        409,
        'CREDIT.RATING_AMOUNT_REQUIRED',
        'amount',
      );
      const ok = await record({ amount: '10000' });
      expectError(
        await post(tokens.admin, `/credit/cases/${ok.id}/rating`),
        403,
        'COMMON.FORBIDDEN',
      );
      expectError(
        await post(outsider, `/credit/cases/${ok.id}/rating`),
        404,
        'CREDIT.CASE_NOT_FOUND',
      );
      const rated = await post(supervisor, `/credit/cases/${ok.id}/rating`).expect(201);
      expect(rated.body).toMatchObject({
        level: 'general',
        sanctions: ['reminder'],
        riskNotice: false,
      });
      expectError(
        await post(supervisor, `/credit/cases/${ok.id}/rating`),
        409,
        'CREDIT.CASE_STATE_CONFLICT',
        'rated',
      );
      const read = await get(supervisor, `/credit/cases/${ok.id}`).expect(200);
      expect(read.body).toMatchObject({ status: 'rated', rating: { id: rated.body.id } });
    });

    it('dismisses a case, which then cannot be rated', async () => {
      const c = await record({ amount: '500' });
      expectError(
        await post(supervisor, `/credit/cases/${c.id}/dismiss`, {}),
        400,
        'COMMON.VALIDATION_FAILED',
        'reason',
      );
      await post(supervisor, `/credit/cases/${c.id}/dismiss`, {
        reason: '金额未达评级标准',
      }).expect(200);
      expectError(
        await post(supervisor, `/credit/cases/${c.id}/rating`),
        409,
        'CREDIT.CASE_STATE_CONFLICT',
      );
      expectError(
        await post(supervisor, `/credit/cases/${c.id}/dismiss`, { reason: 'again' }),
        409,
        'CREDIT.CASE_STATE_CONFLICT',
      );
    });

    it('bars a distributor from distribution for the years chosen', async () => {
      const c = await record({
        supplierId: cast.distributor.id,
        behaviour: 'bid_rigging',
        amount: null,
        productIds: [],
      });
      expectError(
        await post(supervisor, `/credit/cases/${c.id}/rating`),
        400,
        'CREDIT.RATING_BAR_YEARS_REQUIRED',
        'distributionBarYears',
      );
      expectError(
        await post(supervisor, `/credit/cases/${c.id}/rating`, { distributionBarYears: 2 }),
        400,
        'CREDIT.RATING_BAR_YEARS_INVALID',
      );
      const placed = await placedOrder(t, tokens.hospital_user, cast.distributor, [
        { productId: drug.id, quantity: '1' },
      ]);
      const rated = await post(supervisor, `/credit/cases/${c.id}/rating`, {
        distributionBarYears: 3,
      }).expect(201);
      expect(rated.body).toMatchObject({
        level: 'particularly_serious',
        distributionBarYears: 3,
        sanctions: ['interview', 'risk_notice', 'distribution_suspension', 'distribution_bar'],
      });
      expectError(
        await post(distributorToken, `/execution/orders/${placed.id}/deliveries`, {
          lines: [deliveryLine(placed.lines[0].id, '1')],
        }),
        409,
        'EXECUTION.SUPPLIER_SANCTIONED',
        c.code,
      );
      expectError(
        await post(tokens.hospital_user, '/execution/orders', {
          supplierId: cast.distributor.id,
          lines: [{ productId: drug.id, quantity: '1' }],
        }),
        409,
        'EXECUTION.SUPPLIER_SANCTIONED',
        'supplierId',
      );
      // The manufacturer's own listing is untouched: the misconduct is the distributor's.
      await post(tokens.hospital_user, '/execution/orders', {
        supplierId: cast.manufacturer.id,
        lines: [{ productId: drug.id, quantity: '1' }],
      }).expect(201);
    });

    it('refuses a level that suspends the involved products when the case names none', async () => {
      const c = await record({ supplierId: rival.org.id, productIds: [], amount: '350000' });
      expectError(
        await post(supervisor, `/credit/cases/${c.id}/rating`),
        409,
        'CREDIT.CASE_NOT_RATABLE',
        'productIds',
      );
      const after = await get(supervisor, `/credit/cases/${c.id}`).expect(200);
      expect(after.body).toMatchObject({ status: 'recorded' });
      expect(
        (
          await t
            .http()
            .get(api(`/public/credit/serious?supplierId=${rival.org.id}`))
            .expect(200)
        ).body.items,
      ).toEqual([]);
    });

    it('lists ratings in scope and risk notices for hospitals', async () => {
      const c = await record({ supplierId: rival.org.id, productIds: [], amount: '150000' });
      const rated = await post(supervisor, `/credit/cases/${c.id}/rating`).expect(201);
      expect(rated.body).toMatchObject({ level: 'medium', riskNotice: true });
      const notices = await get(
        tokens.hospital_user,
        `/credit/risk-notices?supplierId=${rival.org.id}`,
      ).expect(200);
      expect(notices.body.items.map((r: { id: string }) => r.id)).toEqual([rated.body.id]);
      expectError(await get(tokens.hospital_user, '/credit/ratings'), 403, 'COMMON.FORBIDDEN');
      expectError(
        await get(tokens.supplier_user, `/credit/ratings/${rated.body.id}`),
        404,
        'CREDIT.RATING_NOT_FOUND',
      );
      await get(rival.token, `/credit/ratings/${rated.body.id}`).expect(200);
      const mine = await get(rival.token, '/credit/ratings?status=in_force').expect(200);
      expect(
        mine.body.items.every((r: { supplierId: string }) => r.supplierId === rival.org.id),
      ).toBe(true);
      // Medium ratings are not public; serious ones are (credit-flow).
      const pub = await t
        .http()
        .get(api(`/public/credit/serious?supplierId=${rival.org.id}`))
        .expect(200);
      expect(pub.body.items).toEqual([]);
    });
  });

  describe('repair', () => {
    let rating: { id: string };

    beforeAll(async () => {
      const c = await record({
        supplierId: rival.org.id,
        productIds: [rivalDrug.id],
        amount: '300000',
      });
      rating = (await post(supervisor, `/credit/cases/${c.id}/rating`).expect(201)).body as {
        id: string;
      };
    });

    it('takes applications from the rated supplier only, with the actions its level asks for', async () => {
      const body = { actions: [{ kind: 'refund', evidence: '退还不当得利 30 万元' }] };
      expectError(
        await post(tokens.supplier_user, `/credit/ratings/${rating.id}/repairs`, body),
        404,
        'CREDIT.RATING_NOT_FOUND',
      );
      expectError(
        await post(supervisor, `/credit/ratings/${rating.id}/repairs`, body),
        403,
        'COMMON.FORBIDDEN',
      );
      expectError(
        await post(rival.token, `/credit/ratings/${rating.id}/repairs`, {
          actions: [{ kind: 'public_apology', evidence: '公开致歉' }],
        }),
        400,
        'CREDIT.REPAIR_ACTIONS_INVALID',
        'price_cut',
      );
      expectError(
        await post(rival.token, `/credit/ratings/${rating.id}/repairs`, { actions: [] }),
        400,
        'COMMON.VALIDATION_FAILED',
        'actions',
      );
      expectError(
        await post(rival.token, `/credit/ratings/${rating.id}/repairs`, {
          actions: [{ kind: 'prayer', evidence: 'x' }],
        }),
        400,
        'COMMON.VALIDATION_FAILED',
      );
      const first = await post(rival.token, `/credit/ratings/${rating.id}/repairs`, body).expect(
        201,
      );
      expectError(
        await post(rival.token, `/credit/ratings/${rating.id}/repairs`, body),
        409,
        'CREDIT.REPAIR_PENDING',
      );
      expectError(
        await post(rival.token, `/credit/repairs/${first.body.id}/approve`),
        403,
        'COMMON.FORBIDDEN',
      );
      expectError(
        await post(supervisor, `/credit/repairs/${first.body.id}/reject`, {}),
        400,
        'CREDIT.REPAIR_NOTE_REQUIRED',
        'note',
      );
      const rejected = await post(supervisor, `/credit/repairs/${first.body.id}/reject`, {
        note: '退款凭证不全',
      }).expect(200);
      expect(rejected.body).toMatchObject({ status: 'rejected', decisionNote: '退款凭证不全' });
      expectError(
        await post(supervisor, `/credit/repairs/${first.body.id}/approve`),
        409,
        'CREDIT.REPAIR_DECIDED',
      );
      expectError(
        await post(outsider, `/credit/repairs/${first.body.id}/approve`),
        404,
        'CREDIT.REPAIR_NOT_FOUND',
      );
      const list = await get(rival.token, '/credit/repairs').expect(200);
      expect(list.body.items.map((r: { id: string }) => r.id)).toContain(first.body.id);
      expectError(
        await get(tokens.supplier_user, `/credit/repairs/${first.body.id}`),
        404,
        'CREDIT.REPAIR_NOT_FOUND',
      );

      // Serious → medium → general → ended, one approved repair at a time.
      for (const [kind, after] of [
        ['refund', 'medium'],
        ['price_cut', 'general'],
        ['public_apology', null],
      ] as const) {
        const applied = await post(rival.token, `/credit/ratings/${rating.id}/repairs`, {
          actions: [{ kind, evidence: '整改材料' }],
        }).expect(201);
        const approved = await post(
          supervisor,
          `/credit/repairs/${applied.body.id}/approve`,
          {},
        ).expect(200);
        expect(approved.body.levelAfter).toBe(after);
      }
      const ended = await get(supervisor, `/credit/ratings/${rating.id}`).expect(200);
      expect(ended.body).toMatchObject({
        status: 'repaired',
        level: 'general',
        endedAt: expect.any(String),
      });
      expectError(
        await post(rival.token, `/credit/ratings/${rating.id}/repairs`, {
          actions: [{ kind: 'refund', evidence: '退款凭证' }],
        }),
        409,
        'CREDIT.REPAIR_NOT_AVAILABLE',
        'repaired',
      );
    });
  });

  describe('schemes and commitments', () => {
    it('shows schemes to supervisors and lets only admins activate one', async () => {
      const list = await get(supervisor, '/credit/schemes').expect(200);
      expect(list.body.map((s: { version: string }) => s.version)).toEqual(['2020', '2025']);
      const s2025 = await get(tokens.auditor, '/credit/schemes/2025').expect(200);
      expect(s2025.body.levels.map((l: { label: string }) => l.label)).toEqual([
        '失信',
        '严重失信',
        '特别严重失信',
      ]);
      expectError(await get(supervisor, '/credit/schemes/1999'), 404, 'CREDIT.SCHEME_NOT_FOUND');
      expectError(await post(supervisor, '/credit/schemes/2020/activate'), 403, 'COMMON.FORBIDDEN');
      expectError(
        await post(tokens.admin, '/credit/schemes/1999/activate'),
        404,
        'CREDIT.SCHEME_NOT_FOUND',
      );
      // Activating the active scheme: the route, without changing what other suites rate under.
      const active = await post(tokens.admin, '/credit/schemes/2020/activate').expect(200);
      expect(active.body).toMatchObject({ version: '2020', active: true });
      expectError(await get(tokens.hospital_user, '/credit/schemes'), 403, 'COMMON.FORBIDDEN');
    });

    it('has suppliers sign the current commitment text once and lists their commitments', async () => {
      // The version in force: the seeded 2020-1 on a fresh database, a later one where
      // commitment-texts.e2e-spec published since (the text is global state).
      const text = await get(tokens.hospital_user, '/credit/commitment-text').expect(200);
      expect(text.body).toMatchObject({
        version: expect.stringMatching(/^[\w.-]{1,32}$/),
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        current: true,
      });
      const version = (text.body as { version: string }).version;
      expectError(
        await post(tokens.supplier_user, '/credit/commitments', { version: '1999-1' }),
        404,
        'CREDIT.COMMITMENT_TEXT_NOT_FOUND',
        'version',
      );
      expectError(
        await post(tokens.hospital_user, '/credit/commitments', { version }),
        403,
        'COMMON.FORBIDDEN',
      );
      // Signing again answers the first signature, even after a newer version was published.
      const { text: signedText, response: signed } = await signCurrentCommitment(
        t,
        tokens.supplier_user,
      );
      const again = await post(tokens.supplier_user, '/credit/commitments', {
        version: signedText.version,
      }).expect(201);
      expect(again.body.id).toBe(signed.body.id);
      const listed = await get(
        supervisor,
        `/credit/suppliers/${cast.manufacturer.id}/commitments`,
      ).expect(200);
      expect(listed.body).toMatchObject({
        supplierId: cast.manufacturer.id,
        general: [{ textVersion: signedText.version, textSha256: signedText.sha256 }],
        rounds: [],
      });
      await get(
        tokens.supplier_user,
        `/credit/suppliers/${cast.manufacturer.id}/commitments`,
      ).expect(200);
      expectError(
        await get(rival.token, `/credit/suppliers/${cast.manufacturer.id}/commitments`),
        404,
        'IDENTITY.ORGANISATION_NOT_FOUND',
      );
    });
  });
});
