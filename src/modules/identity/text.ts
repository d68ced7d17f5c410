import { TransformFnParams } from 'class-transformer';

/**
 * `LIKE` pattern for "contains", escaping the wildcards with `!`: a backslash escape would need
 * different literals on MySQL and SQLite, `!` means the same on both (`ESCAPE '!'`).
 */
export function containsPattern(text: string): string {
  return `%${escapeLike(text)}%`;
}

export function startsWithPattern(text: string): string {
  return `${escapeLike(text)}%`;
}

export function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (c) => `!${c}`);
}

/** `@Transform(trimmed)`: names are stored without surrounding blanks, so "  " is empty. */
export function trimmed({ value }: TransformFnParams): unknown {
  return typeof value === 'string' ? value.trim() : value;
}

/** `@Transform(booleanQuery)`: `?isPublic=true|false` arrives as a string. */
export function booleanQuery({ value }: TransformFnParams): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}
