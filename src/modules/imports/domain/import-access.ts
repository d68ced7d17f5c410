import type { Actor } from '../../../common/auth/actor';
import { importsError } from '../imports.errors';

/**
 * Who sees an import: everyone sees their own organisation's; admins and auditors of an
 * authority also see those uploaded by organisations in their region subtree (all of them when
 * their scope is the whole platform).
 */
export interface ImportScope {
  orgId: string;
  /** Region subtree also visible: null = everything, undefined = nothing beyond the org. */
  regionPath: string | null | undefined;
}

export function importScope(actor: Actor): ImportScope {
  const overseer =
    actor.kind === 'user' &&
    actor.orgType === 'authority' &&
    actor.roles.some((r) => r === 'admin' || r === 'auditor');
  return { orgId: actor.orgId, regionPath: overseer ? actor.regionPath : undefined };
}

export function canSeeImport(
  scope: ImportScope,
  record: { organisationId: string; regionPath: string | null },
): boolean {
  if (record.organisationId === scope.orgId) return true;
  if (scope.regionPath === undefined) return false;
  if (scope.regionPath === null) return true;
  return record.regionPath !== null && record.regionPath.startsWith(scope.regionPath);
}

export const CONTEXT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
export const CONTEXT_ID_MESSAGE =
  'contextId must be 1–64 letters, digits, dots, colons, dashes or underscores';

/** `?contextId=`: absent or empty means none; otherwise a short opaque id. */
export function parseContextId(raw: unknown): string {
  if (raw === undefined || raw === null || raw === '') return '';
  if (typeof raw !== 'string' || !CONTEXT_ID_PATTERN.test(raw)) {
    throw importsError('CONTEXT_INVALID', CONTEXT_ID_MESSAGE, { field: 'contextId' });
  }
  return raw;
}

export type UploadFormat = 'xlsx' | 'csv';

/**
 * Only .xlsx workbooks are imported, and .csv for the kinds that accept it (DESIGN §X); the
 * format is told by the file name, the content is checked separately. `csv`: whether the kind
 * accepts .csv.
 */
export function uploadFormat(originalName: string, csv: boolean): UploadFormat {
  const name = originalName.trim();
  if (/\.xlsx$/i.test(name)) return 'xlsx';
  if (csv && /\.csv$/i.test(name)) return 'csv';
  throw importsError(
    'NOT_XLSX',
    csv
      ? `Only .xlsx workbooks and .csv files (UTF-8, with the template's header row) are accepted, not "${originalName}": save the file as an Excel workbook (.xlsx) generated from the template, or as "CSV UTF-8"`
      : `Only .xlsx workbooks are accepted${/\.csv$/i.test(name) ? ' for this import kind (it takes no .csv)' : ''}, not "${originalName}": save the file as an Excel workbook (.xlsx) generated from the template`,
    { field: 'file', accepted: csv ? ['.xlsx', '.csv'] : ['.xlsx'] },
  );
}
