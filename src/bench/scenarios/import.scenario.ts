import { DataSource } from 'typeorm';
import { Product } from '../../modules/catalog/products/product.entity';
import type { BenchResult } from '../domain/report';
import type { BenchContext, Scenario } from '../scenario';
import { measureWorkbookImport } from './workbook-import';

const NAME = 'import';
const KIND = 'catalog.drugs';

/**
 * Imported rows whose text came back with a replacement character: exceljs's streaming reader
 * can split a multi-byte character at a chunk boundary. Reported, not fatal: the rate stands.
 */
function garbledRows(dataSource: DataSource, prefix: string): Promise<number> {
  return dataSource
    .getRepository(Product)
    .createQueryBuilder('p')
    .where('p.code LIKE :codes', { codes: `X${prefix}I%` })
    .andWhere('(p.name LIKE :bad OR p.brandName LIKE :bad OR p.smallestUnit LIKE :bad)', {
      bad: '%\uFFFD%',
    })
    .getCount();
}

/**
 * §N Excel import rate: a drug-catalogue workbook of `importRows` rows, filled into the
 * service's own template, is uploaded by the admin and followed until it is committed. The
 * reference is exceljs's streaming reader alone reading the same file; peak RSS is sampled
 * meanwhile (scenarios/workbook-import.ts).
 */
export const importScenario: Scenario = {
  name: NAME,
  description: `${KIND} workbook import vs exceljs stream-parsing the same file; peak RSS`,
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const app = await ctx.app();
    return measureWorkbookImport(ctx, app, {
      scenario: NAME,
      rows: ctx.scale.importRows,
      source: {
        kind: KIND,
        prefix: ctx.prefix,
        manufacturerCodes: app.dataset.manufacturerCodes,
      },
      token: app.token,
      targetSource: '§N, stated for usage/observation imports',
      async verify() {
        const garbled = await garbledRows(app.dataSource, ctx.prefix);
        if (garbled > 0)
          ctx.progress(
            `  warning: ${garbled} imported rows hold U+FFFD where the workbook has Chinese text (exceljs issue 2063)`,
          );
        return { garbledRows: garbled };
      },
    });
  },
};
