/**
 * The demo alliance: a real province/city/county tree (Jiangsu, codes from GB/T 2260), city and
 * county hospitals of every kind, manufacturers and distributors, and a catalogue of common VBP
 * generics and high-value consumables with realistic strengths, pack sizes and prices; and the
 * plans of two procurement rounds over them.
 */

import type { HospitalGrade } from '../modules/identity/organisations/organisation.entity';

export interface DemoRegion {
  code: string;
  name: string;
  parent: string | null;
}

export const DEMO_REGIONS: DemoRegion[] = [
  { code: '320000', name: '江苏省', parent: null },
  { code: '320100', name: '南京市', parent: '320000' },
  { code: '320102', name: '玄武区', parent: '320100' },
  { code: '320104', name: '秦淮区', parent: '320100' },
  { code: '320105', name: '建邺区', parent: '320100' },
  { code: '320106', name: '鼓楼区', parent: '320100' },
  { code: '320111', name: '浦口区', parent: '320100' },
  { code: '320113', name: '栖霞区', parent: '320100' },
  { code: '320114', name: '雨花台区', parent: '320100' },
  { code: '320115', name: '江宁区', parent: '320100' },
  { code: '320116', name: '六合区', parent: '320100' },
  { code: '320117', name: '溧水区', parent: '320100' },
  { code: '320118', name: '高淳区', parent: '320100' },
  { code: '320200', name: '无锡市', parent: '320000' },
  { code: '320205', name: '锡山区', parent: '320200' },
  { code: '320206', name: '惠山区', parent: '320200' },
  { code: '320211', name: '滨湖区', parent: '320200' },
  { code: '320213', name: '梁溪区', parent: '320200' },
  { code: '320281', name: '江阴市', parent: '320200' },
  { code: '320282', name: '宜兴市', parent: '320200' },
  { code: '321100', name: '镇江市', parent: '320000' },
  { code: '321102', name: '京口区', parent: '321100' },
  { code: '321111', name: '润州区', parent: '321100' },
  { code: '321181', name: '丹阳市', parent: '321100' },
];

export interface DemoAuthority {
  code: string;
  name: string;
  region: string;
}

export const DEMO_AUTHORITIES: DemoAuthority[] = [
  { code: 'YB320000', name: '江苏省医疗保障局', region: '320000' },
  { code: 'YB320100', name: '南京市医疗保障局', region: '320100' },
  { code: 'YB320200', name: '无锡市医疗保障局', region: '320200' },
  { code: 'YB321100', name: '镇江市医疗保障局', region: '321100' },
  { code: 'YB320115', name: '南京市江宁区医疗保障局', region: '320115' },
];

export type DemoHospitalKind =
  'public_hospital' | 'private_hospital' | 'primary_care' | 'retail_pharmacy';

export interface DemoHospital {
  name: string;
  region: string;
  kind: DemoHospitalKind;
  grade: string;
}

const CITY_HOSPITALS: Array<[string, string, string]> = [
  ['南京市第一医院', '320104', '3A'],
  ['南京鼓楼医院', '320106', '3A'],
  ['江苏省人民医院', '320106', '3A'],
  ['南京市中医院', '320104', '3A'],
  ['南京市儿童医院', '320106', '3A'],
  ['南京市妇幼保健院', '320106', '3A'],
  ['南京市胸科医院', '320102', '3A'],
  ['南京市第二医院', '320106', '3A'],
  ['江宁医院', '320115', '3B'],
  ['浦口医院', '320111', '2A'],
  ['六合区人民医院', '320116', '2A'],
  ['溧水区人民医院', '320117', '2A'],
  ['高淳人民医院', '320118', '2A'],
  ['栖霞区医院', '320113', '2B'],
  ['雨花医院', '320114', '2B'],
  ['建邺医院', '320105', '2A'],
  ['无锡市人民医院', '320213', '3A'],
  ['无锡市第二人民医院', '320213', '3A'],
  ['无锡市中医医院', '320213', '3A'],
  ['江阴市人民医院', '320281', '3B'],
  ['宜兴市人民医院', '320282', '3B'],
  ['锡山人民医院', '320205', '2A'],
  ['惠山区人民医院', '320206', '2A'],
  ['镇江市第一人民医院', '321102', '3A'],
  ['江滨医院', '321111', '3B'],
  ['丹阳市人民医院', '321181', '2A'],
];

const PRIVATE_HOSPITALS: Array<[string, string, string]> = [
  ['南京明基医院', '320105', '3B'],
  ['南京同仁医院', '320115', '3B'],
  ['无锡九龙医院', '320211', '2B'],
  ['南京江北医院', '320111', '2C'],
];

const PRIMARY_CARE: Array<[string, string]> = [
  ['玄武区新街口社区卫生服务中心', '320102'],
  ['秦淮区夫子庙社区卫生服务中心', '320104'],
  ['鼓楼区湖南路社区卫生服务中心', '320106'],
  ['建邺区南苑社区卫生服务中心', '320105'],
  ['江宁区东山街道社区卫生服务中心', '320115'],
  ['江宁区秣陵街道社区卫生服务中心', '320115'],
  ['浦口区江浦街道社区卫生服务中心', '320111'],
  ['栖霞区尧化街道社区卫生服务中心', '320113'],
  ['六合区雄州街道社区卫生服务中心', '320116'],
  ['滨湖区蠡园社区卫生服务中心', '320211'],
  ['梁溪区崇安寺社区卫生服务中心', '320213'],
  ['京口区正东路社区卫生服务中心', '321102'],
];

const PHARMACIES: Array<[string, string]> = [
  ['老百姓大药房(新街口店)', '320102'],
  ['国药控股国大药房(鼓楼店)', '320106'],
  ['益丰大药房(江宁店)', '320115'],
  ['大参林药房(无锡梁溪店)', '320213'],
  ['一心堂药房(镇江京口店)', '321102'],
  ['百信缘大药房(浦口店)', '320111'],
  ['华润堂大药房(建邺店)', '320105'],
  ['南京医药百信药房(秦淮店)', '320104'],
];

export const DEMO_HOSPITALS: DemoHospital[] = [
  ...CITY_HOSPITALS.map(([name, region, grade]) => ({
    name,
    region,
    grade,
    kind: 'public_hospital' as const,
  })),
  ...PRIVATE_HOSPITALS.map(([name, region, grade]) => ({
    name,
    region,
    grade,
    kind: 'private_hospital' as const,
  })),
  ...PRIMARY_CARE.map(([name, region]) => ({
    name,
    region,
    grade: '1A',
    kind: 'primary_care' as const,
  })),
  ...PHARMACIES.map(([name, region]) => ({
    name,
    region,
    grade: 'none',
    kind: 'retail_pharmacy' as const,
  })),
];

export interface DemoSupplier {
  code: string;
  name: string;
  type: 'manufacturer' | 'distributor';
  region: string;
}

export const DEMO_SUPPLIERS: DemoSupplier[] = [
  ['扬子江药业集团有限公司', '321200'],
  ['江苏恒瑞医药股份有限公司', '320700'],
  ['正大天晴药业集团股份有限公司', '320700'],
  ['齐鲁制药有限公司', '370100'],
  ['石药集团欧意药业有限公司', '130100'],
  ['浙江华海药业股份有限公司', '331000'],
  ['华润双鹤药业股份有限公司', '110100'],
  ['北京四环制药有限公司', '110100'],
  ['海正辉瑞制药有限公司', '331000'],
  ['京新药业股份有限公司', '330600'],
  ['信立泰药业股份有限公司', '440300'],
  ['乐普药业股份有限公司', '110100'],
  ['重庆药友制药有限责任公司', '500100'],
  ['四川科伦药业股份有限公司', '510100'],
  ['上海信谊万象药业股份有限公司', '310100'],
  ['辉瑞制药有限公司', '210200'],
  ['锡惠示例制药有限公司', '320200'],
  ['微创医疗器械(上海)有限公司', '310100'],
  ['乐普(北京)医疗器械股份有限公司', '110100'],
  ['吉威医疗制品有限公司', '370100'],
  ['爱尔康(中国)眼科产品有限公司', '310100'],
  ['威高骨科材料股份有限公司', '371000'],
]
  .map(([name, region], i): DemoSupplier => ({
    code: `MF${String(i + 1).padStart(4, '0')}`,
    name,
    // Makers registered outside the demo tree are placed at province level.
    region: DEMO_REGIONS.some((r) => r.code === region) ? region : '320000',
    type: 'manufacturer',
  }))
  .concat(
    [
      '国药控股江苏有限公司',
      '华润江苏医药有限公司',
      '南京医药股份有限公司',
      '上药控股江苏股份有限公司',
      '九州通医药集团江苏有限公司',
      '江苏省医药有限公司',
      '无锡市医药股份有限公司',
      '镇江医药有限公司',
    ].map((name, i): DemoSupplier => ({
      code: `DS${String(i + 1).padStart(4, '0')}`,
      name,
      region: '320000',
      type: 'distributor',
    })),
  );

export interface DemoDrug {
  generic: string;
  atc: string;
  form: string;
  strengths: Array<{ strength: string; unit: string }>;
  packSizes: number[];
  smallestUnit: string;
  /** Typical pre-VBP price per smallest unit of the first strength, yuan. */
  unitPrice: string;
  essential: boolean;
}

export const DEMO_DRUGS: DemoDrug[] = [
  {
    generic: '苯磺酸氨氯地平片',
    atc: 'C08CA01',
    form: 'tablet',
    strengths: [{ strength: '5', unit: 'mg' }],
    packSizes: [7, 14, 28],
    smallestUnit: '片',
    unitPrice: '0.52',
    essential: true,
  },
  {
    generic: '阿托伐他汀钙片',
    atc: 'C10AA05',
    form: 'tablet',
    strengths: [
      { strength: '10', unit: 'mg' },
      { strength: '20', unit: 'mg' },
    ],
    packSizes: [7, 14],
    smallestUnit: '片',
    unitPrice: '1.20',
    essential: true,
  },
  {
    generic: '瑞舒伐他汀钙片',
    atc: 'C10AA07',
    form: 'tablet',
    strengths: [{ strength: '10', unit: 'mg' }],
    packSizes: [7, 14, 28],
    smallestUnit: '片',
    unitPrice: '1.05',
    essential: true,
  },
  {
    generic: '硫酸氢氯吡格雷片',
    atc: 'B01AC04',
    form: 'tablet',
    strengths: [
      { strength: '75', unit: 'mg' },
      { strength: '25', unit: 'mg' },
    ],
    packSizes: [7, 28],
    smallestUnit: '片',
    unitPrice: '3.18',
    essential: true,
  },
  {
    generic: '厄贝沙坦片',
    atc: 'C09CA04',
    form: 'tablet',
    strengths: [{ strength: '150', unit: 'mg' }],
    packSizes: [7, 14, 28],
    smallestUnit: '片',
    unitPrice: '0.66',
    essential: true,
  },
  {
    generic: '缬沙坦胶囊',
    atc: 'C09CA03',
    form: 'hard_capsule',
    strengths: [{ strength: '80', unit: 'mg' }],
    packSizes: [7, 14, 28],
    smallestUnit: '粒',
    unitPrice: '0.88',
    essential: true,
  },
  {
    generic: '二甲双胍缓释片',
    atc: 'A10BA02',
    form: 'tablet',
    strengths: [{ strength: '0.5', unit: 'g' }],
    packSizes: [30, 60],
    smallestUnit: '片',
    unitPrice: '0.25',
    essential: true,
  },
  {
    generic: '恩替卡韦分散片',
    atc: 'J05AF10',
    form: 'dispersible_tablet',
    strengths: [{ strength: '0.5', unit: 'mg' }],
    packSizes: [7, 14, 28],
    smallestUnit: '片',
    unitPrice: '4.10',
    essential: true,
  },
  {
    generic: '奥美拉唑肠溶胶囊',
    atc: 'A02BC01',
    form: 'enteric_capsule',
    strengths: [{ strength: '20', unit: 'mg' }],
    packSizes: [14, 28],
    smallestUnit: '粒',
    unitPrice: '0.95',
    essential: true,
  },
  {
    generic: '盐酸二甲双胍片',
    atc: 'A10BA02',
    form: 'tablet',
    strengths: [
      { strength: '0.25', unit: 'g' },
      { strength: '0.5', unit: 'g' },
    ],
    packSizes: [48, 100],
    smallestUnit: '片',
    unitPrice: '0.10',
    essential: true,
  },
  {
    generic: '头孢呋辛酯片',
    atc: 'J01DC02',
    form: 'tablet',
    strengths: [{ strength: '0.25', unit: 'g' }],
    packSizes: [6, 12],
    smallestUnit: '片',
    unitPrice: '1.60',
    essential: true,
  },
  {
    generic: '左氧氟沙星片',
    atc: 'J01MA12',
    form: 'tablet',
    strengths: [{ strength: '0.5', unit: 'g' }],
    packSizes: [4, 6],
    smallestUnit: '片',
    unitPrice: '2.30',
    essential: true,
  },
  {
    generic: '孟鲁司特钠咀嚼片',
    atc: 'R03DC03',
    form: 'chewable_tablet',
    strengths: [
      { strength: '5', unit: 'mg' },
      { strength: '4', unit: 'mg' },
    ],
    packSizes: [5, 10],
    smallestUnit: '片',
    unitPrice: '3.40',
    essential: false,
  },
  {
    generic: '盐酸舍曲林片',
    atc: 'N06AB06',
    form: 'tablet',
    strengths: [{ strength: '50', unit: 'mg' }],
    packSizes: [7, 14],
    smallestUnit: '片',
    unitPrice: '2.85',
    essential: true,
  },
  {
    generic: '阿司匹林肠溶片',
    atc: 'B01AC06',
    form: 'enteric_coated_tablet',
    strengths: [{ strength: '100', unit: 'mg' }],
    packSizes: [30, 60],
    smallestUnit: '片',
    unitPrice: '0.15',
    essential: true,
  },
  {
    generic: '吉非替尼片',
    atc: 'L01EB01',
    form: 'tablet',
    strengths: [{ strength: '250', unit: 'mg' }],
    packSizes: [10, 30],
    smallestUnit: '片',
    unitPrice: '54.70',
    essential: false,
  },
  {
    generic: '注射用头孢曲松钠',
    atc: 'J01DD04',
    form: 'injection',
    strengths: [{ strength: '1', unit: 'g' }],
    packSizes: [1, 10],
    smallestUnit: '支',
    unitPrice: '3.60',
    essential: true,
  },
  {
    generic: '注射用泮托拉唑钠',
    atc: 'A02BC02',
    form: 'injection',
    strengths: [{ strength: '40', unit: 'mg' }],
    packSizes: [1, 10],
    smallestUnit: '支',
    unitPrice: '8.90',
    essential: false,
  },
  {
    generic: '布洛芬缓释胶囊',
    atc: 'M01AE01',
    form: 'hard_capsule',
    strengths: [{ strength: '0.3', unit: 'g' }],
    packSizes: [10, 20],
    smallestUnit: '粒',
    unitPrice: '0.45',
    essential: true,
  },
  {
    generic: '蒙脱石散',
    atc: 'A07BC05',
    form: 'granules',
    strengths: [{ strength: '3', unit: 'g' }],
    packSizes: [10, 15],
    smallestUnit: '袋',
    unitPrice: '1.10',
    essential: true,
  },
  {
    generic: '氯化钠注射液',
    atc: 'B05XA03',
    form: 'injection',
    strengths: [{ strength: '250', unit: 'ml' }],
    packSizes: [1],
    smallestUnit: '瓶',
    unitPrice: '2.80',
    essential: true,
  },
  {
    generic: '骨化三醇软胶囊',
    atc: 'A11CC04',
    form: 'soft_capsule',
    strengths: [{ strength: '0.25', unit: 'µg' }],
    packSizes: [10, 20],
    smallestUnit: '粒',
    unitPrice: '1.75',
    essential: false,
  },
  {
    generic: '氨溴索口服溶液',
    atc: 'R05CB06',
    form: 'oral_solution',
    strengths: [{ strength: '100', unit: 'ml' }],
    packSizes: [1],
    smallestUnit: '瓶',
    unitPrice: '12.50',
    essential: false,
  },
  {
    generic: '坎地沙坦酯片',
    atc: 'C09CA06',
    form: 'tablet',
    strengths: [
      { strength: '8', unit: 'mg' },
      { strength: '4', unit: 'mg' },
    ],
    packSizes: [7, 14],
    smallestUnit: '片',
    unitPrice: '1.45',
    essential: true,
  },
];

export interface DemoConsumable {
  name: string;
  categoryPath: string;
  model: string;
  unit: string;
  /** Typical listing price per unit, yuan. */
  price: string;
  highValue: boolean;
}

export const DEMO_CONSUMABLES: DemoConsumable[] = [
  {
    name: '药物洗脱冠脉支架系统',
    categoryPath: '血管介入/冠脉支架',
    model: '3.0×18mm',
    unit: '个',
    price: '700.00',
    highValue: true,
  },
  {
    name: '药物洗脱冠脉支架系统',
    categoryPath: '血管介入/冠脉支架',
    model: '3.5×24mm',
    unit: '个',
    price: '720.00',
    highValue: true,
  },
  {
    name: 'PTCA球囊扩张导管',
    categoryPath: '血管介入/冠脉球囊',
    model: '2.5×15mm',
    unit: '根',
    price: '278.00',
    highValue: true,
  },
  {
    name: '药物涂层球囊导管',
    categoryPath: '血管介入/冠脉球囊',
    model: '3.0×20mm',
    unit: '根',
    price: '6200.00',
    highValue: true,
  },
  {
    name: '冠脉导引导丝',
    categoryPath: '血管介入/导丝',
    model: '0.014in×190cm',
    unit: '根',
    price: '198.00',
    highValue: true,
  },
  {
    name: '人工晶状体(单焦点)',
    categoryPath: '眼科/人工晶体',
    model: '+20.0D',
    unit: '片',
    price: '960.00',
    highValue: true,
  },
  {
    name: '人工晶状体(多焦点)',
    categoryPath: '眼科/人工晶体',
    model: '+21.5D',
    unit: '片',
    price: '8900.00',
    highValue: true,
  },
  {
    name: '人工髋关节(陶瓷-陶瓷)',
    categoryPath: '骨科/人工关节',
    model: '52mm',
    unit: '套',
    price: '7500.00',
    highValue: true,
  },
  {
    name: '人工膝关节(初次置换)',
    categoryPath: '骨科/人工关节',
    model: 'Size 4',
    unit: '套',
    price: '5400.00',
    highValue: true,
  },
  {
    name: '胸腰椎后路钉棒系统',
    categoryPath: '骨科/脊柱',
    model: '6.5×45mm',
    unit: '套',
    price: '4600.00',
    highValue: true,
  },
  {
    name: '一次性使用输液器',
    categoryPath: '基础耗材/输注器具',
    model: '带针 0.7mm',
    unit: '套',
    price: '1.20',
    highValue: false,
  },
  {
    name: '一次性使用无菌注射器',
    categoryPath: '基础耗材/注射器',
    model: '5ml',
    unit: '支',
    price: '0.35',
    highValue: false,
  },
  {
    name: '医用外科口罩',
    categoryPath: '基础耗材/防护用品',
    model: '17.5×9.5cm',
    unit: '只',
    price: '0.45',
    highValue: false,
  },
  {
    name: '一次性使用静脉留置针',
    categoryPath: '基础耗材/输注器具',
    model: '22G',
    unit: '支',
    price: '5.80',
    highValue: false,
  },
  {
    name: '吻合器(腔镜直线切割)',
    categoryPath: '普外科/吻合器',
    model: '60mm',
    unit: '把',
    price: '1980.00',
    highValue: true,
  },
  {
    name: '超声刀头',
    categoryPath: '普外科/能量器械',
    model: '36cm',
    unit: '把',
    price: '2600.00',
    highValue: true,
  },
];

/**
 * Annual use of a hospital of each grade relative to a grade-3A hospital: bed counts and
 * outpatient volumes fall steeply from tertiary to primary care.
 */
export const DEMO_USE_BY_GRADE: Record<HospitalGrade, string> = {
  '3A': '1',
  '3B': '0.6',
  '3C': '0.45',
  '2A': '0.35',
  '2B': '0.22',
  '2C': '0.15',
  '1A': '0.06',
  '1B': '0.05',
  '1C': '0.04',
  none: '0.03',
};

/**
 * Specialist hospitals (children, women and children, chest) use a fraction of what a general
 * hospital of their grade uses of the chronic-disease generics the demo rounds buy.
 */
export const DEMO_SPECIALIST_HOSPITAL = /儿童|妇幼|胸科/;
export const DEMO_SPECIALIST_USE = '0.15';

export interface DemoLot {
  /** A generic of DEMO_DRUGS: the lot admits every demo product of it. */
  generic: string;
  /** The representative spec (§P2): one of the generic's strengths and a pack size. */
  strength: string;
  packSize: number;
  /** Maximum valid price per smallest unit of the representative spec, yuan. */
  maxValidUnitPrice: string;
  /** What a grade-3A general hospital uses in a year, smallest units of the representative spec. */
  annualUse: number;
  /**
   * The bids' unit comparable prices as shares of the maximum valid unit price, one per maker in
   * the order of their supplier codes. VBP bids undercut the ceiling by 50–90 %.
   */
  bidShares: string[];
  /** How many of the makers have bid so far (a round still open for bidding); default all. */
  bidders?: number;
}

export interface DemoRound {
  name: string;
  lots: DemoLot[];
}

/** The alliance's first batch, played through to the award ~120 days before the demo runs. */
export const DEMO_FINISHED_ROUND: DemoRound = {
  name: '2026年宁镇锡联盟药品带量采购（第一批）',
  lots: [
    {
      generic: '阿托伐他汀钙片',
      strength: '20',
      packSize: 7,
      maxValidUnitPrice: '2.04',
      annualUse: 480_000,
      bidShares: ['0.12', '0.16', '0.21', '0.27', '0.36', '0.58'],
    },
    {
      generic: '硫酸氢氯吡格雷片',
      strength: '75',
      packSize: 7,
      maxValidUnitPrice: '3.18',
      annualUse: 260_000,
      bidShares: ['0.14', '0.19', '0.24', '0.30', '0.41', '0.66'],
    },
    {
      // Cheap enough that every bid falls under the 0.10 yuan low-price exemption (§P6.2).
      generic: '盐酸二甲双胍片',
      strength: '0.25',
      packSize: 48,
      maxValidUnitPrice: '0.10',
      annualUse: 900_000,
      bidShares: ['0.32', '0.40', '0.51', '0.60', '0.75', '0.90'],
    },
    {
      generic: '孟鲁司特钠咀嚼片',
      strength: '5',
      packSize: 5,
      maxValidUnitPrice: '3.40',
      annualUse: 90_000,
      bidShares: ['0.18', '0.22', '0.29', '0.35', '0.47', '0.52'],
    },
    {
      generic: '苯磺酸氨氯地平片',
      strength: '5',
      packSize: 7,
      maxValidUnitPrice: '0.52',
      annualUse: 650_000,
      bidShares: ['0.15', '0.24', '0.38'],
    },
  ],
};

/** The second batch: demand is in, bidding closes a week after the demo runs. */
export const DEMO_OPEN_ROUND: DemoRound = {
  name: '2026年宁镇锡联盟药品带量采购（第二批）',
  lots: [
    {
      generic: '瑞舒伐他汀钙片',
      strength: '10',
      packSize: 7,
      maxValidUnitPrice: '1.05',
      annualUse: 380_000,
      bidShares: ['0.20', '0.26', '0.45'],
      bidders: 2,
    },
    {
      generic: '恩替卡韦分散片',
      strength: '0.5',
      packSize: 7,
      maxValidUnitPrice: '4.10',
      annualUse: 150_000,
      bidShares: ['0.11', '0.17', '0.25'],
      bidders: 0,
    },
    {
      generic: '坎地沙坦酯片',
      strength: '8',
      packSize: 7,
      maxValidUnitPrice: '1.45',
      annualUse: 120_000,
      bidShares: ['0.19', '0.23', '0.28', '0.34', '0.40', '0.55'],
      bidders: 1,
    },
    {
      generic: '注射用头孢曲松钠',
      strength: '1',
      packSize: 1,
      maxValidUnitPrice: '3.60',
      annualUse: 80_000,
      bidShares: ['0.30', '0.42', '0.61'],
      bidders: 0,
    },
  ],
};
