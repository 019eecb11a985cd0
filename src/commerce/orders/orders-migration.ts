import type { Generated, Kysely } from 'kysely';
import { columnTypes, type NamedMigration } from '../../platform/db/index.js';

/** An order. Personal columns hold vault ciphertext only; everything else survives erasure. */
export interface OrdersTable {
  id: string;
  number: string;
  subject_id: string;
  customer_id: string | null;
  status: string;
  currency: string;
  subtotal_minor: number;
  tax_minor: number;
  total_minor: number;
  refunded_minor: number;
  shipping_country: string;
  contact_email: Buffer;
  contact_name: Buffer;
  contact_phone: Buffer | null;
  shipping_address: Buffer;
  billing_address: Buffer | null;
  created_at: number;
  updated_at: number;
}

/** One line of an order, as priced when it was placed. */
export interface OrderLinesTable {
  order_id: string;
  position: number;
  variant_id: string;
  product_title: string;
  variant_title: string;
  sku: string;
  quantity: number;
  unit_price_minor: number;
  line_total_minor: number;
}

/** Every move of an order's status: who (pseudonymous), when, and a reason code. */
export interface OrderStatusHistoryTable {
  id: Generated<number>;
  order_id: string;
  from_status: string | null;
  to_status: string;
  actor_id: string;
  actor_role: string;
  reason: string | null;
  at: number;
}

/** Tables of the orders module. */
export type OrdersTables = {
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  order_status_history: OrderStatusHistoryTable;
};

/** Creates `orders`, `order_lines` and `order_status_history` with the indexes their lookups use. */
export const ordersMigration: NamedMigration = {
  name: '0018_commerce_orders',
  migration: {
    async up(db: Kysely<unknown>) {
      const { bytes, serial } = columnTypes(db);
      await db.schema
        .createTable('orders')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('number', 'text', (col) => col.notNull())
        .addColumn('subject_id', 'text', (col) => col.notNull())
        .addColumn('customer_id', 'text')
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('currency', 'text', (col) => col.notNull())
        .addColumn('subtotal_minor', 'bigint', (col) => col.notNull())
        .addColumn('tax_minor', 'bigint', (col) => col.notNull())
        .addColumn('total_minor', 'bigint', (col) => col.notNull())
        .addColumn('refunded_minor', 'bigint', (col) => col.notNull().defaultTo(0))
        .addColumn('shipping_country', 'text', (col) => col.notNull())
        .addColumn('contact_email', bytes, (col) => col.notNull())
        .addColumn('contact_name', bytes, (col) => col.notNull())
        .addColumn('contact_phone', bytes)
        .addColumn('shipping_address', bytes, (col) => col.notNull())
        .addColumn('billing_address', bytes)
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .execute();
      // Order numbers are random: uniqueness is the index's job, and a clash is retried.
      await db.schema
        .createIndex('orders_number_unique')
        .on('orders')
        .column('number')
        .unique()
        .execute();
      // A customer's own orders, newest first (GET /store/orders).
      await db.schema
        .createIndex('orders_customer_created')
        .on('orders')
        .columns(['customer_id', 'created_at', 'id'])
        .execute();
      // Staff lists, newest first, with or without a status filter (GET /admin/orders).
      await db.schema
        .createIndex('orders_created')
        .on('orders')
        .columns(['created_at', 'id'])
        .execute();
      await db.schema
        .createIndex('orders_status_created')
        .on('orders')
        .columns(['status', 'created_at', 'id'])
        .execute();
      // Export and erasure find everything of one subject.
      await db.schema.createIndex('orders_subject').on('orders').column('subject_id').execute();

      await db.schema
        .createTable('order_lines')
        .addColumn('order_id', 'text', (col) =>
          col.notNull().references('orders.id').onDelete('cascade'),
        )
        .addColumn('position', 'integer', (col) => col.notNull())
        .addColumn('variant_id', 'text', (col) => col.notNull())
        .addColumn('product_title', 'text', (col) => col.notNull())
        .addColumn('variant_title', 'text', (col) => col.notNull())
        .addColumn('sku', 'text', (col) => col.notNull())
        .addColumn('quantity', 'integer', (col) => col.notNull())
        .addColumn('unit_price_minor', 'bigint', (col) => col.notNull())
        .addColumn('line_total_minor', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('order_lines_pk', ['order_id', 'position'])
        .execute();

      await db.schema
        .createTable('order_status_history')
        .addColumn('id', serial, (col) => col.primaryKey())
        .addColumn('order_id', 'text', (col) =>
          col.notNull().references('orders.id').onDelete('cascade'),
        )
        .addColumn('from_status', 'text')
        .addColumn('to_status', 'text', (col) => col.notNull())
        .addColumn('actor_id', 'text', (col) => col.notNull())
        .addColumn('actor_role', 'text', (col) => col.notNull())
        .addColumn('reason', 'text')
        .addColumn('at', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('order_status_history_order')
        .on('order_status_history')
        .columns(['order_id', 'id'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('order_status_history').execute();
      await db.schema.dropTable('order_lines').execute();
      await db.schema.dropTable('orders').execute();
    },
  },
};
