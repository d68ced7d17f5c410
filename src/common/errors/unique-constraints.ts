import { DomainError } from './domain-error';

/**
 * Meaning of each named unique constraint, so a duplicate-key error that slips past a service's
 * own check (a race) still answers 409 with a useful code. MySQL names the key in its message;
 * SQLite names only `table.column, …`, so both are registered.
 */
interface UniqueMeaning {
  table: string;
  columns: string[];
  code: string;
  message: string;
}

const byName = new Map<string, UniqueMeaning>();
const byColumns = new Map<string, UniqueMeaning>();

export function registerUniqueConstraint(name: string, meaning: UniqueMeaning): void {
  byName.set(name, meaning);
  byColumns.set(`${meaning.table}:${meaning.columns.join(',')}`, meaning);
}

/** Translates a driver duplicate-key error into a DomainError, or returns null. */
export function duplicateKeyError(err: unknown): DomainError | null {
  if (!err || typeof err !== 'object') return null;
  const e = err as {
    code?: string;
    errno?: number;
    message?: string;
    driverError?: { code?: string };
  };
  const code = e.code ?? e.driverError?.code;
  const message = e.message ?? '';
  if (code === 'ER_DUP_ENTRY' || e.errno === 1062) {
    const name = /for key '(?:[^.']+\.)?([^']+)'/.exec(message)?.[1];
    const meaning = name ? byName.get(name) : undefined;
    return meaning
      ? new DomainError(meaning.code, 409, meaning.message, { constraint: name })
      : new DomainError('COMMON.DUPLICATE', 409, 'A record with the same key already exists', {
          constraint: name,
        });
  }
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    const cols = /UNIQUE constraint failed: (.+)$/.exec(message)?.[1];
    if (cols) {
      const parts = cols.split(',').map((c) => c.trim());
      const table = parts[0]?.split('.')[0] ?? '';
      const key = `${table}:${parts.map((p) => p.split('.')[1]).join(',')}`;
      const meaning = byColumns.get(key);
      if (meaning) return new DomainError(meaning.code, 409, meaning.message, { constraint: key });
    }
    return new DomainError('COMMON.DUPLICATE', 409, 'A record with the same key already exists');
  }
  return null;
}

/** MySQL/InnoDB rolled the transaction back as the victim of a deadlock (ER_LOCK_DEADLOCK). */
export function isDeadlock(err: unknown): boolean {
  const e = err as { code?: string; errno?: number; driverError?: { code?: string } } | null;
  return (
    e?.code === 'ER_LOCK_DEADLOCK' ||
    e?.errno === 1213 ||
    e?.driverError?.code === 'ER_LOCK_DEADLOCK'
  );
}
