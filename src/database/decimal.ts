import Decimal from 'decimal.js';
import { PrimaryColumn, ValueTransformer } from 'typeorm';

// 30 significant digits: enough for DECIMAL(18,6) products and the §P5 power/log chain.
Decimal.set({ precision: 30, rounding: Decimal.ROUND_HALF_UP });

export { Decimal };

/** Scales fixed by the house style: unit prices 6, amounts 2, quantities 3. */
export const SCALE = { unitPrice: 6, amount: 2, quantity: 3 } as const;

/**
 * The one rounding helper: half-up to a fixed scale, returned as the canonical string that goes
 * into a DECIMAL column and into JSON.
 */
export function roundTo(value: Decimal.Value, scale: number): string {
  return new Decimal(value).toDecimalPlaces(scale, Decimal.ROUND_HALF_UP).toFixed(scale);
}

/**
 * DECIMAL column transformer. MySQL returns DECIMAL as a string; SQLite (NUMERIC affinity)
 * returns a JS number, which is exact for the ≤ 15 significant digits an embedded install holds
 * — its shortest round-trip string is the value that was written.
 */
export function decimalColumn(scale: number): ValueTransformer {
  return {
    to: (value: Decimal | string | null | undefined) =>
      value === null || value === undefined ? value : roundTo(value, scale),
    from: (value: string | number | null) =>
      value === null || value === undefined ? null : new Decimal(String(value)),
  };
}

/** Ids are BIGINT on MySQL (strings through mysql2) and INTEGER on SQLite (numbers). */
export const idColumn: ValueTransformer = {
  to: (value: string | number | null | undefined) => value,
  from: (value: string | number | null) =>
    value === null || value === undefined ? null : String(value),
};

/** Auto-increment primary key, exposed as a string (BIGINT on MySQL, INTEGER on SQLite). */
export function PrimaryId(): PropertyDecorator {
  return PrimaryColumn({ type: 'bigint', generated: 'increment', transformer: idColumn });
}
