import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { migrationColumns } from '../src/database/dialect';
import { fk, unique, index } from '../src/database/migration-keys';

type Columns = ReturnType<typeof migrationColumns>;

/** §E1 purchase orders and §E2 deliveries with their per-line acceptance. */
export class CreateExecution1795800000000 implements MigrationInterface {
  name = 'CreateExecution1795800000000';

  async up(qr: QueryRunner): Promise<void> {
    const c = migrationColumns(qr);
    for (const table of tables(c)) await qr.createTable(table);
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const table of tables(migrationColumns(qr)).reverse()) await qr.dropTable(table.name);
  }
}

function tables(c: Columns): Table[] {
  return [
    new Table({
      name: 'purchase_orders',
      columns: [
        c.id(),
        // Human reference, PO<yyyymmdd>-<random>.
        c.string('code', 32),
        c.ref('hospital_id'),
        c.ref('supplier_id'),
        // draft | placed | partially_delivered | delivered | closed | cancelled
        c.string('status', 24),
        // China business date the line prices were taken on.
        c.date('order_date'),
        c.decimal('total_amount', 18, 2),
        c.string('note', 500, true),
        c.timestamp('placed_at', true),
        // placed_at + DELIVERY_DELAY_HOURS, fixed at placement (§E2/§K4).
        c.timestamp('delivery_due_at', true),
        c.timestamp('first_delivered_at', true),
        c.timestamp('cancelled_at', true),
        c.string('cancel_reason', 500, true),
        c.timestamp('closed_at', true),
        c.string('created_by', 32),
        c.timestamp('created_at'),
        c.timestamp('updated_at'),
      ],
      uniques: [unique('purchase_orders', 'code')],
      indices: [
        index('purchase_orders', 'hospital_id', 'status'),
        // Supplier performance reads placed orders of one supplier by placement time.
        index('purchase_orders', 'supplier_id', 'placed_at'),
      ],
      foreignKeys: [
        fk('purchase_orders', 'hospital_id', 'organisations'),
        fk('purchase_orders', 'supplier_id', 'organisations'),
      ],
    }),
    new Table({
      name: 'purchase_order_lines',
      columns: [
        c.id(),
        c.ref('order_id'),
        c.int('line_no'),
        c.ref('product_id'),
        // Packs of the product.
        c.decimal('quantity', 18, 3),
        // Price of one pack.
        c.decimal('unit_price', 18, 6),
        // quantity × unit_price, rounded half-up to cents once.
        c.decimal('amount', 18, 2),
        // agreement | listing | manual
        c.string('price_source', 16),
        c.ref('agreement_id', true),
        c.ref('listing_price_id', true),
        // The agreement or listing price the line was measured against.
        c.decimal('reference_price', 18, 6),
        c.string('price_reason', 500, true),
        // Cached sums of the line's delivery lines, kept in the order's transaction:
        // delivered = not rejected (pending or accepted), accepted = accepted only.
        c.decimal('delivered_quantity', 18, 3),
        c.decimal('accepted_quantity', 18, 3),
      ],
      uniques: [unique('purchase_order_lines', 'order_id', 'line_no')],
      indices: [index('purchase_order_lines', 'product_id')],
      foreignKeys: [
        fk('purchase_order_lines', 'order_id', 'purchase_orders'),
        fk('purchase_order_lines', 'product_id', 'products'),
        fk('purchase_order_lines', 'agreement_id', 'agreements'),
        fk('purchase_order_lines', 'listing_price_id', 'listing_prices'),
      ],
    }),
    new Table({
      name: 'deliveries',
      columns: [
        c.id(),
        c.string('code', 40),
        c.ref('order_id'),
        c.ref('hospital_id'),
        c.ref('supplier_id'),
        c.timestamp('delivered_at'),
        c.string('recorded_by', 32),
        c.timestamp('created_at'),
      ],
      uniques: [unique('deliveries', 'code')],
      indices: [
        index('deliveries', 'order_id'),
        index('deliveries', 'supplier_id', 'delivered_at'),
      ],
      foreignKeys: [
        fk('deliveries', 'order_id', 'purchase_orders'),
        fk('deliveries', 'hospital_id', 'organisations'),
        fk('deliveries', 'supplier_id', 'organisations'),
      ],
    }),
    new Table({
      name: 'delivery_lines',
      columns: [
        c.id(),
        c.ref('delivery_id'),
        c.ref('order_id'),
        c.ref('order_line_id'),
        // Copied from the order so §S3 statement generation reads this table alone.
        c.ref('hospital_id'),
        c.ref('supplier_id'),
        c.ref('product_id'),
        c.decimal('quantity', 18, 3),
        c.decimal('unit_price', 18, 6),
        c.decimal('amount', 18, 2),
        c.string('batch_number', 64),
        c.date('expiry_date'),
        c.string('invoice_number', 64),
        // pending | accepted | rejected
        c.string('decision', 16),
        c.timestamp('decided_at', true),
        c.string('decided_by', 32, true),
        c.string('rejection_reason', 500, true),
        // Set only when accepted: starts the §S3/§S4 30-day payment clock.
        c.timestamp('accepted_at', true),
      ],
      indices: [
        index('delivery_lines', 'delivery_id'),
        index('delivery_lines', 'order_line_id'),
        // Statement generation: accepted lines of a period per hospital × supplier.
        index('delivery_lines', 'accepted_at', 'hospital_id', 'supplier_id'),
      ],
      foreignKeys: [
        fk('delivery_lines', 'delivery_id', 'deliveries'),
        fk('delivery_lines', 'order_id', 'purchase_orders'),
        fk('delivery_lines', 'order_line_id', 'purchase_order_lines'),
        fk('delivery_lines', 'hospital_id', 'organisations'),
        fk('delivery_lines', 'supplier_id', 'organisations'),
        fk('delivery_lines', 'product_id', 'products'),
      ],
    }),
  ];
}
