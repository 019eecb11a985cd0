import { z } from 'zod';
import { ORDER_STATUSES } from '../../commerce/orders/index.js';
import { REFUND_REASONS } from '../../commerce/refunds/index.js';

/** `/admin/orders/:id/refunds` path. */
export const refundParams = z.strictObject({ id: z.string().min(1).max(64) });

/** `POST /admin/orders/:id/refunds`: an amount (all that is left when absent), a reason code, a key. */
export const refundBody = z.strictObject({
  amountMinor: z.int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  reason: z.enum(REFUND_REASONS),
  /** Any random value, such as a UUID: a repeat with the same key answers the same refund. */
  idempotencyKey: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{8,128}$/, {
      message: 'must be 8 to 128 letters, digits or _ . : -',
    })
    .optional(),
});

/** `201`: the refund, and where the order stands after it. */
export const refundReply = z.object({
  refundId: z.string(),
  amountMinor: z.number().int(),
  orderStatus: z.enum(ORDER_STATUSES),
  refundedMinor: z.number().int(),
});

/** One refund in a list: amounts, ids and a reason code only. */
export const refundView = z.object({
  id: z.string(),
  paymentId: z.string(),
  amountMinor: z.number().int(),
  currency: z.string(),
  reason: z.enum(REFUND_REASONS),
  createdBy: z.string(),
  providerRefundId: z.string(),
  createdAt: z.string(),
});

/** `GET /admin/orders/:id/refunds`. */
export const refundListReply = z.object({
  orderId: z.string(),
  currency: z.string(),
  capturedMinor: z.number().int(),
  refundedMinor: z.number().int(),
  refunds: z.array(refundView),
});
