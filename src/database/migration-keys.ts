import { TableForeignKey, TableIndex, TableUnique } from 'typeorm';

/**
 * Named keys for hand-written migrations. Every constraint carries a predictable name
 * (`fk_<table>__<column>`, `uq_<table>__<cols>`, `ix_<table>__<cols>`) so a duplicate-key error
 * can be mapped to its meaning and a later migration can drop it by name.
 */
export function fk(
  table: string,
  column: string,
  target: string,
  targetColumn = 'id',
): TableForeignKey {
  return new TableForeignKey({
    name: `fk_${table}__${column}`,
    columnNames: [column],
    referencedTableName: target,
    referencedColumnNames: [targetColumn],
  });
}

export function unique(table: string, ...columns: string[]): TableUnique {
  return new TableUnique({ name: `uq_${table}__${columns.join('__')}`, columnNames: columns });
}

export function index(table: string, ...columns: string[]): TableIndex {
  return new TableIndex({ name: `ix_${table}__${columns.join('__')}`, columnNames: columns });
}
