import { z } from 'zod';
import { ORDER_STATUSES } from '../../commerce/orders/index.js';
import { SHIPMENT_STATUSES, UPDATABLE_STATUSES } from '../../commerce/shipping/index.js';

/** An order id in a path; any shape is accepted here and answered 404 when it names nothing. */
export const orderParams = z.strictObject({ id: z.string().min(1).max(64) });

/** A shipment id in a path. */
export const shipmentParams = z.strictObject({ id: z.string().min(1).max(64) });

/** `POST /admin/orders/:id/shipments`: an optional idempotency key, nothing else. */
export const shipBody = z.strictObject({
  // A token, not text: it is hashed before it is stored, but it should carry nothing anyway.
  idempotencyKey: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{8,128}$/, 'must be 8 to 128 letters, digits or _ . : -')
    .optional(),
});

/** `PATCH /admin/shipments/:id`: where the parcel is now. */
export const updateBody = z.strictObject({ status: z.enum(UPDATABLE_STATUSES) });

/** What a shipment request and a status update answer. */
export const shipmentReply = z.object({
  shipmentId: z.string(),
  trackingNumber: z.string(),
  status: z.enum(SHIPMENT_STATUSES),
  orderStatus: z.enum(ORDER_STATUSES),
});

/** One shipment of an order, with its history; no personal data. */
export const shipmentView = z.object({
  id: z.string(),
  orderId: z.string(),
  carrier: z.string(),
  trackingNumber: z.string(),
  status: z.enum(SHIPMENT_STATUSES),
  createdAt: z.string(),
  updatedAt: z.string(),
  events: z.array(z.object({ status: z.enum(SHIPMENT_STATUSES), at: z.string() })),
});
