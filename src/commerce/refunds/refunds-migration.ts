import { sql, type Kysely } from 'kysely';
import { columnTypes, type NamedMigration } from '../../platform/db/index.js';

/**
 * One refund of an order: amounts, ids and a reason code, nothing personal, so it stays
 * a complete financial record after the customer's data is erased (Principle 5).
 */
export interface RefundTable {
  id: string;
  order_id: string;
  payment_id: string;
  amount_minor: number;
  currency: string;
  reason: string;
  /** The staff member who issued it. */
  created_by: string;
  provider_refund_id: string;
  /** The client's idempotency key, or the refund id when none was given. */
  idempotency_key: string;
  /** The amount asked for; null when a full refund (whatever remained) was asked for. */
  requested_amount_minor: number | null;
  created_at: number;
}

/** Tables of the refunds module. */
export type RefundsTables = {
  refunds: RefundTable;
};

/** Creates `refunds`, one row per refund, unique per order and idempotency key. */
export const refundsMigration: NamedMigration = {
  name: '0020_commerce_refunds',
  migration: {
    async up(db: Kysely<unknown>) {
      const { epochMs } = columnTypes(db);
      await db.schema
        .createTable('refunds')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('order_id', 'text', (col) => col.notNull())
        .addColumn('payment_id', 'text', (col) => col.notNull().references('payments.id'))
        .addColumn('amount_minor', 'bigint', (col) => col.notNull())
        .addColumn('currency', 'text', (col) => col.notNull())
        // Codes only: no free text can be stored here, whatever a caller sends. Spelled
        // out rather than derived, so this migration means the same thing forever.
        .addColumn('reason', 'text', (col) =>
          col
            .notNull()
            .check(
              sql`reason in ('damaged', 'not_received', 'returned', 'wrong_item', 'goodwill', 'other')`,
            ),
        )
        .addColumn('created_by', 'text', (col) => col.notNull())
        .addColumn('provider_refund_id', 'text', (col) => col.notNull())
        .addColumn('idempotency_key', 'text', (col) => col.notNull())
        .addColumn('requested_amount_minor', 'bigint')
        .addColumn('created_at', epochMs, (col) => col.notNull())
        .execute();
      // Lists by order, and finds a repeated request by its key.
      await db.schema
        .createIndex('refunds_order_key')
        .on('refunds')
        .columns(['order_id', 'idempotency_key'])
        .unique()
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('refunds').execute();
    },
  },
};
