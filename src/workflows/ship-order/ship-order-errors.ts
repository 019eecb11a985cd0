import { defineErrors } from '../../platform/errors/index.js';

/** Errors of shipping an order. */
export const shipOrderErrors = defineErrors({
  ORDER_NOT_SHIPPABLE: {
    status: 409,
    level: 'info',
    message: 'Only a paid order that has not been shipped can be shipped',
  },
  SHIPMENT_LABEL_DENIED: {
    status: 403,
    level: 'warn',
    message: 'Your roles do not allow handing this order’s delivery details to the carrier',
  },
  SHIPMENT_LABEL_ERASED: {
    status: 409,
    level: 'info',
    message: 'This order’s delivery details have been erased; it cannot be shipped',
  },
});
