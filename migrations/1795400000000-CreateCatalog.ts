import {
  MigrationInterface,
  QueryRunner,
  Table,
  TableForeignKey,
  TableIndex,
  TableUnique,
} from 'typeorm';
import { migrationColumns } from '../src/database/dialect';

export class CreateCatalog1795400000000 implements MigrationInterface {
  name = 'CreateCatalog1795400000000';

  async up(qr: QueryRunner): Promise<void> {
    const c = migrationColumns(qr);
    await qr.createTable(
      new Table({
        name: 'products',
        columns: [
          c.id(),
          c.string('category', 16),
          c.string('code', 32),
          c.string('name', 200),
          c.string('brand_name', 200, true),
          c.ref('manufacturer_id'),
          c.string('status', 16),
          c.string('dosage_form', 32, true),
          c.string('dosage_form_class', 32, true),
          c.decimal('strength', 18, 6, true),
          c.string('strength_unit', 16, true),
          c.int('pack_size', true),
          c.string('smallest_unit', 16, true),
          c.string('approval_number', 32, true),
          c.bool('consistency_evaluated'),
          c.bool('originator'),
          c.bool('essential'),
          c.bool('negotiated'),
          c.bool('reimbursable'),
          c.string('category_path', 255, true),
          c.bool('high_value'),
          c.string('registration_number', 64, true),
          c.string('specification', 500, true),
          c.string('unit', 16, true),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        uniques: [new TableUnique({ name: 'uq_products__code', columnNames: ['code'] })],
        indices: [
          new TableIndex({
            name: 'ix_products__category__name',
            columnNames: ['category', 'name'],
          }),
          new TableIndex({
            name: 'ix_products__manufacturer_id',
            columnNames: ['manufacturer_id'],
          }),
          new TableIndex({
            name: 'ix_products__category__category_path',
            columnNames: ['category', 'category_path'],
          }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_products__manufacturer_id',
            columnNames: ['manufacturer_id'],
            referencedTableName: 'organisations',
            referencedColumnNames: ['id'],
          }),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'product_udis',
        columns: [c.id(), c.ref('product_id'), c.string('udi', 23), c.timestamp('created_at')],
        // One UDI-DI maps to exactly one consumable (一码联通).
        uniques: [new TableUnique({ name: 'uq_product_udis__udi', columnNames: ['udi'] })],
        indices: [
          new TableIndex({ name: 'ix_product_udis__product_id', columnNames: ['product_id'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_product_udis__product_id',
            columnNames: ['product_id'],
            referencedTableName: 'products',
            referencedColumnNames: ['id'],
          }),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'listing_prices',
        columns: [
          c.id(),
          c.ref('product_id'),
          c.string('region_code', 6),
          c.decimal('pack_price', 18, 6),
          c.decimal('unit_price', 18, 6),
          c.date('valid_from'),
          c.date('valid_to', true),
          c.string('status', 16),
          c.timestamp('suspended_at', true),
          c.string('suspension_reason', 500, true),
          c.string('suspension_source', 32, true),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        uniques: [
          new TableUnique({
            name: 'uq_listing_prices__product_id__region_code__valid_from',
            columnNames: ['product_id', 'region_code', 'valid_from'],
          }),
        ],
        indices: [
          new TableIndex({
            name: 'ix_listing_prices__region_code__valid_from',
            columnNames: ['region_code', 'valid_from'],
          }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_listing_prices__product_id',
            columnNames: ['product_id'],
            referencedTableName: 'products',
            referencedColumnNames: ['id'],
          }),
          new TableForeignKey({
            name: 'fk_listing_prices__region_code',
            columnNames: ['region_code'],
            referencedTableName: 'regions',
            referencedColumnNames: ['code'],
          }),
        ],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const t of ['listing_prices', 'product_udis', 'products']) await qr.dropTable(t);
  }
}
