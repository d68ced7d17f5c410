import { OrgType, Role } from '../../../common/auth/roles';
import { DomainError } from '../../../common/errors/domain-error';
import { checkRoles, checkSelfChange, USERNAME_PATTERN } from './user-rules';

function failure(fn: () => unknown): { code: string; message: string } | null {
  try {
    fn();
    return null;
  } catch (e) {
    return { code: (e as DomainError).code, message: (e as DomainError).message };
  }
}

describe('USERNAME_PATTERN', () => {
  it.each([
    ['zhang.wei', true],
    ['op_01-a', true],
    ['abc', true],
    ['ab', false],
    ['Zhang', false],
    ['张伟', false],
    ['a b c', false],
    ['a'.repeat(64), true],
    ['a'.repeat(65), false],
  ])('%p → %s', (username, ok) => {
    expect(USERNAME_PATTERN.test(username)).toBe(ok);
  });
});

describe('checkRoles', () => {
  it.each<[Role[], OrgType, Role[]]>([
    [['admin', 'auditor'], 'authority', ['admin', 'auditor']],
    [['procurement_officer', 'procurement_officer'], 'authority', ['procurement_officer']],
    [['hospital_user'], 'hospital', ['hospital_user']],
    [['supplier_user'], 'manufacturer', ['supplier_user']],
    [['supplier_user'], 'distributor', ['supplier_user']],
  ])('%o in a %s', (roles, orgType, expected) => {
    expect(checkRoles(roles, orgType)).toEqual(expected);
  });

  it.each<[Role[], OrgType, Role]>([
    [['admin'], 'hospital', 'admin'],
    [['hospital_user'], 'authority', 'hospital_user'],
    [['supplier_user'], 'hospital', 'supplier_user'],
    [['auditor', 'hospital_user'], 'authority', 'hospital_user'],
    [['fund_officer'], 'manufacturer', 'fund_officer'],
  ])('%o in a %s names %s', (roles, orgType, bad) => {
    const f = failure(() => checkRoles(roles, orgType));
    expect(f?.code).toBe('IDENTITY.ROLE_NOT_ALLOWED_FOR_ORGANISATION');
    expect(f?.message).toContain(bad);
  });
});

describe('checkSelfChange', () => {
  it.each<[string, string, Parameters<typeof checkSelfChange>[2], string | null]>([
    ['1', '1', { status: 'disabled' }, 'IDENTITY.CANNOT_DISABLE_SELF'],
    ['1', '1', { roles: ['auditor'] }, 'IDENTITY.CANNOT_DISABLE_SELF'],
    ['1', '1', { roles: ['admin', 'auditor'], status: 'active' }, null],
    ['1', '1', {}, null],
    ['1', '2', { status: 'disabled', roles: [] }, null],
  ])('actor %s changing %s %o → %s', (actorId, userId, change, error) => {
    expect(failure(() => checkSelfChange(actorId, userId, change))?.code ?? null).toBe(error);
  });
});
