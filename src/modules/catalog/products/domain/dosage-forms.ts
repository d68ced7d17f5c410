/**
 * §P5 dosage-form table: code, Chinese name, price-differential factor and the default class.
 * The factors are the default `dosageFormFactors` of a procurement rule set.
 */
export const DOSAGE_FORM_CLASSES = [
  'oral_solid',
  'small_volume_injection',
  'large_volume_injection',
  'other',
] as const;
export type DosageFormClass = (typeof DOSAGE_FORM_CLASSES)[number];

export interface DosageForm {
  code: string;
  name: string;
  /** Decimal string: factors are rule-set parameters and never pass through a JS number. */
  factor: string;
  /** The class a product of this form gets when none is given. */
  defaultClass: DosageFormClass;
  /** Classes a product of this form may carry. */
  classes: readonly DosageFormClass[];
}

const ORAL_SOLID: readonly DosageFormClass[] = ['oral_solid'];
const INJECTION: readonly DosageFormClass[] = ['small_volume_injection', 'large_volume_injection'];

export const DOSAGE_FORMS = [
  {
    code: 'tablet',
    name: '普通片',
    factor: '1.00',
    defaultClass: 'oral_solid',
    classes: ORAL_SOLID,
  },
  {
    code: 'chewable_tablet',
    name: '咀嚼片',
    factor: '1.05',
    defaultClass: 'oral_solid',
    classes: ORAL_SOLID,
  },
  {
    code: 'buccal_tablet',
    name: '口含片',
    factor: '1.05',
    defaultClass: 'oral_solid',
    classes: ORAL_SOLID,
  },
  {
    code: 'soluble_tablet',
    name: '可溶片',
    factor: '1.05',
    defaultClass: 'oral_solid',
    classes: ORAL_SOLID,
  },
  {
    code: 'enteric_coated_tablet',
    name: '肠溶片',
    factor: '1.10',
    defaultClass: 'oral_solid',
    classes: ORAL_SOLID,
  },
  {
    code: 'dispersible_tablet',
    name: '分散片',
    factor: '1.20',
    defaultClass: 'oral_solid',
    classes: ORAL_SOLID,
  },
  {
    code: 'effervescent_tablet',
    name: '泡腾片',
    factor: '1.30',
    defaultClass: 'oral_solid',
    classes: ORAL_SOLID,
  },
  {
    code: 'hard_capsule',
    name: '硬胶囊',
    factor: '1.00',
    defaultClass: 'oral_solid',
    classes: ORAL_SOLID,
  },
  {
    code: 'enteric_capsule',
    name: '肠溶胶囊',
    factor: '1.10',
    defaultClass: 'oral_solid',
    classes: ORAL_SOLID,
  },
  {
    code: 'soft_capsule',
    name: '软胶囊',
    factor: '1.20',
    defaultClass: 'oral_solid',
    classes: ORAL_SOLID,
  },
  {
    code: 'granules',
    name: '颗粒剂',
    factor: '1.00',
    defaultClass: 'oral_solid',
    classes: ORAL_SOLID,
  },
  // Whether an injection is small- or large-volume depends on the product (≥ 50 ml infusions are
  // large-volume); small-volume is the common case and the default.
  {
    code: 'injection',
    name: '注射剂',
    factor: '1.00',
    defaultClass: 'small_volume_injection',
    classes: INJECTION,
  },
  {
    code: 'oral_solution',
    name: '口服溶液',
    factor: '1.00',
    defaultClass: 'other',
    classes: ['other'],
  },
  {
    code: 'other',
    name: '其他',
    factor: '1.00',
    defaultClass: 'other',
    classes: DOSAGE_FORM_CLASSES,
  },
] as const satisfies readonly DosageForm[];

export type DosageFormCode = (typeof DOSAGE_FORMS)[number]['code'];
export const DOSAGE_FORM_CODES: DosageFormCode[] = DOSAGE_FORMS.map((f) => f.code);

const BY_CODE = new Map<string, DosageForm>(DOSAGE_FORMS.map((f) => [f.code, f]));
const BY_NAME = new Map<string, DosageForm>(DOSAGE_FORMS.map((f) => [f.name, f]));

export function dosageForm(code: string): DosageForm | undefined {
  return BY_CODE.get(code);
}

export function isDosageFormCode(code: string): code is DosageFormCode {
  return BY_CODE.has(code);
}

export function isDosageFormClass(value: string): value is DosageFormClass {
  return (DOSAGE_FORM_CLASSES as readonly string[]).includes(value);
}

/** Finds a form by its code or its Chinese name (templates accept either). */
export function dosageFormByCodeOrName(value: string): DosageForm | undefined {
  return BY_CODE.get(value) ?? BY_NAME.get(value);
}

/** `{ tablet: '1.00', … }`: the default `dosageFormFactors` of a procurement rule set. */
export function defaultDosageFormFactors(): Record<DosageFormCode, string> {
  return Object.fromEntries(DOSAGE_FORMS.map((f) => [f.code, f.factor])) as Record<
    DosageFormCode,
    string
  >;
}

export type ClassResolution = { ok: true; value: DosageFormClass } | { ok: false; message: string };

/**
 * The class of a product: the requested one when it fits the form (injections may be small- or
 * large-volume), the form's default when none is requested.
 */
export function resolveDosageFormClass(
  form: DosageFormCode,
  requested: string | null | undefined,
): ClassResolution {
  const entry = BY_CODE.get(form)!;
  if (requested === null || requested === undefined || requested === '')
    return { ok: true, value: entry.defaultClass };
  if (!isDosageFormClass(requested))
    return {
      ok: false,
      message: `dosageFormClass must be one of ${DOSAGE_FORM_CLASSES.join(', ')}, got "${requested}"`,
    };
  if (!entry.classes.includes(requested))
    return {
      ok: false,
      message: `dosageFormClass ${requested} does not fit dosage form ${form} (allowed: ${entry.classes.join(', ')})`,
    };
  return { ok: true, value: requested };
}
