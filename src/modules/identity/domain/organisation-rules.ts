import type { OrgType } from '../../../common/auth/roles';
import { identityError } from '../identity.errors';
import type { HospitalGrade, HospitalKind, OrgStatus } from '../organisations/organisation.entity';

/** Organisation codes: 3–32 upper-case letters, digits and dashes, not starting with a dash. */
export const ORGANISATION_CODE_PATTERN = /^[A-Z0-9][A-Z0-9-]{2,31}$/;

/**
 * 统一社会信用代码 (GB 32100-2015): 18 characters from the code's alphabet (digits and capitals
 * without I, O, S, V, Z), the 3rd–8th being the registering authority's division code.
 */
export const CREDIT_CODE_PATTERN = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

/** The fields whose presence depends on the organisation's type. */
export interface TypedFields {
  type: OrgType;
  hospitalKind: HospitalKind | null;
  grade: HospitalGrade | null;
  isPublic: boolean | null;
  regionCode: string | null;
}

/** As given by a caller: undefined = not given. */
export interface TypedFieldsInput {
  type: OrgType;
  hospitalKind?: HospitalKind | null;
  grade?: HospitalGrade | null;
  isPublic?: boolean | null;
  regionCode?: string | null;
}

function invalid(field: string, message: string): never {
  throw identityError('ORGANISATION_FIELDS_INVALID', `${field}: ${message}`, { field });
}

/**
 * A hospital needs a kind, a grade and a region, and is public by default only when it is a
 * public hospital; an authority needs a region unless a platform-wide admin creates it; the
 * hospital fields mean nothing for other types and are refused rather than silently dropped.
 */
export function organisationFields(
  input: TypedFieldsInput,
  opts: { platformScope: boolean },
): TypedFields {
  const regionCode = input.regionCode ?? null;
  if (input.type === 'hospital') {
    if (!input.hospitalKind) invalid('hospitalKind', 'is required for a hospital');
    if (!input.grade) invalid('grade', 'is required for a hospital');
    if (!regionCode) invalid('regionCode', 'is required for a hospital');
    return {
      type: input.type,
      hospitalKind: input.hospitalKind,
      grade: input.grade,
      isPublic: input.isPublic ?? input.hospitalKind === 'public_hospital',
      regionCode,
    };
  }
  for (const field of ['hospitalKind', 'grade', 'isPublic'] as const) {
    if (input[field] !== undefined && input[field] !== null) {
      invalid(field, `only hospitals have one, not a ${input.type}`);
    }
  }
  if (input.type === 'authority' && !regionCode && !opts.platformScope) {
    invalid('regionCode', 'is required for an authority (only a platform-wide admin may omit it)');
  }
  return { type: input.type, hospitalKind: null, grade: null, isPublic: null, regionCode };
}

/**
 * The typed fields after a partial update. Changing a hospital's kind without saying whether
 * it is public re-derives the flag from the new kind.
 */
export function mergeTypedFields(
  current: TypedFields,
  patch: Omit<TypedFieldsInput, 'type'>,
): TypedFieldsInput {
  const kindChanged =
    patch.hospitalKind !== undefined && patch.hospitalKind !== current.hospitalKind;
  return {
    type: current.type,
    hospitalKind: patch.hospitalKind !== undefined ? patch.hospitalKind : current.hospitalKind,
    grade: patch.grade !== undefined ? patch.grade : current.grade,
    isPublic:
      patch.isPublic !== undefined ? patch.isPublic : kindChanged ? undefined : current.isPublic,
    regionCode: patch.regionCode !== undefined ? patch.regionCode : current.regionCode,
  };
}

/** An admin may not switch off the organisation it acts for: it would lock itself out. */
export function checkStatusChange(
  actorOrgId: string,
  orgId: string,
  status: OrgStatus | undefined,
): void {
  if (status === 'inactive' && actorOrgId === orgId) {
    throw identityError(
      'CANNOT_DISABLE_SELF',
      'status: you cannot deactivate the organisation you act for',
    );
  }
}
