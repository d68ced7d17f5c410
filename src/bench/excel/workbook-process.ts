import { DRUG_IMPORT_COLUMNS } from '../../modules/catalog/imports/domain/import-rows';
import { drugImportCells, rowValues } from '../domain/dataset-plan';
import { formatNumber } from '../domain/report';
import { childMain } from '../child';
import type { FillOutcome, FillTask, ParseOutcome, WorkbookTask } from './workbook-tasks';
import { readTemplate, streamParse, writeFilledTemplate } from './workbooks';

async function fill(task: FillTask, progress: (message: string) => void): Promise<FillOutcome> {
  const shape = await readTemplate(Buffer.from(task.template));
  const columnKeys = shape.headers.map((header) => {
    const column = DRUG_IMPORT_COLUMNS.find((c) => c.header === header);
    if (!column) throw new Error(`the template has a column the bench does not know: "${header}"`);
    return column.key;
  });
  await writeFilledTemplate(
    task.path,
    shape,
    task.rows,
    (i) => rowValues(columnKeys, drugImportCells(task.prefix, i, task.manufacturerCodes)),
    (written) => progress(`  ${formatNumber(written)} rows written`),
  );
  return { sheetName: shape.sheetName, headers: shape.headers, columnKeys };
}

childMain<WorkbookTask, FillOutcome | ParseOutcome>((task, progress) =>
  task.task === 'fill' ? fill(task, progress) : streamParse(task.path),
);
