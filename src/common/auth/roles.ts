/** §1 roles. Authority roles belong to authority organisations only. */
export const ROLES = [
  'admin',
  'procurement_officer',
  'pricing_analyst',
  'fund_officer',
  'supervisor',
  'auditor',
  'hospital_user',
  'supplier_user',
] as const;
export type Role = (typeof ROLES)[number];

export const ORG_TYPES = ['authority', 'hospital', 'manufacturer', 'distributor'] as const;
export type OrgType = (typeof ORG_TYPES)[number];

export const AUTHORITY_ROLES: readonly Role[] = [
  'admin',
  'procurement_officer',
  'pricing_analyst',
  'fund_officer',
  'supervisor',
  'auditor',
];

/** Which organisation types a role may be given in. */
export function roleFitsOrg(role: Role, orgType: OrgType): boolean {
  if (role === 'hospital_user') return orgType === 'hospital';
  if (role === 'supplier_user') return orgType === 'manufacturer' || orgType === 'distributor';
  return orgType === 'authority';
}

export function isSupplierType(orgType: OrgType): boolean {
  return orgType === 'manufacturer' || orgType === 'distributor';
}

/** API-key scopes: what a system integration may do on behalf of its organisation. */
export const API_SCOPES = [
  'catalog:read',
  'organisations:read',
  'imports:write',
  'imports:read',
  'usage:write',
  'usage:read',
  // §K5 a supplier's system sending its monthly stock / capacity reports.
  'supply:write',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];
