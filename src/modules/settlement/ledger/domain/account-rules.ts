import { settlementError } from '../../settlement.errors';

/**
 * §S1 account kinds. The ledger is the fund's book: what it holds, what it owes and what it is
 * owed, one account per pooling region, organisation and purpose.
 */
export const ACCOUNT_TYPES = [
  'fund',
  'hospital_settlement',
  'supplier_payable',
  'prepayment',
  'receivable',
  'clearing',
] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

export const NORMAL_SIDES = ['debit', 'credit'] as const;
export type NormalSide = (typeof NORMAL_SIDES)[number];

/** Whose account it is: a pooling region, a hospital, a supplier, or nobody (platform-wide). */
export type AccountOwnerKind = 'region' | 'hospital' | 'supplier' | 'none';

interface AccountKind {
  normalSide: NormalSide;
  owner: AccountOwnerKind;
  /** The human code, from the owner: `FUND:320100`, `HOSP:17:SETTLEMENT` … */
  code: (key: string) => string;
  defaultName: (ownerName: string) => string;
}

const KINDS: Record<AccountType, AccountKind> = {
  // The pooled fund's money (统筹基金) of one region: an asset, it grows on the debit side.
  fund: {
    normalSide: 'debit',
    owner: 'region',
    code: (region) => `FUND:${region}`,
    defaultName: (region) => `医保基金 ${region}`,
  },
  // What the fund owes a hospital for insured care (医保结算): a liability, credit side.
  hospital_settlement: {
    normalSide: 'credit',
    owner: 'hospital',
    code: (org) => `HOSP:${org}:SETTLEMENT`,
    defaultName: (name) => `${name} 医保结算`,
  },
  // What the fund owes a supplier for accepted goods (§S3 direct settlement): a liability.
  supplier_payable: {
    normalSide: 'credit',
    owner: 'supplier',
    code: (org) => `SUPP:${org}:PAYABLE`,
    defaultName: (name) => `${name} 应付货款`,
  },
  // §S2 advances to a hospital, offset against its later statements: an asset of the fund.
  prepayment: {
    normalSide: 'debit',
    owner: 'hospital',
    code: (org) => `HOSP:${org}:PREPAYMENT`,
    defaultName: (name) => `${name} 预付`,
  },
  // §S3.4 a hospital's shortfall the fund collects back (托收): an asset of the fund.
  receivable: {
    normalSide: 'debit',
    owner: 'hospital',
    code: (org) => `HOSP:${org}:RECEIVABLE`,
    defaultName: (name) => `${name} 应收`,
  },
  // Money in transit (bank instructions sent, results not back); nets to zero when settled.
  clearing: {
    normalSide: 'debit',
    owner: 'none',
    code: () => 'CLEARING',
    defaultName: () => '清算过渡账户',
  },
};

export interface AccountSpec {
  type: AccountType;
  /** The hospital or supplier organisation, for organisation accounts. */
  ownerId?: string | null;
  /** The pooling region (6-digit division code), for fund accounts. */
  regionCode?: string | null;
  name?: string | null;
}

/** An account spec checked and completed: everything but the owner's name. */
export interface CheckedAccountSpec {
  type: AccountType;
  code: string;
  normalSide: NormalSide;
  owner: AccountOwnerKind;
  ownerId: string | null;
  regionCode: string | null;
  name: string | null;
}

const ID = /^\d{1,18}$/;
const REGION_CODE = /^\d{6}$/;
export const MAX_ACCOUNT_NAME = 200;

export function normalSideOf(type: AccountType): NormalSide {
  return KINDS[type].normalSide;
}

/**
 * Validates what identifies an account and derives its code: exactly the key its kind needs
 * (a region for fund accounts, an organisation for hospital and supplier accounts, nothing for
 * the clearing account), so one purpose never gets two accounts.
 */
export function checkAccountSpec(spec: AccountSpec): CheckedAccountSpec {
  const kind = (KINDS as Partial<Record<string, AccountKind>>)[spec.type];
  if (!kind)
    throw settlementError(
      'ACCOUNT_SPEC_INVALID',
      `type: must be one of ${ACCOUNT_TYPES.join(', ')}, got "${String(spec.type)}"`,
      { field: 'type' },
    );
  const ownerId = spec.ownerId ?? null;
  const regionCode = spec.regionCode ?? null;
  const invalid = (field: string, message: string) =>
    settlementError('ACCOUNT_SPEC_INVALID', `${field}: ${message}`, { field, type: spec.type });
  if (kind.owner === 'region') {
    if (regionCode === null || !REGION_CODE.test(regionCode))
      throw invalid('regionCode', `a ${spec.type} account needs a 6-digit region code`);
  } else if (regionCode !== null) {
    throw invalid('regionCode', `a ${spec.type} account has no region`);
  }
  if (kind.owner === 'hospital' || kind.owner === 'supplier') {
    if (ownerId === null || !ID.test(ownerId))
      throw invalid('ownerId', `a ${spec.type} account needs its ${kind.owner}'s organisation id`);
  } else if (ownerId !== null) {
    throw invalid('ownerId', `a ${spec.type} account has no owner organisation`);
  }
  const name = spec.name?.trim() || null;
  if (name !== null && name.length > MAX_ACCOUNT_NAME)
    throw invalid('name', `at most ${MAX_ACCOUNT_NAME} characters`);
  return {
    type: spec.type,
    code: kind.code(ownerId ?? regionCode ?? ''),
    normalSide: kind.normalSide,
    owner: kind.owner,
    ownerId,
    regionCode,
    name,
  };
}

/** The name an account gets when its opener gives none, from its owner's name or region. */
export function defaultAccountName(type: AccountType, ownerName: string): string {
  return KINDS[type].defaultName(ownerName).slice(0, MAX_ACCOUNT_NAME);
}
