import { DRUG_IMPORT_COLUMNS } from '../../modules/catalog/imports/domain/import-rows';
import type { CellValue, ImportColumn } from '../../modules/imports/import-kind';
import { EXTERNAL_COLUMNS } from '../../modules/monitoring/observations/domain/import-rows';
import { drugImportCells, rowValues } from '../domain/dataset-plan';
import { externalReferenceCells } from '../domain/external-references';
import { formatNumber } from '../domain/report';
import { childMain } from '../child';
import type {
  FillOutcome,
  FillTask,
  ParseOutcome,
  RowSource,
  WorkbookTask,
} from './workbook-tasks';
import { readTemplate, streamParse, writeFilledTemplate } from './workbooks';

/** The columns a kind's template may have, and row `i`'s cells by column key. */
function generator(source: RowSource): {
  columns: readonly Pick<ImportColumn, 'key' | 'header'>[];
  cells(i: number): Record<string, CellValue>;
} {
  switch (source.kind) {
    case 'catalog.drugs':
      return {
        columns: DRUG_IMPORT_COLUMNS,
        cells: (i) => drugImportCells(source.prefix, i, source.manufacturerCodes),
      };
    case 'monitoring.external':
      return {
        columns: EXTERNAL_COLUMNS,
        cells: (i) => externalReferenceCells(i, source.productCodes),
      };
  }
}

async function fill(task: FillTask, progress: (message: string) => void): Promise<FillOutcome> {
  const shape = await readTemplate(Buffer.from(task.template));
  const rows = generator(task.source);
  const columnKeys = shape.headers.map((header) => {
    const column = rows.columns.find((c) => c.header === header);
    if (!column) throw new Error(`the template has a column the bench does not know: "${header}"`);
    return column.key;
  });
  await writeFilledTemplate(
    task.path,
    shape,
    task.rows,
    (i) => rowValues(columnKeys, rows.cells(i)),
    (written) => progress(`  ${formatNumber(written)} rows written`),
  );
  return { sheetName: shape.sheetName, headers: shape.headers, columnKeys };
}

childMain<WorkbookTask, FillOutcome | ParseOutcome>((task, progress) =>
  task.task === 'fill' ? fill(task, progress) : streamParse(task.path),
);
