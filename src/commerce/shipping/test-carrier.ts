import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors/index.js';
import type { Carrier } from './carrier.js';
import type { ShippingLabel } from './shipping-label.js';
import type { ShippingTables } from './shipping-migration.js';
import { isShipmentStatus, type ShipmentStatus } from './shipment-status.js';
import { shippingErrors } from './shipping-errors.js';

/** The carrier name config selects (`CUSTODIA_CARRIER=test`) and shipments record. */
export const TEST_CARRIER_NAME = 'test';

/**
 * The tracking number for an idempotency key: the same key always yields the same number,
 * so a retried request finds its label again, and tests can predict it.
 */
export function testTrackingNumber(idempotencyKey: string): string {
  const digest = createHash('sha256').update(`custodia-test-carrier\0${idempotencyKey}`).digest();
  return `TST${digest.subarray(0, 8).toString('hex').toUpperCase()}`;
}

function hasText(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}

/**
 * The built-in carrier, a carrier's test mode inside the shop: it checks that a label
 * could be delivered, then keeps only what a tracking page needs (tracking number, status,
 * creation time) in its own table. The label's personal fields are never stored.
 */
export class TestCarrier implements Carrier {
  readonly name = TEST_CARRIER_NAME;

  constructor(
    private readonly db: Kysely<ShippingTables>,
    private readonly clock: Clock,
  ) {}

  /** Issues the key's tracking number; the label itself is only checked, never kept. */
  async createShipment(
    label: ShippingLabel,
    idempotencyKey: string,
  ): Promise<{ trackingNumber: string }> {
    if (!hasText(label['orders.contact_name']) || !hasText(label['orders.shipping_address'])) {
      throw new AppError(shippingErrors.CARRIER_LABEL_REFUSED);
    }
    const trackingNumber = testTrackingNumber(idempotencyKey);
    await this.db
      .insertInto('test_carrier_shipments')
      .values({ tracking_number: trackingNumber, status: 'label_created', created_at: this.now() })
      .onConflict((oc) => oc.column('tracking_number').doNothing())
      .execute();
    return { trackingNumber };
  }

  /** The status the test carrier holds for a tracking number. */
  async status(trackingNumber: string): Promise<ShipmentStatus> {
    const row = await this.db
      .selectFrom('test_carrier_shipments')
      .select('status')
      .where('tracking_number', '=', trackingNumber)
      .executeTakeFirst();
    if (row === undefined || !isShipmentStatus(row.status)) {
      throw new AppError(shippingErrors.CARRIER_TRACKING_UNKNOWN);
    }
    return row.status;
  }

  /** Voids a label: the tracking number is forgotten, as a carrier voids an unused label. */
  async cancel(trackingNumber: string): Promise<void> {
    await this.db
      .deleteFrom('test_carrier_shipments')
      .where('tracking_number', '=', trackingNumber)
      .execute();
  }

  /** Moves a parcel at the carrier, as its scans would: for demos and tests. */
  async advance(trackingNumber: string, status: ShipmentStatus): Promise<void> {
    const result = await this.db
      .updateTable('test_carrier_shipments')
      .set({ status })
      .where('tracking_number', '=', trackingNumber)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new AppError(shippingErrors.CARRIER_TRACKING_UNKNOWN);
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}
