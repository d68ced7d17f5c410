import ExcelJS from 'exceljs';
import { Decimal } from '../../src/database/decimal';
import { productRow } from '../../src/modules/catalog/products/product-lookups';
import { Product } from '../../src/modules/catalog/products/product.entity';
import { makeApiKey, makeCast, makeOrganisation, makeRegion } from '../factories/identity';
import {
  drugCode,
  makeConsumable,
  makeDrug,
  makeListingPrice,
  udiCode,
} from '../factories/catalog';
import { bearer, startApp, TestApp } from '../setup/test-app';
import { binary } from '../setup/test-app';
import { expectError } from './support';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function sheetRows(body: Buffer): Promise<unknown[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ExcelJS.Buffer);
  const sheet = workbook.worksheets[0];
  const rows: unknown[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describe('catalogue exports (§X)', () => {
  let t: TestApp;
  let cast: Awaited<ReturnType<typeof makeCast>>;
  let reader: { Authorization: string };

  beforeAll(async () => {
    t = await startApp();
    cast = await makeCast(t);
    reader = bearer(cast.users.hospital_user.token);
  });
  afterAll(() => t.close());

  function download(
    path: string,
    query: Record<string, unknown>,
    auth: Record<string, string> = reader,
  ) {
    return t
      .http()
      .get(`/api/v1/catalog/${path}`)
      .query(query)
      .set(auth)
      .buffer(true)
      .parse(binary);
  }

  it('exports the filtered drugs, neutralising formula-like text', async () => {
    const maker = await makeOrganisation(t, 'manufacturer');
    const evil = await makeDrug(t, {
      name: '=HYPERLINK("x")',
      brandName: '+cmd',
      manufacturer: maker,
    });
    const plain = await makeDrug(t, {
      name: '阿司匹林肠溶片',
      dosageForm: 'enteric_coated_tablet',
      manufacturer: maker,
      essential: true,
    });
    await makeDrug(t);
    const res = await download('drugs/export.xlsx', {
      manufacturerId: maker.id,
      sort: 'name',
      order: 'desc',
    }).expect(200);
    expect(res.headers['content-type']).toContain(XLSX);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="drugs-\d{8}\.xlsx"/);
    const rows = await sheetRows(res.body as Buffer);
    expect(rows[0].slice(0, 3)).toEqual([
      '医保药品代码 Insurance code',
      '通用名 Generic name',
      '商品名 Brand name',
    ]);
    expect(rows).toHaveLength(3);
    const byId = new Map(rows.slice(1).map((r) => [r[r.length - 1], r]));
    expect(byId.get(plain.id)).toEqual(
      [
        plain.code,
        '阿司匹林肠溶片',
        null,
        maker.code,
        maker.name,
        'enteric_coated_tablet',
        '肠溶片',
        'oral_solid',
        '20',
        'mg',
        7,
        '片',
        '国药准字H20003263',
        false,
        false,
        true,
        false,
        false,
        'active',
        plain.id,
      ].map((v) => (v === null ? undefined : v)),
    );
    const evilRow = byId.get(evil.id)!;
    expect(evilRow[1]).toBe(`'=HYPERLINK("x")`);
    expect(evilRow[2]).toBe(`'+cmd`);
  });

  it('exports consumables with their UDIs', async () => {
    const maker = await makeOrganisation(t, 'manufacturer');
    const udi = udiCode();
    const item = await makeConsumable(t, {
      manufacturer: maker,
      udis: [udi],
      specification: '@import',
    });
    const res = await download('consumables/export.xlsx', { manufacturerId: maker.id }).expect(200);
    const rows = await sheetRows(res.body as Buffer);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toEqual([
      item.code,
      item.name,
      undefined,
      maker.code,
      maker.name,
      '血管介入/冠脉支架',
      true,
      '国械注准20153130001',
      `'@import`,
      '套',
      udi,
      'active',
      item.id,
    ]);
  });

  it('exports listing prices with money as text', async () => {
    const province = await makeRegion(t);
    const city = await makeRegion(t, { parent: province });
    const drug = await makeDrug(t, { packSize: 7 });
    const row = await makeListingPrice(t, drug, city.code, {
      packPrice: '35.5',
      validFrom: '2026-01-01',
    });
    await makeListingPrice(t, drug, province.code, { packPrice: '40' });
    const res = await download('listing-prices/export.xlsx', { regionCode: city.code }).expect(200);
    const rows = await sheetRows(res.body as Buffer);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toEqual([
      drug.code,
      drug.name,
      'drug',
      city.code,
      city.name,
      '35.500000',
      '5.071429',
      '2026-01-01',
      undefined,
      'active',
      undefined,
      undefined,
      row.id,
    ]);
    const all = await sheetRows(
      (
        await download('listing-prices/export.xlsx', {
          regionCode: province.code,
          subregions: 'true',
        }).expect(200)
      ).body as Buffer,
    );
    expect(all).toHaveLength(3);
  });

  it('streams every row of a large export, a batch at a time', async () => {
    const maker = await makeOrganisation(t, 'manufacturer');
    const now = new Date();
    const values = Array.from({ length: 1205 }, (_, i) =>
      productRow(
        {
          drug: {
            code: drugCode(),
            name: `批量 ${String(i).padStart(4, '0')}`,
            brandName: null,
            dosageForm: 'tablet',
            dosageFormClass: 'oral_solid',
            strength: '10',
            strengthUnit: 'mg',
            packSize: 10,
            smallestUnit: '片',
            approvalNumber: null,
            consistencyEvaluated: false,
            originator: false,
            essential: false,
            negotiated: false,
            reimbursable: false,
          },
        },
        maker.id,
        now,
      ),
    );
    for (let i = 0; i < values.length; i += 200)
      await t.dataSource
        .createQueryBuilder()
        .insert()
        .into(Product)
        .values(values.slice(i, i + 200))
        .execute();
    const res = await download('drugs/export.xlsx', {
      manufacturerId: maker.id,
      sort: 'name',
    }).expect(200);
    const rows = await sheetRows(res.body as Buffer);
    expect(rows).toHaveLength(1206);
    const names = rows.slice(1).map((r) => r[1]);
    expect(new Set(names).size).toBe(1205);
    expect(names[0]).toBe('批量 0000');
    expect(names[1204]).toBe('批量 1204');
    expect(new Decimal(String(rows[1][8])).eq(10)).toBe(true);
  });

  it('is open to API keys with catalog:read only, and validates filters', async () => {
    const { key } = await makeApiKey(t, cast.hospital, ['catalog:read']);
    await download(
      'drugs/export.xlsx',
      { status: 'active', pageSize: 1 },
      { 'X-Api-Key': key },
    ).expect(200);
    const { key: other } = await makeApiKey(t, cast.hospital, ['imports:read']);
    expectError(
      await t.http().get('/api/v1/catalog/consumables/export.xlsx').set('X-Api-Key', other),
      403,
      'COMMON.FORBIDDEN',
    );
    expectError(
      await t.http().get('/api/v1/catalog/listing-prices/export.xlsx'),
      401,
      'COMMON.UNAUTHENTICATED',
    );
    const bad = await t
      .http()
      .get('/api/v1/catalog/drugs/export.xlsx')
      .query({ dosageForm: 'pill' })
      .set(reader);
    expectError(bad, 400, 'COMMON.VALIDATION_FAILED', 'dosageForm');
  });
});
