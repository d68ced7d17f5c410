import { TransactionRunner } from '../../src/database/transaction-runner';
import { ListingPricesService } from '../../src/modules/catalog/listing-prices/listing-prices.service';
import {
  makeApiKey,
  makeCast,
  makeOrganisation,
  makeRegion,
  makeUser,
} from '../factories/identity';
import { makeConsumable, makeDrug, makeListingPrice } from '../factories/catalog';
import { bearer, startApp, TestApp } from '../setup/test-app';
import { auditOf, expectError, ListingRow } from './support';

describe('catalogue: listing prices (§C2)', () => {
  let t: TestApp;
  let cast: Awaited<ReturnType<typeof makeCast>>;
  let officer: { Authorization: string };
  let cityB: Awaited<ReturnType<typeof makeRegion>>;
  const history = (id: string) => `/api/v1/catalog/products/${id}/listing-prices`;
  const list = '/api/v1/catalog/listing-prices';

  beforeAll(async () => {
    t = await startApp();
    cast = await makeCast(t);
    officer = bearer(cast.users.procurement_officer.token);
    cityB = await makeRegion(t, { parent: cast.regions.province });
  });
  afterAll(() => t.close());

  describe('POST /catalog/products/:id/listing-prices', () => {
    it('lists a drug with its unit price, keeps history as new rows, and audits', async () => {
      const drug = await makeDrug(t, { packSize: 7 });
      const city = cast.regions.city;
      const first = await t
        .http()
        .post(history(drug.id))
        .set(officer)
        .send({ regionCode: city.code, packPrice: '35.5', validFrom: '2026-01-01' })
        .expect(201);
      expect(first.body).toMatchObject({
        productId: drug.id,
        productCode: drug.code,
        productName: drug.name,
        category: 'drug',
        regionCode: city.code,
        regionName: city.name,
        packPrice: '35.500000',
        unitPrice: '5.071429',
        validFrom: '2026-01-01',
        validTo: null,
        status: 'active',
        suspendedAt: null,
      });
      const second = await t
        .http()
        .post(history(drug.id))
        .set(officer)
        .send({ regionCode: city.code, packPrice: '28.00', validFrom: '2026-07-01' })
        .expect(201);
      expect(second.body).toMatchObject({
        packPrice: '28.000000',
        unitPrice: '4.000000',
        validTo: null,
      });

      const rows = await t.http().get(history(drug.id)).set(officer).expect(200);
      expect(rows.body.total).toBe(2);
      expect(
        rows.body.items.map((r: ListingRow) => [r.id, r.packPrice, r.validFrom, r.validTo]),
      ).toEqual([
        [second.body.id, '28.000000', '2026-07-01', null],
        [first.body.id, '35.500000', '2026-01-01', '2026-06-30'],
      ]);

      const onDate = async (activeOn: string) =>
        (
          await t.http().get(list).query({ productId: drug.id, activeOn }).set(officer).expect(200)
        ).body.items.map((r: ListingRow) => r.id);
      expect(await onDate('2025-12-31')).toEqual([]);
      expect(await onDate('2026-06-30')).toEqual([first.body.id]);
      expect(await onDate('2026-07-01')).toEqual([second.body.id]);

      expect(
        (await auditOf(t, 'listing_price', first.body.id)).map((e) => [e.action, e.after.validTo]),
      ).toEqual([
        ['listing_price.created', null],
        ['listing_price.closed', '2026-06-30'],
      ]);
      expect((await auditOf(t, 'listing_price', second.body.id)).map((e) => e.action)).toEqual([
        'listing_price.created',
      ]);
    });

    it('prices a consumable per unit of sale', async () => {
      const item = await makeConsumable(t);
      const res = await t
        .http()
        .post(history(item.id))
        .set(officer)
        .send({
          regionCode: cast.regions.county.code,
          packPrice: '590',
          validFrom: '2026-01-01',
          validTo: '2026-12-31',
        })
        .expect(201);
      expect(res.body).toMatchObject({
        category: 'consumable',
        packPrice: '590.000000',
        unitPrice: '590.000000',
        validTo: '2026-12-31',
      });
    });

    it('answers 409 for a start on or before the current start, and changes nothing', async () => {
      const drug = await makeDrug(t);
      const city = cast.regions.city.code;
      await t
        .http()
        .post(history(drug.id))
        .set(officer)
        .send({ regionCode: city, packPrice: '10', validFrom: '2026-03-01' })
        .expect(201);
      for (const validFrom of ['2026-03-01', '2026-02-01']) {
        const res = await t
          .http()
          .post(history(drug.id))
          .set(officer)
          .send({ regionCode: city, packPrice: '9', validFrom });
        expectError(res, 409, 'CATALOG.LISTING_DATE_CONFLICT', validFrom, '2026-03-01');
      }
      const rows = await t.http().get(history(drug.id)).set(officer).expect(200);
      expect(rows.body.items.map((r: ListingRow) => [r.packPrice, r.validTo])).toEqual([
        ['10.000000', null],
      ]);
      const other = await t
        .http()
        .post(history(drug.id))
        .set(officer)
        .send({ regionCode: cast.regions.county.code, packPrice: '9', validFrom: '2026-02-01' })
        .expect(201);
      expect(other.body.regionCode).toBe(cast.regions.county.code);
      const county = await t
        .http()
        .get(history(drug.id))
        .query({ regionCode: cast.regions.county.code })
        .set(officer)
        .expect(200);
      expect(county.body.total).toBe(1);
    });

    it('serialises concurrent price changes of one product and region', async () => {
      const drug = await makeDrug(t);
      const send = { regionCode: cast.regions.city.code, packPrice: '10', validFrom: '2026-04-01' };
      const results = await Promise.all(
        Array.from({ length: 3 }, () => t.http().post(history(drug.id)).set(officer).send(send)),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
      for (const r of results.filter((x) => x.status === 409))
        expect(r.body.code).toBe('CATALOG.LISTING_DATE_CONFLICT');
      expect((await t.http().get(history(drug.id)).set(officer).expect(200)).body.total).toBe(1);
    });

    it.each([
      [{ packPrice: '0' }, 400, 'CATALOG.PRICE_INVALID', 'packPrice'],
      [{ packPrice: '-1' }, 400, 'CATALOG.PRICE_INVALID', 'packPrice'],
      [{ packPrice: '1.1234567' }, 400, 'CATALOG.PRICE_INVALID', 'packPrice'],
      [{ packPrice: 12.5 }, 400, 'COMMON.VALIDATION_FAILED', 'packPrice'],
      [{ validFrom: '2026-02-30' }, 400, 'CATALOG.DATE_INVALID', 'validFrom'],
      [{ validFrom: '2026/01/01' }, 400, 'COMMON.VALIDATION_FAILED', 'validFrom'],
      [{ validTo: '2025-12-31' }, 400, 'CATALOG.LISTING_PERIOD_INVALID', 'validTo'],
      [{ regionCode: '32' }, 400, 'COMMON.VALIDATION_FAILED', 'regionCode'],
      [{ regionCode: '000001' }, 404, 'CATALOG.REGION_NOT_FOUND', '000001'],
      [{ status: 'suspended' }, 400, 'COMMON.VALIDATION_FAILED', 'status'],
    ])('%j → %i %s', async (change, status, code, words) => {
      const drug = await makeDrug(t);
      const res = await t
        .http()
        .post(history(drug.id))
        .set(officer)
        .send({
          regionCode: cast.regions.city.code,
          packPrice: '10',
          validFrom: '2026-01-01',
          ...change,
        });
      expectError(res, status, code, words);
      expect((await t.http().get(history(drug.id)).set(officer).expect(200)).body.total).toBe(0);
    });

    it('404s for unknown products and 409s for inactive ones', async () => {
      const send = { regionCode: cast.regions.city.code, packPrice: '10', validFrom: '2026-01-01' };
      expectError(
        await t.http().post(history('999999999')).set(officer).send(send),
        404,
        'CATALOG.PRODUCT_NOT_FOUND',
      );
      expectError(
        await t.http().get(history('999999999')).set(officer),
        404,
        'CATALOG.PRODUCT_NOT_FOUND',
      );
      const inactive = await makeDrug(t, { status: 'inactive' });
      expectError(
        await t.http().post(history(inactive.id)).set(officer).send(send),
        409,
        'CATALOG.PRODUCT_INACTIVE',
        inactive.code,
      );
    });

    it('scopes writes to the officer’s region subtree (404 outside) and roles (403)', async () => {
      const drug = await makeDrug(t);
      const send = (regionCode: string) => ({
        regionCode,
        packPrice: '10',
        validFrom: '2026-01-01',
      });
      await t
        .http()
        .post(history(drug.id))
        .set(officer)
        .send(send(cast.regions.otherCounty.code))
        .expect(201);
      for (const outside of [cityB.code, cast.regions.province.code]) {
        expectError(
          await t.http().post(history(drug.id)).set(officer).send(send(outside)),
          404,
          'CATALOG.REGION_NOT_FOUND',
          outside,
        );
      }
      const officerB = await makeUser(
        t,
        await makeOrganisation(t, 'authority', { regionCode: cityB.code }),
        ['procurement_officer'],
      );
      await t
        .http()
        .post(history(drug.id))
        .set(bearer(officerB.token))
        .send(send(cityB.code))
        .expect(201);
      expectError(
        await t
          .http()
          .post(history(drug.id))
          .set(bearer(officerB.token))
          .send(send(cast.regions.city.code)),
        404,
        'CATALOG.REGION_NOT_FOUND',
      );
      await t
        .http()
        .post(history(drug.id))
        .set(bearer(t.adminToken))
        .send(send(cast.regions.province.code))
        .expect(201);
      for (const role of [
        'hospital_user',
        'supplier_user',
        'pricing_analyst',
        'fund_officer',
      ] as const) {
        expectError(
          await t
            .http()
            .post(history(drug.id))
            .set(bearer(cast.users[role].token))
            .send(send(cast.regions.city.code)),
          403,
          'COMMON.FORBIDDEN',
        );
      }
      const { key } = await makeApiKey(t, cast.hospital, ['catalog:read']);
      expectError(
        await t
          .http()
          .post(history(drug.id))
          .set('X-Api-Key', key)
          .send(send(cast.regions.city.code)),
        403,
        'COMMON.FORBIDDEN',
      );
      const read = await t.http().get(history(drug.id)).set('X-Api-Key', key).expect(200);
      expect(read.body.items.map((r: ListingRow) => r.regionCode).sort()).toEqual(
        [cast.regions.otherCounty.code, cityB.code, cast.regions.province.code].sort(),
      );
      await t
        .http()
        .get(list)
        .query({ productId: drug.id })
        .set(bearer(cast.users.hospital_user.token))
        .expect(200);
    });
  });

  describe('GET /catalog/listing-prices', () => {
    it('filters by region (exact or subtree), category, product code, status and sorts', async () => {
      const province = await makeRegion(t);
      const city = await makeRegion(t, { parent: province });
      const county = await makeRegion(t, { parent: city });
      const drug = await makeDrug(t);
      const item = await makeConsumable(t);
      const p = await makeListingPrice(t, drug, province.code, { validFrom: '2026-01-01' });
      const c = await makeListingPrice(t, drug, city.code, {
        validFrom: '2026-02-01',
        status: 'suspended',
      });
      const k = await makeListingPrice(t, item, county.code, {
        validFrom: '2026-03-01',
        validTo: '2026-03-31',
      });
      // On a database shared by parallel test files a province code can be handed out again
      // once the factory's codes run out, so only this test's own listings are compared.
      const own = new Set([p.id, c.id, k.id]);
      const ids = async (query: Record<string, unknown>) =>
        (
          await t
            .http()
            .get(list)
            .query({ sort: 'validFrom', pageSize: 200, ...query })
            .set(officer)
            .expect(200)
        ).body.items
          .map((r: ListingRow) => r.id)
          .filter((id: string) => own.has(id));
      expect(await ids({ regionCode: province.code })).toEqual([p.id]);
      expect(await ids({ regionCode: province.code, subregions: 'true' })).toEqual([
        p.id,
        c.id,
        k.id,
      ]);
      expect(await ids({ regionCode: city.code, subregions: 'true' })).toEqual([c.id, k.id]);
      expect(
        await ids({ regionCode: province.code, subregions: 'true', category: 'consumable' }),
      ).toEqual([k.id]);
      expect(
        await ids({ regionCode: province.code, subregions: 'true', status: 'suspended' }),
      ).toEqual([c.id]);
      expect(
        await ids({ regionCode: province.code, subregions: 'true', activeOn: '2026-04-01' }),
      ).toEqual([p.id, c.id]);
      expect(await ids({ regionCode: province.code, subregions: 'true', order: 'desc' })).toEqual([
        k.id,
        c.id,
        p.id,
      ]);
      expect(await ids({ productCode: item.code.toLowerCase() })).toEqual([k.id]);
      expect(await ids({ regionCode: '000002', subregions: 'true' })).toEqual([]);
      expectError(
        await t.http().get(list).query({ activeOn: 'tomorrow' }).set(officer),
        400,
        'COMMON.VALIDATION_FAILED',
        'activeOn',
      );
      expectError(
        await t.http().get(list).query({ category: 'device' }).set(officer),
        400,
        'COMMON.VALIDATION_FAILED',
        'category',
      );
    });
  });

  describe('suspend and reinstate', () => {
    it('suspends by hand with a reason, reinstates, refuses repeats with 409, audits', async () => {
      const drug = await makeDrug(t);
      const row = await makeListingPrice(t, drug, cast.regions.city.code);
      const url = `${list}/${row.id}`;
      const suspended = await t
        .http()
        .post(`${url}/suspend`)
        .set(officer)
        .send({ reason: '企业申请暂停挂网', source: 'manual' })
        .expect(200);
      expect(suspended.body).toMatchObject({
        id: row.id,
        status: 'suspended',
        suspensionReason: '企业申请暂停挂网',
        suspensionSource: 'manual',
        suspensions: [{ source: 'manual', reference: null, reason: '企业申请暂停挂网' }],
      });
      expect(suspended.body.suspendedAt).toEqual(expect.any(String));
      expectError(
        await t
          .http()
          .post(`${url}/suspend`)
          .set(officer)
          .send({ reason: 'again', source: 'manual' }),
        409,
        'CATALOG.LISTING_ALREADY_SUSPENDED',
      );
      const listed = await t
        .http()
        .get(list)
        .query({ productId: drug.id })
        .set(officer)
        .expect(200);
      expect(listed.body.items[0]).toMatchObject({
        status: 'suspended',
        suspensionSource: 'manual',
      });

      const reinstated = await t.http().post(`${url}/reinstate`).set(officer).expect(200);
      expect(reinstated.body).toMatchObject({
        status: 'active',
        suspendedAt: null,
        suspensionReason: null,
        suspensionSource: null,
        suspensions: [],
      });
      expectError(
        await t.http().post(`${url}/reinstate`).set(officer),
        409,
        'CATALOG.LISTING_NOT_SUSPENDED',
      );

      const events = await auditOf(t, 'listing_price', row.id);
      expect(events.map((e) => [e.action, e.after.status])).toEqual([
        ['listing_price.suspended', 'suspended'],
        ['listing_price.reinstated', 'active'],
      ]);
      expect(events[0].after.suspensionReason).toBe('企业申请暂停挂网');
    });

    it('validates the request and hides listings outside the actor’s scope', async () => {
      const drug = await makeDrug(t);
      const mine = await makeListingPrice(t, drug, cast.regions.county.code);
      const theirs = await makeListingPrice(t, drug, cityB.code);
      expectError(
        await t
          .http()
          .post(`${list}/${mine.id}/suspend`)
          .set(officer)
          .send({ reason: 'x', source: 'rumour' }),
        400,
        'COMMON.VALIDATION_FAILED',
        'source',
      );
      expectError(
        await t.http().post(`${list}/${mine.id}/suspend`).set(officer).send({ source: 'manual' }),
        400,
        'COMMON.VALIDATION_FAILED',
        'reason',
      );
      // Price cases and credit sanctions suspend through their own processes, never by hand.
      for (const source of ['credit_sanction', 'price_case'])
        expectError(
          await t
            .http()
            .post(`${list}/${mine.id}/suspend`)
            .set(officer)
            .send({ reason: 'x', source }),
          400,
          'COMMON.VALIDATION_FAILED',
          'source must be manual',
        );
      for (const id of [theirs.id, '999999999', 'x']) {
        expectError(
          await t
            .http()
            .post(`${list}/${id}/suspend`)
            .set(officer)
            .send({ reason: 'x', source: 'manual' }),
          404,
          'CATALOG.LISTING_PRICE_NOT_FOUND',
        );
        expectError(
          await t.http().post(`${list}/${id}/reinstate`).set(officer),
          404,
          'CATALOG.LISTING_PRICE_NOT_FOUND',
        );
      }
      expectError(
        await t
          .http()
          .post(`${list}/${mine.id}/suspend`)
          .set(bearer(cast.users.supervisor.token))
          .send({ reason: 'x', source: 'manual' }),
        403,
        'COMMON.FORBIDDEN',
      );
      const untouched = await t
        .http()
        .get(list)
        .query({ productId: drug.id, status: 'active' })
        .set(officer)
        .expect(200);
      expect(untouched.body.total).toBe(2);
    });

    it('carries a suspension in force over to a new price', async () => {
      const drug = await makeDrug(t);
      const code = cast.regions.city.code;
      const first = await t
        .http()
        .post(history(drug.id))
        .set(officer)
        .send({ regionCode: code, packPrice: '10', validFrom: '2026-01-01' })
        .expect(201);
      await t
        .http()
        .post(`${list}/${first.body.id}/suspend`)
        .set(officer)
        .send({ reason: '价格异常' })
        .expect(200);
      const second = await t
        .http()
        .post(history(drug.id))
        .set(officer)
        .send({ regionCode: code, packPrice: '8', validFrom: '2026-05-01' })
        .expect(201);
      expect(second.body).toMatchObject({
        status: 'suspended',
        suspensionReason: '价格异常',
        suspensionSource: 'manual',
        suspensions: [{ source: 'manual', reference: null, reason: '价格异常' }],
      });
      // The carried suspension is the new row's own: reinstating it leaves the first row alone.
      await t.http().post(`${list}/${second.body.id}/reinstate`).set(officer).expect(200);
      const rows = await t.http().get(history(drug.id)).set(officer).expect(200);
      expect(rows.body.items.map((r: ListingRow) => [r.id, r.status])).toEqual([
        [second.body.id, 'active'],
        [first.body.id, 'suspended'],
      ]);
    });
  });

  describe('ListingPricesService for other contexts', () => {
    it('currentListing: the region’s own listing, else the nearest ancestor’s, on a date', async () => {
      const service = t.app.get(ListingPricesService);
      const province = await makeRegion(t);
      const city = await makeRegion(t, { parent: province });
      const county = await makeRegion(t, { parent: city });
      const drug = await makeDrug(t);
      const p = await makeListingPrice(t, drug, province.code, { validFrom: '2026-01-01' });
      const c = await makeListingPrice(t, drug, city.code, {
        validFrom: '2026-03-01',
        validTo: '2026-05-31',
      });
      expect((await service.currentListing(drug.id, county.code, '2026-02-01'))?.id).toBe(p.id);
      expect((await service.currentListing(drug.id, county.code, '2026-04-01'))?.id).toBe(c.id);
      expect((await service.currentListing(drug.id, city.code, '2026-06-01'))?.id).toBe(p.id);
      expect((await service.currentListing(drug.id, province.code, '2026-04-01'))?.id).toBe(p.id);
      expect(await service.currentListing(drug.id, county.code, '2025-12-31')).toBeNull();
      expect(await service.currentListing(drug.id, '000003', '2026-04-01')).toBeNull();
    });

    it('suspendListings: every current listing of the products in a subtree, audited as the system', async () => {
      const service = t.app.get(ListingPricesService);
      const province = await makeRegion(t);
      const city = await makeRegion(t, { parent: province });
      const county = await makeRegion(t, { parent: city });
      const drug = await makeDrug(t);
      const other = await makeDrug(t);
      const inCity = await makeListingPrice(t, drug, city.code);
      const inCounty = await makeListingPrice(t, drug, county.code);
      const expired = await makeListingPrice(t, drug, county.code, {
        validFrom: '2020-01-01',
        validTo: '2020-12-31',
      });
      const above = await makeListingPrice(t, drug, province.code);
      const otherProduct = await makeListingPrice(t, other, city.code);
      const hold = {
        productIds: [drug.id],
        regionCode: city.code,
        source: 'price_case' as const,
        reference: 'PC2026-9001',
        reason: '价格异常',
      };
      const done = await service.suspendListings(hold);
      expect(done.map((r) => r.id).sort()).toEqual([inCity.id, inCounty.id].sort());
      const statuses = await t
        .http()
        .get(list)
        .query({ regionCode: province.code, subregions: 'true', pageSize: 200 })
        .set(officer)
        .expect(200);
      const byId = new Map<string, ListingRow>(
        statuses.body.items.map((r: ListingRow) => [r.id, r]),
      );
      expect(byId.get(inCity.id)!.status).toBe('suspended');
      expect(byId.get(inCounty.id)).toMatchObject({
        status: 'suspended',
        suspensionSource: 'price_case',
        suspensionReason: '价格异常',
        suspensions: [{ source: 'price_case', reference: 'PC2026-9001', reason: '价格异常' }],
      });
      for (const id of [expired.id, above.id, otherProduct.id])
        expect(byId.get(id)!.status).toBe('active');
      const events = await auditOf(t, 'listing_price', inCounty.id);
      expect(events.map((e) => [e.action, e.actorId])).toEqual([['listing_price.suspended', '0']]);
      // The same holder again changes nothing; another holder adds its own suspension, also to
      // listings already suspended.
      expect(await service.suspendListings({ ...hold, reason: 'again' })).toEqual([]);
      const everywhere = await service.suspendListings({
        productIds: [drug.id, other.id],
        regionCode: null,
        source: 'price_case',
        reference: 'PC2026-9002',
        reason: '全国',
      });
      expect(everywhere.map((r) => r.id).sort()).toEqual(
        [inCity.id, inCounty.id, above.id, otherProduct.id].sort(),
      );

      // Lifting one holder leaves what the other holds.
      const tx = t.app.get(TransactionRunner);
      const first = await tx.run((manager) =>
        service.reinstateListings(
          { productIds: [drug.id], source: 'price_case', reference: 'PC2026-9001' },
          { manager },
        ),
      );
      expect(first.lifted.map((r) => r.id).sort()).toEqual([inCity.id, inCounty.id].sort());
      expect(first.reinstated).toEqual([]);
      const second = await tx.run((manager) =>
        service.reinstateListings(
          { productIds: [drug.id, other.id], source: 'price_case', reference: 'PC2026-9002' },
          { manager },
        ),
      );
      expect(second.reinstated.map((r) => r.id).sort()).toEqual(
        [inCity.id, inCounty.id, above.id, otherProduct.id].sort(),
      );
      const after = await t
        .http()
        .get(list)
        .query({ productId: drug.id, status: 'suspended' })
        .set(officer)
        .expect(200);
      expect(after.body.total).toBe(0);
      expect(
        (await auditOf(t, 'listing_price', inCounty.id)).map((e) => [e.action, e.after.status]),
      ).toEqual([
        ['listing_price.suspended', 'suspended'],
        ['listing_price.suspended', 'suspended'],
        ['listing_price.suspension_lifted', 'suspended'],
        ['listing_price.reinstated', 'active'],
      ]);
    });
  });
});
