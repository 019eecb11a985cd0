import type { Kysely } from 'kysely';
import { columnTypes, type NamedMigration } from '../../platform/db/index.js';

/** Where a ticket stands: waiting for the shop, answered by it, or closed by the customer. */
export type TicketStatus = 'open' | 'answered' | 'closed';

/** Every status, for schemas and checks of values read back. */
export const TICKET_STATUSES: readonly [TicketStatus, ...TicketStatus[]] = [
  'open',
  'answered',
  'closed',
];

/** Who wrote a message. */
export type MessageAuthorKind = 'customer' | 'staff';

/**
 * A support ticket. The customer is its data subject: the subject line is vault
 * ciphertext under the customer's key, so erasing the customer erases it.
 */
export interface TicketTable {
  id: string;
  customer_id: string;
  order_id: string | null;
  status: TicketStatus;
  assigned_to: string | null;
  subject: Buffer;
  created_at: number;
  updated_at: number;
}

/** One message of a ticket; the body is sealed under the customer's key, whoever wrote it. */
export interface TicketMessageTable {
  id: string;
  ticket_id: string;
  customer_id: string;
  author_kind: MessageAuthorKind;
  author_id: string;
  body: Buffer;
  created_at: number;
  /** 1 for the opening message, then one more for each; the order of the conversation. */
  position: number;
}

/** Tables of the support module. */
export type SupportTables = {
  tickets: TicketTable;
  ticket_messages: TicketMessageTable;
};

/** Creates `tickets` and `ticket_messages` with an index for every lookup the module makes. */
export const supportMigration: NamedMigration = {
  name: '0021_commerce_support',
  migration: {
    async up(db: Kysely<unknown>) {
      const { bytes } = columnTypes(db);
      await db.schema
        .createTable('tickets')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('customer_id', 'text', (col) => col.notNull())
        .addColumn('order_id', 'text')
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('assigned_to', 'text')
        .addColumn('subject', bytes, (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .execute();
      // The staff queue unfiltered, the customer's own list, by status, and "assigned to me".
      await db.schema
        .createIndex('tickets_created')
        .on('tickets')
        .columns(['created_at', 'id'])
        .execute();
      for (const [name, column] of [
        ['tickets_customer', 'customer_id'],
        ['tickets_status', 'status'],
        ['tickets_assigned', 'assigned_to'],
      ] as const) {
        await db.schema
          .createIndex(name)
          .on('tickets')
          .columns([column, 'created_at', 'id'])
          .execute();
      }
      await db.schema
        .createTable('ticket_messages')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('ticket_id', 'text', (col) =>
          col.notNull().references('tickets.id').onDelete('cascade'),
        )
        .addColumn('customer_id', 'text', (col) => col.notNull())
        .addColumn('author_kind', 'text', (col) => col.notNull())
        .addColumn('author_id', 'text', (col) => col.notNull())
        .addColumn('body', bytes, (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('position', 'integer', (col) => col.notNull())
        .execute();
      // Messages written in the same millisecond still keep their order, and two can never
      // claim one place.
      await db.schema
        .createIndex('ticket_messages_ticket')
        .on('ticket_messages')
        .columns(['ticket_id', 'position'])
        .unique()
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('ticket_messages').execute();
      await db.schema.dropTable('tickets').execute();
    },
  },
};
