import { OrgType, Role, roleFitsOrg } from '../../../common/auth/roles';
import { identityError } from '../identity.errors';
import type { UserStatus } from '../users/user.entity';

/** Lower-case letters, digits, `_`, `.` and `-`, 3–64 characters. */
export const USERNAME_PATTERN = /^[a-z0-9_.-]{3,64}$/;

/** Each role must fit the organisation's type (§1); returns the roles without repeats. */
export function checkRoles(roles: readonly Role[], orgType: OrgType): Role[] {
  for (const role of roles) {
    if (!roleFitsOrg(role, orgType)) {
      throw identityError(
        'ROLE_NOT_ALLOWED_FOR_ORGANISATION',
        `roles: ${role} cannot be given in a ${orgType} organisation`,
        { role, orgType },
      );
    }
  }
  return [...new Set(roles)];
}

/** An admin cannot lock itself out: no disabling itself, no taking its own admin role away. */
export function checkSelfChange(
  actorId: string,
  userId: string,
  change: { status?: UserStatus; roles?: readonly Role[] },
): void {
  if (actorId !== userId) return;
  if (change.status === 'disabled') {
    throw identityError('CANNOT_DISABLE_SELF', 'status: you cannot disable your own account');
  }
  if (change.roles && !change.roles.includes('admin')) {
    throw identityError('CANNOT_DISABLE_SELF', 'roles: you cannot remove your own admin role');
  }
}
