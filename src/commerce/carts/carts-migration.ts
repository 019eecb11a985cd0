import { sql, type Kysely } from 'kysely';
import type { NamedMigration } from '../../platform/db/index.js';

/** A shopping cart: a guest's (no customer) or a customer's own. */
export interface CartTable {
  /** 130 random bits: for a guest cart, holding the id is what grants access. */
  id: string;
  customer_id: string | null;
  /** Destination country (ISO 3166-1 alpha-2) for tax, when the shopper has said. */
  country: string | null;
  status: 'open' | 'checked_out';
  order_id: string | null;
  currency: string;
  /** The cart lifetime after the last change; an expired cart can no longer be used. */
  expires_at: number;
  created_at: number;
  updated_at: number;
}

/** One variant in a cart; a cart holds a variant at most once. */
export interface CartLineTable {
  id: string;
  cart_id: string;
  variant_id: string;
  quantity: number;
  added_at: number;
}

/** Tables of the carts module. */
export type CartsTables = {
  carts: CartTable;
  cart_lines: CartLineTable;
};

/** Creates `carts` and `cart_lines`. */
export const cartsMigration: NamedMigration = {
  name: '0016_commerce_carts',
  migration: {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('carts')
        .addColumn('id', 'text', (col) => col.primaryKey())
        // A customer's carts go with their account.
        .addColumn('customer_id', 'text', (col) =>
          col.references('customers.id').onDelete('cascade'),
        )
        .addColumn('country', 'text')
        .addColumn('status', 'text', (col) =>
          col.notNull().check(sql`status in ('open', 'checked_out')`),
        )
        .addColumn('order_id', 'text')
        .addColumn('currency', 'text', (col) => col.notNull())
        .addColumn('expires_at', 'bigint', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .execute();
      // A customer's carts, for the cascade when the account goes.
      await db.schema.createIndex('carts_customer').on('carts').column('customer_id').execute();
      await db.schema
        .createTable('cart_lines')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('cart_id', 'text', (col) =>
          col.notNull().references('carts.id').onDelete('cascade'),
        )
        .addColumn('variant_id', 'text', (col) => col.notNull().references('variants.id'))
        .addColumn('quantity', 'integer', (col) =>
          col.notNull().check(sql`quantity between 1 and 99`),
        )
        .addColumn('added_at', 'bigint', (col) => col.notNull())
        .execute();
      // A cart's lines, and the one line per variant that adding again increases.
      await db.schema
        .createIndex('cart_lines_cart_variant')
        .on('cart_lines')
        .columns(['cart_id', 'variant_id'])
        .unique()
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('cart_lines').execute();
      await db.schema.dropTable('carts').execute();
    },
  },
};

/**
 * The sweep deletes open carts by expiry: an index on (status, expires_at) finds them
 * without reading the checked-out carts, which stay as the record of what orders were
 * placed from. (Not a partial index: the sweep's status is a bound parameter, which a
 * partial index's condition cannot be matched against.)
 */
export const cartsExpiryMigration: NamedMigration = {
  name: '0023_commerce_carts_expiry',
  migration: {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex('carts_status_expiry')
        .on('carts')
        .columns(['status', 'expires_at'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('carts_status_expiry').execute();
    },
  },
};
