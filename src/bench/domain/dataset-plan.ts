import type { OrgType } from '../../common/auth/roles';
import { Decimal, roundTo } from '../../database/decimal';
import type { CellValue } from '../../modules/imports/import-kind';
import { unitPriceOf } from '../../modules/catalog/listing-prices/domain/listing-rules';
import {
  checkConsumable,
  checkDrug,
  ConsumableSpec,
  DrugInput,
  DrugSpec,
} from '../../modules/catalog/products/domain/product-rules';
import { organisationFields } from '../../modules/identity/domain/organisation-rules';
import { placeRegion, regionShape } from '../../modules/identity/domain/region-rules';
import type {
  HospitalGrade,
  HospitalKind,
} from '../../modules/identity/organisations/organisation.entity';
import type { RegionLevel } from '../../modules/identity/regions/region.entity';
import type { BenchScale } from './scale';

/**
 * The deterministic province-scale dataset: the same rows for the same run prefix and scale.
 * Every value passes the same domain rules the API applies (region codes, organisation fields,
 * drug and consumable specs, listing unit prices), so the bench measures realistic data.
 */

/**
 * The bench's province. No real division code starts with 0 (GB/T 2260 begins at 11), and the
 * test factories use 10–99, so the tree is the bench's own and is reused by every run.
 */
export const BENCH_PROVINCE = '090000';
const CITY_COUNT = 13;
const COUNTIES_PER_CITY = 8;
export const LISTED_FROM = '2026-01-01';

/** Run prefixes: 7 capitals and digits, unique per run, at the start of every code. */
export const RUN_PREFIX = /^[A-Z0-9]{7}$/;

export interface RegionRow {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
  path: string;
}

export interface OrganisationRow {
  code: string;
  name: string;
  type: OrgType;
  hospitalKind: HospitalKind | null;
  grade: HospitalGrade | null;
  isPublic: boolean | null;
  regionCode: string | null;
}

export interface PlannedProduct<S> {
  spec: S;
  /** Index into the plan's manufacturers. */
  manufacturer: number;
  /** Listing price per pack at the province level, 2 decimals. */
  packPrice: string;
  /** Pack price ÷ pack size, 6 decimals (consumables: per unit of sale). */
  unitPrice: string;
}

export interface DatasetPlan {
  prefix: string;
  regions: RegionRow[];
  authorities: OrganisationRow[];
  hospitals: OrganisationRow[];
  manufacturers: OrganisationRow[];
  distributors: OrganisationRow[];
  drugs: PlannedProduct<DrugSpec>[];
  consumables: PlannedProduct<ConsumableSpec>[];
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

const CITY_NAMES = [
  '江城',
  '河阳',
  '青州',
  '云川',
  '临海',
  '白沙',
  '安平',
  '石门',
  '北岭',
  '南浦',
  '东原',
  '西宁',
  '长桥',
];

export function planRegions(): RegionRow[] {
  const province = regionRow(BENCH_PROVINCE, '基准省 Bench province', null);
  const rows = [province];
  for (let c = 1; c <= CITY_COUNT; c++) {
    const cityName = CITY_NAMES[(c - 1) % CITY_NAMES.length];
    const city = regionRow(
      `${BENCH_PROVINCE.slice(0, 2)}${pad(c, 2)}00`,
      `${cityName}市`,
      province,
    );
    rows.push(city);
    for (let k = 1; k <= COUNTIES_PER_CITY; k++) {
      rows.push(regionRow(`${city.code.slice(0, 4)}${pad(k, 2)}`, `${cityName}第${k}区`, city));
    }
  }
  return rows;
}

function regionRow(code: string, name: string, parent: RegionRow | null): RegionRow {
  const placed = placeRegion(code, regionShape(code, parent?.code ?? null), parent);
  return { code, name, ...placed };
}

function organisation(
  code: string,
  name: string,
  input: {
    type: OrgType;
    regionCode: string;
    hospitalKind?: HospitalKind;
    grade?: HospitalGrade;
  },
): OrganisationRow {
  return { code, name, ...organisationFields(input, { platformScope: true }) };
}

/** Hospital mix of a province: kind, the grades it comes in, and a name suffix. */
const HOSPITAL_MIX: { kind: HospitalKind; grades: HospitalGrade[]; suffix: string }[] = [
  { kind: 'public_hospital', grades: ['3A', '3B', '2A', '2B'], suffix: '人民医院' },
  { kind: 'primary_care', grades: ['1A', '1B', 'none'], suffix: '社区卫生服务中心' },
  { kind: 'primary_care', grades: ['1A', 'none'], suffix: '乡镇卫生院' },
  { kind: 'public_hospital', grades: ['2A', '2B', '2C'], suffix: '中医院' },
  { kind: 'private_hospital', grades: ['2B', '1A', 'none'], suffix: '民营医院' },
  { kind: 'retail_pharmacy', grades: ['none'], suffix: '定点药店' },
];

export function planOrganisations(
  prefix: string,
  regions: readonly RegionRow[],
  scale: Pick<BenchScale, 'hospitals' | 'manufacturers' | 'distributors'>,
): Pick<DatasetPlan, 'authorities' | 'hospitals' | 'manufacturers' | 'distributors'> {
  const cities = regions.filter((r) => r.level === 'city');
  const counties = regions.filter((r) => r.level === 'county');
  const authorities = regions.map((r) =>
    organisation(`${prefix}-A${r.code}`, `${r.name}医疗保障局`, {
      type: 'authority',
      regionCode: r.code,
    }),
  );
  const hospitals = Array.from({ length: scale.hospitals }, (_, i) => {
    const county = counties[i % counties.length];
    const round = Math.floor(i / counties.length);
    const mix = HOSPITAL_MIX[(i + round) % HOSPITAL_MIX.length];
    return organisation(
      `${prefix}-H${pad(i + 1, 5)}`,
      `${county.name}第${round + 1}${mix.suffix}`,
      {
        type: 'hospital',
        regionCode: county.code,
        hospitalKind: mix.kind,
        grade: mix.grades[round % mix.grades.length],
      },
    );
  });
  const supplier =
    (type: 'manufacturer' | 'distributor', letter: string, word: string) =>
    (_: unknown, i: number) => {
      const city = cities[i % cities.length];
      return organisation(
        `${prefix}-${letter}${pad(i + 1, 4)}`,
        `${city.name}${word}${i + 1}号有限公司`,
        {
          type,
          regionCode: city.code,
        },
      );
    };
  return {
    authorities,
    hospitals,
    manufacturers: Array.from(
      { length: scale.manufacturers },
      supplier('manufacturer', 'M', '制药'),
    ),
    distributors: Array.from(
      { length: scale.distributors },
      supplier('distributor', 'D', '医药物流'),
    ),
  };
}

interface Generic {
  name: string;
  form: string;
  formClass?: string;
  unit: string;
  strengths: string[];
  smallestUnit: string;
  packs: number[];
  /** Typical price per smallest unit, yuan. */
  price: string;
}

const GENERICS: Generic[] = [
  {
    name: '阿托伐他汀钙片',
    form: 'tablet',
    unit: 'mg',
    strengths: ['10', '20', '40'],
    smallestUnit: '片',
    packs: [7, 14, 28],
    price: '0.85',
  },
  {
    name: '苯磺酸氨氯地平片',
    form: 'tablet',
    unit: 'mg',
    strengths: ['5', '10'],
    smallestUnit: '片',
    packs: [7, 14, 28],
    price: '0.45',
  },
  {
    name: '盐酸二甲双胍片',
    form: 'tablet',
    unit: 'mg',
    strengths: ['250', '500'],
    smallestUnit: '片',
    packs: [30, 60],
    price: '0.30',
  },
  {
    name: '奥美拉唑肠溶胶囊',
    form: 'enteric_capsule',
    unit: 'mg',
    strengths: ['10', '20'],
    smallestUnit: '粒',
    packs: [7, 14, 28],
    price: '0.60',
  },
  {
    name: '阿莫西林胶囊',
    form: 'hard_capsule',
    unit: 'g',
    strengths: ['0.25', '0.5'],
    smallestUnit: '粒',
    packs: [24, 36],
    price: '0.20',
  },
  {
    name: '头孢呋辛酯片',
    form: 'tablet',
    unit: 'g',
    strengths: ['0.125', '0.25'],
    smallestUnit: '片',
    packs: [6, 12],
    price: '1.10',
  },
  {
    name: '注射用头孢曲松钠',
    form: 'injection',
    unit: 'g',
    strengths: ['0.5', '1', '2'],
    smallestUnit: '支',
    packs: [1, 10],
    price: '3.50',
  },
  {
    name: '氯化钠注射液',
    form: 'injection',
    formClass: 'large_volume_injection',
    unit: 'ml',
    strengths: ['100', '250', '500'],
    smallestUnit: '瓶',
    packs: [1],
    price: '2.00',
  },
  {
    name: '布洛芬缓释胶囊',
    form: 'hard_capsule',
    unit: 'mg',
    strengths: ['300'],
    smallestUnit: '粒',
    packs: [10, 20],
    price: '0.35',
  },
  {
    name: '小儿氨酚黄那敏颗粒',
    form: 'granules',
    unit: 'g',
    strengths: ['3', '6'],
    smallestUnit: '袋',
    packs: [10, 12],
    price: '0.40',
  },
  {
    name: '氯雷他定片',
    form: 'tablet',
    unit: 'mg',
    strengths: ['10'],
    smallestUnit: '片',
    packs: [6, 12],
    price: '0.90',
  },
  {
    name: '硝苯地平控释片',
    form: 'tablet',
    unit: 'mg',
    strengths: ['30', '60'],
    smallestUnit: '片',
    packs: [7, 14],
    price: '1.60',
  },
  {
    name: '瑞舒伐他汀钙片',
    form: 'tablet',
    unit: 'mg',
    strengths: ['5', '10', '20'],
    smallestUnit: '片',
    packs: [7, 14, 28],
    price: '1.20',
  },
  {
    name: '恩替卡韦分散片',
    form: 'dispersible_tablet',
    unit: 'mg',
    strengths: ['0.5', '1'],
    smallestUnit: '片',
    packs: [7, 14, 28],
    price: '2.50',
  },
  {
    name: '胰岛素注射液',
    form: 'injection',
    unit: 'IU',
    strengths: ['300', '400'],
    smallestUnit: '支',
    packs: [1],
    price: '45.00',
  },
  {
    name: '维生素C泡腾片',
    form: 'effervescent_tablet',
    unit: 'g',
    strengths: ['1'],
    smallestUnit: '片',
    packs: [10, 20],
    price: '0.50',
  },
  {
    name: '阿奇霉素片',
    form: 'tablet',
    unit: 'g',
    strengths: ['0.25', '0.5'],
    smallestUnit: '片',
    packs: [6, 12],
    price: '1.80',
  },
  {
    name: '盐酸氨溴索口服溶液',
    form: 'oral_solution',
    unit: 'ml',
    strengths: ['100'],
    smallestUnit: '瓶',
    packs: [1],
    price: '12.00',
  },
  {
    name: '维生素E软胶囊',
    form: 'soft_capsule',
    unit: 'mg',
    strengths: ['100'],
    smallestUnit: '粒',
    packs: [30, 60],
    price: '0.25',
  },
  {
    name: '蒙脱石颗粒',
    form: 'granules',
    unit: 'g',
    strengths: ['3'],
    smallestUnit: '袋',
    packs: [10, 15],
    price: '0.95',
  },
];

/** How many generics the drug series cycles through (`drugInput(…, i)` repeats its generic every this many). */
export const GENERIC_COUNT = GENERICS.length;

interface DeviceKind {
  name: string;
  categoryPath: string;
  unit: string;
  model: string;
  highValue: boolean;
  price: string;
}

const DEVICES: DeviceKind[] = [
  {
    name: '药物洗脱冠脉支架系统',
    categoryPath: '血管介入/冠脉支架',
    unit: '套',
    model: '3.0mm×18mm',
    highValue: true,
    price: '780.00',
  },
  {
    name: 'PTCA球囊扩张导管',
    categoryPath: '血管介入/球囊',
    unit: '根',
    model: '2.5mm×15mm',
    highValue: true,
    price: '320.00',
  },
  {
    name: '人工髋关节假体',
    categoryPath: '骨科/关节/髋关节',
    unit: '套',
    model: '陶瓷-陶瓷',
    highValue: true,
    price: '7200.00',
  },
  {
    name: '人工晶状体',
    categoryPath: '眼科/晶体',
    unit: '片',
    model: '非球面 +20.0D',
    highValue: true,
    price: '1500.00',
  },
  {
    name: '一次性使用无菌注射器',
    categoryPath: '基础卫生材料/注射穿刺',
    unit: '支',
    model: '5ml',
    highValue: false,
    price: '0.32',
  },
  {
    name: '一次性使用输液器',
    categoryPath: '基础卫生材料/输液',
    unit: '套',
    model: '带针 0.7mm',
    highValue: false,
    price: '1.20',
  },
  {
    name: '医用外科口罩',
    categoryPath: '基础卫生材料/防护',
    unit: '个',
    model: '17.5cm×9.5cm',
    highValue: false,
    price: '0.45',
  },
  {
    name: '可吸收缝合线',
    categoryPath: '外科/缝合',
    unit: '根',
    model: '3-0 带针',
    highValue: false,
    price: '28.00',
  },
];

/** Deterministic spread between manufacturers' prices: 0.80 … 1.30. */
function spread(i: number): Decimal {
  return new Decimal(80 + ((i * 37) % 51)).div(100);
}

/** Tag of the dataset's own drugs; other series (import workbook, opening) use other tags. */
export const DATASET_DRUG_TAG = 'D';

/**
 * The i-th drug of a series (`tag` keeps the dataset's drugs apart from the import workbook's):
 * generics cycle, then strengths, then pack sizes; the code is `X` + prefix + tag + 12 digits.
 */
export function drugInput(prefix: string, tag: string, i: number): DrugInput {
  const g = GENERICS[i % GENERICS.length];
  const round = Math.floor(i / GENERICS.length);
  return {
    code: `X${prefix}${tag}${pad(i, 12)}`,
    name: g.name,
    brandName: round % 3 === 0 ? null : `基准${(round % 40) + 1}号`,
    dosageForm: g.form,
    dosageFormClass: g.formClass ?? null,
    strength: g.strengths[round % g.strengths.length],
    strengthUnit: g.unit,
    packSize: g.packs[Math.floor(round / g.strengths.length) % g.packs.length],
    smallestUnit: g.smallestUnit,
    approvalNumber: `国药准字H${pad(20000000 + (i % 79999999), 8)}`,
    consistencyEvaluated: round % 4 !== 0,
    originator: round % 10 === 0,
    essential: (i % GENERICS.length) % 3 === 0,
    negotiated: false,
    reimbursable: round % 17 !== 0,
  };
}

function valid<T>(
  checked: { ok: true; value: T } | { ok: false; problems: { message: string }[] },
): T {
  if (!checked.ok)
    throw new Error(
      `generated data breaks a rule: ${checked.problems.map((p) => p.message).join('; ')}`,
    );
  return checked.value;
}

export function planDrugs(
  prefix: string,
  count: number,
  manufacturers: number,
): PlannedProduct<DrugSpec>[] {
  return Array.from({ length: count }, (_, i) => {
    const spec = valid(checkDrug(drugInput(prefix, DATASET_DRUG_TAG, i)));
    const g = GENERICS[i % GENERICS.length];
    const packPrice = roundTo(new Decimal(g.price).mul(spec.packSize).mul(spread(i)), 2);
    return {
      spec,
      manufacturer: (i * 7 + Math.floor(i / GENERICS.length)) % manufacturers,
      packPrice,
      unitPrice: unitPriceOf(packPrice, spec.packSize),
    };
  });
}

export function planConsumables(
  prefix: string,
  count: number,
  manufacturers: number,
): PlannedProduct<ConsumableSpec>[] {
  return Array.from({ length: count }, (_, i) => {
    const d = DEVICES[i % DEVICES.length];
    const spec = valid(
      checkConsumable({
        code: `C${prefix}K${pad(i, 12)}`,
        name: d.name,
        brandName: null,
        categoryPath: d.categoryPath,
        highValue: d.highValue,
        registrationNumber: `国械注准2026${pad(3000000 + i, 7)}`,
        specification: d.model,
        unit: d.unit,
      }),
    );
    const packPrice = roundTo(new Decimal(d.price).mul(spread(i)), 2);
    return {
      spec,
      manufacturer: (i * 11 + 3) % manufacturers,
      packPrice,
      unitPrice: unitPriceOf(packPrice, 1),
    };
  });
}

export function planDataset(
  prefix: string,
  scale: Pick<BenchScale, 'hospitals' | 'manufacturers' | 'distributors' | 'drugs' | 'consumables'>,
): DatasetPlan {
  if (!RUN_PREFIX.test(prefix))
    throw new Error(`run prefix must match ${RUN_PREFIX}, got "${prefix}"`);
  const regions = planRegions();
  return {
    prefix,
    regions,
    ...planOrganisations(prefix, regions, scale),
    drugs: planDrugs(prefix, scale.drugs, scale.manufacturers),
    consumables: planConsumables(prefix, scale.consumables, scale.manufacturers),
  };
}

const YES_NO = (flag: boolean | undefined) => (flag ? 'Y' : 'N');

/**
 * Cells of the i-th row of the drug-import workbook, by column key: the same drug series as
 * the dataset under its own tag, made by the dataset's manufacturers. Checked cells are ASCII
 * (flags Y/N, the approval number without 国药准字 — both accepted spellings): exceljs's
 * streaming reader can split a multi-byte character where its 16 KB chunks meet (exceljs
 * issue 2063), which would fail those cells at random; names and units stay Chinese.
 */
export function drugImportCells(
  prefix: string,
  i: number,
  manufacturerCodes: readonly string[],
): Record<string, CellValue> {
  const d = drugInput(prefix, 'I', i);
  return {
    code: d.code,
    name: d.name,
    brandName: d.brandName ?? null,
    manufacturerCode: manufacturerCodes[(i * 13) % manufacturerCodes.length],
    dosageForm: d.dosageForm,
    dosageFormClass: d.dosageFormClass ?? null,
    strength: d.strength,
    strengthUnit: d.strengthUnit,
    packSize: d.packSize,
    smallestUnit: d.smallestUnit,
    approvalNumber: d.approvalNumber?.replace(/^国药准字/, '') ?? null,
    consistencyEvaluated: YES_NO(d.consistencyEvaluated),
    originator: YES_NO(d.originator),
    essential: YES_NO(d.essential),
    negotiated: YES_NO(d.negotiated),
    reimbursable: YES_NO(d.reimbursable),
  };
}

/** A row's cells laid out under the template's header keys (null where a key has no value). */
export function rowValues(keys: readonly string[], cells: Record<string, CellValue>): CellValue[] {
  return keys.map((k) => cells[k] ?? null);
}
