import { Actor } from '../../src/common/auth/actor';
import { TransactionRunner } from '../../src/database/transaction-runner';
import { ImportKindRegistry } from '../../src/modules/imports/import-kind.registry';
import {
  RowProblem,
  CellValue,
  ImportContext,
  ImportKind,
  NumberedRow,
} from '../../src/modules/imports/import-kind';
import { makeCast, makeOrganisation, makeRegion } from '../factories/identity';
import {
  consumableCode,
  drugCode,
  makeConsumable,
  makeDrug,
  makeListingPrice,
  udiCode,
} from '../factories/catalog';
import { bearer, startApp, TestApp, uniq } from '../setup/test-app';
import { auditOf, DrugRow, ListingRow } from './support';

/**
 * The catalogue's import kinds driven the way the §X pipeline drives them: parse every row,
 * check in batches sharing one `seen` map, then write and finish in one transaction.
 */
describe('catalogue import kinds (§C3)', () => {
  let t: TestApp;
  let cast: Awaited<ReturnType<typeof makeCast>>;
  let officer: Actor;
  let registry: ImportKindRegistry;

  beforeAll(async () => {
    t = await startApp();
    cast = await makeCast(t);
    registry = t.app.get(ImportKindRegistry);
    const { user } = cast.users.procurement_officer;
    officer = {
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
  });
  afterAll(() => t.close());

  async function run<T>(
    kindName: string,
    sheet: Record<string, CellValue>[],
    actor = officer,
    batch = 2,
  ) {
    const kind = registry.get(kindName) as ImportKind<T>;
    const ctx: ImportContext = { actor, contextId: '', importId: `imp-${uniq()}` };
    const parsed = sheet.map((cells, i) => ({ rowNumber: i + 2, result: kind.parseRow(cells) }));
    const parseProblems = parsed.filter((p) => !p.result.ok);
    if (parseProblems.length)
      return {
        ctx,
        problems: parseProblems.map((p) => [p.rowNumber, p.result.ok ? [] : p.result.problems]),
      };
    const rows: NumberedRow<T>[] = parsed.map((p) => ({
      rowNumber: p.rowNumber,
      value: (p.result as { value: T }).value,
    }));
    const seen = new Map<string, unknown>();
    const problems: [number, unknown][] = [];
    for (let i = 0; i < rows.length; i += batch) {
      const found = await kind.checkBatch(rows.slice(i, i + batch), ctx, seen);
      for (const [row, p] of found) problems.push([row, p]);
    }
    if (problems.length) return { ctx, problems };
    await t.app.get(TransactionRunner).run(async (manager) => {
      for (let i = 0; i < rows.length; i += batch)
        await kind.writeBatch(manager, rows.slice(i, i + batch), ctx);
      await kind.finish?.(manager, ctx, rows.length);
    });
    return { ctx, problems: [] };
  }

  it('registers the three kinds, version 1, for admins and procurement officers', () => {
    for (const name of ['catalog.drugs', 'catalog.consumables', 'catalog.listing-prices']) {
      const kind = registry.get(name)!;
      expect(kind).toMatchObject({ kind: name, version: 1 });
      expect(kind.sheetName.length).toBeLessThanOrEqual(31);
      expect(kind.allowed(officer, '')).toBe(true);
      expect(kind.allowed({ ...officer, roles: ['pricing_analyst'] }, '')).toBe(false);
      expect(
        kind.allowed({ ...officer, kind: 'api_key', roles: [], scopes: ['imports:write'] }, ''),
      ).toBe(false);
      for (const example of kind.exampleRows ?? []) expect(kind.parseRow(example).ok).toBe(true);
    }
  });

  it('imports drugs in batches and audits one summary event', async () => {
    const maker = await makeOrganisation(t, 'manufacturer');
    const codes = [drugCode(), drugCode(), drugCode()];
    const sheet = codes.map((code, i) => ({
      code,
      name: `导入药品 ${i}`,
      brandName: null,
      manufacturerCode: maker.code,
      dosageForm: i === 2 ? '注射剂' : 'tablet',
      dosageFormClass: i === 2 ? 'large_volume_injection' : null,
      strength: '0.5',
      strengthUnit: 'g',
      packSize: 12,
      smallestUnit: i === 2 ? '瓶' : '片',
      approvalNumber: null,
      consistencyEvaluated: '是',
      originator: null,
      essential: '否',
      negotiated: null,
      reimbursable: 'Y',
    }));
    const { ctx, problems } = await run('catalog.drugs', sheet);
    expect(problems).toEqual([]);
    const list = await t
      .http()
      .get('/api/v1/catalog/drugs')
      .query({ manufacturerId: maker.id, sort: 'code' })
      .set(bearer(t.adminToken))
      .expect(200);
    expect(list.body.total).toBe(3);
    const byCode = new Map(list.body.items.map((d: DrugRow) => [d.code, d]));
    expect(byCode.get(codes[2])).toMatchObject({
      dosageForm: 'injection',
      dosageFormClass: 'large_volume_injection',
      strength: '0.5',
      strengthUnit: 'g',
      packSize: 12,
      consistencyEvaluated: true,
      reimbursable: true,
      status: 'active',
    });
    const events = await auditOf(t, 'import', ctx.importId);
    expect(events.map((e) => [e.action, e.after])).toEqual([
      ['catalog.drugs_imported', { kind: 'catalog.drugs', rowCount: 3 }],
    ]);
  });

  it('reports duplicates within the file and against the catalogue, and bad manufacturers', async () => {
    const existing = await makeDrug(t);
    const code = drugCode();
    const row = (over: Record<string, CellValue>) => ({
      code: drugCode(),
      name: '阿莫西林胶囊',
      manufacturerCode: cast.manufacturer.code,
      dosageForm: 'hard_capsule',
      strength: '250',
      strengthUnit: 'mg',
      packSize: 24,
      smallestUnit: '粒',
      ...over,
    });
    const { problems } = await run('catalog.drugs', [
      row({ code }),
      row({ code: existing.code }),
      row({ code: code.toLowerCase() }),
      row({ manufacturerCode: cast.distributor.code }),
      row({ manufacturerCode: `NOPE${uniq()}` }),
    ]);
    const messages = new Map(
      problems.map(([r, p]) => [
        r,
        (p as RowProblem[]).map((x) => `${x.column}: ${x.message}`).join(' | '),
      ]),
    );
    expect([...messages.keys()].sort()).toEqual([3, 4, 5, 6]);
    expect(messages.get(3)).toContain(`code ${existing.code} already exists`);
    expect(messages.get(4)).toContain(`code ${code} already appears in row 2`);
    expect(messages.get(5)).toContain('not a manufacturer');
    expect(messages.get(6)).toMatch(/manufacturerCode: no organisation with code NOPE/);
  });

  it('imports consumables with their UDIs and refuses UDIs mapped elsewhere or repeated', async () => {
    const maker = await makeOrganisation(t, 'manufacturer');
    const [u1, u2, u3] = [udiCode(), udiCode(), udiCode()];
    const base = {
      name: '髋关节假体',
      manufacturerCode: maker.code,
      categoryPath: '骨科/关节',
      unit: '套',
      highValue: '是',
    };
    const code1 = consumableCode();
    const { ctx, problems } = await run('catalog.consumables', [
      { ...base, code: code1, udis: `${u1};${u2}` },
      { ...base, code: consumableCode(), udis: null },
    ]);
    expect(problems).toEqual([]);
    const item = await t
      .http()
      .get(`/api/v1/catalog/udis/${u2}`)
      .set(bearer(t.adminToken))
      .expect(200);
    expect(item.body).toMatchObject({
      code: code1,
      udis: [u1, u2].sort(),
      highValue: true,
      categoryPath: '骨科/关节',
    });
    expect((await auditOf(t, 'import', ctx.importId)).map((e) => e.action)).toEqual([
      'catalog.consumables_imported',
    ]);

    const owner = await makeConsumable(t, { udis: [u3] });
    const second = await run('catalog.consumables', [
      { ...base, code: consumableCode(), udis: u3 },
      { ...base, code: consumableCode(), udis: u1 },
      { ...base, code: consumableCode(), udis: `${u1.slice(0, 5)}` },
    ]);
    expect(second.problems).toEqual([
      [4, [{ column: 'udis', message: expect.stringContaining('8–23') }]],
    ]);
    const third = await run('catalog.consumables', [
      { ...base, code: consumableCode(), udis: u3 },
      { ...base, code: consumableCode(), udis: udiCode() },
      { ...base, code: consumableCode(), udis: u1 },
    ]);
    const flat = third.problems.flatMap(([r, p]) =>
      (p as RowProblem[]).map((x) => `${r as number}: ${x.message}`),
    );
    expect(flat).toEqual([
      `2: udi ${u3} is already mapped to consumable ${owner.code}`,
      `4: udi ${u1} is already mapped to consumable ${code1}`,
    ]);
  });

  it('imports listing prices as price changes, in the uploader’s scope only', async () => {
    const drug = await makeDrug(t, { packSize: 10 });
    const item = await makeConsumable(t);
    const city = cast.regions.city.code;
    const county = cast.regions.county.code;
    const old = await makeListingPrice(t, drug, city, { packPrice: '50', validFrom: '2026-01-01' });
    const { ctx, problems } = await run('catalog.listing-prices', [
      {
        productCode: drug.code,
        regionCode: city,
        packPrice: '45',
        validFrom: new Date(Date.UTC(2026, 5, 1)),
        validTo: null,
      },
      {
        productCode: drug.code,
        regionCode: Number(county),
        packPrice: 44.5,
        validFrom: '2026-06-01',
        validTo: '2026-12-31',
      },
      {
        productCode: item.code,
        regionCode: city,
        packPrice: '600',
        validFrom: '2026/06/01',
        validTo: null,
      },
    ]);
    expect(problems).toEqual([]);
    const history = await t
      .http()
      .get(`/api/v1/catalog/products/${drug.id}/listing-prices`)
      .set(bearer(t.adminToken))
      .expect(200);
    expect(
      history.body.items.map((r: ListingRow) => [
        r.regionCode,
        r.packPrice,
        r.unitPrice,
        r.validFrom,
        r.validTo,
      ]),
    ).toEqual(
      [
        [city, '45.000000', '4.500000', '2026-06-01', null],
        [city, '50.000000', '5.000000', '2026-01-01', '2026-05-31'],
        [county, '44.500000', '4.450000', '2026-06-01', '2026-12-31'],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0)),
    );
    expect(history.body.items.find((r: ListingRow) => r.id === old.id)?.validTo).toBe('2026-05-31');
    expect(
      (await auditOf(t, 'import', ctx.importId)).map((e) => [e.action, e.after.rowCount]),
    ).toEqual([['catalog.listing_prices_imported', 3]]);

    const cityB = await makeRegion(t, { parent: cast.regions.province });
    const inactive = await makeDrug(t, { status: 'inactive' });
    const bad = await run('catalog.listing-prices', [
      { productCode: drug.code, regionCode: cityB.code, packPrice: '1', validFrom: '2026-07-01' },
      { productCode: drug.code, regionCode: city, packPrice: '1', validFrom: '2026-06-01' },
      { productCode: `X${uniq(22)}`, regionCode: city, packPrice: '1', validFrom: '2026-07-01' },
      { productCode: inactive.code, regionCode: city, packPrice: '1', validFrom: '2026-07-01' },
      { productCode: item.code, regionCode: '999998', packPrice: '1', validFrom: '2026-07-01' },
      { productCode: item.code, regionCode: county, packPrice: '1', validFrom: '2026-07-01' },
      { productCode: item.code, regionCode: county, packPrice: '2', validFrom: '2026-08-01' },
    ]);
    const flat = bad.problems.flatMap(([r, p]) =>
      (p as RowProblem[]).map((x) => `${r as number} ${x.column}: ${x.message}`),
    );
    expect(flat).toEqual([
      `2 regionCode: region ${cityB.code} not found`,
      `3 validFrom: validFrom 2026-06-01 must be after 2026-06-01, the start of the current listing`,
      expect.stringMatching(/^4 productCode: no product with code X/),
      `5 productCode: product ${inactive.code} is inactive`,
      `6 regionCode: region 999998 not found`,
      `8 productCode: product ${item.code} in region ${county} already appears in row 7`,
    ]);
  });
});
