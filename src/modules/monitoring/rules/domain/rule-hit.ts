import { createHash } from 'node:crypto';
import { Decimal, roundTo } from '../../../../database/decimal';
import type { RuleCode } from './rule-catalog';
import type { Severity } from './severity';

/** Evidence values: decimals are rendered as strings before they get here. */
export type EvidenceValue = string | number | boolean | null | EvidenceValue[] | Evidence;
export interface Evidence {
  [key: string]: EvidenceValue;
}

/** One rule firing on one subject in one period: what becomes (or updates) an alert. */
export interface RuleHit {
  ruleCode: RuleCode;
  subjectKey: string;
  period: string;
  severity: Severity;
  productId: string | null;
  supplierId: string | null;
  hospitalId: string | null;
  regionCode: string | null;
  genericKey: string | null;
  category: string | null;
  /** The numbers that fired the rule, its thresholds and the reference used. */
  evidence: Evidence;
}

/** What a rule knows about the subject besides its numbers. */
export interface SubjectFields {
  productId?: string | null;
  supplierId?: string | null;
  hospitalId?: string | null;
  regionCode?: string | null;
  genericKey?: string | null;
  category?: string | null;
}

export function hit(
  ruleCode: RuleCode,
  period: string,
  severity: Severity,
  fields: SubjectFields,
  evidence: Evidence,
): RuleHit {
  const f = {
    productId: fields.productId ?? null,
    supplierId: fields.supplierId ?? null,
    hospitalId: fields.hospitalId ?? null,
    regionCode: fields.regionCode ?? null,
    genericKey: fields.genericKey ?? null,
    category: fields.category ?? null,
  };
  return { ruleCode, period, severity, subjectKey: subjectKey(f), ...f, evidence };
}

/** Longest generic key written verbatim into a subject key (191 − `generic:`). */
const GENERIC_KEY_ROOM = 183;

/** `generic:<key>`, or `generic#<sha256>` for a key too long to fit the 191-character column. */
export function genericSubject(genericKey: string): string {
  return genericKey.length <= GENERIC_KEY_ROOM
    ? `generic:${genericKey}`
    : `generic#${createHash('sha256').update(genericKey).digest('hex')}`;
}

/**
 * The canonical subject key: the parts a rule's subject is made of, in a fixed order —
 * `product:12|region:320100`, `product:12|hospital:5`, `product:12`, `generic:…`.
 */
export function subjectKey(f: {
  productId: string | null;
  hospitalId: string | null;
  regionCode: string | null;
  genericKey: string | null;
}): string {
  if (f.productId === null) return genericSubject(f.genericKey ?? '');
  const parts = [`product:${f.productId}`];
  if (f.hospitalId !== null) parts.push(`hospital:${f.hospitalId}`);
  else if (f.regionCode !== null) parts.push(`region:${f.regionCode}`);
  return parts.join('|');
}

/** A unit price in evidence: 6 decimals. */
export function price(value: Decimal.Value): string {
  return roundTo(value, 6);
}

/** A ratio or share in evidence: 6 decimals. */
export function ratio(value: Decimal.Value): string {
  return roundTo(value, 6);
}

/** JSON with keys sorted at every level, so equal evidence is byte-equal text. */
export function canonicalJson(value: EvidenceValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
}
