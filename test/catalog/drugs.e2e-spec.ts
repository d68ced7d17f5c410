import { makeApiKey, makeCast, makeOrganisation } from '../factories/identity';
import { drugCode, makeConsumable, makeDrug, makeListingPrice } from '../factories/catalog';
import { bearer, startApp, TestApp, uniq } from '../setup/test-app';
import { auditOf, expectError } from './support';

describe('catalogue: drugs (§C1)', () => {
  let t: TestApp;
  let cast: Awaited<ReturnType<typeof makeCast>>;
  let officer: { Authorization: string };
  const url = '/api/v1/catalog/drugs';

  beforeAll(async () => {
    t = await startApp();
    cast = await makeCast(t);
    officer = bearer(cast.users.procurement_officer.token);
  });
  afterAll(() => t.close());

  function body(overrides: Record<string, unknown> = {}) {
    return {
      code: drugCode(),
      name: `阿托伐他汀钙片 ${uniq(6)}`,
      brandName: '立普妥',
      manufacturerId: cast.manufacturer.id,
      dosageForm: 'tablet',
      strength: '20',
      strengthUnit: 'mg',
      packSize: 7,
      smallestUnit: '片',
      approvalNumber: '国药准字H20003263',
      consistencyEvaluated: true,
      originator: true,
      ...overrides,
    };
  }

  describe('POST /catalog/drugs', () => {
    it('creates a drug, reads it back and audits it', async () => {
      const input = body({
        code: ` ${drugCode().toLowerCase()} `,
        strength: '20.50',
        strengthUnit: 'MG',
      });
      const res = await t.http().post(url).set(officer).send(input).expect(201);
      expect(res.body).toMatchObject({
        code: input.code.trim().toUpperCase(),
        name: input.name,
        brandName: '立普妥',
        manufacturerId: cast.manufacturer.id,
        manufacturerCode: cast.manufacturer.code,
        dosageForm: 'tablet',
        dosageFormName: '普通片',
        dosageFormClass: 'oral_solid',
        strength: '20.5',
        strengthUnit: 'mg',
        packSize: 7,
        smallestUnit: '片',
        approvalNumber: '国药准字H20003263',
        consistencyEvaluated: true,
        originator: true,
        essential: false,
        negotiated: false,
        reimbursable: false,
        status: 'active',
      });
      const read = await t.http().get(`${url}/${res.body.id}`).set(officer).expect(200);
      expect(read.body).toEqual(res.body);
      const events = await auditOf(t, 'product', res.body.id);
      expect(events.map((e) => e.action)).toEqual(['drug.created']);
      expect(events[0].after).toMatchObject({ code: res.body.code, strength: '20.5' });
      expect(events[0].actorId).toBe(cast.users.procurement_officer.user.id);
    });

    it('takes a large-volume class for an injection and defaults small-volume', async () => {
      const lvp = await t
        .http()
        .post(url)
        .set(officer)
        .send(
          body({
            dosageForm: 'injection',
            dosageFormClass: 'large_volume_injection',
            strengthUnit: 'ml',
            smallestUnit: '瓶',
          }),
        )
        .expect(201);
      expect(lvp.body.dosageFormClass).toBe('large_volume_injection');
      const svp = await t
        .http()
        .post(url)
        .set(officer)
        .send(body({ dosageForm: 'injection', strengthUnit: 'ug', smallestUnit: '支' }))
        .expect(201);
      expect(svp.body).toMatchObject({
        dosageFormClass: 'small_volume_injection',
        strengthUnit: 'µg',
      });
    });

    it.each([
      [{ code: 'C0311201000000300000000' }, 400, 'CATALOG.PRODUCT_CODE_INVALID', 'code'],
      [{ code: 'X123' }, 400, 'CATALOG.PRODUCT_CODE_INVALID', 'code'],
      [{ strength: '0' }, 400, 'CATALOG.STRENGTH_INVALID', 'strength'],
      [{ strengthUnit: 'kg' }, 400, 'CATALOG.STRENGTH_INVALID', 'strengthUnit'],
      [
        { dosageFormClass: 'large_volume_injection' },
        400,
        'CATALOG.DOSAGE_FORM_CLASS_MISMATCH',
        'dosageFormClass',
      ],
      [{ approvalNumber: 'H123' }, 400, 'CATALOG.APPROVAL_NUMBER_INVALID', 'approvalNumber'],
      [{ name: '   ' }, 400, 'CATALOG.PRODUCT_FIELDS_INVALID', 'name'],
      [{ dosageForm: 'pill' }, 400, 'COMMON.VALIDATION_FAILED', 'dosageForm'],
      [{ packSize: 0 }, 400, 'COMMON.VALIDATION_FAILED', 'packSize'],
      [{ strength: 20 }, 400, 'COMMON.VALIDATION_FAILED', 'strength'],
      [{ colour: 'red' }, 400, 'COMMON.VALIDATION_FAILED', 'colour'],
      [{ manufacturerId: '999999999' }, 404, 'CATALOG.MANUFACTURER_NOT_FOUND', 'manufacturerId'],
    ])('%j → %i %s naming %s', async (change, status, code, field) => {
      const res = await t.http().post(url).set(officer).send(body(change));
      expectError(res, status, code, field);
    });

    it('refuses a distributor or an inactive manufacturer as MAH', async () => {
      expectError(
        await t
          .http()
          .post(url)
          .set(officer)
          .send(body({ manufacturerId: cast.distributor.id })),
        400,
        'CATALOG.NOT_A_MANUFACTURER',
        'manufacturerId',
        cast.distributor.code,
      );
      const inactive = await makeOrganisation(t, 'manufacturer', { status: 'inactive' });
      expectError(
        await t
          .http()
          .post(url)
          .set(officer)
          .send(body({ manufacturerId: inactive.id })),
        409,
        'CATALOG.MANUFACTURER_INACTIVE',
        inactive.code,
      );
    });

    it('answers 409 naming a duplicate code, whatever its category', async () => {
      const first = await t.http().post(url).set(officer).send(body()).expect(201);
      const dup = await t
        .http()
        .post(url)
        .set(officer)
        .send(body({ code: first.body.code.toLowerCase() }));
      expectError(dup, 409, 'CATALOG.DUPLICATE_PRODUCT_CODE', first.body.code);
      expect(dup.body.details).toEqual({ code: first.body.code });
      const list = await t
        .http()
        .get(url)
        .query({ code: first.body.code })
        .set(officer)
        .expect(200);
      expect(list.body.total).toBe(1);
    });

    it.each(['hospital_user', 'supplier_user', 'pricing_analyst', 'auditor'] as const)(
      '%s may not create drugs (403)',
      async (role) => {
        const res = await t.http().post(url).set(bearer(cast.users[role].token)).send(body());
        expectError(res, 403, 'COMMON.FORBIDDEN');
      },
    );

    it('answers concurrent creates of one code with one 201 and 409s', async () => {
      const code = drugCode();
      const results = await Promise.all(
        Array.from({ length: 4 }, () => t.http().post(url).set(officer).send(body({ code }))),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
      for (const r of results.filter((x) => x.status === 409))
        expectError(r, 409, 'CATALOG.DUPLICATE_PRODUCT_CODE', code);
      const list = await t.http().get(url).query({ code }).set(officer).expect(200);
      expect(list.body.total).toBe(1);
    });

    it('the platform admin may create drugs', async () => {
      await t.http().post(url).set(bearer(t.adminToken)).send(body()).expect(201);
    });
  });

  describe('GET /catalog/drugs', () => {
    const marker = `他汀${uniq(6)}`;
    let ids: Record<string, string>;
    let maker: Awaited<ReturnType<typeof makeOrganisation>>;

    beforeAll(async () => {
      maker = await makeOrganisation(t, 'manufacturer');
      const a = await makeDrug(t, {
        name: `${marker} A`,
        manufacturer: maker,
        consistencyEvaluated: true,
        essential: true,
      });
      const b = await makeDrug(t, {
        name: `${marker} B`,
        brandName: `品牌${marker}`,
        dosageForm: 'injection',
        dosageFormClass: 'large_volume_injection',
        manufacturer: maker,
      });
      const c = await makeDrug(t, {
        name: `${marker} C`,
        dosageForm: 'enteric_capsule',
        negotiated: true,
        status: 'inactive',
      });
      ids = { a: a.id, b: b.id, c: c.id };
    });

    const names = (res: { body: { items: { name: string }[] } }) =>
      res.body.items.map((i) => i.name.slice(-1));

    it.each([
      [{}, ['A', 'B', 'C']],
      [{ dosageForm: 'injection' }, ['B']],
      [{ dosageFormClass: 'oral_solid' }, ['A', 'C']],
      [{ consistencyEvaluated: 'true' }, ['A']],
      [{ consistencyEvaluated: 'false' }, ['B', 'C']],
      [{ essential: 'true', negotiated: 'false' }, ['A']],
      [{ negotiated: 'true' }, ['C']],
      [{ status: 'inactive' }, ['C']],
      [{ status: 'active' }, ['A', 'B']],
      [{ sort: 'name', order: 'desc' }, ['C', 'B', 'A']],
    ])('filters %j', async (filter, expected) => {
      const res = await t
        .http()
        .get(url)
        .query({ q: marker, sort: 'name', ...filter })
        .set(officer)
        .expect(200);
      expect(names(res)).toEqual(expected);
      expect(res.body.total).toBe(expected.length);
    });

    it('filters by manufacturer and brand name, and pages', async () => {
      const byMaker = await t
        .http()
        .get(url)
        .query({ manufacturerId: maker.id, sort: 'name' })
        .set(officer)
        .expect(200);
      expect(names(byMaker)).toEqual(['A', 'B']);
      const byBrand = await t
        .http()
        .get(url)
        .query({ q: `品牌${marker}` })
        .set(officer)
        .expect(200);
      expect(byBrand.body.items.map((i: { id: string }) => i.id)).toEqual([ids.b]);
      const page2 = await t
        .http()
        .get(url)
        .query({ q: marker, sort: 'name', page: 2, pageSize: 2 })
        .set(officer)
        .expect(200);
      expect(page2.body).toMatchObject({ page: 2, pageSize: 2, total: 3 });
      expect(names(page2)).toEqual(['C']);
    });

    it('treats LIKE wildcards in q as text', async () => {
      const res = await t
        .http()
        .get(url)
        .query({ q: `${marker}%` })
        .set(officer)
        .expect(200);
      expect(res.body.total).toBe(0);
    });

    it('refuses bad filters naming the field', async () => {
      expectError(
        await t.http().get(url).query({ sort: 'price' }).set(officer),
        400,
        'COMMON.VALIDATION_FAILED',
        'sort',
      );
      expectError(
        await t.http().get(url).query({ essential: 'perhaps' }).set(officer),
        400,
        'COMMON.VALIDATION_FAILED',
        'essential',
      );
      expectError(
        await t.http().get(url).query({ pageSize: 500 }).set(officer),
        400,
        'COMMON.VALIDATION_FAILED',
        'pageSize',
      );
    });

    it('is readable by every logged-in role and by API keys with catalog:read only', async () => {
      for (const role of Object.keys(cast.users) as (keyof typeof cast.users)[]) {
        await t
          .http()
          .get(url)
          .query({ q: marker })
          .set(bearer(cast.users[role].token))
          .expect(200);
        await t.http().get(`${url}/${ids.a}`).set(bearer(cast.users[role].token)).expect(200);
      }
      const { key } = await makeApiKey(t, cast.hospital, ['catalog:read']);
      const viaKey = await t.http().get(url).query({ q: marker }).set('X-Api-Key', key).expect(200);
      expect(viaKey.body.total).toBe(3);
      await t.http().get(`${url}/${ids.a}`).set('X-Api-Key', key).expect(200);
      expectError(
        await t.http().post(url).set('X-Api-Key', key).send(body()),
        403,
        'COMMON.FORBIDDEN',
      );
      const { key: other } = await makeApiKey(t, cast.hospital, ['organisations:read']);
      expectError(
        await t.http().get(url).set('X-Api-Key', other),
        403,
        'COMMON.FORBIDDEN',
        'catalog:read',
      );
      expectError(await t.http().get(url), 401, 'COMMON.UNAUTHENTICATED');
    });
  });

  describe('GET/PATCH /catalog/drugs/:id', () => {
    it('404s for an unknown id, a malformed id and a consumable', async () => {
      const consumable = await makeConsumable(t);
      for (const id of ['999999999', 'abc', consumable.id]) {
        expectError(
          await t.http().get(`${url}/${id}`).set(officer),
          404,
          'CATALOG.PRODUCT_NOT_FOUND',
        );
        expectError(
          await t.http().patch(`${url}/${id}`).set(officer).send({ name: 'x' }),
          404,
          'CATALOG.PRODUCT_NOT_FOUND',
        );
      }
    });

    it('updates fields, re-derives the class when the form changes, and audits before/after', async () => {
      const drug = await makeDrug(t, {
        dosageForm: 'injection',
        dosageFormClass: 'large_volume_injection',
        smallestUnit: '瓶',
      });
      const renamed = await t
        .http()
        .patch(`${url}/${drug.id}`)
        .set(officer)
        .send({ name: '氯化钠注射液', brandName: null, essential: true })
        .expect(200);
      expect(renamed.body).toMatchObject({
        name: '氯化钠注射液',
        brandName: null,
        essential: true,
        dosageFormClass: 'large_volume_injection',
        code: drug.code,
      });
      const reformed = await t
        .http()
        .patch(`${url}/${drug.id}`)
        .set(officer)
        .send({ dosageForm: 'tablet' })
        .expect(200);
      expect(reformed.body.dosageFormClass).toBe('oral_solid');
      const maker = await makeOrganisation(t, 'manufacturer');
      const moved = await t
        .http()
        .patch(`${url}/${drug.id}`)
        .set(officer)
        .send({ manufacturerId: maker.id, status: 'inactive' })
        .expect(200);
      expect(moved.body).toMatchObject({
        manufacturerId: maker.id,
        manufacturerCode: maker.code,
        status: 'inactive',
      });
      const read = await t.http().get(`${url}/${drug.id}`).set(officer).expect(200);
      expect(read.body).toEqual(moved.body);
      const events = await auditOf(t, 'product', drug.id);
      expect(events.map((e) => e.action)).toEqual(['drug.updated', 'drug.updated', 'drug.updated']);
      expect(events[0].before).toMatchObject({
        name: drug.name,
        dosageFormClass: 'large_volume_injection',
      });
      expect(events[0].after).toMatchObject({ name: '氯化钠注射液' });
    });

    it('refuses invalid changes and leaves the drug as it was', async () => {
      const drug = await makeDrug(t);
      const before = await t.http().get(`${url}/${drug.id}`).set(officer).expect(200);
      expectError(
        await t.http().patch(`${url}/${drug.id}`).set(officer).send({ code: drugCode() }),
        400,
        'COMMON.VALIDATION_FAILED',
        'code',
      );
      expectError(
        await t
          .http()
          .patch(`${url}/${drug.id}`)
          .set(officer)
          .send({ dosageFormClass: 'small_volume_injection' }),
        400,
        'CATALOG.DOSAGE_FORM_CLASS_MISMATCH',
        'dosageFormClass',
      );
      expectError(
        await t.http().patch(`${url}/${drug.id}`).set(officer).send({ name: null }),
        400,
        'CATALOG.PRODUCT_FIELDS_INVALID',
        'name',
      );
      expectError(
        await t
          .http()
          .patch(`${url}/${drug.id}`)
          .set(officer)
          .send({ manufacturerId: cast.hospital.id }),
        400,
        'CATALOG.NOT_A_MANUFACTURER',
      );
      expectError(
        await t
          .http()
          .patch(`${url}/${drug.id}`)
          .set(bearer(cast.users.hospital_user.token))
          .send({ name: 'x' }),
        403,
        'COMMON.FORBIDDEN',
      );
      const after = await t.http().get(`${url}/${drug.id}`).set(officer).expect(200);
      expect(after.body).toEqual(before.body);
      expect(await auditOf(t, 'product', drug.id)).toEqual([]);
    });

    it('locks the pack size once listing prices derive from it', async () => {
      const drug = await makeDrug(t, { packSize: 7 });
      await makeListingPrice(t, drug, cast.regions.city.code);
      expectError(
        await t.http().patch(`${url}/${drug.id}`).set(officer).send({ packSize: 14 }),
        409,
        'CATALOG.PACK_SIZE_LOCKED',
        'packSize',
      );
      await t
        .http()
        .patch(`${url}/${drug.id}`)
        .set(officer)
        .send({ packSize: 7, name: '同包装改名' })
        .expect(200);
      const free = await makeDrug(t, { packSize: 7 });
      const res = await t
        .http()
        .patch(`${url}/${free.id}`)
        .set(officer)
        .send({ packSize: 14 })
        .expect(200);
      expect(res.body.packSize).toBe(14);
    });
  });

  it('documents every catalogue route in the OpenAPI document', async () => {
    const doc = await t.http().get('/docs-json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/catalog/drugs',
        '/api/v1/catalog/drugs/{id}',
        '/api/v1/catalog/drugs/export.xlsx',
        '/api/v1/catalog/consumables',
        '/api/v1/catalog/consumables/{id}',
        '/api/v1/catalog/consumables/{id}/udis',
        '/api/v1/catalog/consumables/{id}/udis/{udi}',
        '/api/v1/catalog/consumables/export.xlsx',
        '/api/v1/catalog/udis/{udi}',
        '/api/v1/catalog/dosage-forms',
        '/api/v1/catalog/products/{id}/listing-prices',
        '/api/v1/catalog/listing-prices',
        '/api/v1/catalog/listing-prices/export.xlsx',
        '/api/v1/catalog/listing-prices/{id}/suspend',
        '/api/v1/catalog/listing-prices/{id}/reinstate',
      ]),
    );
    expect(doc.body.components.schemas.DrugView.properties.strength.type).toBe('string');
    expect(Object.keys(doc.body.components.schemas.UpdateDrugRequest.properties)).not.toContain(
      'code',
    );
  });

  describe('GET /catalog/dosage-forms', () => {
    it('serves the §P5 table', async () => {
      const res = await t
        .http()
        .get('/api/v1/catalog/dosage-forms')
        .set(bearer(cast.users.hospital_user.token))
        .expect(200);
      expect(res.body).toHaveLength(14);
      expect(res.body).toContainEqual({
        code: 'effervescent_tablet',
        name: '泡腾片',
        factor: '1.30',
        defaultClass: 'oral_solid',
        classes: ['oral_solid'],
      });
      expect(res.body).toContainEqual({
        code: 'injection',
        name: '注射剂',
        factor: '1.00',
        defaultClass: 'small_volume_injection',
        classes: ['small_volume_injection', 'large_volume_injection'],
      });
    });
  });
});
