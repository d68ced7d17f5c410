/**
 * The one error type business code throws. Pure (no framework imports) so domain functions can
 * throw it; the global filter renders it as `{ statusCode, code, message, details?, requestId }`.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/**
 * Builds a context's error factory from its code → status map, so a code can never be thrown
 * with the wrong status: `const fail = errorFactory(CATALOG_ERRORS); throw fail('DUPLICATE_CODE', …)`.
 */
export function errorFactory<C extends string>(prefix: string, statuses: Record<C, number>) {
  return (code: C, message: string, details?: unknown): DomainError =>
    new DomainError(`${prefix}.${code}`, statuses[code], message, details);
}

/** Codes shared by every context. */
export const COMMON_ERRORS = {
  VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  DUPLICATE: 409,
  CONCURRENT_UPDATE: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;
export type CommonErrorCode = keyof typeof COMMON_ERRORS;
export const commonError = errorFactory<CommonErrorCode>('COMMON', COMMON_ERRORS);

export function notFound(what: string, id: string | number): DomainError {
  return commonError('NOT_FOUND', `${what} ${id} not found`, { entity: what, id: String(id) });
}
