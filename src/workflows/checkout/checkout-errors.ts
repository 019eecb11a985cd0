import { defineErrors } from '../../platform/errors/index.js';

/**
 * Errors of checkout. A cart checked out concurrently answers the carts module's
 * CART_CHECKED_OUT, a provider failure the payments module's PAYMENT_PROVIDER_FAILED.
 */
export const checkoutErrors = defineErrors({
  PAYMENT_DECLINED: {
    status: 402,
    level: 'info',
    message: 'The card was declined; `details.reason` says why. Nothing was charged or ordered',
  },
  PAYMENT_TOKEN_INVALID: {
    status: 400,
    level: 'info',
    message: 'The payment token is not one the payment provider issued; tokenise the card again',
  },
  OUT_OF_STOCK: {
    status: 409,
    level: 'info',
    message:
      'Some variants are no longer in stock in the quantity asked for; `details.shortages` lists them. Nothing was charged or ordered',
  },
});
