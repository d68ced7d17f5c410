import { Injectable } from '@nestjs/common';
import { ImportKind } from './import-kind';

/** Contexts register their import kinds at module init (`onModuleInit`). */
@Injectable()
export class ImportKindRegistry {
  private readonly kinds = new Map<string, ImportKind>();

  register<T>(kind: ImportKind<T>): void {
    if (this.kinds.has(kind.kind)) throw new Error(`Import kind ${kind.kind} registered twice`);
    this.kinds.set(kind.kind, kind);
  }

  get(kind: string): ImportKind | undefined {
    return this.kinds.get(kind);
  }

  all(): ImportKind[] {
    return [...this.kinds.values()];
  }
}
