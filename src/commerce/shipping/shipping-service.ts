import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { Carrier } from './carrier.js';
import type { ShippingTables } from './shipping-migration.js';
import {
  ShipmentsRepository,
  type NewShipment,
  type ShipmentRecord,
} from './shipments-repository.js';
import { canAdvance, type ShipmentStatus } from './shipment-status.js';

/** The result of a status update: the move made, or why none was. */
export type Advance =
  | { readonly ok: true; readonly from: ShipmentStatus; readonly shipment: ShipmentRecord }
  | { readonly ok: false; readonly reason: 'not_found' }
  | { readonly ok: false; readonly reason: 'not_forward'; readonly current: ShipmentStatus };

/**
 * Shipments and the carrier they go through (`services.shipping`). It records what the
 * shop needs to follow a parcel; the label's personal fields go to the carrier only.
 */
export class ShippingService {
  readonly #repository: ShipmentsRepository;

  constructor(
    db: Kysely<ShippingTables>,
    /** The carrier config selects; workflows hand it labels through this service. */
    readonly carrier: Carrier,
    private readonly clock: Clock,
  ) {
    this.#repository = new ShipmentsRepository(db);
  }

  /** Records a label the carrier issued, in the caller's transaction, at `label_created`. */
  async record<DB>(
    trx: Transaction<DB>,
    shipment: Omit<NewShipment, 'carrier' | 'at'>,
  ): Promise<void> {
    await this.#repository.insert(trx, {
      ...shipment,
      carrier: this.carrier.name,
      at: this.clock.now(),
    });
  }

  /**
   * Moves a shipment forward in the caller's transaction. Asking for the status it
   * already has is a move of nothing (`from` equals the status), so a repeated update is
   * harmless; a step back is refused.
   */
  async advance<DB>(
    trx: Transaction<DB>,
    shipmentId: string,
    to: ShipmentStatus,
  ): Promise<Advance> {
    const current = await this.#repository.get(shipmentId, trx);
    if (current === undefined) return { ok: false, reason: 'not_found' };
    if (current.status === to) return { ok: true, from: to, shipment: current };
    if (!canAdvance(current.status, to)) {
      return { ok: false, reason: 'not_forward', current: current.status };
    }
    const at = this.clock.now();
    const moved = await this.#repository.move(trx, shipmentId, current.status, to, at);
    // Another request moved it between the read and the update: decide again on its new
    // state. Statuses only move forward, so this ends within a few rounds.
    if (!moved) return this.advance(trx, shipmentId, to);
    const events = [...current.events, { status: to, at }];
    return {
      ok: true,
      from: current.status,
      shipment: { ...current, status: to, updatedAt: at, events },
    };
  }

  /** One shipment. */
  get(shipmentId: string): Promise<ShipmentRecord | undefined> {
    return this.#repository.get(shipmentId);
  }

  /** An order's shipments, oldest first. */
  forOrder(orderId: string): Promise<ShipmentRecord[]> {
    return this.#repository.forOrder(orderId);
  }

  /** The shipment an earlier request with this idempotency key made for the order. */
  byIdempotencyKey(orderId: string, key: string): Promise<ShipmentRecord | undefined> {
    return this.#repository.byIdempotencyKey(orderId, key);
  }

  /** The shipment recorded for a tracking number of this service's carrier. */
  byTrackingNumber(trackingNumber: string): Promise<ShipmentRecord | undefined> {
    return this.#repository.byTrackingNumber(this.carrier.name, trackingNumber);
  }
}
