import { Decimal } from '../../../../database/decimal';
import { Checked, FieldProblem } from '../../catalog.errors';
import {
  DosageFormClass,
  DosageFormCode,
  dosageFormByCodeOrName,
  resolveDosageFormClass,
} from './dosage-forms';
import { consumableCodeProblem, drugCodeProblem, normaliseCode } from './product-codes';
import { normaliseStrengthUnit, StrengthUnit, STRENGTH_UNIT_CODES } from './strength-units';

/** The §C1 flags of a drug. */
export const DRUG_FLAGS = [
  'consistencyEvaluated',
  'originator',
  'essential',
  'negotiated',
  'reimbursable',
] as const;
export type DrugFlag = (typeof DRUG_FLAGS)[number];

export const PRODUCT_STATUSES = ['active', 'inactive'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

export interface DrugInput {
  code: string;
  name: string;
  brandName?: string | null;
  dosageForm: string;
  dosageFormClass?: string | null;
  strength: string;
  strengthUnit: string;
  packSize: number;
  smallestUnit: string;
  approvalNumber?: string | null;
  consistencyEvaluated?: boolean;
  originator?: boolean;
  essential?: boolean;
  negotiated?: boolean;
  reimbursable?: boolean;
}

/** A drug's own fields after normalisation and every shape check. */
export interface DrugSpec {
  code: string;
  name: string;
  brandName: string | null;
  dosageForm: DosageFormCode;
  dosageFormClass: DosageFormClass;
  /** Canonical decimal string, at most 6 decimals. */
  strength: string;
  strengthUnit: StrengthUnit;
  packSize: number;
  smallestUnit: string;
  approvalNumber: string | null;
  consistencyEvaluated: boolean;
  originator: boolean;
  essential: boolean;
  negotiated: boolean;
  reimbursable: boolean;
}

export interface ConsumableInput {
  code: string;
  name: string;
  brandName?: string | null;
  categoryPath: string;
  highValue?: boolean;
  registrationNumber?: string | null;
  specification?: string | null;
  unit: string;
}

export interface ConsumableSpec {
  code: string;
  name: string;
  brandName: string | null;
  /** Segments joined by `/`: `血管介入/冠脉支架`. */
  categoryPath: string;
  highValue: boolean;
  registrationNumber: string | null;
  specification: string | null;
  unit: string;
}

const MAX_CATEGORY_DEPTH = 6;
const MAX_CATEGORY_SEGMENT = 50;
const MAX_CATEGORY_PATH = 255;

/**
 * 批准文号: 国药准字 + a category letter (H chemical, Z Chinese medicine, S biological, J imported
 * packaged, B/F/T …) + an optional second letter for imported or HK/Macao/Taiwan drugs (HJ, HC, SJ …)
 * + 8 digits. The prefix may be left out.
 */
const APPROVAL_NUMBER = /^(国药准字)?[A-Z][A-Z]?\d{8}$/;

/**
 * 注册证号 / 备案号 of a medical device: a Chinese issuing-authority prefix containing 械 and a
 * number, e.g. 国械注准20153130001, 国械注进20173462100, 苏械注准20182220123, 苏宁械备20150001.
 */
const REGISTRATION_NUMBER = /^[\u4e00-\u9fff]{1,6}械[\u4e00-\u9fff（）()]{0,4}\d{6,14}号?$/;

/** Decimal string > 0 with ≤ 12 integer digits and ≤ 6 decimals (DECIMAL(18,6)). */
const POSITIVE_DECIMAL = /^\d{1,12}(\.\d{1,6})?$/;

function text(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const t = value.trim();
  return t === '' ? null : t;
}

function required(
  problems: FieldProblem[],
  field: string,
  value: string | null | undefined,
  max: number,
): string {
  const t = text(value);
  if (t === null) {
    problems.push({ field, code: 'PRODUCT_FIELDS_INVALID', message: `${field} is required` });
    return '';
  }
  if (t.length > max)
    problems.push({
      field,
      code: 'PRODUCT_FIELDS_INVALID',
      message: `${field} must be at most ${max} characters`,
    });
  return t;
}

function optional(
  problems: FieldProblem[],
  field: string,
  value: string | null | undefined,
  max: number,
): string | null {
  const t = text(value);
  if (t !== null && t.length > max)
    problems.push({
      field,
      code: 'PRODUCT_FIELDS_INVALID',
      message: `${field} must be at most ${max} characters`,
    });
  return t;
}

/** A strength as a canonical decimal string, or the problem. */
export function parseStrength(
  raw: string,
): { ok: true; value: string } | { ok: false; message: string } {
  const t = raw.trim();
  if (!POSITIVE_DECIMAL.test(t) || new Decimal(t).lte(0))
    return {
      ok: false,
      message: `strength must be a positive decimal with at most 6 decimals, got "${raw}"`,
    };
  return { ok: true, value: new Decimal(t).toFixed() };
}

export function approvalNumberProblem(value: string): string | null {
  return APPROVAL_NUMBER.test(value)
    ? null
    : `approvalNumber must look like 国药准字H20003263, got "${value}"`;
}

export function registrationNumberProblem(value: string): string | null {
  return REGISTRATION_NUMBER.test(value)
    ? null
    : `registrationNumber must be a device registration or filing number such as 国械注准20153130001, got "${value}"`;
}

/** `血管介入 / 冠脉支架` → `血管介入/冠脉支架`, or the problem. */
export function parseCategoryPath(
  raw: string,
): { ok: true; value: string } | { ok: false; message: string } {
  const segments = raw.split('/').map((s) => s.trim());
  if (segments.some((s) => s === ''))
    return {
      ok: false,
      message: `categoryPath must be segments separated by "/" with none empty, got "${raw}"`,
    };
  if (segments.length > MAX_CATEGORY_DEPTH)
    return { ok: false, message: `categoryPath has at most ${MAX_CATEGORY_DEPTH} levels` };
  if (segments.some((s) => s.length > MAX_CATEGORY_SEGMENT))
    return {
      ok: false,
      message: `each categoryPath segment has at most ${MAX_CATEGORY_SEGMENT} characters`,
    };
  const value = segments.join('/');
  if (value.length > MAX_CATEGORY_PATH)
    return { ok: false, message: `categoryPath has at most ${MAX_CATEGORY_PATH} characters` };
  return { ok: true, value };
}

export function checkDrug(input: DrugInput): Checked<DrugSpec> {
  const problems: FieldProblem[] = [];
  const code = normaliseCode(input.code ?? '');
  const codeProblem = drugCodeProblem(code);
  if (codeProblem)
    problems.push({ field: 'code', code: 'PRODUCT_CODE_INVALID', message: codeProblem });
  const name = required(problems, 'name', input.name, 200);
  const brandName = optional(problems, 'brandName', input.brandName, 200);

  const form = dosageFormByCodeOrName((input.dosageForm ?? '').trim());
  let dosageFormClass: DosageFormClass = 'other';
  if (!form) {
    problems.push({
      field: 'dosageForm',
      code: 'PRODUCT_FIELDS_INVALID',
      message: `dosageForm must be one of the dosage-form codes (GET /catalog/dosage-forms), got "${input.dosageForm}"`,
    });
  } else {
    const resolved = resolveDosageFormClass(
      form.code as DosageFormCode,
      text(input.dosageFormClass),
    );
    if (resolved.ok) dosageFormClass = resolved.value;
    else
      problems.push({
        field: 'dosageFormClass',
        code: 'DOSAGE_FORM_CLASS_MISMATCH',
        message: resolved.message,
      });
  }

  const strength = parseStrength(String(input.strength ?? ''));
  if (!strength.ok)
    problems.push({ field: 'strength', code: 'STRENGTH_INVALID', message: strength.message });
  const unit = normaliseStrengthUnit(String(input.strengthUnit ?? ''));
  if (!unit)
    problems.push({
      field: 'strengthUnit',
      code: 'STRENGTH_INVALID',
      message: `strengthUnit must be one of ${STRENGTH_UNIT_CODES.join(', ')}, got "${input.strengthUnit}"`,
    });
  if (!Number.isSafeInteger(input.packSize) || input.packSize < 1 || input.packSize > 1_000_000)
    problems.push({
      field: 'packSize',
      code: 'PRODUCT_FIELDS_INVALID',
      message: `packSize must be a whole number from 1 to 1000000, got "${String(input.packSize)}"`,
    });
  const smallestUnit = required(problems, 'smallestUnit', input.smallestUnit, 16);
  const approvalNumber = text(input.approvalNumber)?.toUpperCase().replace(/\s+/g, '') ?? null;
  if (approvalNumber !== null) {
    const p = approvalNumberProblem(approvalNumber);
    if (p) problems.push({ field: 'approvalNumber', code: 'APPROVAL_NUMBER_INVALID', message: p });
  }
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    value: {
      code,
      name,
      brandName,
      dosageForm: form!.code as DosageFormCode,
      dosageFormClass,
      strength: (strength as { value: string }).value,
      strengthUnit: unit!,
      packSize: input.packSize,
      smallestUnit,
      approvalNumber,
      consistencyEvaluated: input.consistencyEvaluated ?? false,
      originator: input.originator ?? false,
      essential: input.essential ?? false,
      negotiated: input.negotiated ?? false,
      reimbursable: input.reimbursable ?? false,
    },
  };
}

/**
 * The full input of a drug after a partial change. Changing the dosage form without naming a
 * class re-derives the class from the new form, so an old class cannot contradict the new form.
 */
export function patchDrug(current: DrugSpec, patch: Partial<DrugInput>): DrugInput {
  const formChanged = patch.dosageForm !== undefined && patch.dosageForm !== current.dosageForm;
  return {
    ...current,
    ...stripUndefined(patch),
    dosageFormClass:
      patch.dosageFormClass !== undefined
        ? patch.dosageFormClass
        : formChanged
          ? null
          : current.dosageFormClass,
  };
}

export function checkConsumable(input: ConsumableInput): Checked<ConsumableSpec> {
  const problems: FieldProblem[] = [];
  const code = normaliseCode(input.code ?? '');
  const codeProblem = consumableCodeProblem(code);
  if (codeProblem)
    problems.push({ field: 'code', code: 'PRODUCT_CODE_INVALID', message: codeProblem });
  const name = required(problems, 'name', input.name, 200);
  const brandName = optional(problems, 'brandName', input.brandName, 200);
  const category = parseCategoryPath(input.categoryPath ?? '');
  if (!category.ok)
    problems.push({
      field: 'categoryPath',
      code: 'CATEGORY_PATH_INVALID',
      message: category.message,
    });
  const registrationNumber = text(input.registrationNumber)?.replace(/\s+/g, '') ?? null;
  if (registrationNumber !== null) {
    const p = registrationNumberProblem(registrationNumber);
    if (p)
      problems.push({
        field: 'registrationNumber',
        code: 'REGISTRATION_NUMBER_INVALID',
        message: p,
      });
  }
  const specification = optional(problems, 'specification', input.specification, 500);
  const unit = required(problems, 'unit', input.unit, 16);
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    value: {
      code,
      name,
      brandName,
      categoryPath: (category as { value: string }).value,
      highValue: input.highValue ?? false,
      registrationNumber,
      specification,
      unit,
    },
  };
}

export function patchConsumable(
  current: ConsumableSpec,
  patch: Partial<ConsumableInput>,
): ConsumableInput {
  return { ...current, ...stripUndefined(patch) };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
