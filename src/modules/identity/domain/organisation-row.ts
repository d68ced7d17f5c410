import type { Actor } from '../../../common/auth/actor';
import { DomainError } from '../../../common/errors/domain-error';
import { ORG_TYPES, OrgType } from '../../../common/auth/roles';
import type { CellValue, NumberedRow, ParsedRow, RowProblem } from '../../imports/import-kind';
import {
  HOSPITAL_GRADES,
  HOSPITAL_KINDS,
  HospitalGrade,
  HospitalKind,
} from '../organisations/organisation.entity';
import {
  CREDIT_CODE_PATTERN,
  ORGANISATION_CODE_PATTERN,
  organisationFields,
} from './organisation-rules';
import { canWriteRegion, isPlatformScope } from './scope-rules';

/** One row of the organisations template (`identity.organisations`). */
export interface OrganisationRow {
  code: string;
  name: string;
  type: OrgType;
  hospitalKind: HospitalKind | null;
  grade: HospitalGrade | null;
  isPublic: boolean | null;
  regionCode: string | null;
  creditCode: string | null;
  contactName: string | null;
  contactPhone: string | null;
}

const REGION_CODE = /^\d{6}$/;
const PHONE = /^[0-9+() -]{3,32}$/;
const YES = new Set(['yes', 'y', 'true', '1', '是']);
const NO = new Set(['no', 'n', 'false', '0', '否']);

/** Values the template offers for the public flag. */
export const PUBLIC_FLAG_VALUES = ['yes', 'no'] as const;

/** A cell as text: codes typed as numbers (320100) are read as their digits. */
function asText(value: CellValue): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  return null;
}

class RowReader {
  readonly problems: RowProblem[] = [];

  constructor(private readonly cells: Record<string, CellValue>) {}

  private problem(column: string, message: string): null {
    this.problems.push({ column, message });
    return null;
  }

  text(column: string, opts: { required?: boolean; max: number }): string | null {
    const raw = this.cells[column] ?? null;
    if (raw === null) return opts.required ? this.problem(column, 'is required') : null;
    const value = asText(raw);
    if (value === null) return this.problem(column, 'must be text');
    if (value.length > opts.max)
      return this.problem(column, `must be at most ${opts.max} characters`);
    return value;
  }

  matching(column: string, pattern: RegExp, message: string, required = false): string | null {
    const value = this.text(column, { required, max: 64 });
    if (value === null) return null;
    return pattern.test(value) ? value : this.problem(column, message);
  }

  oneOf<T extends string>(column: string, allowed: readonly T[], required = false): T | null {
    const value = this.text(column, { required, max: 64 });
    if (value === null) return null;
    return (allowed as readonly string[]).includes(value)
      ? (value as T)
      : this.problem(column, `must be one of ${allowed.join(', ')} (got "${value}")`);
  }

  flag(column: string): boolean | null {
    const raw = this.cells[column] ?? null;
    if (raw === null) return null;
    if (typeof raw === 'boolean') return raw;
    const value = asText(raw)?.toLowerCase();
    if (value !== undefined && YES.has(value)) return true;
    if (value !== undefined && NO.has(value)) return false;
    return this.problem(column, 'must be yes or no');
  }
}

/** Pure: one template row → an organisation to create, or every problem the row has. */
export function parseOrganisationRow(cells: Record<string, CellValue>): ParsedRow<OrganisationRow> {
  const r = new RowReader(cells);
  const code = r.matching(
    'code',
    ORGANISATION_CODE_PATTERN,
    'must be 3-32 upper-case letters, digits or "-", not starting with "-"',
    true,
  );
  const name = r.text('name', { required: true, max: 200 });
  const type = r.oneOf('type', ORG_TYPES, true);
  const hospitalKind = r.oneOf('hospitalKind', HOSPITAL_KINDS);
  const grade = r.oneOf('grade', HOSPITAL_GRADES);
  const isPublic = r.flag('isPublic');
  const regionCode = r.matching('regionCode', REGION_CODE, 'must be a 6-digit region code');
  const creditCode = r.matching(
    'creditCode',
    CREDIT_CODE_PATTERN,
    'must be an 18-character 统一社会信用代码',
  );
  const contactName = r.text('contactName', { max: 100 });
  const contactPhone = r.matching(
    'contactPhone',
    PHONE,
    'may hold only digits, spaces, "+", "-", "(" and ")"',
  );
  if (r.problems.length || code === null || name === null || type === null) {
    return { ok: false, problems: r.problems };
  }
  try {
    // The same rules as the API; whether an authority may lack a region depends on the
    // uploader, which checkOrganisationBatch knows.
    const typed = organisationFields(
      { type, hospitalKind, grade, isPublic, regionCode },
      { platformScope: true },
    );
    return {
      ok: true,
      value: { code, name, ...typed, creditCode, contactName, contactPhone },
    };
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    const field = (err.details as { field?: string } | undefined)?.field ?? null;
    const message = field ? err.message.replace(new RegExp(`^${field}: `), '') : err.message;
    return { ok: false, problems: [{ column: field, message }] };
  }
}

/** What the database says about a batch's codes and regions. */
export interface OrganisationLookups {
  existingCodes: ReadonlySet<string>;
  existingCreditCodes: ReadonlySet<string>;
  /** Region code → path, for the regions that exist. */
  regionPaths: ReadonlyMap<string, string>;
}

/**
 * Checks a batch against the database and the rows before it in the same file (`seen`, which
 * persists across batches): codes and credit codes unique, regions existing and within the
 * uploader's scope, a region for authorities of a regional uploader.
 */
export function checkOrganisationBatch(
  rows: NumberedRow<OrganisationRow>[],
  lookups: OrganisationLookups,
  actor: Pick<Actor, 'orgId' | 'orgType' | 'regionPath'>,
  seen: Map<string, unknown>,
): Map<number, RowProblem[]> {
  const out = new Map<number, RowProblem[]>();
  const add = (row: number, column: string, message: string) =>
    out.set(row, [...(out.get(row) ?? []), { column, message }]);
  for (const { rowNumber, value: o } of rows) {
    const codeKey = `code:${o.code}`;
    if (lookups.existingCodes.has(o.code)) {
      add(rowNumber, 'code', `organisation ${o.code} already exists`);
    } else if (seen.has(codeKey)) {
      add(rowNumber, 'code', `${o.code} is also in row ${String(seen.get(codeKey))}`);
    } else {
      seen.set(codeKey, rowNumber);
    }
    if (o.creditCode) {
      const creditKey = `credit:${o.creditCode}`;
      if (lookups.existingCreditCodes.has(o.creditCode)) {
        add(
          rowNumber,
          'creditCode',
          `an organisation with credit code ${o.creditCode} already exists`,
        );
      } else if (seen.has(creditKey)) {
        add(
          rowNumber,
          'creditCode',
          `${o.creditCode} is also in row ${String(seen.get(creditKey))}`,
        );
      } else {
        seen.set(creditKey, rowNumber);
      }
    }
    if (o.regionCode) {
      const path = lookups.regionPaths.get(o.regionCode);
      if (path === undefined) {
        add(rowNumber, 'regionCode', `region ${o.regionCode} does not exist`);
      } else if (!canWriteRegion(actor, path)) {
        add(rowNumber, 'regionCode', `region ${o.regionCode} is outside your data scope`);
      }
    } else if (o.type === 'authority' && !isPlatformScope(actor)) {
      add(
        rowNumber,
        'regionCode',
        'is required for an authority (only a platform-wide admin may omit it)',
      );
    }
  }
  return out;
}
