import { sql, type Kysely } from 'kysely';
import type { NamedMigration } from '../../platform/db/index.js';

/** A product: what the storefront lists. Holds no personal data. */
export interface ProductTable {
  id: string;
  title: string;
  description: string | null;
  status: 'active' | 'archived';
  created_at: number;
  updated_at: number;
}

/** A sellable variant of a product, with its own SKU, price and stock. */
export interface VariantTable {
  id: string;
  product_id: string;
  /** Display order within the product: the order staff added the variants in. */
  position: number;
  title: string;
  sku: string;
  /** Integer minor units of `currency` (cents for EUR). */
  price_minor: number;
  currency: string;
  /** Units on hand; a CHECK keeps it from going below zero on both engines. */
  stock: number;
  /** 1 when the variant is no longer sold, 0 otherwise. */
  archived: number;
  created_at: number;
  updated_at: number;
}

/** Tables of the catalog module. */
export type CatalogTables = {
  products: ProductTable;
  variants: VariantTable;
};

/** Creates `products` and `variants`. */
export const catalogMigration: NamedMigration = {
  name: '0015_commerce_catalog',
  migration: {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('products')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('title', 'text', (col) => col.notNull())
        .addColumn('description', 'text')
        .addColumn('status', 'text', (col) =>
          col.notNull().check(sql`status in ('active', 'archived')`),
        )
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .execute();
      // Store listing: active products, newest first (keyset pagination); admin listing too.
      await db.schema
        .createIndex('products_status_created')
        .on('products')
        .columns(['status', 'created_at', 'id'])
        .execute();
      await db.schema
        .createIndex('products_created')
        .on('products')
        .columns(['created_at', 'id'])
        .execute();
      await db.schema
        .createTable('variants')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('product_id', 'text', (col) => col.notNull().references('products.id'))
        .addColumn('position', 'integer', (col) => col.notNull())
        .addColumn('title', 'text', (col) => col.notNull())
        .addColumn('sku', 'text', (col) => col.notNull().unique())
        .addColumn('price_minor', 'bigint', (col) => col.notNull().check(sql`price_minor >= 0`))
        .addColumn('currency', 'text', (col) => col.notNull())
        .addColumn('stock', 'bigint', (col) => col.notNull().check(sql`stock >= 0`))
        .addColumn('archived', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .execute();
      // A product's variants, in display order.
      await db.schema
        .createIndex('variants_product')
        .on('variants')
        .columns(['product_id', 'position', 'id'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('variants').execute();
      await db.schema.dropTable('products').execute();
    },
  },
};
