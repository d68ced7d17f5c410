import { errorFactory } from '../../common/errors/domain-error';

export const CATALOG_ERRORS = {
  PRODUCT_NOT_FOUND: 404,
  DUPLICATE_PRODUCT_CODE: 409,
  PRODUCT_CODE_INVALID: 400,
  PRODUCT_FIELDS_INVALID: 400,
  PRODUCT_INACTIVE: 409,
  PACK_SIZE_LOCKED: 409,
  DOSAGE_FORM_CLASS_MISMATCH: 400,
  STRENGTH_INVALID: 400,
  APPROVAL_NUMBER_INVALID: 400,
  REGISTRATION_NUMBER_INVALID: 400,
  CATEGORY_PATH_INVALID: 400,
  MANUFACTURER_NOT_FOUND: 404,
  NOT_A_MANUFACTURER: 400,
  MANUFACTURER_INACTIVE: 409,
  UDI_INVALID: 400,
  UDI_ALREADY_MAPPED: 409,
  UDI_NOT_FOUND: 404,
  REGION_NOT_FOUND: 404,
  PRICE_INVALID: 400,
  DATE_INVALID: 400,
  LISTING_PERIOD_INVALID: 400,
  LISTING_DATE_CONFLICT: 409,
  LISTING_PRICE_NOT_FOUND: 404,
  LISTING_ALREADY_SUSPENDED: 409,
  LISTING_NOT_SUSPENDED: 409,
  // A price case or a credit sanction holds the listing: only that case or sanction lifts it.
  LISTING_HELD: 409,
} as const;

export type CatalogErrorCode = keyof typeof CATALOG_ERRORS;
export const catalogError = errorFactory<CatalogErrorCode>('CATALOG', CATALOG_ERRORS);

/**
 * One problem with one input field. Domain validators return these instead of throwing, so the
 * same rules answer an HTTP request (first problem → 4xx) and an import row (every problem → the
 * error workbook).
 */
export interface FieldProblem {
  field: string;
  code: CatalogErrorCode;
  message: string;
}

/** Throws the first problem as a DomainError, listing all of them in `details`. */
export function throwIfProblems(problems: readonly FieldProblem[]): void {
  if (problems.length === 0) return;
  const [first] = problems;
  throw catalogError(first.code, first.message, {
    field: first.field,
    problems: problems.map((p) => ({
      field: p.field,
      code: `CATALOG.${p.code}`,
      message: p.message,
    })),
  });
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

/** The checked value, or the first problem thrown as a DomainError. */
export function validOrThrow<T>(checked: Checked<T>): T {
  if (!checked.ok) throwIfProblems(checked.problems);
  return (checked as { value: T }).value;
}
