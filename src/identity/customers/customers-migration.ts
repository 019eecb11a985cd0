import type { Kysely } from 'kysely';
import { columnTypes, type NamedMigration } from '../../platform/db/index.js';

/** A customer account. Every personal column holds vault ciphertext only. */
export interface CustomerTable {
  id: string;
  email: Buffer;
  name: Buffer;
  phone: Buffer | null;
  password_hash: Buffer;
  email_verified_at: number | null;
  created_at: number;
  updated_at: number;
}

/** A pending email verification: the token is stored only as its SHA-256 hash. */
export interface EmailVerificationTable {
  token_hash: string;
  customer_id: string;
  expires_at: number;
  used_at: number | null;
}

/** Tables of the customers module. */
export type CustomerTables = {
  customers: CustomerTable;
  email_verifications: EmailVerificationTable;
};

/** Creates `customers` and `email_verifications`. */
export const customersMigration: NamedMigration = {
  name: '0009_identity_customers',
  migration: {
    async up(db: Kysely<unknown>) {
      const { bytes } = columnTypes(db);
      await db.schema
        .createTable('customers')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('email', bytes, (col) => col.notNull())
        .addColumn('name', bytes, (col) => col.notNull())
        .addColumn('phone', bytes)
        .addColumn('password_hash', bytes, (col) => col.notNull())
        .addColumn('email_verified_at', 'bigint')
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema
        .createTable('email_verifications')
        .addColumn('token_hash', 'text', (col) => col.primaryKey())
        .addColumn('customer_id', 'text', (col) =>
          col.notNull().references('customers.id').onDelete('cascade'),
        )
        .addColumn('expires_at', 'bigint', (col) => col.notNull())
        .addColumn('used_at', 'bigint')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('email_verifications').execute();
      await db.schema.dropTable('customers').execute();
    },
  },
};
