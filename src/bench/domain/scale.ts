import type { ScaleName } from './cli';

/**
 * Sizes of a run. `province` is the §N province-scale dataset (2,000 hospitals, 400 suppliers,
 * 5,000 products); `small` is about a tenth of it so a default run takes about a minute.
 */
export interface BenchScale {
  name: ScaleName;
  hospitals: number;
  manufacturers: number;
  distributors: number;
  drugs: number;
  consumables: number;
  /** Data rows of the generated drug-import workbook. */
  importRows: number;
  /** Data rows of the generated observation-import workbook (§N: a 1 M-row file). */
  observationImportRows: number;
  /** Open connections of the HTTP load generator. */
  concurrency: number;
  /** Load before measuring (connections, JIT, caches), not counted. */
  warmupMs: number;
  /** Measured load per endpoint and per reference server. */
  loadMs: number;
}

export const SCALES: Record<ScaleName, BenchScale> = {
  small: {
    name: 'small',
    hospitals: 200,
    manufacturers: 30,
    distributors: 10,
    drugs: 400,
    consumables: 100,
    importRows: 20_000,
    observationImportRows: 100_000,
    concurrency: 32,
    warmupMs: 1_000,
    loadMs: 5_000,
  },
  province: {
    name: 'province',
    hospitals: 2_000,
    manufacturers: 300,
    distributors: 100,
    drugs: 4_000,
    consumables: 1_000,
    importRows: 200_000,
    observationImportRows: 1_000_000,
    concurrency: 32,
    warmupMs: 3_000,
    loadMs: 20_000,
  },
};
