/**
 * Strength units. Units of one dimension convert into each other (§P5: g/mg/µg; l/ml), so each
 * carries its dimension and its size in the dimension's base unit as a decimal string.
 */
export const STRENGTH_UNITS = [
  { unit: 'g', dimension: 'mass', toBase: '1000' },
  { unit: 'mg', dimension: 'mass', toBase: '1' },
  { unit: 'µg', dimension: 'mass', toBase: '0.001' },
  { unit: 'ng', dimension: 'mass', toBase: '0.000001' },
  { unit: 'l', dimension: 'volume', toBase: '1000' },
  { unit: 'ml', dimension: 'volume', toBase: '1' },
  { unit: 'IU', dimension: 'activity', toBase: '1' },
  { unit: '万IU', dimension: 'activity', toBase: '10000' },
  { unit: 'U', dimension: 'enzyme_unit', toBase: '1' },
  { unit: 'mmol', dimension: 'amount', toBase: '1' },
  { unit: '%', dimension: 'concentration', toBase: '1' },
] as const;

export type StrengthUnit = (typeof STRENGTH_UNITS)[number]['unit'];
export const STRENGTH_UNIT_CODES: StrengthUnit[] = STRENGTH_UNITS.map((u) => u.unit);

/** Spellings seen in source data, lower-cased, mapped to the canonical unit. */
const ALIASES: Record<string, StrengthUnit> = {
  g: 'g',
  mg: 'mg',
  µg: 'µg',
  μg: 'µg',
  ug: 'µg',
  mcg: 'µg',
  ng: 'ng',
  l: 'l',
  ml: 'ml',
  iu: 'IU',
  万iu: '万IU',
  u: 'U',
  mmol: 'mmol',
  '%': '%',
};

/** The canonical unit for a spelling (`ug`, `mcg`, `μg` → `µg`; `mL` → `ml`), or null. */
export function normaliseStrengthUnit(raw: string): StrengthUnit | null {
  return ALIASES[raw.trim().toLowerCase()] ?? null;
}

export function strengthUnit(unit: StrengthUnit) {
  return STRENGTH_UNITS.find((u) => u.unit === unit)!;
}
