import type { Kysely } from 'kysely';
import { columnTypes, type NamedMigration } from '../../platform/db/index.js';
import {
  createTestProviderTables,
  dropTestProviderTables,
} from './test-provider/test-provider-tables.js';

/** A payment of an order. The token and card facts hold vault ciphertext only. */
export interface PaymentTable {
  id: string;
  order_id: string;
  subject_id: string;
  provider: string;
  authorisation_id: string;
  status: string;
  amount_minor: number;
  captured_minor: number;
  refunded_minor: number;
  currency: string;
  provider_token: Buffer;
  card_brand: Buffer;
  card_last4: Buffer;
  card_expiry: Buffer;
  created_at: number;
  updated_at: number;
}

/**
 * A refund asked of the provider for a payment, by idempotency key: the amount is held
 * against the payment while `pending`, so that concurrent refunds never add up to more
 * than was captured, and a retry with the same key resumes instead of refunding twice.
 */
export interface PaymentOperationTable {
  idempotency_key: string;
  payment_id: string;
  kind: string;
  amount_minor: number;
  /** `pending`, `succeeded` or `failed`. */
  status: string;
  provider_refund_id: string | null;
  failure_reason: string | null;
  created_at: number;
  updated_at: number;
}

/** Tables of the payments module (the test provider's are beside them). */
export type PaymentsTables = {
  payments: PaymentTable;
  payment_operations: PaymentOperationTable;
};

/** Creates `payments`, `payment_operations` and the test provider's own tables. */
export const paymentsMigration: NamedMigration = {
  name: '0017_commerce_payments',
  migration: {
    async up(db: Kysely<unknown>) {
      const { bytes, epochMs } = columnTypes(db);
      await db.schema
        .createTable('payments')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('order_id', 'text', (col) => col.notNull())
        .addColumn('subject_id', 'text', (col) => col.notNull())
        .addColumn('provider', 'text', (col) => col.notNull())
        .addColumn('authorisation_id', 'text', (col) => col.notNull())
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('amount_minor', 'bigint', (col) => col.notNull())
        .addColumn('captured_minor', 'bigint', (col) => col.notNull())
        .addColumn('refunded_minor', 'bigint', (col) => col.notNull())
        .addColumn('currency', 'text', (col) => col.notNull())
        .addColumn('provider_token', bytes, (col) => col.notNull())
        .addColumn('card_brand', bytes, (col) => col.notNull())
        .addColumn('card_last4', bytes, (col) => col.notNull())
        .addColumn('card_expiry', bytes, (col) => col.notNull())
        .addColumn('created_at', epochMs, (col) => col.notNull())
        .addColumn('updated_at', epochMs, (col) => col.notNull())
        .execute();
      await db.schema.createIndex('payments_order').on('payments').column('order_id').execute();
      await db.schema.createIndex('payments_subject').on('payments').column('subject_id').execute();
      await db.schema
        .createIndex('payments_authorisation')
        .on('payments')
        .columns(['provider', 'authorisation_id'])
        .execute();
      await db.schema
        .createTable('payment_operations')
        .addColumn('idempotency_key', 'text', (col) => col.primaryKey())
        .addColumn('payment_id', 'text', (col) => col.notNull().references('payments.id'))
        .addColumn('kind', 'text', (col) => col.notNull())
        .addColumn('amount_minor', 'bigint', (col) => col.notNull())
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('provider_refund_id', 'text')
        .addColumn('failure_reason', 'text')
        .addColumn('created_at', epochMs, (col) => col.notNull())
        .addColumn('updated_at', epochMs, (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('payment_operations_payment')
        .on('payment_operations')
        .column('payment_id')
        .execute();
      await createTestProviderTables(db);
    },
    async down(db: Kysely<unknown>) {
      await dropTestProviderTables(db);
      await db.schema.dropTable('payment_operations').execute();
      await db.schema.dropTable('payments').execute();
    },
  },
};
