/**
 * §M3/§M4 alert severities, lowest first. The order matters: comparisons ("at least red_1"),
 * sorting and the listing bands of rule 2 use the index in this array.
 *
 * - `verify`  待核实 — worth a look before anyone acts (abrupt change > 15 %, quantity spike).
 * - `yellow`  黄色 — a price risk to follow (listing multiple < 2 ×, peer outlier, spread …).
 * - `red_1`   红色★ — an actionable price problem (listing 2–5 ×, above contract, abrupt > 50 %).
 * - `red_2`   红色★★ — listing 5–10 × the lowest.
 * - `red_3`   红色★★★ — listing ≥ 10 × the lowest: transactions to be suspended.
 */
export const SEVERITIES = ['verify', 'yellow', 'red_1', 'red_2', 'red_3'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY_LABELS: Record<Severity, string> = {
  verify: '待核实',
  yellow: '黄色',
  red_1: '红色★',
  red_2: '红色★★',
  red_3: '红色★★★',
};

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/** Position in the order (0 = least severe). */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** The more severe of two severities. */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

/**
 * A rule's severity overrides map the severity the rule computed to the one the analyst wants
 * (e.g. `{ "verify": "yellow" }`); severities not named stay as computed.
 */
export function applySeverityOverride(
  computed: Severity,
  overrides: Partial<Record<Severity, Severity>>,
): Severity {
  return overrides[computed] ?? computed;
}
