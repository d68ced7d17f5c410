import { Product } from '../../src/modules/catalog/products/product.entity';
import { drugCode, consumableCode, makeManufacturer, udiCode } from '../factories/catalog';
import { makeRegion, makeOrganisation, makeUser } from '../factories/identity';
import { downloadTemplate, fillSheet, settled, upload } from '../imports/workbooks';
import { bearer, startApp, TestApp } from '../setup/test-app';

/** Catalogue data through the real §X pipeline: template → upload → job → one transaction. */
describe('catalogue imports through the upload pipeline', () => {
  let t: TestApp;
  let officer: string;
  let makerCode: string;
  let regionCode: string;

  beforeAll(async () => {
    t = await startApp({ IMPORT_MAX_ROWS: '40' });
    const province = await makeRegion(t);
    regionCode = province.code;
    const authority = await makeOrganisation(t, 'authority', { regionCode });
    officer = (await makeUser(t, authority, ['procurement_officer'])).token;
    makerCode = (await makeManufacturer(t)).code;
  });
  afterAll(() => t.close());

  async function importRows(kind: string, sheet: string, rows: (string | number | null)[][]) {
    const template = await downloadTemplate(t, officer, kind);
    const file = await fillSheet(template, sheet, rows);
    const accepted = await upload(t, officer, kind, file).expect(202);
    return (await settled(t, officer, accepted.body.id as string)).body as {
      status: string;
      rowsWritten: number;
      errorCount: number;
      problems: Array<{ row: number; column: string | null; message: string }>;
    };
  }

  it('imports drugs and then their listing prices, readable through the API', async () => {
    const codes = [drugCode(), drugCode()];
    const drugs = await importRows('catalog.drugs', '药品 Drugs', [
      [
        codes[0],
        '苯磺酸氨氯地平片',
        '络活喜',
        makerCode,
        'tablet',
        null,
        '5',
        'mg',
        7,
        '片',
        '国药准字H10950224',
        '是',
        '否',
        '是',
        '否',
        '是',
      ],
      [
        codes[1],
        '苯磺酸氨氯地平片',
        null,
        makerCode,
        '普通片',
        null,
        '10',
        'mg',
        14,
        '片',
        null,
        '是',
        '否',
        '是',
        '否',
        '是',
      ],
    ]);
    expect(drugs).toMatchObject({ status: 'committed', rowsWritten: 2, errorCount: 0 });

    const listed = await t
      .http()
      .get('/api/v1/catalog/drugs')
      .query({ code: codes[1] })
      .set(bearer(officer))
      .expect(200);
    expect(listed.body.items[0]).toMatchObject({
      code: codes[1],
      dosageForm: 'tablet',
      dosageFormClass: 'oral_solid',
      strength: '10',
      strengthUnit: 'mg',
      packSize: 14,
      consistencyEvaluated: true,
    });

    const prices = await importRows('catalog.listing-prices', '挂网价 Listing prices', [
      [codes[0], regionCode, '3.64', '2026-01-01', null],
      [codes[1], regionCode, '12.88', '2026-01-01', null],
    ]);
    expect(prices).toMatchObject({ status: 'committed', rowsWritten: 2 });
    const product = await t.dataSource.getRepository(Product).findOneByOrFail({ code: codes[1] });
    const history = await t
      .http()
      .get(`/api/v1/catalog/products/${product.id}/listing-prices`)
      .set(bearer(officer))
      .expect(200);
    expect(history.body.items).toHaveLength(1);
    expect(history.body.items[0]).toMatchObject({
      regionCode,
      packPrice: '12.880000',
      unitPrice: '0.920000',
    });
  });

  it('imports consumables with their UDIs', async () => {
    const code = consumableCode();
    const udi = udiCode();
    const result = await importRows('catalog.consumables', '耗材 Consumables', [
      [
        code,
        '药物洗脱冠脉支架系统',
        null,
        makerCode,
        '血管介入/冠脉支架',
        '是',
        '国械注准20153130123',
        '3.0×18mm',
        '个',
        udi,
      ],
    ]);
    expect(result).toMatchObject({ status: 'committed', rowsWritten: 1 });
    const found = await t
      .http()
      .get(`/api/v1/catalog/udis/${udi}`)
      .set(bearer(officer))
      .expect(200);
    expect(found.body).toMatchObject({ code, highValue: true, udis: [udi] });
  });

  it('writes nothing when one row is bad, and names the problem', async () => {
    const good = drugCode();
    const result = await importRows('catalog.drugs', '药品 Drugs', [
      [
        good,
        '阿托伐他汀钙片',
        null,
        makerCode,
        'tablet',
        null,
        '10',
        'mg',
        7,
        '片',
        null,
        '是',
        '否',
        '是',
        '否',
        '是',
      ],
      [
        drugCode(),
        '阿托伐他汀钙片',
        null,
        'NO-SUCH-MAKER',
        'tablet',
        null,
        '20',
        'mg',
        7,
        '片',
        null,
        '是',
        '否',
        '是',
        '否',
        '是',
      ],
    ]);
    expect(result).toMatchObject({ status: 'failed_validation', rowsWritten: 0, errorCount: 1 });
    expect(result.problems).toEqual([
      expect.objectContaining({
        row: 3,
        column: 'manufacturerCode',
        message: expect.stringContaining('NO-SUCH-MAKER'),
      }),
    ]);
    expect(await t.dataSource.getRepository(Product).existsBy({ code: good })).toBe(false);
  });
});
