/** Whether `value` can be a row id (BIGINT, as text): lookups of anything else answer "not found". */
export function isId(value: string): boolean {
  return /^\d{1,18}$/.test(value);
}
