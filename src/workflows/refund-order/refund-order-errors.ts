import { defineErrors } from '../../platform/errors/index.js';

/** Errors of `POST /admin/orders/:id/refunds`: amounts and codes in details, nothing personal. */
export const refundOrderErrors = defineErrors({
  REFUND_ORDER_NOT_PAID: {
    status: 409,
    level: 'info',
    message: 'The order has not been paid, or was cancelled: there is nothing to refund',
  },
  REFUND_PAYMENT_NOT_CAPTURED: {
    status: 409,
    level: 'info',
    message: 'The order’s payment is authorised but not captured: void it instead of refunding',
  },
  REFUND_EXCEEDS_CAPTURED: {
    status: 409,
    level: 'info',
    message: 'The refunds of an order cannot exceed what was captured',
  },
  REFUND_IDEMPOTENCY_KEY_REUSED: {
    status: 409,
    level: 'warn',
    message: 'This idempotency key was used for another refund request; use a new key',
  },
});
