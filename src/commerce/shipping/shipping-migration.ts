import type { Kysely } from 'kysely';
import type { NamedMigration } from '../../platform/db/index.js';

/** A parcel on its way to the customer. No personal column: the label lives at the carrier. */
export interface ShipmentTable {
  id: string;
  order_id: string;
  carrier: string;
  tracking_number: string;
  status: string;
  /** SHA-256 of the order id and the client's idempotency key; null when none was sent. */
  idempotency_key: string | null;
  created_by: string;
  created_at: number;
  updated_at: number;
}

/** One step of a shipment's history; each status is reached at most once. */
export interface ShipmentEventTable {
  shipment_id: string;
  status: string;
  at: number;
}

/** The built-in test carrier's own state: no label field is ever written here. */
export interface TestCarrierShipmentTable {
  tracking_number: string;
  status: string;
  created_at: number;
}

/** Tables of the shipping module. */
export type ShippingTables = {
  shipments: ShipmentTable;
  shipment_events: ShipmentEventTable;
  test_carrier_shipments: TestCarrierShipmentTable;
};

/** Creates `shipments`, `shipment_events` and the test carrier's `test_carrier_shipments`. */
export const shippingMigration: NamedMigration = {
  name: '0019_commerce_shipping',
  migration: {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('shipments')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('order_id', 'text', (col) => col.notNull())
        .addColumn('carrier', 'text', (col) => col.notNull())
        .addColumn('tracking_number', 'text', (col) => col.notNull())
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('idempotency_key', 'text')
        .addColumn('created_by', 'text', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .execute();
      // Also the index of every lookup by order (its leading column). Nulls are distinct
      // on both engines, so shipments without a key never collide.
      await db.schema
        .createIndex('shipments_order_idempotency')
        .on('shipments')
        .columns(['order_id', 'idempotency_key'])
        .unique()
        .execute();
      // One label is one shipment: the undo of a failed step looks a label up by it.
      await db.schema
        .createIndex('shipments_carrier_tracking')
        .on('shipments')
        .columns(['carrier', 'tracking_number'])
        .unique()
        .execute();
      await db.schema
        .createTable('shipment_events')
        .addColumn('shipment_id', 'text', (col) =>
          col.notNull().references('shipments.id').onDelete('cascade'),
        )
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('at', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('shipment_events_pk', ['shipment_id', 'status'])
        .execute();
      await db.schema
        .createTable('test_carrier_shipments')
        .addColumn('tracking_number', 'text', (col) => col.primaryKey())
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('test_carrier_shipments').execute();
      await db.schema.dropTable('shipment_events').execute();
      await db.schema.dropTable('shipments').execute();
    },
  },
};
