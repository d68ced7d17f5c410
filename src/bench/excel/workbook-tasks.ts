import { join } from 'node:path';
import { runChild } from '../child';

/** Workbook chores run in a child process (excel/workbook-process.ts). */

/** What the generated rows are, by the import kind whose template they fill. */
export type RowSource =
  /** Drugs of the run's own series (run prefix), made by the dataset's manufacturers. */
  | { kind: 'catalog.drugs'; prefix: string; manufacturerCodes: string[] }
  /** External reference prices of the dataset's products. */
  | { kind: 'monitoring.external'; productCodes: string[] };

/** Fills the service's template of `source.kind` with `rows` generated rows. */
export interface FillTask {
  task: 'fill';
  /** The downloaded template, copied into the child. */
  template: Uint8Array;
  path: string;
  rows: number;
  source: RowSource;
}

export interface FillOutcome {
  sheetName: string;
  headers: string[];
  columnKeys: string[];
}

export interface ParseTask {
  task: 'parse';
  path: string;
}

export interface ParseOutcome {
  rows: number;
  elapsedMs: number;
}

export type WorkbookTask = FillTask | ParseTask;

const SCRIPT = join(__dirname, 'workbook-process.js');

export function fillTemplate(
  task: Omit<FillTask, 'task'>,
  limitMs: number,
  progress: (message: string) => void,
): Promise<FillOutcome> {
  return runChild<FillOutcome>(SCRIPT, { ...task, task: 'fill' }, limitMs, progress);
}

/** The reference: exceljs's streaming reader alone reading every row of the file. */
export function timeStreamParse(path: string, limitMs: number): Promise<ParseOutcome> {
  return runChild<ParseOutcome>(SCRIPT, { task: 'parse', path }, limitMs);
}
