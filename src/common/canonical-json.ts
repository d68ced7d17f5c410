/**
 * Canonical JSON: object keys sorted, no whitespace. Hashes (audit chain, bid receipts) are taken
 * over this form so the same content always gives the same digest.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const obj = value as Record<string, unknown>;
    const { toJSON } = obj as { toJSON?: () => unknown };
    if (typeof toJSON === 'function') return sortKeys(toJSON.call(obj));
    return Object.fromEntries(
      Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort()
        .map((k) => [k, sortKeys(obj[k])]),
    );
  }
  return value;
}
