import { defineErrors } from '../../platform/errors/index.js';

/** Errors of the orders module. */
export const ordersErrors = defineErrors({
  ORDER_NOT_FOUND: { status: 404, level: 'info', message: 'No such order' },
  ORDER_STATUS_CONFLICT: {
    status: 409,
    level: 'info',
    message: 'The order cannot move to that status from the one it is in',
  },
  ORDER_REFUND_EXCEEDS_TOTAL: {
    status: 409,
    level: 'warn',
    message: 'The refunds of an order cannot exceed its total',
  },
});
