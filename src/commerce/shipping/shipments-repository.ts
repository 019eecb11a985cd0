import { createHash } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { tablesOf } from '../../platform/db/index.js';
import type { ShipmentTable, ShippingTables } from './shipping-migration.js';
import { isShipmentStatus, SHIPMENT_STATUSES, type ShipmentStatus } from './shipment-status.js';

/** One step of a shipment's history. */
export interface ShipmentEvent {
  readonly status: ShipmentStatus;
  readonly at: Date;
}

/** A shipment as the shop records it: ids, codes and times, never label data. */
export interface ShipmentRecord {
  readonly id: string;
  readonly orderId: string;
  readonly carrier: string;
  readonly trackingNumber: string;
  readonly status: ShipmentStatus;
  /** Pseudonymous id of the staff member who shipped. */
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** Oldest first. */
  readonly events: readonly ShipmentEvent[];
}

/** What a new shipment is recorded with. */
export interface NewShipment {
  readonly shipmentId: string;
  readonly orderId: string;
  readonly carrier: string;
  readonly trackingNumber: string;
  readonly createdBy: string;
  /** The client's key, stored only as a digest bound to the order. */
  readonly idempotencyKey: string | null;
  readonly at: Date;
}

/** The stored form of an idempotency key: a digest, so no client text rests in the table. */
export function idempotencyDigest(orderId: string, key: string): string {
  return createHash('sha256').update(`${orderId}\0${key}`).digest('hex');
}

function statusOf(value: string): ShipmentStatus {
  // Only this module writes the column; anything else is a corrupted row, not a request error.
  if (!isShipmentStatus(value)) throw new Error('Unknown shipment status in the database');
  return value;
}

type Row = Selectable<ShipmentTable>;

/** Reads and writes of `shipments` and `shipment_events`. */
export class ShipmentsRepository {
  constructor(private readonly db: Kysely<ShippingTables>) {}

  /** Inserts the shipment and its first event in the caller's transaction. */
  async insert<DB>(trx: Transaction<DB>, shipment: NewShipment): Promise<void> {
    const db = tablesOf<ShippingTables>(trx);
    const at = shipment.at.getTime();
    await db
      .insertInto('shipments')
      .values({
        id: shipment.shipmentId,
        order_id: shipment.orderId,
        carrier: shipment.carrier,
        tracking_number: shipment.trackingNumber,
        status: 'label_created',
        idempotency_key:
          shipment.idempotencyKey === null
            ? null
            : idempotencyDigest(shipment.orderId, shipment.idempotencyKey),
        created_by: shipment.createdBy,
        created_at: at,
        updated_at: at,
      })
      .execute();
    await db
      .insertInto('shipment_events')
      .values({ shipment_id: shipment.shipmentId, status: 'label_created', at })
      .execute();
  }

  /**
   * Moves a shipment from `from` to `to` in the caller's transaction, only if it still is
   * at `from`; false when another request moved it first.
   */
  async move<DB>(
    trx: Transaction<DB>,
    shipmentId: string,
    from: ShipmentStatus,
    to: ShipmentStatus,
    at: Date,
  ): Promise<boolean> {
    const db = tablesOf<ShippingTables>(trx);
    const result = await db
      .updateTable('shipments')
      .set({ status: to, updated_at: at.getTime() })
      .where('id', '=', shipmentId)
      .where('status', '=', from)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) return false;
    await db
      .insertInto('shipment_events')
      .values({ shipment_id: shipmentId, status: to, at: at.getTime() })
      .execute();
    return true;
  }

  /** One shipment by id; inside a transaction, pass it (SQLite has one connection). */
  async get<DB>(shipmentId: string, trx?: Transaction<DB>): Promise<ShipmentRecord | undefined> {
    const db = trx === undefined ? this.db : tablesOf<ShippingTables>(trx);
    const row = await db
      .selectFrom('shipments')
      .selectAll()
      .where('id', '=', shipmentId)
      .executeTakeFirst();
    return row === undefined ? undefined : (await this.withEvents([row], db))[0];
  }

  /** The shipments of an order, oldest first. */
  async forOrder(orderId: string): Promise<ShipmentRecord[]> {
    const rows = await this.db
      .selectFrom('shipments')
      .selectAll()
      .where('order_id', '=', orderId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return this.withEvents(rows);
  }

  /** The shipment an earlier request with the same key made for this order. */
  async byIdempotencyKey(orderId: string, key: string): Promise<ShipmentRecord | undefined> {
    const row = await this.db
      .selectFrom('shipments')
      .selectAll()
      .where('order_id', '=', orderId)
      .where('idempotency_key', '=', idempotencyDigest(orderId, key))
      .executeTakeFirst();
    return row === undefined ? undefined : (await this.withEvents([row]))[0];
  }

  /** The shipment recorded for a carrier's label, if any. */
  async byTrackingNumber(
    carrier: string,
    trackingNumber: string,
  ): Promise<ShipmentRecord | undefined> {
    const row = await this.db
      .selectFrom('shipments')
      .selectAll()
      .where('carrier', '=', carrier)
      .where('tracking_number', '=', trackingNumber)
      .executeTakeFirst();
    return row === undefined ? undefined : (await this.withEvents([row]))[0];
  }

  private async withEvents(
    rows: readonly Row[],
    db: Kysely<ShippingTables> = this.db,
  ): Promise<ShipmentRecord[]> {
    if (rows.length === 0) return [];
    const events = await db
      .selectFrom('shipment_events')
      .select(['shipment_id', 'status', 'at'])
      .where(
        'shipment_id',
        'in',
        rows.map((row) => row.id),
      )
      .orderBy('at')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      orderId: row.order_id,
      carrier: row.carrier,
      trackingNumber: row.tracking_number,
      status: statusOf(row.status),
      createdBy: row.created_by,
      createdAt: new Date(Number(row.created_at)),
      updatedAt: new Date(Number(row.updated_at)),
      events: events
        .filter((event) => event.shipment_id === row.id)
        .map((event) => ({ status: statusOf(event.status), at: new Date(Number(event.at)) }))
        // Statuses only move forward, so within one millisecond their order is the tie-break.
        .sort(
          (a, b) =>
            a.at.getTime() - b.at.getTime() ||
            SHIPMENT_STATUSES.indexOf(a.status) - SHIPMENT_STATUSES.indexOf(b.status),
        ),
    }));
  }
}
