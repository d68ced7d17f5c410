import { join } from 'node:path';
import { runChild } from '../child';

/** Workbook chores run in a child process (excel/workbook-process.ts). */

/** Fills the service's template of `importKind` with `rows` generated rows. */
export interface FillTask {
  task: 'fill';
  /** The downloaded template, copied into the child. */
  template: Uint8Array;
  path: string;
  rows: number;
  /** Run prefix and manufacturer codes the generated rows use. */
  prefix: string;
  manufacturerCodes: string[];
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
