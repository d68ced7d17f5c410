import { createHash } from 'node:crypto';
import { BehaviourRule, LevelDefinition, SchemeDefinition } from './scheme';

/**
 * The rating schemes and the integrity-commitment text the credit migration seeds. These are
 * data rows once seeded: a changed scheme is a new version (a new row, in a new migration),
 * never an edit here, because ratings keep pointing at the version they were made under.
 *
 * Where §K2 names the rule (bribery amounts; bid rigging and bribing insurance staff at the top
 * level at once; the 2025 amounts) it is followed as written. The other behaviours follow the
 * national catalogue of price and procurement misconduct (医药价格和招采失信事项目录清单) as we
 * read it:
 * - tax violations and price manipulation are measured, like kickbacks, by the amount involved
 *   (evaded tax, improper gains) on the same thresholds;
 * - failure to supply as agreed is medium (2020) / 失信 (2025): it harms patients, but is
 *   repaired by supplying;
 * - false materials in bidding or listing are serious (2020) / 严重失信 (2025): they corrupt
 *   the selection itself, a step below collusion.
 * In 2025 the amount floor of 失信 is the 2020 floor (10 000 元): §K2 gives only the upper bands.
 */

const AMOUNTS_2020: BehaviourRule = {
  kind: 'amount',
  thresholds: [
    { min: '10000', level: 'general' },
    { min: '100000', level: 'medium' },
    { min: '300000', level: 'serious' },
    { min: '2000000', level: 'particularly_serious' },
  ],
};

const LEVELS_2020: LevelDefinition[] = [
  {
    code: 'general',
    label: '一般',
    validityMonths: 12,
    sanctions: ['reminder'],
    productScope: 'none',
    public: false,
    repair: {
      to: null,
      requiresAnyOf: ['price_cut', 'refund', 'public_apology', 'staff_discipline'],
    },
  },
  {
    code: 'medium',
    label: '中等',
    validityMonths: 12,
    sanctions: ['reminder', 'interview', 'risk_notice'],
    productScope: 'none',
    public: false,
    repair: { to: 'general', requiresAnyOf: ['price_cut', 'refund'] },
  },
  {
    code: 'serious',
    label: '严重',
    validityMonths: 24,
    sanctions: ['interview', 'risk_notice', 'listing_suspension', 'bidding_suspension'],
    productScope: 'involved',
    public: true,
    repair: { to: 'medium', requiresAnyOf: ['price_cut', 'refund'] },
  },
  {
    code: 'particularly_serious',
    label: '特别严重',
    validityMonths: 36,
    sanctions: [
      'interview',
      'risk_notice',
      'listing_suspension',
      'bidding_suspension',
      'distribution_bar',
    ],
    productScope: 'all',
    public: true,
    repair: { to: 'serious', requiresAnyOf: ['price_cut', 'refund'] },
  },
];

export const SCHEME_2020: SchemeDefinition = {
  version: '2020',
  name: '医药价格和招采信用评价 (2020): 一般 / 中等 / 严重 / 特别严重',
  levels: LEVELS_2020,
  rules: {
    bribery: AMOUNTS_2020,
    tax_violation: AMOUNTS_2020,
    price_manipulation: AMOUNTS_2020,
    bid_rigging: { kind: 'fixed', level: 'particularly_serious' },
    bribing_insurance_staff: { kind: 'fixed', level: 'particularly_serious' },
    failure_to_supply: { kind: 'fixed', level: 'medium' },
    false_materials: { kind: 'fixed', level: 'serious' },
  },
  distributionBarYears: [1, 3, 5],
};

const AMOUNTS_2025: BehaviourRule = {
  kind: 'amount',
  thresholds: [
    { min: '10000', level: 'dishonest' },
    { min: '500000', level: 'seriously_dishonest' },
    { min: '1000000', level: 'particularly_seriously_dishonest' },
  ],
};

export const SCHEME_2025: SchemeDefinition = {
  version: '2025',
  name: '医药价格和招采信用评价 (2025): 失信 / 严重失信 / 特别严重失信',
  levels: [
    {
      code: 'dishonest',
      label: '失信',
      validityMonths: 12,
      sanctions: ['reminder', 'interview', 'risk_notice'],
      productScope: 'none',
      public: false,
      repair: { to: null, requiresAnyOf: ['price_cut', 'refund', 'public_apology'] },
    },
    {
      code: 'seriously_dishonest',
      label: '严重失信',
      validityMonths: 24,
      sanctions: ['interview', 'risk_notice', 'listing_suspension', 'bidding_suspension'],
      productScope: 'involved',
      public: true,
      repair: { to: 'dishonest', requiresAnyOf: ['price_cut', 'refund'] },
    },
    {
      code: 'particularly_seriously_dishonest',
      label: '特别严重失信',
      validityMonths: 36,
      sanctions: [
        'interview',
        'risk_notice',
        'listing_suspension',
        'bidding_suspension',
        'distribution_bar',
      ],
      productScope: 'all',
      public: true,
      repair: { to: 'seriously_dishonest', requiresAnyOf: ['price_cut', 'refund'] },
    },
  ],
  rules: {
    bribery: AMOUNTS_2025,
    tax_violation: AMOUNTS_2025,
    price_manipulation: AMOUNTS_2025,
    bid_rigging: { kind: 'fixed', level: 'particularly_seriously_dishonest' },
    bribing_insurance_staff: { kind: 'fixed', level: 'particularly_seriously_dishonest' },
    failure_to_supply: { kind: 'fixed', level: 'dishonest' },
    false_materials: { kind: 'fixed', level: 'seriously_dishonest' },
  },
  distributionBarYears: [1, 3, 5],
};

export const SEED_SCHEMES: SchemeDefinition[] = [SCHEME_2020, SCHEME_2025];

const COMMITMENT_BODY = [
  '本企业郑重承诺：',
  '一、遵守医药价格和招采相关法律法规，依法合规经营，诚信参与集中带量采购和挂网交易；',
  '二、不以给予回扣、赞助等任何形式进行不正当竞争，不向医疗机构及其工作人员、医保经办人员输送不正当利益；',
  '三、不操纵价格、不串通投标、不提供虚假材料，如实申报价格和供应能力；',
  '四、按约定保障供应和配送，不无故断供；',
  '五、自愿接受医药价格和招采信用评价，对失信行为承担相应的信用惩戒责任。',
].join('\n');

export const SEED_COMMITMENT_TEXT = {
  version: '2020-1',
  title: '医药企业价格和营销行为信用承诺书',
  body: COMMITMENT_BODY,
  sha256: createHash('sha256').update(COMMITMENT_BODY, 'utf8').digest('hex'),
};
