import { Injectable } from '@nestjs/common';
import { EXAMPLE_SHEET, META_SHEET } from './domain/workbook-rules';
import { ImportKind } from './import-kind';

/** Excel limits a sheet name to 31 characters and forbids these. */
const BAD_SHEET_NAME = /[\\/?*[\]:]/;

/** Contexts register their import kinds at module init (`onModuleInit`). */
@Injectable()
export class ImportKindRegistry {
  private readonly kinds = new Map<string, ImportKind>();

  register<T>(kind: ImportKind<T>): void {
    if (this.kinds.has(kind.kind)) throw new Error(`Import kind ${kind.kind} registered twice`);
    const name = kind.sheetName;
    if (!name || name.length > 31 || BAD_SHEET_NAME.test(name)) {
      throw new Error(`Import kind ${kind.kind}: "${name}" is not a valid Excel sheet name`);
    }
    if (name === META_SHEET || name === EXAMPLE_SHEET || name.startsWith('_')) {
      throw new Error(`Import kind ${kind.kind}: sheet name "${name}" is reserved`);
    }
    const keys = new Set(kind.columns.map((c) => c.key));
    if (keys.size !== kind.columns.length) {
      throw new Error(`Import kind ${kind.kind}: column keys must be unique`);
    }
    this.kinds.set(kind.kind, kind);
  }

  get(kind: string): ImportKind | undefined {
    return this.kinds.get(kind);
  }

  all(): ImportKind[] {
    return [...this.kinds.values()];
  }
}
