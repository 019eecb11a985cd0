import type { CheckoutDeps } from '../checkout-deps.js';
import type { CheckoutFailure, CheckoutState } from '../checkout-state.js';
import { DONE, type Step } from '../step-runner.js';

/**
 * Prices the cart now for the delivery country (tax depends on it). The carts module
 * refuses an unknown, foreign, expired, empty or already checked-out cart with its own
 * errors; nothing has happened yet, so there is nothing to undo.
 */
export function loadCart(deps: CheckoutDeps): Step<CheckoutState, CheckoutFailure> {
  return {
    name: 'load-cart',
    run: async (state) => {
      const { cartId, customerId, form } = state.request;
      state.cart = await deps.carts.forCheckout(cartId, customerId, form.shippingAddress.country);
      return DONE;
    },
  };
}
