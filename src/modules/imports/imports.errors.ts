import { errorFactory } from '../../common/errors/domain-error';

export const IMPORTS_ERRORS = {
  KIND_NOT_FOUND: 404,
  IMPORT_NOT_FOUND: 404,
  NO_ERROR_FILE: 404,
  KIND_NOT_ALLOWED: 403,
  CONTEXT_INVALID: 400,
  FILE_MISSING: 400,
  UPLOAD_INVALID: 400,
  FILE_TOO_LARGE: 413,
  NOT_XLSX: 415,
  NOT_CSV: 415,
  ZIP_BOMB: 400,
  UNSUPPORTED_ZIP: 400,
  DUPLICATE_FILE: 409,
} as const;

export type ImportsErrorCode = keyof typeof IMPORTS_ERRORS;
export const importsError = errorFactory<ImportsErrorCode>('IMPORTS', IMPORTS_ERRORS);
