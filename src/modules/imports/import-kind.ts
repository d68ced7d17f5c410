import { EntityManager } from 'typeorm';
import { Actor } from '../../common/auth/actor';
import type { SealedActor } from '../audit/audit.service';

/**
 * What a context contributes to the Excel import pipeline (§X): the template's columns, a pure
 * row parser, batch checks against the database, and a batch writer. The pipeline owns upload,
 * storage, hashing, streaming, limits, error workbooks and the all-or-nothing transaction.
 */
/**
 * A cell as the pipeline hands it to `parseRow`: strings trimmed, empty cells null, dates as
 * `Date` (when the cell is formatted as a date), rich text flattened. Formula and error cells
 * never reach a kind: the pipeline reports them as row problems.
 */
export type CellValue = string | number | boolean | Date | null;

export interface ImportColumn {
  /** Key in the parsed raw row. */
  key: string;
  /** Header text in the template (bilingual, e.g. "通用名 Generic name"). */
  header: string;
  required: boolean;
  /** Shown as a cell comment / help row. */
  help?: string;
  /** Excel list validation where the value comes from a fixed set. */
  allowed?: readonly string[];
  /** Column width in characters. */
  width?: number;
  /** Keep the cell as text in the template (codes with leading zeros). */
  text?: boolean;
}

export interface RowProblem {
  /** Column key the problem is about, or null for the whole row. */
  column: string | null;
  message: string;
}

export type ParsedRow<T> = { ok: true; value: T } | { ok: false; problems: RowProblem[] };

export interface ImportContext {
  actor: Actor;
  /** The template's context id (a round id for round templates; empty for global ones). */
  contextId: string;
  importId: string;
}

export interface NumberedRow<T> {
  rowNumber: number;
  value: T;
}

export interface ImportKind<T = unknown> {
  /** `catalog.drugs`, `identity.organisations`, … */
  kind: string;
  version: number;
  title: string;
  /** Sheet name of the data sheet in the template (at most 31 characters, not `_meta`). */
  sheetName: string;
  columns: readonly ImportColumn[];
  /** Who may download the template and upload it (checked by the pipeline). */
  allowed(actor: Actor, contextId: string): boolean;
  /**
   * Rows per checkBatch / writeBatch call when not the pipeline's default (500): kinds whose
   * files run to a million rows take larger batches, so that a batch is a few multi-row INSERT
   * statements.
   */
  batchRows?: number;
  /** Pure: one row's cells (by column key) → a typed value or the problems. */
  parseRow(cells: Record<string, CellValue>): ParsedRow<T>;
  /**
   * Checks a batch of parsed rows against the database and against rows seen earlier in the
   * file (`seen` persists across batches of one file). Returns problems per row number.
   */
  checkBatch(
    rows: NumberedRow<T>[],
    ctx: ImportContext,
    seen: Map<string, unknown>,
  ): Promise<Map<number, RowProblem[]>>;
  /**
   * Writes a batch inside the import's single transaction (multi-row inserts, no save per row).
   * Everything goes through `manager`: a nested TransactionRunner.run would wait for this very
   * transaction on SQLite.
   */
  writeBatch(manager: EntityManager, rows: NumberedRow<T>[], ctx: ImportContext): Promise<void>;
  /** Runs once after the last batch, inside the same transaction (audit summary etc.). */
  finish?(manager: EntityManager, ctx: ImportContext, rowCount: number): Promise<void>;
  /** Optional example rows for the template (written to a separate "Example" sheet). */
  exampleRows?: readonly Record<string, CellValue>[];
  /**
   * Kinds whose templates belong to something (a round's demand template …) check the context
   * id here and throw a DomainError (404 when the actor may not see it). Kinds without it take
   * no context id.
   */
  checkContext?(actor: Actor, contextId: string): Promise<void>;
  /**
   * Set for kinds whose content is secret for a while (§P4: bids before opening). Only the
   * uploading organisation sees such an import; its audit entries carry a pseudonym and no file
   * name; the stored workbook is deleted once processed; no error workbook is written and the
   * stored row problems are encrypted with `protect` (they may quote the uploaded figures).
   */
  sealed?: SealedImport;
  /**
   * Set for kinds that also accept a `.csv` (UTF-8, RFC 4180) with the template's header row
   * and then the data rows (§X "`.csv` where stated"). A CSV carries no hidden sheet, so its
   * header row, equal to the template's header labels, is what identifies the template.
   */
  csv?: true;
  /** Rows pre-filled in the template's data sheet (a round's lots …). */
  templateRows?(actor: Actor, contextId: string): Promise<readonly Record<string, CellValue>[]>;
}

export interface SealedImport {
  auditActor(actor: Actor, contextId: string): SealedActor;
  protect(plaintext: string, contextId: string, importId: string): string;
  reveal(sealed: string, contextId: string, importId: string): string;
}
