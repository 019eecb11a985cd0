import type { ShippingLabel } from './shipping-label.js';
import type { ShipmentStatus } from './shipment-status.js';

/**
 * What a carrier adapter implements (DESIGN.md convention 6): the shop hands it a label
 * and an idempotency key, and asks it about a tracking number. A real carrier's adapter
 * sits behind this interface; the built-in test carrier is the default.
 */
export interface Carrier {
  /** The processor's name, recorded on shipments and in disclosure audit events. */
  readonly name: string;
  /**
   * Buys a label. The same idempotency key answers the same tracking number, so a retry
   * after a lost answer does not buy a second label. Throws when the carrier refuses or
   * cannot be reached.
   */
  createShipment(label: ShippingLabel, idempotencyKey: string): Promise<{ trackingNumber: string }>;
  /** Where the parcel is, as the carrier knows it. */
  status(trackingNumber: string): Promise<ShipmentStatus>;
  /** Undo of createShipment: voids a label that the shop never recorded. */
  cancel(trackingNumber: string): Promise<void>;
}
