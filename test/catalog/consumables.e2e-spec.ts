import { makeApiKey, makeCast } from '../factories/identity';
import { consumableCode, makeConsumable, makeDrug, udiCode } from '../factories/catalog';
import { bearer, startApp, TestApp, uniq } from '../setup/test-app';
import { auditOf, expectError } from './support';

describe('catalogue: consumables and UDIs (§C1)', () => {
  let t: TestApp;
  let cast: Awaited<ReturnType<typeof makeCast>>;
  let officer: { Authorization: string };
  const url = '/api/v1/catalog/consumables';

  beforeAll(async () => {
    t = await startApp();
    cast = await makeCast(t);
    officer = bearer(cast.users.procurement_officer.token);
  });
  afterAll(() => t.close());

  function body(overrides: Record<string, unknown> = {}) {
    return {
      code: consumableCode(),
      name: `药物洗脱冠脉支架系统 ${uniq(6)}`,
      manufacturerId: cast.manufacturer.id,
      categoryPath: '血管介入 / 冠脉支架',
      highValue: true,
      registrationNumber: '国械注准20153130001',
      specification: '3.0mm×18mm',
      unit: '套',
      ...overrides,
    };
  }

  describe('POST/GET/PATCH', () => {
    it('creates a consumable, reads it back and audits it', async () => {
      const input = body();
      const res = await t.http().post(url).set(officer).send(input).expect(201);
      expect(res.body).toMatchObject({
        code: input.code,
        name: input.name,
        brandName: null,
        manufacturerId: cast.manufacturer.id,
        manufacturerName: cast.manufacturer.name,
        categoryPath: '血管介入/冠脉支架',
        highValue: true,
        registrationNumber: '国械注准20153130001',
        specification: '3.0mm×18mm',
        unit: '套',
        udis: [],
        status: 'active',
      });
      const read = await t.http().get(`${url}/${res.body.id}`).set(officer).expect(200);
      expect(read.body).toEqual(res.body);
      const events = await auditOf(t, 'product', res.body.id);
      expect(events.map((e) => e.action)).toEqual(['consumable.created']);
    });

    it.each([
      [{ code: 'XC10AAA021A001010104321' }, 400, 'CATALOG.PRODUCT_CODE_INVALID', 'code'],
      [
        { categoryPath: '血管介入//冠脉支架' },
        400,
        'CATALOG.CATEGORY_PATH_INVALID',
        'categoryPath',
      ],
      [
        { registrationNumber: 'REG-1' },
        400,
        'CATALOG.REGISTRATION_NUMBER_INVALID',
        'registrationNumber',
      ],
      [{ unit: '' }, 400, 'CATALOG.PRODUCT_FIELDS_INVALID', 'unit'],
      [{ highValue: 'yes' }, 400, 'COMMON.VALIDATION_FAILED', 'highValue'],
      [{ dosageForm: 'tablet' }, 400, 'COMMON.VALIDATION_FAILED', 'dosageForm'],
      [{ manufacturerId: '999999999' }, 404, 'CATALOG.MANUFACTURER_NOT_FOUND', 'manufacturerId'],
    ])('%j → %i %s naming %s', async (change, status, code, field) => {
      expectError(await t.http().post(url).set(officer).send(body(change)), status, code, field);
    });

    it('answers 409 naming a code taken by a drug or a consumable', async () => {
      const existing = await makeConsumable(t);
      expectError(
        await t
          .http()
          .post(url)
          .set(officer)
          .send(body({ code: existing.code })),
        409,
        'CATALOG.DUPLICATE_PRODUCT_CODE',
        existing.code,
      );
    });

    it('filters by category path prefix (whole segments), high value, q and status; sorts', async () => {
      const root = `类${uniq(6)}`;
      const a = await makeConsumable(t, {
        name: `${root} A`,
        categoryPath: `${root}/冠脉支架`,
        highValue: true,
      });
      const b = await makeConsumable(t, {
        name: `${root} B`,
        categoryPath: `${root}/球囊`,
        highValue: false,
      });
      const c = await makeConsumable(t, {
        name: `${root} C`,
        categoryPath: `${root}X/球囊`,
        highValue: false,
        status: 'inactive',
      });
      const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((i) => i.id);
      const q = (query: Record<string, unknown>) =>
        t
          .http()
          .get(url)
          .query({ sort: 'name', ...query })
          .set(officer)
          .expect(200);
      expect(ids(await q({ categoryPath: root }))).toEqual([a.id, b.id]);
      expect(ids(await q({ categoryPath: `${root}/球囊` }))).toEqual([b.id]);
      expect(ids(await q({ categoryPath: `${root}/球` }))).toEqual([]);
      expect(ids(await q({ q: root, highValue: 'true' }))).toEqual([a.id]);
      expect(ids(await q({ q: root, highValue: 'false' }))).toEqual([b.id, c.id]);
      expect(ids(await q({ q: root, status: 'inactive' }))).toEqual([c.id]);
      expect(ids(await q({ q: root, order: 'desc' }))).toEqual([c.id, b.id, a.id]);
      expect(ids(await q({ code: b.code.toLowerCase() }))).toEqual([b.id]);
    });

    it('patches fields and audits; 404 for drugs and unknown ids', async () => {
      const item = await makeConsumable(t);
      const res = await t
        .http()
        .patch(`${url}/${item.id}`)
        .set(officer)
        .send({ highValue: false, specification: null, categoryPath: '骨科/关节' })
        .expect(200);
      expect(res.body).toMatchObject({
        highValue: false,
        specification: null,
        categoryPath: '骨科/关节',
        code: item.code,
      });
      expect((await t.http().get(`${url}/${item.id}`).set(officer).expect(200)).body).toEqual(
        res.body,
      );
      const events = await auditOf(t, 'product', item.id);
      expect(events.map((e) => e.action)).toEqual(['consumable.updated']);
      expect(events[0].before).toMatchObject({ categoryPath: '血管介入/冠脉支架' });
      const drug = await makeDrug(t);
      expectError(
        await t.http().get(`${url}/${drug.id}`).set(officer),
        404,
        'CATALOG.PRODUCT_NOT_FOUND',
      );
      expectError(
        await t.http().patch(`${url}/999999999`).set(officer).send({ unit: '个' }),
        404,
        'CATALOG.PRODUCT_NOT_FOUND',
      );
      expectError(
        await t.http().patch(`${url}/${item.id}`).set(officer).send({ categoryPath: '' }),
        400,
        'CATALOG.CATEGORY_PATH_INVALID',
      );
      expectError(
        await t
          .http()
          .patch(`${url}/${item.id}`)
          .set(bearer(cast.users.supplier_user.token))
          .send({ unit: '个' }),
        403,
        'COMMON.FORBIDDEN',
      );
    });
  });

  describe('UDI mapping (一码联通)', () => {
    it('maps UDIs, lists them on the consumable, resolves a UDI, unmaps, and audits each step', async () => {
      const item = await makeConsumable(t);
      const u1 = udiCode();
      const u2 = udiCode();
      const first = await t
        .http()
        .post(`${url}/${item.id}/udis`)
        .set(officer)
        .send({ udi: u1 })
        .expect(201);
      expect(first.body.udis).toEqual([u1]);
      const second = await t
        .http()
        .post(`${url}/${item.id}/udis`)
        .set(officer)
        .send({ udi: ` ${u2} ` })
        .expect(201);
      expect(second.body.udis).toEqual([u1, u2].sort());
      const again = await t
        .http()
        .post(`${url}/${item.id}/udis`)
        .set(officer)
        .send({ udi: u1 })
        .expect(201);
      expect(again.body.udis).toEqual([u1, u2].sort());

      const hospital = bearer(cast.users.hospital_user.token);
      const resolved = await t.http().get(`/api/v1/catalog/udis/${u2}`).set(hospital).expect(200);
      expect(resolved.body).toMatchObject({ id: item.id, code: item.code });
      const list = await t.http().get(url).query({ code: item.code }).set(hospital).expect(200);
      expect(list.body.items[0].udis).toEqual([u1, u2].sort());

      const removed = await t
        .http()
        .delete(`${url}/${item.id}/udis/${u1}`)
        .set(officer)
        .expect(200);
      expect(removed.body.udis).toEqual([u2]);
      expectError(
        await t.http().get(`/api/v1/catalog/udis/${u1}`).set(hospital),
        404,
        'CATALOG.UDI_NOT_FOUND',
        u1,
      );
      expect((await t.http().get(`${url}/${item.id}`).set(officer).expect(200)).body.udis).toEqual([
        u2,
      ]);

      const events = await auditOf(t, 'product', item.id);
      expect(events.map((e) => [e.action, e.after?.udi ?? e.before?.udi])).toEqual([
        ['consumable.udi_mapped', u1],
        ['consumable.udi_mapped', u2],
        ['consumable.udi_unmapped', u1],
      ]);
    });

    it('answers 409 naming the consumable a UDI is already mapped to', async () => {
      const udi = udiCode();
      const owner = await makeConsumable(t, { udis: [udi] });
      const other = await makeConsumable(t);
      const res = await t.http().post(`${url}/${other.id}/udis`).set(officer).send({ udi });
      expectError(res, 409, 'CATALOG.UDI_ALREADY_MAPPED', udi, owner.code);
      expect(res.body.details).toMatchObject({ consumableCode: owner.code });
      expect((await t.http().get(`${url}/${other.id}`).set(officer).expect(200)).body.udis).toEqual(
        [],
      );
    });

    it.each([
      ['06901234567891', 'check digit'],
      ['1234567', '8–23'],
      ['ABC-12345678', '8–23'],
    ])('refuses UDI %s (%s)', async (udi, words) => {
      const item = await makeConsumable(t);
      expectError(
        await t.http().post(`${url}/${item.id}/udis`).set(officer).send({ udi }),
        400,
        'CATALOG.UDI_INVALID',
        'udi',
        words,
      );
    });

    it('404s for unknown consumables, drugs and unmapped UDIs; 403 for non-writers', async () => {
      const drug = await makeDrug(t);
      const item = await makeConsumable(t);
      expectError(
        await t.http().post(`${url}/${drug.id}/udis`).set(officer).send({ udi: udiCode() }),
        404,
        'CATALOG.PRODUCT_NOT_FOUND',
      );
      expectError(
        await t.http().post(`${url}/999999999/udis`).set(officer).send({ udi: udiCode() }),
        404,
        'CATALOG.PRODUCT_NOT_FOUND',
      );
      expectError(
        await t.http().delete(`${url}/${item.id}/udis/${udiCode()}`).set(officer),
        404,
        'CATALOG.UDI_NOT_FOUND',
      );
      const udi = udiCode();
      await makeConsumable(t, { udis: [udi] });
      expectError(
        await t.http().delete(`${url}/${item.id}/udis/${udi}`).set(officer),
        404,
        'CATALOG.UDI_NOT_FOUND',
      );
      expectError(
        await t
          .http()
          .post(`${url}/${item.id}/udis`)
          .set(bearer(cast.users.hospital_user.token))
          .send({ udi: udiCode() }),
        403,
        'COMMON.FORBIDDEN',
      );
      expectError(
        await t
          .http()
          .delete(`${url}/${item.id}/udis/${udi}`)
          .set(bearer(cast.users.auditor.token)),
        403,
        'COMMON.FORBIDDEN',
      );
    });

    it('lets an API key with catalog:read resolve UDIs and nothing else', async () => {
      const udi = udiCode();
      const item = await makeConsumable(t, { udis: [udi] });
      const { key } = await makeApiKey(t, cast.hospital, ['catalog:read']);
      const res = await t
        .http()
        .get(`/api/v1/catalog/udis/${udi}`)
        .set('X-Api-Key', key)
        .expect(200);
      expect(res.body.id).toBe(item.id);
      expectError(
        await t
          .http()
          .post(`${url}/${item.id}/udis`)
          .set('X-Api-Key', key)
          .send({ udi: udiCode() }),
        403,
        'COMMON.FORBIDDEN',
      );
      const { key: none } = await makeApiKey(t, cast.hospital, ['imports:read']);
      expectError(
        await t.http().get(`/api/v1/catalog/udis/${udi}`).set('X-Api-Key', none),
        403,
        'COMMON.FORBIDDEN',
      );
    });
  });
});
