import { isAppError } from '../../../platform/errors/index.js';
import type { CheckoutDeps } from '../checkout-deps.js';
import {
  CHECKOUT_ACTOR,
  need,
  type CheckoutFailure,
  type CheckoutState,
} from '../checkout-state.js';
import { DONE, type Step } from '../step-runner.js';

/**
 * Authorises the cart's total on the shopper's token, before anything is written: a
 * declined card leaves no trace but the provider's own record. The idempotency key is
 * derived from the cart and this attempt's order id, so a retried provider call is safe
 * while two attempts on one cart never share an authorisation (the loser's undo must not
 * void the winner's). Undo: void.
 */
export function authorisePayment(deps: CheckoutDeps): Step<CheckoutState, CheckoutFailure> {
  return {
    name: 'authorise-payment',
    run: async (state) => {
      const cart = need(state.cart, 'cart');
      const idempotencyKey = `checkout:${cart.id}:${state.orderId}`;
      let result;
      try {
        result = await deps.payments.authorise({
          token: state.request.form.paymentToken,
          amountMinor: cart.totalMinor,
          currency: cart.currency,
          idempotencyKey,
        });
      } catch (error) {
        if (isAppError(error)) throw error;
        // An adapter that throws (network, timeout) is the provider failing, not us.
        deps.logger.warn({ err: error, cartId: cart.id }, 'payment authorisation failed');
        return { ok: false, failure: { kind: 'payment_failed', stage: 'authorise' } };
      }
      if (!result.ok) {
        switch (result.reason) {
          case 'processing_error':
            return { ok: false, failure: { kind: 'payment_failed', stage: 'authorise' } };
          case 'invalid_token':
            return { ok: false, failure: { kind: 'payment_token_invalid' } };
          default:
            return { ok: false, failure: { kind: 'payment_declined', reason: result.reason } };
        }
      }
      state.authorisation = { ...result, idempotencyKey };
      return DONE;
    },
    undo: async (state) => {
      const authorisation = need(state.authorisation, 'authorisation');
      await deps.payments.voidAuthorisation(
        authorisation.authorisationId,
        `${authorisation.idempotencyKey}:void`,
        { actor: CHECKOUT_ACTOR, requestId: state.request.requestId },
      );
    },
  };
}
