import { Actor } from '../../src/common/auth/actor';
import { TransactionRunner } from '../../src/database/transaction-runner';
import { ListingPricesService } from '../../src/modules/catalog/listing-prices/listing-prices.service';
import { Product } from '../../src/modules/catalog/products/product.entity';
import { ImportContext, ImportKind } from '../../src/modules/imports/import-kind';
import { ImportKindRegistry } from '../../src/modules/imports/import-kind.registry';
import { makeDrug, makeListingPrice } from '../factories/catalog';
import { makeCast, makeRegion } from '../factories/identity';
import { insertAlert } from '../factories/monitoring';
import { bearer, startApp, TestApp, uniq } from '../setup/test-app';
import { auditOf, expectError, ListingRow } from './support';

type Json = Record<string, unknown>;
type Cast = Awaited<ReturnType<typeof makeCast>>;

/**
 * §C2 suspensions by source: a hand-made suspension, a price case's (§M6) and a credit
 * sanction's (§K3) each hold a listing on their own, and a listing is active only when none
 * does. A listing created under a credit hold starts suspended; lifting one source leaves the
 * others; the reinstate endpoint lifts manual suspensions only.
 */
describe('catalogue: listing suspensions by source (§C2, §K3, §M6)', () => {
  let t: TestApp;
  let cast: Cast;
  let officer: string;
  let analyst: string;
  let supervisor: string;
  let supplier: string;

  const api = (path: string) => `/api/v1${path}`;
  const post = (token: string, path: string, body: object = {}) =>
    t.http().post(api(path)).set(bearer(token)).send(body);
  const get = (token: string, path: string) => t.http().get(api(path)).set(bearer(token));

  beforeAll(async () => {
    t = await startApp();
    cast = await makeCast(t);
    officer = cast.users.procurement_officer.token;
    analyst = cast.users.pricing_analyst.token;
    supervisor = cast.users.supervisor.token;
    supplier = cast.users.supplier_user.token;
  });
  afterAll(() => t.close());

  const drug = () => makeDrug(t, { manufacturer: cast.manufacturer });

  /** A serious bribery rating on the product: its listings are held everywhere. */
  async function creditHold(product: Product): Promise<{ ratingId: string; caseCode: string }> {
    const recorded = await post(supervisor, '/credit/cases', {
      supplierId: cast.manufacturer.id,
      behaviour: 'bribery',
      amount: '350000',
      productIds: [product.id],
      source: { type: 'court_judgment', ref: `(2026)苏0102刑初${uniq(4)}号`, date: '2026-01-05' },
      summary: '给予回扣',
    }).expect(201);
    const rated = await post(supervisor, `/credit/cases/${recorded.body.id}/rating`).expect(201);
    expect(rated.body).toMatchObject({ level: 'serious', productScope: 'involved' });
    return { ratingId: rated.body.id as string, caseCode: recorded.body.code as string };
  }

  /** An approved repair: serious → medium, which suspends nothing, so the hold is released. */
  async function repair(ratingId: string): Promise<void> {
    const applied = await post(supplier, `/credit/ratings/${ratingId}/repairs`, {
      actions: [
        { kind: 'price_cut', evidence: '挂网价下调，剔除虚高空间' },
        { kind: 'public_apology', evidence: '省医保局网站公开致歉' },
      ],
    }).expect(201);
    await post(supervisor, `/credit/repairs/${applied.body.id}/approve`, {
      note: '整改到位',
    }).expect(200);
  }

  /** A price case opened on a fresh alert about the product (as an evaluation run writes it). */
  async function openCase(product: Product): Promise<string> {
    const alert = await insertAlert(t, {
      ruleCode: 'listing_multiple',
      period: '2026-10',
      severity: 'red_2',
      productId: product.id,
      supplierId: cast.manufacturer.id,
      regionCode: cast.regions.county.code,
      evidence: '{"multiple":"6.2"}',
    });
    const opened = await post(analyst, '/monitoring/cases', {
      alertIds: [alert.id],
      title: '挂网价格异常',
    }).expect(201);
    return opened.body.code as string;
  }

  /** A price case decided listing_suspended in the analyst's region (the city). */
  async function priceCaseSuspension(product: Product): Promise<{ code: string; body: Json }> {
    const code = await openCase(product);
    await post(analyst, `/monitoring/cases/${code}/inquiry`, { letter: '请说明' }).expect(200);
    const decided = await post(analyst, `/monitoring/cases/${code}/outcome`, {
      outcome: 'listing_suspended',
      note: '挂网价为最低价 6 倍',
    }).expect(200);
    return { code, body: decided.body as Json };
  }

  const liftCase = (code: string, note = '已降价') =>
    post(analyst, `/monitoring/cases/${code}/lift-suspension`, { note });

  async function listing(id: string, productId: string): Promise<ListingRow> {
    const res = await get(officer, `/catalog/products/${productId}/listing-prices`).expect(200);
    return (res.body.items as ListingRow[]).find((r) => r.id === id)!;
  }

  /** status, shown source and every source in force with its holder. */
  async function state(id: string, productId: string) {
    const row = await listing(id, productId);
    return [
      row.status,
      row.suspensionSource,
      row.suspensions.map((s) => `${s.source}:${s.reference ?? '-'}`),
    ];
  }

  describe('(a) a listing created under a credit hold', () => {
    it('starts suspended through the API, carries the hold once, and is reinstated with the others', async () => {
      const product = await drug();
      const other = await drug();
      const before = await makeListingPrice(t, product, cast.regions.city.code);
      const { ratingId, caseCode } = await creditHold(product);
      expect(await state(before.id, product.id)).toEqual([
        'suspended',
        'credit_sanction',
        [`credit_sanction:${ratingId}`],
      ]);

      // A new region: nothing to carry over, the hold alone suspends it — and says so.
      const created = await post(officer, `/catalog/products/${product.id}/listing-prices`, {
        regionCode: cast.regions.county.code,
        packPrice: '30',
        validFrom: '2026-02-01',
      }).expect(201);
      expect(created.body).toMatchObject({
        status: 'suspended',
        suspensionSource: 'credit_sanction',
        suspensionReason: `§K3 credit sanction: rating ${ratingId} of case ${caseCode}`,
        suspensions: [
          {
            source: 'credit_sanction',
            reference: ratingId,
            reason: `§K3 credit sanction: rating ${ratingId} of case ${caseCode}`,
          },
        ],
      });
      // A price change where the hold already suspends the current row: one credit suspension.
      const changed = await post(officer, `/catalog/products/${product.id}/listing-prices`, {
        regionCode: cast.regions.city.code,
        packPrice: '28',
        validFrom: '2026-03-01',
      }).expect(201);
      expect(changed.body.suspensions).toEqual([
        expect.objectContaining({ source: 'credit_sanction', reference: ratingId }),
      ]);
      // Another product of the same supplier is not held.
      const free = await post(officer, `/catalog/products/${other.id}/listing-prices`, {
        regionCode: cast.regions.county.code,
        packPrice: '30',
        validFrom: '2026-02-01',
      }).expect(201);
      expect(free.body).toMatchObject({ status: 'active', suspensions: [] });
      const events = await auditOf(t, 'listing_price', created.body.id as string);
      expect(events.map((e) => [e.action, e.after.status, e.after.suspensions])).toEqual([
        [
          'listing_price.created',
          'suspended',
          [{ source: 'credit_sanction', reference: ratingId }],
        ],
      ]);

      await repair(ratingId);
      for (const id of [before.id, created.body.id as string, changed.body.id as string])
        expect(await state(id, product.id)).toEqual(['active', null, []]);
    });

    it('starts suspended through the listing-price import', async () => {
      const product = await drug();
      const other = await drug();
      const region = await makeRegion(t, { parent: cast.regions.city });
      const { ratingId } = await creditHold(product);
      const { user } = cast.users.procurement_officer;
      const actor: Actor = {
        kind: 'user',
        id: user.id,
        name: user.username,
        orgId: cast.authority.id,
        orgType: 'authority',
        roles: ['procurement_officer'],
        scopes: [],
        regionCode: cast.regions.city.code,
        regionPath: cast.regions.city.path,
      };
      const kind = t.app
        .get(ImportKindRegistry)
        .get('catalog.listing-prices') as ImportKind<unknown>;
      const ctx: ImportContext = { actor, contextId: '', importId: `imp-${uniq()}` };
      const rows = [
        {
          productCode: product.code,
          regionCode: region.code,
          packPrice: '30',
          validFrom: '2026-04-01',
        },
        {
          productCode: other.code,
          regionCode: region.code,
          packPrice: '31',
          validFrom: '2026-04-01',
        },
      ].map((cells, i) => {
        const parsed = kind.parseRow(cells);
        if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
        return { rowNumber: i + 2, value: parsed.value };
      });
      expect([...(await kind.checkBatch(rows, ctx, new Map())).entries()]).toEqual([]);
      // The products are locked as credit's holds lock them (by id, in id order), never by code.
      const lock = jest.spyOn(t.app.get(ListingPricesService), 'lockProducts');
      try {
        await t.app.get(TransactionRunner).run((m) => kind.writeBatch(m, rows, ctx));
        expect(lock).toHaveBeenCalledTimes(1);
        expect(new Set(lock.mock.calls[0][1])).toEqual(new Set([product.id, other.id]));
      } finally {
        lock.mockRestore();
      }

      const imported = await get(
        officer,
        `/catalog/listing-prices?regionCode=${region.code}`,
      ).expect(200);
      const byProduct = new Map((imported.body.items as ListingRow[]).map((r) => [r.productId, r]));
      expect(byProduct.get(product.id)).toMatchObject({
        status: 'suspended',
        suspensionSource: 'credit_sanction',
        suspensions: [expect.objectContaining({ source: 'credit_sanction', reference: ratingId })],
      });
      expect(byProduct.get(other.id)).toMatchObject({ status: 'active', suspensions: [] });

      await repair(ratingId);
      expect(await state(byProduct.get(product.id)!.id, product.id)).toEqual(['active', null, []]);
    });
  });

  describe('(b) a price case and a credit sanction on one listing', () => {
    it('the case lifts first: the credit hold keeps the listing suspended until its repair', async () => {
      const product = await drug();
      const row = await makeListingPrice(t, product, cast.regions.county.code);
      const { code, body } = await priceCaseSuspension(product);
      const steps = body.steps as Json[];
      expect(steps[steps.length - 1]).toMatchObject({
        details: { outcome: 'listing_suspended', suspendedListingIds: [row.id] },
      });
      const { ratingId } = await creditHold(product);
      expect(await state(row.id, product.id)).toEqual([
        'suspended',
        'price_case',
        [`price_case:${code}`, `credit_sanction:${ratingId}`],
      ]);

      const lifted = await liftCase(code).expect(200);
      expect((lifted.body.steps as Json[]).at(-1)).toMatchObject({
        kind: 'suspension_lifted',
        body: '已降价',
        details: {
          liftedListingIds: [row.id],
          reinstatedListingIds: [],
          stillSuspendedListingIds: [row.id],
        },
      });
      expect(await state(row.id, product.id)).toEqual([
        'suspended',
        'credit_sanction',
        [`credit_sanction:${ratingId}`],
      ]);
      // Once only.
      const again = await liftCase(code);
      expectError(again, 409, 'MONITORING.CASE_STATE_CONFLICT', 'already lifted');

      await repair(ratingId);
      expect(await state(row.id, product.id)).toEqual(['active', null, []]);
      const events = await auditOf(t, 'listing_price', row.id);
      expect(events.map((e) => [e.action, e.after.status])).toEqual([
        ['listing_price.suspended', 'suspended'],
        ['listing_price.suspended', 'suspended'],
        ['listing_price.suspension_lifted', 'suspended'],
        ['listing_price.reinstated', 'active'],
      ]);
    });

    it('the sanction lifts first: the case keeps the listing suspended until it lets go', async () => {
      const product = await drug();
      const row = await makeListingPrice(t, product, cast.regions.county.code);
      const { ratingId } = await creditHold(product);
      const { code } = await priceCaseSuspension(product);
      expect(await state(row.id, product.id)).toEqual([
        'suspended',
        'credit_sanction',
        [`credit_sanction:${ratingId}`, `price_case:${code}`],
      ]);
      await repair(ratingId);
      expect(await state(row.id, product.id)).toEqual([
        'suspended',
        'price_case',
        [`price_case:${code}`],
      ]);
      // A new price while the case holds: the case's suspension carries over.
      const changed = await post(officer, `/catalog/products/${product.id}/listing-prices`, {
        regionCode: cast.regions.county.code,
        packPrice: '20',
        validFrom: '2026-06-01',
      }).expect(201);
      expect(changed.body).toMatchObject({
        status: 'suspended',
        suspensions: [expect.objectContaining({ source: 'price_case', reference: code })],
      });

      const lifted = await liftCase(code).expect(200);
      expect((lifted.body.steps as Json[]).at(-1)).toMatchObject({
        kind: 'suspension_lifted',
        details: {
          liftedListingIds: [row.id, changed.body.id],
          reinstatedListingIds: [row.id, changed.body.id],
          stillSuspendedListingIds: [],
        },
      });
      expect(await state(row.id, product.id)).toEqual(['active', null, []]);
      expect(await state(changed.body.id as string, product.id)).toEqual(['active', null, []]);
    });

    it('only a case that suspended listings can lift, in scope, by an analyst', async () => {
      const product = await drug();
      await makeListingPrice(t, product, cast.regions.county.code);
      const { code } = await priceCaseSuspension(product);
      expectError(
        await post(analyst, '/monitoring/cases/PC2099-9999/lift-suspension', { note: 'x' }),
        404,
        'MONITORING.CASE_NOT_FOUND',
      );
      expectError(
        await post(supervisor, `/monitoring/cases/${code}/lift-suspension`, { note: 'x' }),
        403,
        'COMMON.FORBIDDEN',
      );
      expectError(
        await post(analyst, `/monitoring/cases/${code}/lift-suspension`, {}),
        400,
        'COMMON.VALIDATION_FAILED',
        'note',
      );
      // A case closed without consequence has nothing to lift.
      const closed = await openCase(product);
      await post(analyst, `/monitoring/cases/${closed}/outcome`, {
        outcome: 'closed',
        note: '核实无异常',
      }).expect(200);
      expectError(
        await liftCase(closed),
        409,
        'MONITORING.CASE_STATE_CONFLICT',
        'suspended no listings',
      );
    });
  });

  describe('(c) the reinstate endpoint', () => {
    it('refuses a listing a credit sanction or a price case holds, naming the holder; lifts only manual suspensions', async () => {
      const product = await drug();
      const row = await makeListingPrice(t, product, cast.regions.county.code);
      const url = `/catalog/listing-prices/${row.id}`;
      const { ratingId } = await creditHold(product);

      expectError(
        await post(officer, `${url}/reinstate`),
        409,
        'CATALOG.LISTING_HELD',
        `credit_sanction ${ratingId}`,
      );
      // An officer's own suspension stacks on the hold; still refused while the hold stands.
      const stacked = await post(officer, `${url}/suspend`, { reason: '企业申请暂停' }).expect(200);
      expect(stacked.body).toMatchObject({
        status: 'suspended',
        suspensionSource: 'credit_sanction',
        suspensions: [
          expect.objectContaining({ source: 'credit_sanction', reference: ratingId }),
          expect.objectContaining({ source: 'manual', reference: null, reason: '企业申请暂停' }),
        ],
      });
      const held = await post(officer, `${url}/reinstate`);
      expectError(held, 409, 'CATALOG.LISTING_HELD', 'credit_sanction');
      expect(held.body.details).toEqual({
        listingId: row.id,
        holds: [
          {
            source: 'credit_sanction',
            reference: ratingId,
            reason: expect.stringContaining(`rating ${ratingId}`),
          },
        ],
      });
      expect(await state(row.id, product.id)).toEqual([
        'suspended',
        'credit_sanction',
        [`credit_sanction:${ratingId}`, 'manual:-'],
      ]);

      // The sanction ends; the officer's suspension remains, and the officer lifts it.
      await repair(ratingId);
      expect(await state(row.id, product.id)).toEqual(['suspended', 'manual', ['manual:-']]);
      const reinstated = await post(officer, `${url}/reinstate`).expect(200);
      expect(reinstated.body).toMatchObject({ status: 'active', suspensions: [] });

      // A price case's suspension is the case's to lift.
      const { code } = await priceCaseSuspension(product);
      expectError(
        await post(officer, `${url}/reinstate`),
        409,
        'CATALOG.LISTING_HELD',
        `price_case ${code}`,
      );
      expect(await state(row.id, product.id)).toEqual([
        'suspended',
        'price_case',
        [`price_case:${code}`],
      ]);
    });
  });
});
